//! What several integration tests share: running git in a temporary repository, and running
//! the pvlint binary.

#![allow(
    clippy::expect_used,
    reason = "test support: a git or pvlint that cannot run fails the test"
)]
#![allow(dead_code, reason = "each test crate uses a part of this module")]

use std::path::Path;
use std::process::{Command, Output};

/// Runs git in `dir` with a fixed identity and no signing, and asserts it succeeds.
pub fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=pvlint",
            "-c",
            "user.email=pvlint@example.com",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs the pvlint binary in `dir`, without colour.
pub fn pvlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pvlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("pvlint runs")
}
