//! `--format sarif` as GitHub code scanning reads it.
//!
//! Every SARIF document written here is validated against the OASIS SARIF 2.1.0 schema
//! (`../shared/data/sarif/sarif-schema-2.1.0.json`) and against what GitHub code scanning
//! requires on top of it ([`assert_github_requirements`]): rules with an id and descriptions,
//! `ruleId`/`ruleIndex` that agree, one location per result with a relative URI and a 1-based
//! region, fingerprints, levels GitHub knows. Then: fingerprints survive edits elsewhere in the
//! file, levels follow severities, labels are related locations, columns count UTF-16 code
//! units as the run declares, stdin, base-revision files and input errors, and several formats
//! in one run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "end-to-end tests: a failing call should fail the test loudly"
)]

mod common;

use common::{git, pvlint};

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::LazyLock;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

static SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let path = root().join("../shared/data/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
});

/// Validates a SARIF document against the schema and GitHub's requirements.
fn assert_valid(document: &Value, what: &str) {
    let errors: Vec<String> = SCHEMA
        .iter_errors(document)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: SARIF schema errors:\n{}",
        errors.join("\n")
    );
    assert_github_requirements(document, what);
}

/// Runs `pvlint` with `--format sarif` on stdout and returns the validated document.
fn sarif(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--no-config", "--format", "sarif"];
    all.extend_from_slice(args);
    let output = pvlint(dir, &all);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&document, &format!("pvlint {all:?}"));
    document
}

fn run(document: &Value) -> &Value {
    &document["runs"][0]
}

fn results(document: &Value) -> &Vec<Value> {
    run(document)["results"].as_array().unwrap()
}

fn text<'v>(value: &'v Value, what: &str) -> &'v str {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    assert!(!text.is_empty(), "{what} is empty");
    text
}

/// A URI reference GitHub can match against a repository file: relative, forward slashes,
/// no `./`, and only characters a URI may hold (everything else percent-encoded).
fn assert_repository_uri(uri: &str, what: &str) {
    assert!(!uri.is_empty(), "{what}: empty uri");
    assert!(
        !uri.starts_with("./") && !uri.starts_with('/') && !uri.contains("://"),
        "{what}: `{uri}` is not relative to the repository root"
    );
    assert!(!uri.contains('\\'), "{what}: `{uri}` has a backslash");
    let bytes = uri.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        let allowed = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@%".contains(&byte);
        assert!(
            allowed,
            "{what}: `{uri}` has `{}` unencoded",
            char::from(byte)
        );
        if byte == b'%' {
            let escape = bytes.get(at + 1..at + 3).unwrap_or(b"");
            assert!(
                escape.len() == 2 && escape.iter().all(u8::is_ascii_hexdigit),
                "{what}: `{uri}` has a bad percent escape"
            );
        }
    }
    let first = uri.split('/').next().unwrap();
    assert!(
        !first.contains(':'),
        "{what}: `{uri}` would be read as a scheme"
    );
}

