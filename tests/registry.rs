//! Completeness and documentation guards for the rule registry.
//!
//! The doc-example test runs each rule's `## Example` YAML (it must fire) and its `Use instead:`
//! YAML (it must not). Change rules (`Check::Change`, PVL7xx) compare two revisions, so each of
//! their two sides holds two ```` ```yaml ```` blocks, introduced by "Before:" and "After:": the
//! base revision, then the head revision. The test passes the first as the base revision
//! (`Inputs.base`, as `--base` would) and the second as the input.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a malformed doc should fail loudly"
)]

use std::collections::BTreeSet;
use std::path::Path;

use pvlint::load::{Inputs, Revision};
use pvlint::provision::Backends;
use pvlint::rules::{ALL, Category, Check, MODULES, Rule};
use pvlint::settings::Settings;
use pvlint::source::{FileRole, SourceMap};

const NOT_RULES: &[&str] = &["mod", "context", "prelude", "selector"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in ALL.iter() {
        let digits = rule.code.strip_prefix("PVL").unwrap_or("");
        assert!(
            digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()),
            "{}: codes are PVL and three digits",
            rule.code
        );
        assert!(codes.insert(rule.code), "{}: duplicate code", rule.code);
        assert!(
            names.insert(rule.name),
            "{}: duplicate name `{}`",
            rule.code,
            rule.name
        );
        assert!(
            rule.name.split('-').all(|part| !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{}: `{}` is not kebab-case",
            rule.code,
            rule.name
        );
        assert!(
            !rule.name.starts_with("no-") && !rule.name.starts_with("disallow-"),
            "{}: name the problem",
            rule.code
        );
    }
}

#[test]
fn each_rule_file_is_named_after_its_rule() {
    for rule in ALL.iter() {
        let file = rule.source.split('#').next().unwrap();
        let stem = Path::new(file).file_stem().unwrap().to_string_lossy();
        assert_eq!(
            stem,
            rule.name.replace('-', "_"),
            "{}: the file of `{}` should be src/rules/{}.rs",
            rule.code,
            rule.name,
            rule.name.replace('-', "_")
        );
    }
}

#[test]
fn every_rule_file_is_registered() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("src/rules"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|stem| !NOT_RULES.contains(&stem.as_str()))
        .collect();
    files.sort();
    for file in files {
        assert!(
            MODULES.contains(&file.as_str()),
            "src/rules/{file}.rs is not in the `rules!` list of src/rules/mod.rs"
        );
    }
}

#[test]
fn every_rule_has_fixtures_and_every_fixture_a_rule() {
    let fixtures = root().join("tests/fixtures");
    for rule in ALL.iter() {
        let folder = fixtures.join(format!("{}-{}", rule.code, rule.name));
        for case in ["fail", "pass"] {
            assert!(
                folder.join(format!("{case}.yaml")).is_file() || folder.join(case).is_dir(),
                "{}: missing {}/{case}.yaml",
                rule.code,
                folder.display()
            );
        }
    }
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let code = name.split('-').next().unwrap();
        let rule = pvlint::rules::find(code);
        assert!(
            rule.is_some_and(|rule| name == format!("{}-{}", rule.code, rule.name)),
            "tests/fixtures/{name} does not name a registered rule as <CODE>-<name>"
        );
    }
}

/// The built-in rules and the shipped packs' rules, whose docs follow the same rules.
fn every_rule() -> impl Iterator<Item = &'static Rule> {
    ALL.iter()
        .copied()
        .chain(pvlint::policy::shipped().iter().copied())
}

#[test]
fn shipped_packs_compile() {
    let mut sources = pvlint::source::SourceMap::default();
    let files = pvlint::policy::add_shipped(&mut sources);
    let rules = pvlint::policy::compile(&sources, &files, &[])
        .unwrap_or_else(|error| panic!("{}: {}", sources.name(error.span.file), error.message));
    assert_eq!(rules.len(), pvlint::policy::shipped().len());
    for rule in rules {
        let (pack, id) = rule.code.split_once('/').unwrap();
        assert_eq!(rule.name, id);
        assert_eq!(
            rule.category == Category::Policy,
            pack == "policy",
            "{}: `policy/` rules and only they are policy rules",
            rule.code
        );
    }
}

