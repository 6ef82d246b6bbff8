//! Agreement of pvlint's Kubernetes schemas with upstream: every document of
//! `tests/schema-agreement/*.yaml` carries the verdict Kubernetes gives it
//! (`# expect: valid <what>` or `# expect: invalid <why>`), and the embedded validator of its
//! kind and API version must give the same one.
//!
//! The verdicts were checked independently of pvlint's generator and validator, with Python's
//! `jsonschema` and PyYAML (timestamps kept as strings): the built-in kinds against
//! kubernetes-validate 1.37.0's strict schemas for 1.35 (156 of 156 agree), the snapshot kinds
//! against the external-snapshotter CRDs made strict (60 of 61 agree; the other is a namespace
//! `n`, the boolean false to go-yaml v2 and so to Kubernetes, a string to PyYAML). The five
//! `kind: List` documents have no upstream schema to compare with.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: failures should be loud"
)]

use std::collections::BTreeSet;
use std::path::Path;

use pvlint::load::yaml::{Dialect, Limits, parse};
use pvlint::schema::{self, DEFAULT_KUBE_MINOR};
use pvlint::source::FileId;

#[derive(Debug)]
struct Case {
    file: String,
    line: usize,
    valid: bool,
    why: String,
    text: String,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema-agreement");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut current: Option<Case> = None;
        for (at, line) in text.lines().enumerate() {
            if line == "---" {
                cases.extend(current.take());
                continue;
            }
            if let Some(expect) = line.strip_prefix("# expect: ") {
                let (verdict, why) = expect.split_once(' ').unwrap_or((expect, ""));
                assert!(
                    matches!(verdict, "valid" | "invalid"),
                    "{file}:{}: `{verdict}` is not a verdict",
                    at + 1
                );
                current = Some(Case {
                    file: file.clone(),
                    line: at + 1,
                    valid: verdict == "valid",
                    why: why.to_owned(),
                    text: String::new(),
                });
                continue;
            }
            if let Some(case) = &mut current {
                case.text.push_str(line);
                case.text.push('\n');
            }
        }
        cases.extend(current.take());
    }
    cases
}

#[test]
fn verdicts_agree_with_upstream() {
    let cases = cases();
    assert!(cases.len() >= 200, "only {} documents", cases.len());
    let mut kinds = BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        let parsed = parse(
            FileId::default(),
            &case.text,
            Dialect::Yaml,
            Limits::default(),
        );
        assert!(
            parsed.problems.is_empty(),
            "{}:{}: {:?}",
            case.file,
            case.line,
            parsed.problems
        );
        let root = parsed.documents[0].root.as_ref().unwrap();
        let api_version = root
            .get("apiVersion")
            .and_then(|node| node.as_str())
            .unwrap();
        let kind = root.get("kind").and_then(|node| node.as_str()).unwrap();
        let validator = schema::builtin::validator(DEFAULT_KUBE_MINOR, api_version, kind)
            .unwrap_or_else(|| {
                panic!(
                    "{}:{}: no schema for {api_version} {kind}",
                    case.file, case.line
                )
            });
        kinds.insert((api_version.to_owned(), kind.to_owned(), case.valid));
        let errors = schema::validate(validator, root);
        if errors.is_empty() != case.valid {
            let found: Vec<String> = errors.iter().map(|error| error.message.clone()).collect();
            failures.push(format!(
                "{}:{}: expected {} ({}), pvlint says {:?}",
                case.file,
                case.line,
                if case.valid { "valid" } else { "invalid" },
                case.why,
                found
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for embedded in schema::builtin::EMBEDDED {
        let api_version = schema::generate::api_version(embedded.group, embedded.version);
        for valid in [true, false] {
            assert!(
                kinds.contains(&(api_version.clone(), embedded.kind.to_owned(), valid)),
                "no {} document of {api_version} {}",
                if valid { "valid" } else { "invalid" },
                embedded.kind
            );
        }
    }
}