fn assert_region(region: &Value, what: &str) {
    let number = |key: &str| {
        region[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{what}: region lacks `{key}`: {region}"))
    };
    let (start_line, start_column) = (number("startLine"), number("startColumn"));
    let (end_line, end_column) = (number("endLine"), number("endColumn"));
    assert!(
        start_line >= 1 && start_column >= 1 && end_column >= 1,
        "{what}: {region}"
    );
    assert!(
        end_line > start_line || (end_line == start_line && end_column >= start_column),
        "{what}: the region ends before it starts: {region}"
    );
}

fn assert_physical_location(location: &Value, what: &str) {
    let physical = &location["physicalLocation"];
    assert_repository_uri(
        text(&physical["artifactLocation"]["uri"], what),
        &format!("{what}: uri"),
    );
    assert_region(&physical["region"], what);
}

/// What GitHub code scanning needs beyond the schema (its "SARIF support" page).
fn assert_github_requirements(document: &Value, what: &str) {
    assert_eq!(document["version"], "2.1.0", "{what}");
    assert!(
        text(&document["$schema"], "$schema").starts_with("https://"),
        "{what}"
    );
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{what}: one run");
    let run = &runs[0];
    assert_eq!(run["columnKind"], "utf16CodeUnits", "{what}");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "pvlint", "{what}");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"), "{what}");
    let rules = driver["rules"].as_array().unwrap();
    let mut ids = BTreeSet::new();
    for rule in rules {
        let id = text(&rule["id"], "rule id");
        assert!(ids.insert(id), "{what}: rule `{id}` twice");
        assert!(
            text(&rule["name"], "rule name").len() <= 255,
            "{what}: {id}"
        );
        assert!(
            text(&rule["shortDescription"]["text"], "shortDescription")
                .chars()
                .count()
                <= 1024,
            "{what}: {id}"
        );
        assert!(
            text(&rule["fullDescription"]["text"], "fullDescription")
                .chars()
                .count()
                <= 1024,
            "{what}: {id}"
        );
        text(&rule["help"]["text"], "help.text");
        text(&rule["help"]["markdown"], "help.markdown");
        assert!(
            ["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()),
            "{what}: {id}"
        );
        assert_eq!(rule["properties"]["tags"].as_array().unwrap().len(), 1);
    }
    let fingerprint = regex::Regex::new("^[0-9a-f]{16}:[1-9][0-9]*$").unwrap();
    let mut identities = BTreeSet::new();
    for (at, result) in run["results"].as_array().unwrap().iter().enumerate() {
        let what = format!("{what}: result {at}");
        let rule_id = text(&result["ruleId"], "ruleId");
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(
            rules[index]["id"], rule_id,
            "{what}: ruleIndex and ruleId disagree"
        );
        assert!(
            ["error", "warning", "note"].contains(&result["level"].as_str().unwrap()),
            "{what}"
        );
        text(&result["message"]["text"], "message");
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1, "{what}: one location");
        assert_physical_location(&locations[0], &what);
        let hash = text(
            &result["partialFingerprints"]["primaryLocationLineHash"],
            "primaryLocationLineHash",
        );
        assert!(fingerprint.is_match(hash), "{what}: fingerprint `{hash}`");
        let uri = &locations[0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(
            identities.insert((uri.to_string(), rule_id.to_owned(), hash.to_owned())),
            "{what}: two results of one rule in one file share the fingerprint `{hash}`"
        );
        if let Some(related) = result["relatedLocations"].as_array() {
            let message = result["message"]["text"].as_str().unwrap();
            for (n, location) in related.iter().enumerate() {
                assert_eq!(location["id"], n + 1, "{what}");
                text(&location["message"]["text"], "related location message");
                assert_physical_location(location, &what);
                assert!(
                    message.contains(&format!("]({})", n + 1)),
                    "{what}: the message does not link related location {}",
                    n + 1
                );
            }
        }
    }
}

/// The document as pvlint printed it, with pvlint's version redacted.
fn without_version(printed: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let redacted = printed
        .replace(
            &format!("\"name\": \"pvlint\",\n          \"version\": \"{version}\""),
            "\"name\": \"pvlint\",\n          \"version\": \"[version]\"",
        )
        .replace(
            &format!("\"semanticVersion\": \"{version}\""),
            "\"semanticVersion\": \"[version]\"",
        );
    assert_eq!(redacted.matches("[version]").count(), 2, "{redacted}");
    redacted
}

#[test]
fn golden_sarif_of_the_basic_repository() {
    let dir = root().join("tests/cli/basic");
    let args = [
        "check",
        "--no-config",
        "--format",
        "sarif",
        "--select",
        "PVL201",
        ".",
    ];
    let output = pvlint(&dir, &args);
    assert_eq!(output.status.code(), Some(1));
    let printed = String::from_utf8(output.stdout).unwrap();
    let document: Value = serde_json::from_str(&printed).unwrap();
    assert_valid(&document, "basic");
    let rules = run(&document)["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 1, "only the rules that ran");
    insta::assert_snapshot!("basic_sarif", without_version(&printed));
}

/// The JSON output of the same run, to compare with.
fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--no-config", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&pvlint(dir, &all).stdout).unwrap()
}

#[test]
fn results_agree_with_the_json_output_and_levels_follow_severities() {
    let examples = root().join("examples");
    let document = sarif(&examples, &["."]);
    let report = json(&examples, &["."]);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let results = results(&document);
    assert_eq!(results.len(), diagnostics.len());
    let mut levels = BTreeSet::new();
    for (result, diagnostic) in results.iter().zip(diagnostics) {
        assert_eq!(result["ruleId"], diagnostic["code"]);
        let level = match diagnostic["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            "info" => "note",
            other => panic!("severity {other}"),
        };
        assert_eq!(result["level"], level);
        levels.insert(level);
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], diagnostic["file"]);
        // The examples are ASCII: UTF-16 columns are character columns.
        let region = &physical["region"];
        for (sarif_key, json_key) in [
            ("startLine", "line"),
            ("startColumn", "column"),
            ("endLine", "end_line"),
            ("endColumn", "end_column"),
        ] {
            assert_eq!(region[sarif_key], diagnostic[json_key], "{sarif_key}");
        }
        let labels = diagnostic["labels"].as_array().unwrap();
        let related = result["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(related, labels.len());
        for (location, label) in result["relatedLocations"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(labels)
        {
            assert_eq!(location["message"]["text"], label["message"]);
            assert_eq!(
                location["physicalLocation"]["artifactLocation"]["uri"],
                label["file"]
            );
            assert_eq!(
                location["physicalLocation"]["region"]["startLine"],
                label["line"]
            );
        }
        let object = &diagnostic["object"];
        if object.is_object() {
            let logical = &result["locations"][0]["logicalLocations"][0];
            assert_eq!(logical["kind"], "object");
            assert_eq!(logical["name"], object["name"]);
            let qualified = logical["fullyQualifiedName"].as_str().unwrap();
            assert!(qualified.starts_with(&format!("{}/", object["kind"].as_str().unwrap())));
            assert!(qualified.ends_with(&format!("/{}", object["name"].as_str().unwrap())));
        }
        assert_eq!(result["properties"]["path"], diagnostic["path"]);
    }
    assert_eq!(
        levels,
        BTreeSet::from(["error", "warning", "note"]),
        "the examples have findings of every level"
    );
    // Every rule that runs by default is described, with its category's default level.
    let listed: Value =
        serde_json::from_slice(&pvlint(&examples, &["rules", "--format", "json"]).stdout).unwrap();
    let rules: BTreeMap<&str, &Value> = run(&document)["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| (rule["id"].as_str().unwrap(), rule))
        .collect();
    for rule in listed.as_array().unwrap() {
        let code = rule["code"].as_str().unwrap();
        if rule["enabled_by_default"] == true {
            let described = rules
                .get(code)
                .unwrap_or_else(|| panic!("{code} not in rules[]"));
            let level = match rule["severity"].as_str().unwrap() {
                "info" => "note",
                other => other,
            };
            assert_eq!(described["defaultConfiguration"]["level"], level, "{code}");
            assert_eq!(described["name"], rule["name"]);
            assert_eq!(described["properties"]["tags"][0], rule["category"]);
            assert_eq!(described["help"]["markdown"], rule["docs"]);
        }
    }
}

#[test]
fn every_fixture_and_the_examples_write_valid_sarif() {
    // One run over every fixture with every rule: syntax errors, broken bytes, labels in other
    // files, engine findings. `sarif` validates it.
    let document = sarif(root(), &["--select", "ALL", "tests/fixtures", "examples"]);
    assert!(
        results(&document).len() > 500,
        "{}",
        results(&document).len()
    );
}

#[test]
fn the_corpus_writes_valid_sarif() {
    let corpus = root().join("../shared/data/corpus");
    let document = sarif(&corpus, &["."]);
    assert!(!results(&document).is_empty());
}

const CLASS: &str = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast-ssd}\nprovisioner: ebs.csi.aws.com\n";

fn claim(name: &str, class: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\nspec:\n  storageClassName: {class}\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
    )
}

