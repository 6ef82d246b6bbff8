//! The schemas of pvlint's own files (`schemas/pvlint/*.schema.json`): committed, fresh, and in
//! agreement with what the readers accept and the writers print.
//!
//! - each schema is regenerated from the Rust types and compared with the committed file
//!   (`UPDATE_SCHEMAS=1 cargo test --test own_schemas` rewrites them);
//! - every embedded backend model, every fixture `pvlint.yaml` and the README's examples
//!   validate against their schema;
//! - configs and models that the readers accept or refuse get the same verdict from the schema;
//! - the JSON output of `pvlint check` and `pvlint plan` on `examples/` and on the fixtures
//!   validates against its schema;
//! - every key that a rule's `## Options` names exists in the config schema.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: failures should be loud"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pvlint::load::yaml::{self, Dialect, Limits};
use pvlint::own_schema::{OwnSchema, instance};
use pvlint::provision::Backends;
use pvlint::source::{FileId, FileRole, SourceMap};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator(schema: OwnSchema) -> jsonschema::Validator {
    jsonschema::validator_for(&schema.json()).expect("a valid schema")
}

/// The JSON instances of the documents of a YAML text, as the readers resolve them.
fn documents(text: &str) -> Vec<Value> {
    let parsed = yaml::parse(FileId::default(), text, Dialect::Yaml, Limits::default());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    parsed
        .documents
        .iter()
        .filter_map(|document| document.root.as_ref())
        .map(instance)
        .collect()
}