#[test]
fn docs_have_the_required_sections_in_order() {
    for rule in every_rule() {
        let docs = rule.documentation();
        let why = if rule.category == Category::Policy {
            "## Why restrict this?"
        } else {
            "## Why is this bad?"
        };
        let mut at = 0;
        for section in ["## What it does", why, "## Example", "Use instead:"] {
            let found = docs[at..].find(section).unwrap_or_else(|| {
                panic!(
                    "{}: docs lack `{section}` (or it is out of order)",
                    rule.code
                )
            });
            at += found + section.len();
        }
        assert!(!rule.summary.is_empty(), "{}: empty summary", rule.code);
    }
}

/// One side of the `## Example` section: the YAML to check, and for change rules the base
/// revision's YAML it is compared with.
struct Example {
    base: Option<String>,
    head: String,
}

/// The YAML blocks of the `## Example` section: (fires, does not fire).
fn examples(rule: &Rule) -> (Example, Example) {
    let docs = rule.documentation();
    let example = &docs[docs.find("## Example").unwrap()..];
    let (fires, fixed) = example.split_once("Use instead:").unwrap();
    (example_side(fires, rule), example_side(fixed, rule))
}

fn example_side(text: &str, rule: &Rule) -> Example {
    if !matches!(rule.check, Check::Change(_)) {
        return Example {
            base: None,
            head: yaml_blocks(text, rule).swap_remove(0),
        };
    }
    let mut blocks = yaml_blocks(text, rule).into_iter();
    match (blocks.next(), blocks.next()) {
        (Some(base), Some(head)) => Example {
            base: Some(base),
            head,
        },
        _ => panic!(
            "{}: each side of a change rule's example needs two ```yaml blocks (Before:, After:)",
            rule.code
        ),
    }
}

/// The ```` ```yaml ```` blocks of `text` (not ```` ```yaml backend ````), up to `## ` or the
/// next side of the example.
fn yaml_blocks(text: &str, rule: &Rule) -> Vec<String> {
    let text = text.split("\n## ").next().unwrap_or(text);
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```yaml\n") {
        let start = start + "```yaml\n".len();
        let end = rest[start..].find("```").unwrap() + start;
        blocks.push(rest[start..end].to_owned());
        rest = &rest[end + 3..];
    }
    assert!(
        !blocks.is_empty(),
        "{}: an example lacks a ```yaml block",
        rule.code
    );
    blocks
}

fn findings(rule: &'static Rule, example: &Example) -> usize {
    let inputs = Inputs {
        stdin: Some(example.head.clone()),
        base: example.base.as_ref().map(|base| Revision {
            name: "base".to_owned(),
            files: vec![("example.yaml".to_owned(), base.clone())],
        }),
        ..Inputs::default()
    };
    let (settings, sources) = example_settings(rule);
    let result = pvlint::check(&inputs, &settings, sources);
    result.diagnostics.len()
}

/// The settings the examples run with: the rule alone, plus the backend model of a
/// ```` ```yaml backend ```` block of the docs, when the examples need one (a capacity pool).
fn example_settings(rule: &'static Rule) -> (Settings, SourceMap) {
    let mut settings = Settings::for_rule(rule);
    let mut sources = SourceMap::default();
    let docs = rule.documentation();
    let fence = "```yaml backend\n";
    if let Some(start) = docs.find(fence).map(|start| start + fence.len()) {
        let end = docs[start..].find("```").unwrap() + start;
        let id = sources.add(
            format!("{}-backend.yaml", rule.code),
            docs[start..end].into(),
            FileRole::Config,
        );
        settings.backends = Backends::load(&sources, &[id])
            .unwrap_or_else(|error| panic!("{}: backend block: {}", rule.code, error.message));
    }
    (settings, sources)
}

#[test]
fn doc_examples_fire_and_fixes_do_not() {
    for rule in every_rule() {
        let (example, fixed) = examples(rule);
        assert!(
            findings(rule, &example) > 0,
            "{}: the `## Example` YAML does not fire",
            rule.code
        );
        assert_eq!(
            findings(rule, &fixed),
            0,
            "{}: the `Use instead:` YAML fires",
            rule.code
        );
    }
}