/// `(ruleId, object, field path)` → `(fingerprint, start line)` of every result.
fn fingerprints(document: &Value) -> BTreeMap<(String, String, String), (String, u64)> {
    results(document)
        .iter()
        .map(|result| {
            let location = &result["locations"][0];
            (
                (
                    result["ruleId"].as_str().unwrap().to_owned(),
                    location["logicalLocations"][0]["fullyQualifiedName"].to_string(),
                    result["properties"]["path"].to_string(),
                ),
                (
                    result["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    location["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn fingerprints_survive_unrelated_edits_above_and_below() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("classes.yaml"), CLASS).unwrap();
    let claims = format!("{}{}", claim("data", "fast-sdd"), claim("logs", "fast-sdd"));
    std::fs::write(dir.path().join("claims.yaml"), &claims).unwrap();
    let before = fingerprints(&sarif(dir.path(), &["--select", "PVL201", "."]));
    assert_eq!(before.len(), 2);
    let hashes: BTreeSet<&String> = before.values().map(|(hash, _)| hash).collect();
    assert_eq!(hashes.len(), 2, "two findings, two fingerprints");

    // Comments, an unrelated object above, and another below: every line moves.
    let edited = format!(
        "# storage of the app\n# owned by the data team\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: settings}}\ndata: {{a: b}}\n{claims}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: more}}\n"
    );
    std::fs::write(dir.path().join("claims.yaml"), edited).unwrap();
    let after = fingerprints(&sarif(dir.path(), &["--select", "PVL201", "."]));
    assert_eq!(after.len(), 2);
    for (identity, (hash, line)) in &before {
        let (moved_hash, moved_line) = &after[identity];
        assert_ne!(line, moved_line, "the finding moved");
        assert_eq!(hash, moved_hash, "{identity:?} kept its fingerprint");
    }

    // Editing the offending line itself gives a new fingerprint.
    let retyped = format!("{}{}", claim("data", "fast-sd"), claim("logs", "fast-sdd"));
    std::fs::write(dir.path().join("claims.yaml"), retyped).unwrap();
    let retyped = fingerprints(&sarif(dir.path(), &["--select", "PVL201", "."]));
    let changed: Vec<_> = before
        .iter()
        .filter(|(identity, (hash, _))| retyped[*identity].0 != *hash)
        .map(|(identity, _)| identity.1.clone())
        .collect();
    assert_eq!(changed, ["\"PersistentVolumeClaim/default/data\""]);
}

#[test]
fn columns_count_utf16_code_units() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("classes.yaml"), CLASS).unwrap();
    // `😀` is one character but two UTF-16 code units, before the value on its line.
    std::fs::write(
        dir.path().join("claims.yaml"),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, annotations: {note: \"😀\"}}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n---\n{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: logs, labels: {a: \"😀\"}}, spec: {storageClassName: fast-sdd}}\n",
    )
    .unwrap();
    let document = sarif(dir.path(), &["--select", "PVL201", "."]);
    let report = json(dir.path(), &["--select", "PVL201", "."]);
    let region = &results(&document)[0]["locations"][0]["physicalLocation"]["region"];
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(region["startLine"], 6);
    assert_eq!(
        region["startColumn"].as_u64().unwrap(),
        diagnostic["column"].as_u64().unwrap() + 1
    );
    assert_eq!(
        region["endColumn"].as_u64().unwrap(),
        diagnostic["end_column"].as_u64().unwrap() + 1
    );
}

#[test]
fn stdin_results_are_named_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pvlint"))
        .args(["check", "--no-config", "--format", "sarif", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = format!("{CLASS}{}", claim("data", "fast-sdd"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&document, "stdin");
    let artifact = &results(&document)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "-");
    assert_eq!(artifact["description"]["text"], "standard input");
}

#[test]
fn input_errors_are_tool_execution_notifications() {
    let output = pvlint(
        &root().join("tests/cli/basic"),
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            "app",
            "missing.yaml",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid(&document, "input error");
    let invocation = &run(&document)["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.yaml"
    );
    text(&notification["message"]["text"], "notification message");
}

#[test]
fn base_revision_results_name_the_path_and_the_revision() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let class = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: gp3}\nprovisioner: ebs.csi.aws.com\n";
    std::fs::write(dir.path().join("classes.yaml"), class).unwrap();
    std::fs::write(dir.path().join("claims.yaml"), claim("orders", "gp3")).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "base"]);
    std::fs::write(dir.path().join("claims.yaml"), "# the claim is gone\n").unwrap();
    git(dir.path(), &["commit", "-q", "-am", "head"]);

    let document = sarif(dir.path(), &["--select", "PVL705", "--base", "HEAD~1", "."]);
    let results = results(&document);
    assert_eq!(results.len(), 1, "{document}");
    let physical = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "claims.yaml");
    assert_eq!(
        physical["artifactLocation"]["properties"]["revision"],
        "HEAD~1"
    );
    // The region is in the base revision's text, where the claim's name is on line 4.
    assert_eq!(physical["region"]["startLine"], 4);
}