/// The schema's errors for every document of `text`, one line each.
fn schema_errors(schema: OwnSchema, text: &str) -> Vec<String> {
    let validator = validator(schema);
    documents(text)
        .iter()
        .flat_map(|document| {
            validator
                .iter_errors(document)
                .map(|error| format!("{}: {error}", error.instance_path()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn files(dir: &Path, name_matches: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(&name_matches)
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn committed_schemas_are_fresh() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for schema in OwnSchema::ALL {
        let path = root().join(schema.path());
        let generated = schema.text();
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &generated).unwrap();
            } else {
                stale.push(schema.path());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale schemas: {stale:?}; regenerate them with `UPDATE_SCHEMAS=1 cargo test --test own_schemas`"
    );
}

#[test]
fn schemas_are_valid_draft_2020_12_schemas() {
    for schema in OwnSchema::ALL {
        let json = schema.json();
        assert_eq!(
            json["$schema"],
            "https://json-schema.org/draft/2020-12/schema",
            "{}",
            schema.name()
        );
        jsonschema::meta::validate(&json)
            .unwrap_or_else(|error| panic!("{}: {error}", schema.name()));
    }
}

#[test]
fn every_embedded_backend_model_validates() {
    let models = files(&root().join("backends"), |name| {
        Path::new(name).extension().is_some_and(|ext| ext == "yaml")
    });
    assert!(models.len() > 10, "{models:?}");
    for path in models {
        let text = std::fs::read_to_string(&path).unwrap();
        let errors = schema_errors(OwnSchema::Backend, &text);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        assert!(
            text.starts_with(
                "# yaml-language-server: $schema=../schemas/pvlint/backend.schema.json\n"
            ),
            "{}: start it with `# yaml-language-server: $schema=../schemas/pvlint/backend.schema.json`",
            path.display()
        );
    }
}

#[test]
fn every_fixture_config_validates() {
    let configs = files(&root().join("tests/fixtures"), |name| name == "pvlint.yaml");
    assert!(configs.len() > 5, "{configs:?}");
    for path in configs {
        let text = std::fs::read_to_string(&path).unwrap();
        let errors = schema_errors(OwnSchema::Config, &text);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    // The CLI tests' configs include broken ones: the schema must agree with the reader.
    let configs = files(&root().join("tests/cli"), |name| {
        matches!(name, "pvlint.yaml" | ".pvlint.yaml" | ".pvlint.yml")
    });
    let texts: Vec<String> = configs
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert_agreement(OwnSchema::Config, config_reader, &texts);
}

/// The ```yaml block that follows `heading` in the README.
fn readme_block(heading: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find(heading).expect(heading)..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let end = section[start..].find("```").unwrap() + start;
    section[start..end].to_owned()
}

#[test]
fn the_readme_examples_validate_and_name_their_schema() {
    for (heading, schema) in [
        ("## Configuration: `.pvlint.yaml`", OwnSchema::Config),
        ("## Backend models", OwnSchema::Backend),
        ("## Rule packs", OwnSchema::RulePack),
    ] {
        let block = readme_block(heading);
        let errors = schema_errors(schema, &block);
        assert!(errors.is_empty(), "{heading}: {errors:#?}");
        let first = block.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("# yaml-language-server: $schema=")
                && first.ends_with(&format!("pvlint-{}.schema.json", schema.name())),
            "{heading}: the example should start with its schema comment, not `{first}`"
        );
    }
}

/// What the config reader says about `text`: `None` when it accepts it.
fn config_reader(text: &str) -> Option<String> {
    let mut sources = SourceMap::default();
    let id = sources.add("pvlint.yaml".to_owned(), text.into(), FileRole::Config);
    pvlint::config::parse(&sources, id, Path::new("."))
        .err()
        .map(|error| error.message)
}

/// What the backend reader says about `text`: `None` when it accepts it.
fn backend_reader(text: &str) -> Option<String> {
    let mut sources = SourceMap::default();
    let id = sources.add("model.yaml".to_owned(), text.into(), FileRole::Config);
    Backends::load(&sources, &[id])
        .err()
        .map(|error| error.message)
}

fn assert_agreement(schema: OwnSchema, reader: fn(&str) -> Option<String>, cases: &[&str]) {
    for case in cases {
        let read = reader(case);
        let errors = schema_errors(schema, case);
        assert_eq!(
            read.is_none(),
            errors.is_empty(),
            "the reader and the schema disagree on\n{case}\nreader: {read:?}\nschema: {errors:#?}"
        );
    }
}

#[test]
fn the_config_schema_accepts_what_the_reader_accepts() {
    assert_agreement(
        OwnSchema::Config,
        config_reader,
        &[
            "exclude: [\"charts/**\"]\ndefault-namespace: apps\n",
            "select: [ALL, PVL2, pvc-storage-class-not-found, suspicious, pvl201]\n",
            "rules: {PVL210: off, suspicious: error, PVL1: warn, dangling-pvc: false, ALL: info}\n",
            "fail-level: warning\nmax-file-size: 64Mi\n",
            "max-file-size: 1000000\n",
            "cluster:\n  storage-classes:\n    - gp3\n    - {name: standard, provisioner: pd.csi.storage.gke.io, default: true}\n  objects: [cluster.yaml]\n",
            "ignore:\n  - {rule: PVL210, paths: [\"legacy/**\"], reason: old}\n  - {rules: [PVL201, dangling-pvc]}\n",
            "backends: [model.yaml]\n",
            "kube-version: \"1.30\"\n",
            "kube-version: 1.30\n",
            "kube-version: 1.25\n",
            "kube-version: v1.35.2\n",
            "default-namespace: 2024\n",
        ],
    );
}

#[test]
fn the_config_schema_refuses_what_the_reader_refuses() {
    assert_agreement(
        OwnSchema::Config,
        config_reader,
        &[
            "exclud: [a]\n",
            "exclude: a\n",
            "default-namespace: ~\n",
            "select: PVL2\n",
            "select: [\"!PVL2\"]\n",
            "rules: {PVL201: loud}\n",
            "rules: {PVL201: true}\n",
            "fail-level: fatal\n",
            "max-file-size: 64MB\n",
            "max-file-size: -1\n",
            "cluster: {storage-class: [gp3]}\n",
            "cluster: {storage-classes: gp3}\n",
            "cluster: {storage-classes: [{provisioner: ebs.csi.aws.com}]}\n",
            "cluster: {storage-classes: [{name: gp3, zone: a}]}\n",
            "cluster: {storage-classes: [{name: gp3, default: maybe}]}\n",
            "ignore: {rule: PVL201}\n",
            "ignore: [{paths: [a]}]\n",
            "ignore: [{rules: []}]\n",
            "ignore: [{rule: PVL201, path: [a]}]\n",
            "backends: model.yaml\n",
            "kube-version: \"1.99\"\n",
            "kube-version: \"1.24\"\n",
            "kube-version: 1.36\n",
            "kube-version: latest\n",
            "[a, b]\n",
        ],
    );
}

const MODEL: &str = "name: example.com/disk\nattachable: true\ntopology: zonal\n\
    access-modes: {filesystem: [ReadWriteOnce]}\nexpansion: false\nsnapshots: false\n\
    clones: false\nmount-options: true\n";

/// [`MODEL`] with `extra`'s top-level keys replaced by `extra`.
fn model(extra: &str) -> String {
    let keys: Vec<&str> = extra
        .lines()
        .filter(|line| !line.starts_with(' '))
        .filter_map(|line| line.split(':').next())
        .collect();
    let mut text = String::new();
    for line in MODEL.lines() {
        if !keys.contains(&line.split(':').next().unwrap_or_default()) {
            text.push_str(line);
            text.push('\n');
        }
    }
    text + extra
}

#[test]
fn the_backend_schema_accepts_what_the_reader_accepts() {
    let cases: Vec<String> = [
        "",
        "aliases: [kubernetes.io/disk]\ndescription: a disk\nnotes: [unsure]\n",
        "zones: [a, b]\ntopology-keys: [topology.kubernetes.io/zone]\nprovisions: true\n",
        "requires-consumer: false\nabstract: false\n",
        "access-modes: {filesystem: [ReadWriteOnce], block: [ReadWriteOnce, ReadWriteMany]}\n",
        "encryption: {parameter: encrypted, value: true, implied-by: [kmsKeyId]}\n\
         parameters: {keys: {encrypted: ~, kmsKeyId: the KMS key}}\n",
        "parameters:\n  case-insensitive: true\n  strict: true\n  keys:\n    type: {values: [gp3, io2], default: gp3, required: false}\n    iops: {pattern: \"[0-9]+\", requires: {type: [io2]}, conflicts: [x]}\n    x: {requires: {type: io2}}\n    y: {requires: {type: ~}}\n    count: 3\n  prefixes: [tag]\n  reserved-prefixes: [csi.storage.k8s.io/]\n",
        "size: {step: 1Gi, raise-to-min: true, ignored: false, min: 1Gi, max: 16Ti}\n",
        "size: {min: 0, max: 1000000}\n",
        "size:\n  by-parameter: {parameter: type, default: gp3, values: {gp3: {min: 1Gi, max: 16Ti}, io2: {}}}\nparameters: {keys: {type: ~}}\n",
        "capacity: [{zone: a, capacity: 10Ti}, {capacity: 1Pi}]\n",
        "encryption: ~\nsize: {step: null}\ncapacity: ~\nzones: ~\n",
    ]
    .iter()
    .map(|extra| model(extra))
    .chain([format!(
        "name: example.com/child\nbase: example.com/parent\n---\n{}",
        model("name: example.com/parent\nabstract: true\n")
    )])
    .collect();
    let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    assert_agreement(OwnSchema::Backend, backend_reader, &cases);
}

#[test]
fn the_backend_schema_refuses_what_the_reader_refuses() {
    let cases: Vec<String> = [
        "attachabel: true\n",
        "zones: eu-west-1a\n",
        "zones: [~]\n",
        "topology: zonl\n",
        "access-modes: {filesystem: [RWX]}\n",
        "access-modes: {filesytem: [ReadWriteOnce]}\n",
        "expansion: maybe\n",
        "encryption: {parameter: encrypted}\nparameters: {keys: {encrypted: ~}}\n",
        "parameters: [a]\n",
        "parameters: {keys: {type: {valeus: [a]}}}\n",
        "parameters: {keys: {type: [a]}}\n",
        "size: {max: 16TB}\n",
        "size: {min: -1Gi}\n",
        "size: {by-parameter: {default: gp3}}\n",
        "size: {by-parameter: {parameter: type, values: {gp3: ~}}}\nparameters: {keys: {type: ~}}\n",
        "capacity: [{zone: a}]\n",
        "capacity: {zone: a, capacity: 1Ti}\n",
    ]
    .iter()
    .map(|extra| model(extra))
    .chain([
        "description: no name\n".to_owned(),
        "name: ~\n".to_owned(),
        MODEL.replace("example.com/disk", "\"  \""),
    ])
    .collect();
    let cases: Vec<&str> = cases.iter().map(String::as_str).collect();
    assert_agreement(OwnSchema::Backend, backend_reader, &cases);
}

fn run_json(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_pvlint"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    // The fixtures hold files that do not parse on purpose: they are input errors (exit 2) to
    // a command that runs no rule to report them.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let unparsed_only = stderr
        .lines()
        .all(|line| line.contains("could not be parsed"));
    assert!(
        matches!(output.status.code(), Some(0 | 1))
            || (output.status.code() == Some(2) && unparsed_only),
        "{args:?}: {stderr}"
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn assert_valid(schema: OwnSchema, document: &Value, what: &str) {
    let validator = validator(schema);
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn check_output_validates() {
    let examples = run_json(&["check", "--no-config", "--format", "json", "examples"]);
    assert!(!examples["diagnostics"].as_array().unwrap().is_empty());
    assert_valid(OwnSchema::CheckOutput, &examples, "check examples");
    // Every rule over every fixture: labels, notes, file findings with no object.
    let fixtures = run_json(&[
        "check",
        "--no-config",
        "--select",
        "ALL",
        "--format",
        "json",
        "tests/fixtures",
    ]);
    let diagnostics = fixtures["diagnostics"].as_array().unwrap();
    assert!(diagnostics.iter().any(|d| d["object"].is_null()));
    assert!(
        diagnostics
            .iter()
            .any(|d| !d["labels"].as_array().unwrap().is_empty())
    );
    assert_valid(OwnSchema::CheckOutput, &fixtures, "check tests/fixtures");
}

#[test]
fn plan_output_validates() {
    let examples = run_json(&["plan", "--no-config", "--format", "json", "examples"]);
    assert!(!examples["claims"].as_array().unwrap().is_empty());
    assert_valid(OwnSchema::PlanOutput, &examples, "plan examples");
    let fixtures = run_json(&["plan", "--no-config", "--format", "json", "tests/fixtures"]);
    let reasons = fixtures["claims"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|claim| claim["reasons"].as_array().unwrap());
    assert!(reasons.clone().any(|reason| reason.get("value").is_some()));
    assert_valid(OwnSchema::PlanOutput, &fixtures, "plan tests/fixtures");
}

#[test]
fn rule_options_exist_in_the_config_schema() {
    let schema = OwnSchema::Config.json();
    for rule in pvlint::rules::ALL.iter() {
        let docs = rule.documentation();
        let Some(start) = docs.find("## Options\n") else {
            continue;
        };
        let section = &docs[start + "## Options\n".len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        for line in section.lines().filter(|line| line.starts_with("- `")) {
            let key = line.trim_start_matches("- `").split('`').next().unwrap();
            let mut node = &schema;
            for part in key.split('.') {
                let properties = node.get("properties").unwrap_or_else(|| {
                    let reference = node["$ref"].as_str().unwrap();
                    let name = reference.trim_start_matches("#/$defs/");
                    &schema["$defs"][name]["properties"]
                });
                node = properties
                    .get(part)
                    .unwrap_or_else(|| panic!("{}: option `{key}` is not a config key", rule.code));
            }
        }
    }
}
