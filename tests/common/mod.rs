//! What several integration tests share: running git in a temporary repository, and running
//! the pvlint binary (which also proves, on every run, that pvlint never writes to the tree it
//! checks).

#![allow(
    clippy::expect_used,
    reason = "test support: a git or pvlint that cannot run fails the test"
)]
#![allow(dead_code, reason = "each test crate uses a part of this module")]

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
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

/// Runs the pvlint binary in `dir`, without colour, and asserts that it left the tree under
/// `dir` as it found it (pvlint is read-only: only the files its `--format FORMAT=FILE`
/// arguments name may change).
pub fn pvlint(dir: &Path, args: &[&str]) -> Output {
    pvlint_with(dir, args, |_| {})
}

/// [`pvlint`], with the command adjusted first (its environment, say).
pub fn pvlint_with(dir: &Path, args: &[&str], adjust: impl FnOnce(&mut Command)) -> Output {
    let outputs: Vec<PathBuf> = args
        .windows(2)
        .filter(|pair| pair[0] == "--format")
        .filter_map(|pair| pair[1].split_once('=').map(|(_, path)| dir.join(path)))
        .collect();
    let before = tree_state(dir, &outputs);
    let mut command = Command::new(env!("CARGO_BIN_EXE_pvlint"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    adjust(&mut command);
    let output = command.output().expect("pvlint runs");
    let after = tree_state(dir, &outputs);
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert!(
        changed.is_empty(),
        "pvlint {args:?} changed the tree under {}: {changed:?}",
        dir.display()
    );
    output
}

/// Every entry under `dir` (symbolic links not followed) with a hash of its type and content;
/// `skip` and what other tools write while tests run (build outputs, a fuzzer's corpora) left
/// out.
pub fn tree_state(dir: &Path, skip: &[PathBuf]) -> BTreeMap<String, u64> {
    let mut state = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let generated = ["target", "node_modules", "corpus", "artifacts", "coverage"];
            if generated.iter().any(|generated| name == *generated) || skip.contains(&path) {
                continue;
            }
            let Ok(metadata) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let mut hasher = DefaultHasher::new();
            if metadata.is_dir() {
                "dir".hash(&mut hasher);
                pending.push(path.clone());
            } else if metadata.is_file() {
                std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
            } else {
                std::fs::read_link(&path).ok().hash(&mut hasher);
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            state.insert(relative.to_string_lossy().into_owned(), hasher.finish());
        }
    }
    state
}
