//! The pre-commit hooks under the real `pre-commit` (PyPI), in a temporary git repository:
//! a commit with an error in a staged manifest fails, a clean one passes, and a claim in a
//! changed file resolves its class in an unchanged one (`--context .`).
//!
//! `.ci/run` installs `pre-commit`; elsewhere the tests run when it is on PATH, and fail when
//! `CI` is set and it is not, so CI always runs them.

#![allow(clippy::unwrap_used, reason = "tests: failures should be loud")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pre_commit_available() -> bool {
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must install pre-commit (.ci/run does)"
    );
    found
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
        .env("NO_COLOR", "1")
        // The rust hook's `cargo install` builds pvlint in release: what is under test is that
        // the hook builds and runs, not the optimiser, so an unoptimised build keeps CI short.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "-c",
        "user.name=pvlint",
        "-c",
        "user.email=pvlint@example.com",
        "-c",
        "commit.gpgsign=false",
    ];
    all.extend_from_slice(args);
    run(dir, "git", &all)
}

const CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast-ssd}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n";

fn claim(class: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data}}\nspec:\n  storageClassName: {class}\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: app}}\nspec:\n  containers: [{{name: app, image: busybox:1.36, volumeMounts: [{{name: data, mountPath: /data}}]}}]\n  volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]\n"
    )
}

/// A repository with the class committed, and the hook configured as `config`.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    std::fs::write(dir.path().join("infra/classes.yaml"), CLASS).unwrap();
    std::fs::write(dir.path().join(".pre-commit-config.yaml"), config).unwrap();
    git(dir.path(), &["add", "-A"]);
    assert!(
        git(dir.path(), &["commit", "-q", "--no-verify", "-m", "base"])
            .status
            .success()
    );
    dir
}

/// Stages `claim.yaml` with `class` and runs the hooks on the staged files.
fn commit_claim(repo: &Path, class: &str) -> Output {
    std::fs::write(repo.join("claim.yaml"), claim(class)).unwrap();
    git(repo, &["add", "claim.yaml"]);
    run(repo, "pre-commit", &["run"])
}

fn assert_hook(config: &str) {
    let repo = repository(config);
    let clean = commit_claim(repo.path(), "fast-ssd");
    assert!(
        clean.status.success(),
        "a clean claim must pass:\n{}{}",
        String::from_utf8_lossy(&clean.stdout),
        String::from_utf8_lossy(&clean.stderr)
    );
    let broken = commit_claim(repo.path(), "fast-sdd");
    let output = String::from_utf8_lossy(&broken.stdout);
    assert!(
        !broken.status.success(),
        "a class typo must fail:\n{output}"
    );
    assert!(output.contains("PVL201"), "{output}");
    assert!(output.contains("did you mean `fast-ssd`?"), "{output}");
}

#[test]
fn the_system_hook_fails_an_error_and_passes_a_clean_commit() {
    if !pre_commit_available() {
        return;
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_pvlint"));
    let bin_dir = binary.parent().unwrap().to_string_lossy().into_owned();
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    assert!(hooks.contains("id: pvlint-system"));
    // A local repository entry that runs the same hook definition with our binary on PATH.
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: pvlint-system\n    name: pvlint (installed)\n    entry: {bin_dir}/pvlint check --context .\n    language: system\n    types_or: [yaml, json]\n    require_serial: true\n"
    );
    assert_hook(&config);
}

#[test]
fn the_rust_hook_builds_pvlint_and_checks() {
    if !pre_commit_available() {
        return;
    }
    // pre-commit clones this repository at HEAD and builds it with cargo: the hook definition
    // under test is the committed `.pre-commit-hooks.yaml`.
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(source)
        .output()
        .unwrap();
    let revision = String::from_utf8_lossy(&head.stdout).trim().to_owned();
    let config = format!(
        "repos:\n- repo: {}\n  rev: {revision}\n  hooks:\n  - id: pvlint\n",
        source.display()
    );
    assert_hook(&config);
}
