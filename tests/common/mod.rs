//! What several integration tests share: running git in a temporary repository.

#![allow(
    clippy::expect_used,
    reason = "test support: a git that cannot run fails the test"
)]

use std::path::Path;
use std::process::Command;

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
