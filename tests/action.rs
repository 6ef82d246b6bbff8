//! The GitHub Action (`action.yml`): it validates against GitHub's action metadata schema, its
//! inputs reach scripts only through `env:` (no `${{ }}` inside a `run:` script: script
//! injection), and its steps run the way a runner runs a composite action — a temporary
//! repository with a base and a head commit, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`,
//! `GITHUB_PATH`, `GITHUB_ACTION_PATH` and `RUNNER_TEMP` set, each `run:` step executed with
//! bash and its `env:` expressions evaluated.
//!
//! `.ci/run` installs `check-jsonschema`; elsewhere the schema test runs when it is on PATH and
//! fails when `CI` is set and it is not.

#![allow(clippy::unwrap_used, reason = "tests: failures should be loud")]

mod common;

use common::git;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pvlint::load::tree::Node;
use pvlint::load::yaml::{Dialect, Limits, parse};
use pvlint::source::FileId;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> Node {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    parse(FileId::default(), &text, Dialect::Yaml, Limits::default())
        .documents
        .into_iter()
        .find_map(|document| document.root)
        .unwrap()
}

fn steps(action: &Node) -> Vec<&Node> {
    action
        .path(&["runs", "steps"])
        .unwrap()
        .as_sequence()
        .unwrap()
        .iter()
        .collect()
}

#[test]
fn action_yml_matches_github_action_metadata_schema() {
    let found = Command::new("check-jsonschema")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must install check-jsonschema (.ci/run does)"
    );
    if !found {
        return;
    }
    let output = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.github-actions", "action.yml"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn inputs_reach_scripts_only_through_env() {
    let action = action();
    for step in steps(&action) {
        if let Some(script) = step.get("run").and_then(Node::as_str) {
            assert!(
                !script.contains("${{"),
                "a `run:` script expands an expression (script injection): {script}"
            );
        }
    }
    for script in ["action/install.sh", "action/check.sh"] {
        let text = std::fs::read_to_string(root().join(script)).unwrap();
        assert!(
            !text.contains("${{"),
            "{script} holds a workflow expression"
        );
    }
}

/// Evaluates the expressions the action's `env:` and `if:` use.
fn evaluate(expression: &str, inputs: &BTreeMap<String, String>, temp: &Path) -> String {
    let mut out = String::new();
    let mut rest = expression;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").unwrap() + start;
        let inner = rest[start + 3..end].trim();
        out.push_str(&match inner.strip_prefix("inputs.") {
            Some(name) => inputs.get(name).cloned().unwrap_or_default(),
            None if inner == "runner.temp" => temp.display().to_string(),
            None => panic!("the test does not evaluate `{inner}`"),
        });
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A repository whose head commit makes a claim shrink and name a misspelt class.
fn pull_request_repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    // Base: a class and a claim. Head: the claim shrinks and names a misspelt class.
    let class = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast-ssd}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n";
    let claim = |class: &str, size: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data}}\nspec:\n  storageClassName: {class}\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: {size}}}}}\n"
        )
    };
    git(repo.path(), &["init", "-q"]);
    std::fs::write(repo.path().join("classes.yaml"), class).unwrap();
    std::fs::write(repo.path().join("claim.yaml"), claim("fast-ssd", "10Gi")).unwrap();
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);
    std::fs::write(repo.path().join("claim.yaml"), claim("fast-sdd", "5Gi")).unwrap();
    git(repo.path(), &["commit", "-q", "-am", "head"]);
    repo
}

#[test]
fn the_composite_steps_run_like_a_runner_runs_them() {
    let action = action();
    let repo = pull_request_repository();
    let temp = tempfile::tempdir().unwrap();

    let mut inputs: BTreeMap<String, String> = action
        .entries("inputs")
        .map(|entry| {
            let default = entry
                .value
                .get("default")
                .and_then(Node::as_str)
                .unwrap_or("");
            (entry.key_text().unwrap().to_owned(), default.to_owned())
        })
        .collect();
    inputs.insert("version".to_owned(), "path".to_owned());
    inputs.insert("base-ref".to_owned(), "HEAD~1".to_owned());
    inputs.insert(
        "sarif-file".to_owned(),
        temp.path().join("pvlint.sarif").display().to_string(),
    );

    let files = ["GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"];
    for name in files {
        std::fs::write(temp.path().join(name), "").unwrap();
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_pvlint"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut last = None;
    for step in steps(&action) {
        if let Some(condition) = step.get("if").and_then(Node::as_str)
            && condition.contains("inputs.version == 'source'")
            && inputs["version"] != "source"
        {
            continue;
        }
        let Some(script) = step.get("run").and_then(Node::as_str) else {
            continue;
        };
        let mut command = Command::new("bash");
        command
            .args(["-e", "-c", script])
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("GITHUB_ACTION_PATH", root())
            .env("RUNNER_TEMP", temp.path())
            .env("NO_COLOR", "1");
        for name in files {
            command.env(name, temp.path().join(name));
        }
        for entry in step.entries("env") {
            let value = evaluate(entry.value.as_str().unwrap_or(""), &inputs, temp.path());
            command.env(entry.key_text().unwrap(), value);
        }
        last = Some(command.output().unwrap());
    }
    let output = last.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Errors at the fail level fail the step.
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Annotations: the class typo, the class change and the shrink, on the head file.
    assert!(
        stdout.contains("::error file=claim.yaml,line=5,"),
        "{stdout}"
    );
    assert!(stdout.contains("PVL201"), "{stdout}");
    assert!(stdout.contains("PVL701"), "{stdout}");
    assert!(stdout.contains("PVL703"), "{stdout}");
    // Outputs.
    let outputs = std::fs::read_to_string(temp.path().join("GITHUB_OUTPUT")).unwrap();
    assert!(outputs.contains("errors=3"), "{outputs}");
    assert!(outputs.contains("findings="), "{outputs}");
    assert!(outputs.contains("sarif-file="), "{outputs}");
    // SARIF with both results.
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(temp.path().join("pvlint.sarif")).unwrap())
            .unwrap();
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"PVL201") && rules.contains(&"PVL701"),
        "{rules:?}"
    );
    // The job summary with its storage graph.
    let summary = std::fs::read_to_string(temp.path().join("GITHUB_STEP_SUMMARY")).unwrap();
    assert!(summary.contains("PVL701"), "{summary}");
    assert!(summary.contains("```mermaid"), "{summary}");
}
