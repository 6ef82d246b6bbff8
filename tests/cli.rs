//! End-to-end tests of the binary: exit statuses, every format, stdin, config and backend
//! model errors.

#![allow(
    clippy::unwrap_used,
    reason = "end-to-end tests: a failing call should fail the test loudly"
)]

mod common;

use common::pvlint;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn findings_exit_one_and_render_human_output() {
    let output = pvlint(&cases().join("basic"), &["check", "--no-config", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!("basic_human", stdout(&output));
}

#[test]
fn check_is_the_default_subcommand() {
    let output = pvlint(&cases().join("basic"), &["--no-config", "."]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn json_output_is_the_documented_document() {
    let output = pvlint(
        &cases().join("basic"),
        &["check", "--no-config", "--format", "json", "."],
    );
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["version"], 1);
    let first = &json["diagnostics"][0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "help",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "object",
        "labels",
    ] {
        assert!(
            first.get(key).is_some(),
            "diagnostic lacks `{key}`: {first}"
        );
    }
    insta::assert_snapshot!("basic_json", stdout(&output));
}

#[test]
fn a_format_can_be_written_to_a_file_next_to_another() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let spec = format!("json={}", report.display());
    let output = pvlint(
        &cases().join("basic"),
        &[
            "check",
            "--no-config",
            "--format",
            "human",
            "--format",
            &spec,
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("PVL201"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(written["summary"]["errors"], 1);
}

#[test]
fn clean_input_exits_zero() {
    let output = pvlint(&cases().join("basic"), &["check", "--no-config", "infra"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("No findings in 1 file."));
}

#[test]
fn fail_level_decides_what_fails() {
    // With PVL201 configured as a warning, its finding fails only at `--fail-level warning`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".pvlint.yaml"),
        "rules:\n  PVL201: warning\n",
    )
    .unwrap();
    std::fs::copy(
        cases().join("basic/app/claims.yaml"),
        dir.path().join("claims.yaml"),
    )
    .unwrap();
    std::fs::copy(
        cases().join("basic/infra/classes.yaml"),
        dir.path().join("classes.yaml"),
    )
    .unwrap();
    let at = |level: &str| pvlint(dir.path(), &["check", "--fail-level", level, "."]);
    assert_eq!(
        at("error").status.code(),
        Some(0),
        "{}",
        stdout(&at("error"))
    );
    assert_eq!(at("warning").status.code(), Some(1));
    assert_eq!(at("info").status.code(), Some(1));
    assert!(stdout(&at("error")).contains("Found 1 warning"));
}

#[test]
fn stdin_is_read_with_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pvlint"))
        .args([
            "check",
            "--no-config",
            "--select",
            "PVL201",
            "--format",
            "json",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\nspec:\n  storageClassName: fast-sdd\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast-ssd}\nprovisioner: x\n";
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "-");
    assert_eq!(json["diagnostics"][0]["line"], 5);
}

#[test]
fn a_bad_config_is_an_error_pointing_into_it() {
    let output = pvlint(&cases().join("bad-config"), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown key `defualt-namespace`"), "{err}");
    assert!(err.contains("did you mean `default-namespace`?"), "{err}");
    assert!(err.contains(".pvlint.yaml:4:1"), "{err}");
}

#[test]
fn a_broken_backend_model_is_an_error_pointing_into_it() {
    let output = pvlint(
        &cases().join("backends"),
        &[
            "check",
            "--no-config",
            "--backend",
            "broken.yaml",
            "claim.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown key `topolgy`"), "{err}");
    assert!(err.contains("did you mean `topology`?"), "{err}");
    assert!(err.contains("broken.yaml:3:1"), "{err}");
}

#[test]
fn config_backends_are_relative_to_the_config() {
    let dir = cases().join("backends");
    let good = pvlint(
        &dir,
        &["check", "--config", "conf/pvlint.yaml", "claim.yaml"],
    );
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    let broken = pvlint(
        &dir,
        &["check", "--config", "conf/broken-config.yaml", "claim.yaml"],
    );
    assert_eq!(broken.status.code(), Some(2));
    let err = stderr(&broken);
    assert!(
        err.contains("`RWX` is not a Kubernetes access mode"),
        "{err}"
    );
    assert!(err.contains("conf/broken-model.yaml:4:16"), "{err}");
}

#[test]
fn an_unreadable_backend_file_exits_two() {
    let output = pvlint(
        &cases().join("backends"),
        &[
            "check",
            "--no-config",
            "--backend",
            "nope.yaml",
            "claim.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope.yaml"));
}

#[test]
fn an_unknown_selector_is_a_usage_error() {
    let output = pvlint(
        &cases().join("basic"),
        &["check", "--no-config", "--select", "PVL999", "."],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("selects no rule"));
}

#[test]
fn a_missing_path_is_reported_and_exits_two() {
    let output = pvlint(
        &cases().join("basic"),
        &["check", "--no-config", "infra", "nope.yaml"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("nope.yaml"), "{}", stdout(&output));
}

#[test]
fn context_files_resolve_but_are_not_reported() {
    // The claim's class typo is in `app/`; checking only `infra/` with `app/` as context
    // reports nothing.
    let output = pvlint(
        &cases().join("basic"),
        &["check", "--no-config", "--context", "app", "infra"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn rules_lists_every_rule_and_rule_shows_docs() {
    let list = pvlint(&cases(), &["rules"]);
    assert_eq!(list.status.code(), Some(0));
    assert!(stdout(&list).contains("PVL201"));
    let json = pvlint(&cases(), &["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        rules.as_array().unwrap().len(),
        pvlint::rules::ALL.len() + pvlint::policy::shipped().len()
    );
    let doc = pvlint(&cases(), &["rule", "PVL201"]);
    assert!(stdout(&doc).contains("## What it does"));
    let by_name = pvlint(&cases(), &["rule", "pvc-storage-class-not-found"]);
    assert_eq!(stdout(&by_name), stdout(&doc));
    assert_eq!(pvlint(&cases(), &["rule", "PVL999"]).status.code(), Some(2));
}

#[test]
fn checking_never_writes_to_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claims.yaml");
    std::fs::copy(cases().join("basic/app/claims.yaml"), &file).unwrap();
    let before = std::fs::read(&file).unwrap();
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let output = pvlint(dir.path(), &["check", "--no-config", "."]);
    assert!(output.status.code().is_some());
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "pvlint created files in the checked tree");
}

#[test]
fn the_examples_show_the_findings_the_readme_lists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = pvlint(
        root,
        &["check", "--no-config", "--format", "json", "examples/"],
    );
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let mut codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "PVL010", "PVL012", "PVL101", "PVL201", "PVL210", "PVL402", "PVL403", "PVL404"
        ]
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for code in codes {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README does not show {code}"
        );
    }
}

#[test]
fn plan_prints_a_table_json_and_markdown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = pvlint(root, &["plan", "--no-config", "examples/"]);
    assert_eq!(
        table.status.code(),
        Some(1),
        "a claim stays Pending in the examples"
    );
    let text = stdout(&table);
    assert!(text.starts_with("CLAIM "), "{text}");
    assert!(text.contains("web/web-uploads"));
    let json = pvlint(
        root,
        &["plan", "--no-config", "--format", "json", "examples/"],
    );
    let plan: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(plan["version"], 1);
    let claim = plan["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|claim| claim["name"] == "web-uploads")
        .unwrap();
    for key in [
        "namespace",
        "name",
        "source",
        "class",
        "outcome",
        "volume",
        "driver",
        "size",
        "zone",
        "reclaimPolicy",
        "reasons",
    ] {
        assert!(claim.get(key).is_some(), "claim lacks `{key}`: {claim}");
    }
    assert_eq!(claim["outcome"], "Provisioned");
    assert_eq!(claim["size"], 20u64 << 30);
    let markdown = pvlint(
        root,
        &["plan", "--no-config", "--format", "markdown", "examples/"],
    );
    assert!(stdout(&markdown).contains("| CLAIM | OUTCOME |"));
}

/// `(severity, message start)` of each finding of a JSON report.
fn severities(output: &Output) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_str(&stdout(output)).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let message = finding["message"].as_str().unwrap();
            (
                finding["severity"].as_str().unwrap().to_owned(),
                message.split(' ').take(2).collect::<Vec<_>>().join(" "),
            )
        })
        .collect()
}

#[test]
fn the_kube_version_decides_what_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("apis.yaml"),
        "apiVersion: storage.k8s.io/v1beta1\nkind: CSIStorageCapacity\nmetadata: {name: a, namespace: b}\nstorageClassName: fast\n---\napiVersion: storage.k8s.io/v1beta1\nkind: VolumeAttributesClass\nmetadata: {name: gold}\ndriverName: x\nparameters: {iops: \"1\"}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--select", "PVL006", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("apis.yaml");
        pvlint(dir.path(), &args)
    };
    let capacity = "`storage.k8s.io/v1beta1` CSIStorageCapacity";
    let vac = "`storage.k8s.io/v1beta1` VolumeAttributesClass";
    let pair = |severity: &str, what: &str| (severity.to_owned(), what.to_owned());
    // The default target, 1.35: the capacity's beta is gone, the class's deprecated.
    let default = run(&[]);
    assert_eq!(default.status.code(), Some(1));
    assert_eq!(
        severities(&default),
        [pair("error", capacity), pair("warning", vac)]
    );
    // 1.26: the capacity's beta is only deprecated, the class's not yet.
    let old = run(&["--kube-version", "1.26"]);
    assert_eq!(old.status.code(), Some(0), "{}", stderr(&old));
    assert_eq!(severities(&old), [pair("warning", capacity)]);
    // The config sets it; the command line wins.
    std::fs::write(dir.path().join(".pvlint.yaml"), "kube-version: 1.30\n").unwrap();
    assert_eq!(severities(&run(&[])), [pair("error", capacity)]);
    assert_eq!(
        severities(&run(&["--kube-version", "v1.26.3"])),
        [pair("warning", capacity)]
    );
}

#[test]
fn a_bad_kube_version_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let output = pvlint(
        dir.path(),
        &["check", "--no-config", "--kube-version", "1.99", "."],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Kubernetes 1.99 is not supported"),
        "{}",
        stderr(&output)
    );
    std::fs::write(
        dir.path().join(".pvlint.yaml"),
        "fail-level: error\nkube-version: 1.x\n",
    )
    .unwrap();
    let output = pvlint(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("`1.x` is not a Kubernetes version"), "{err}");
    assert!(err.contains(".pvlint.yaml:2:15"), "{err}");
}

#[test]
fn schema_prints_the_committed_schemas() {
    for name in ["config", "backend", "check-output", "plan-output"] {
        let output = pvlint(&cases(), &["schema", name]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let committed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("schemas/pvlint/{name}.schema.json")),
        )
        .unwrap();
        assert_eq!(stdout(&output), committed, "{name}");
    }
}