#[test]
fn several_formats_in_one_run_and_files_never_colour() {
    let dir = tempfile::tempdir().unwrap();
    let sarif_file = dir.path().join("pvlint.sarif");
    let human_file = dir.path().join("report.txt");
    let sarif_spec = format!("sarif={}", sarif_file.display());
    let human_spec = format!("human={}", human_file.display());
    let output = pvlint(
        &root().join("tests/cli/basic"),
        &[
            "check",
            "--no-config",
            "--color",
            "always",
            "--format",
            "github",
            "--format",
            &sarif_spec,
            "--format",
            "human",
            "--format",
            &human_spec,
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::error file=app/claims.yaml,"),
        "{stdout}"
    );
    assert!(stdout.contains('\u{1b}'), "`--color always` colours stdout");
    assert!(stdout.contains("Found 1 error in 2 files."), "{stdout}");
    let written = std::fs::read_to_string(&sarif_file).unwrap();
    assert!(!written.contains('\u{1b}'));
    assert_valid(&serde_json::from_str(&written).unwrap(), "sarif file");
    let human = std::fs::read_to_string(&human_file).unwrap();
    assert!(!human.contains('\u{1b}'), "{human}");
    assert!(human.contains("PVL201"));
}

#[test]
fn two_documents_on_stdout_are_refused() {
    let output = pvlint(
        &root().join("tests/cli/basic"),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--format",
            "sarif",
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot both print to stdout"), "{stderr}");
}

/// A named edit that breaks a document.
type Mutation = (&'static str, fn(&mut Value));

#[test]
fn the_checks_reject_what_github_rejects() {
    let document = sarif(&root().join("tests/cli/basic"), &["."]);
    let mut unknown_level = document.clone();
    unknown_level["runs"][0]["results"][0]["level"] = Value::from("info");
    assert!(
        SCHEMA.iter_errors(&unknown_level).next().is_some(),
        "the schema knows SARIF's levels"
    );
    let mutations: [Mutation; 5] = [
        ("a `./` uri", |document| {
            document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"] = Value::from("./app/claims.yaml");
        }),
        ("a ruleIndex of another rule", |document| {
            document["runs"][0]["results"][0]["ruleIndex"] = Value::from(0);
        }),
        ("no fingerprint", |document| {
            document["runs"][0]["results"][0]["partialFingerprints"] = Value::Null;
        }),
        ("a 0-based column", |document| {
            document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] =
                Value::from(0);
        }),
        ("an unlinked related location", |document| {
            document["runs"][0]["results"][0]["message"]["text"] = Value::from("no link");
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = document.clone();
        mutate(&mut bad);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            assert_github_requirements(&bad, what);
        }));
        assert!(caught.is_err(), "{what} passed the GitHub checks");
    }
}
