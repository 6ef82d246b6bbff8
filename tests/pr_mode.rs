//! PR mode end to end: `--base` reads the base revision from git, `--new-only` keeps what the
//! change introduces, and git problems are clear errors (exit 2).

#![allow(clippy::unwrap_used, reason = "tests: failures should be loud")]

mod common;

use common::{git, pvlint};

use std::path::Path;
use std::process::{Command, Output};

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

const CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast-ssd}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n";

fn claim(name: &str, class: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\nspec:\n  storageClassName: {class}\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
    )
}

/// A repository whose base revision has one finding (a class typo in `old`).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("classes.yaml"), CLASS).unwrap();
    std::fs::write(dir.path().join("claims.yaml"), claim("old", "fast-sdd")).unwrap();
    commit_all(dir.path(), "base");
    dir
}

fn codes_and_lines(output: &Output) -> Vec<(String, u64)> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| {
            (
                format!(
                    "{} {}",
                    diagnostic["code"].as_str().unwrap(),
                    diagnostic["object"]["name"]
                ),
                diagnostic["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn new_only_reports_only_what_the_change_introduces_even_when_lines_moved() {
    let repo = repository();
    // The change shifts every line of the old claim and adds a claim with the same typo.
    let head = format!(
        "# a comment\n# and another\n{}{}",
        claim("old", "fast-sdd"),
        claim("new", "fast-sdd")
    );
    std::fs::write(repo.path().join("claims.yaml"), head).unwrap();
    commit_all(repo.path(), "head");

    let all = pvlint(
        repo.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "PVL201",
            "--format",
            "json",
            "--base",
            "HEAD~1",
            ".",
        ],
    );
    assert_eq!(
        codes_and_lines(&all).len(),
        2,
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );

    let new = pvlint(
        repo.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "PVL201",
            "--format",
            "json",
            "--base",
            "HEAD~1",
            "--new-only",
            ".",
        ],
    );
    assert_eq!(new.status.code(), Some(1));
    assert_eq!(codes_and_lines(&new), [("PVL201 \"new\"".to_owned(), 16)]);
}

#[test]
fn the_base_is_read_from_git_objects_not_the_work_tree() {
    let repo = repository();
    // An uncommitted fix in the work tree: the base revision still has the typo.
    std::fs::write(repo.path().join("claims.yaml"), claim("old", "fast-ssd")).unwrap();
    let output = pvlint(
        repo.path(),
        &[
            "check",
            "--no-config",
            "--select",
            "PVL201",
            "--format",
            "json",
            "--base",
            "HEAD",
            "--new-only",
            ".",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&status.stdout).trim(),
        "M claims.yaml"
    );
}

#[test]
fn a_shallow_clone_without_the_base_commit_fails_with_a_hint() {
    let repo = repository();
    std::fs::write(repo.path().join("claims.yaml"), claim("old", "fast-ssd")).unwrap();
    commit_all(repo.path(), "head");
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &source, "shallow"],
    );
    let output = pvlint(
        &clone.path().join("shallow"),
        &["check", "--no-config", "--base", "HEAD~1", "."],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown revision `HEAD~1`"), "{stderr}");
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
}

#[test]
fn base_outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("claims.yaml"), claim("a", "x")).unwrap();
    let output = pvlint(dir.path(), &["check", "--no-config", "--base", "main", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs a git repository"));
}

#[test]
fn new_only_needs_a_base() {
    let dir = tempfile::tempdir().unwrap();
    let output = pvlint(dir.path(), &["check", "--new-only", "."]);
    assert_eq!(output.status.code(), Some(2));
}
