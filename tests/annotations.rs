//! `--format github`: workflow commands as the Actions runner reads them, the 10-per-level
//! cap with its closing notice, and findings in changed files first in PR mode.

#![allow(
    clippy::unwrap_used,
    reason = "end-to-end tests: a failing call should fail the test loudly"
)]

mod common;

use common::{git, pvlint};

use std::fmt::Write as _;
use std::path::Path;

fn github(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--no-config", "--format", "github"];
    all.extend_from_slice(args);
    let output = pvlint(dir, &all);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    for line in stdout.lines() {
        assert!(
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|command| line.starts_with(command)),
            "not a workflow command: {line}"
        );
    }
    stdout.lines().map(str::to_owned).collect()
}

/// The `file=` property of a command.
fn file(line: &str) -> &str {
    line.split_once("file=")
        .and_then(|(_, rest)| rest.split([',', ':']).next())
        .unwrap_or("")
}

#[test]
fn golden_annotations_of_the_basic_repository() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/basic");
    let lines = github(&dir, &["."]);
    insta::assert_snapshot!("basic_github", lines.join("\n"));
}

/// The properties of a command, by name.
fn property<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let properties = line.split("::").nth(1)?.split_once(' ')?.1;
    properties
        .split(',')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

#[test]
fn columns_only_for_single_line_spans() {
    let dir = tempfile::tempdir().unwrap();
    // A quoted class name folded over two lines: the finding spans both.
    std::fs::write(
        dir.path().join("claims.yaml"),
        format!(
            "{CLASS}---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data}}\nspec:\n  storageClassName: \"fast-\n    sdd\"\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
        ),
    )
    .unwrap();
    let lines = github(dir.path(), &["--select", "PVL201", "."]);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let line = &lines[0];
    assert_eq!(property(line, "line"), Some("10"), "{line}");
    assert_eq!(property(line, "endLine"), Some("11"), "{line}");
    assert_eq!(property(line, "col"), None, "{line}");
    assert_eq!(property(line, "endColumn"), None, "{line}");

    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for line in github(&examples, &["."]) {
        let single = property(&line, "line") == property(&line, "endLine");
        assert_eq!(property(&line, "col").is_some(), single, "{line}");
        assert_eq!(property(&line, "endColumn").is_some(), single, "{line}");
        assert!(property(&line, "title").is_some(), "{line}");
    }
}

const CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast-ssd}\nprovisioner: ebs.csi.aws.com\n";

fn claims(prefix: &str, count: usize) -> String {
    let mut text = String::new();
    for n in 0..count {
        write!(
            text,
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {prefix}-{n}}}\nspec:\n  storageClassName: fast-sdd\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
        )
        .unwrap();
    }
    text
}

#[test]
fn at_most_ten_annotations_per_level_then_a_notice_counting_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("classes.yaml"), CLASS).unwrap();
    std::fs::write(dir.path().join("claims.yaml"), claims("data", 13)).unwrap();
    let lines = github(dir.path(), &["--select", "PVL201", "."]);
    assert_eq!(lines.len(), 11, "{lines:#?}");
    assert!(lines[..10].iter().all(|line| line.starts_with("::error ")));
    let notice = lines.last().unwrap();
    assert!(
        notice.starts_with("::notice title=pvlint%3A more findings::"),
        "{notice}"
    );
    assert!(
        notice.contains("3 more findings are not shown as annotations (3 errors)"),
        "{notice}"
    );
    assert!(notice.contains("SARIF"), "{notice}");
    assert!(notice.contains("job summary"), "{notice}");
    assert!(notice.contains("`pvlint check`"), "{notice}");
}

#[test]
fn exactly_ten_need_no_notice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("classes.yaml"), CLASS).unwrap();
    std::fs::write(dir.path().join("claims.yaml"), claims("data", 10)).unwrap();
    let lines = github(dir.path(), &["--select", "PVL201", "."]);
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().all(|line| line.starts_with("::error ")));
}

#[test]
fn findings_in_changed_files_come_first_in_pr_mode() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("classes.yaml"), CLASS).unwrap();
    // `a-old.yaml` sorts first and is unchanged; `b-edited.yaml` changes; `c-new.yaml` is new.
    std::fs::write(dir.path().join("a-old.yaml"), claims("old", 12)).unwrap();
    std::fs::write(dir.path().join("b-edited.yaml"), claims("edited", 1)).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    std::fs::write(
        dir.path().join("b-edited.yaml"),
        format!("# edited\n{}", claims("edited", 1)),
    )
    .unwrap();
    std::fs::write(dir.path().join("c-new.yaml"), claims("new", 1)).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "head"]);

    let without_base = github(dir.path(), &["--select", "PVL201", "."]);
    assert_eq!(file(&without_base[0]), "a-old.yaml");

    let lines = github(dir.path(), &["--select", "PVL201", "--base", "HEAD~1", "."]);
    let files: Vec<&str> = lines.iter().map(|line| file(line)).collect();
    assert_eq!(files[..2], ["b-edited.yaml", "c-new.yaml"], "{lines:#?}");
    assert!(files[2..10].iter().all(|file| *file == "a-old.yaml"));
    assert_eq!(lines.len(), 11);
    assert!(lines[10].contains("4 more findings"), "{}", lines[10]);
}

#[test]
fn base_revision_findings_name_the_revision_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let class = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp3}\nprovisioner: ebs.csi.aws.com\n";
    std::fs::write(dir.path().join("classes.yaml"), class).unwrap();
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: orders}\nspec:\n  storageClassName: gp3\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    std::fs::write(dir.path().join("claims.yaml"), claim).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    std::fs::write(dir.path().join("claims.yaml"), "# gone\n").unwrap();
    git(dir.path(), &["commit", "-q", "-am", "head"]);

    let lines = github(dir.path(), &["--select", "PVL705", "--base", "HEAD~1", "."]);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let line = &lines[0];
    // The file of the working tree, without the base revision's lines.
    assert!(
        line.starts_with("::warning file=claims.yaml,title=PVL705 "),
        "{line}"
    );
    assert!(
        line.contains("%0Aat the base revision `HEAD~1`: HEAD~1:claims.yaml:3:"),
        "{line}"
    );
}

#[test]
fn input_errors_come_first() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/basic");
    let output = pvlint(
        &dir,
        &[
            "check",
            "--no-config",
            "--format",
            "github",
            ".",
            "missing.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::error title=pvlint%3A input error::missing.yaml: "),
        "{stdout}"
    );
    assert!(
        stdout.lines().nth(1).unwrap().contains("PVL201"),
        "{stdout}"
    );
}
