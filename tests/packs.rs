//! Rule packs end to end, through the binary: the shipped packs' and the test pack's own tests
//! pass under `pvlint test-rules` (the same harness as the built-in fixtures), every broken
//! pack under `tests/packs-broken/` is an error pointing into it (exit 2), and pack rules are
//! selected, suppressed, listed and described like built-in ones.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: failures should be loud"
)]

mod common;

use std::path::Path;

use common::pvlint;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn shipped_packs_pass_their_tests() {
    let output = pvlint(root(), &["test-rules", "rules/"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    for rule in pvlint::policy::shipped() {
        for case in ["fail", "pass"] {
            assert!(
                stdout.contains(&format!("ok      {} {case}", rule.code)),
                "{} {case} did not run:\n{stdout}",
                rule.code
            );
        }
    }
}

#[test]
fn the_test_pack_exercises_every_template() {
    let output = pvlint(root(), &["test-rules", "tests/packs"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    let pack = std::fs::read_to_string(root().join("tests/packs/acme/pack.yaml")).unwrap();
    for template in pvlint::policy::templates::TEMPLATES {
        assert!(
            pack.contains(&format!("template: {}\n", template.name)),
            "tests/packs/acme/pack.yaml has no rule for template `{}`",
            template.name
        );
    }
    assert!(stdout.contains("16 passed, 0 failed"), "{stdout}");
}

#[test]
fn broken_packs_are_errors_pointing_into_the_pack() {
    let mut cases: Vec<_> = std::fs::read_dir(root().join("tests/packs-broken"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = format!("tests/packs-broken/{name}");
        let output = pvlint(root(), &["test-rules", "--color", "never", &dir]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        insta::with_settings!({ snapshot_suffix => name.clone(), omit_expression => true }, {
            insta::assert_snapshot!("broken_pack", text(&output.stderr));
        });
    }
}

#[test]
fn a_failing_case_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("team");
    std::fs::create_dir_all(pack.join("tests/no-class")).unwrap();
    std::fs::write(
        pack.join("pack.yaml"),
        "apiVersion: pvlint.dev/v1\nkind: RulePack\nid: team\nrules:\n  - id: no-class\n    \
         summary: claims name a class\n    category: policy\n    match: {kinds: [PersistentVolumeClaim]}\n    \
         template: require-field\n    params: {path: spec.storageClassName}\n    message: no class\n  \
         - id: untested\n    summary: s\n    category: policy\n    template: forbid-field\n    \
         params: {path: spec.x}\n    message: m\n",
    )
    .unwrap();
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\nspec: {}\n";
    // The marker is on the wrong line: the finding is at `spec`.
    std::fs::write(
        pack.join("tests/no-class/fail.yaml"),
        format!("{claim}# expect: team/no-class\n"),
    )
    .unwrap();
    std::fs::write(pack.join("tests/no-class/pass.yaml"), claim).unwrap();
    let output = pvlint(dir.path(), &["test-rules", "team"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAILED  team/no-class fail"), "{stdout}");
    assert!(stdout.contains("FAILED  team/no-class pass"), "{stdout}");
    assert!(stdout.contains("FAILED  team/untested fail"), "{stdout}");
}

/// A repository with a pack under `rules/`, a config that selects it and sets params.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("rules/team/tests")).unwrap();
    std::fs::write(
        root.join("rules/team/pack.yaml"),
        "apiVersion: pvlint.dev/v1\nkind: RulePack\nid: team\nrules:\n  - id: claim-size-limit\n    \
         summary: claims may request at most 10Gi\n    category: policy\n    \
         match: {kinds: [PersistentVolumeClaim]}\n    template: quantity-range\n    \
         params: {path: spec.resources.requests.storage, max: 10Gi}\n    \
         message: \"claim `{name}` requests `{value}`, {bound}\"\n",
    )
    .unwrap();
    // A pack's test fixture: never linted as the repository's manifests.
    std::fs::write(
        root.join("rules/team/tests/huge.yaml"),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: fixture}\nspec: {resources: {requests: {storage: 1Pi}}}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app.yaml"),
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: big}\nspec:\n  \
         resources: {requests: {storage: 20Gi}}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\n\
         metadata: {name: ok}\nspec:\n  resources: {requests: {storage: 20Gi}} # pvlint: ignore team/claim-size-limit -- approved\n",
    )
    .unwrap();
    dir
}

#[test]
fn repository_packs_are_selected_suppressed_and_described() {
    let dir = repository();
    let root = dir.path();
    let output = pvlint(
        root,
        &["check", "--select", "team/", "--format", "json", "."],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    assert_eq!(findings[0]["code"], "team/claim-size-limit");
    assert_eq!(findings[0]["file"], "app.yaml");
    assert_eq!(
        findings[0]["message"],
        "claim `big` requests `20Gi`, more than `10Gi`"
    );
    assert_eq!(findings[0]["labels"][0]["file"], "rules/team/pack.yaml");

    // The human heading is the code alone (it holds the rule's name), and the label points at
    // the rule's definition in the pack.
    let human = pvlint(
        root,
        &["check", "--select", "team/", "--color", "never", "."],
    );
    let human = text(&human.stdout);
    assert!(human.starts_with("team/claim-size-limit\n"), "{human}");
    assert!(human.contains("rules/team/pack.yaml:5:9"), "{human}");

    let sarif = pvlint(
        root,
        &[
            "check",
            "--select",
            "team/claim-size-limit",
            "--format",
            "sarif",
            ".",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|rule| rule["id"] == "team/claim-size-limit")
    );

    std::fs::write(
        root.join(".pvlint.yaml"),
        "select: [team/]\nparams:\n  team/claim-size-limit: {max: 50Gi}\n",
    )
    .unwrap();
    let output = pvlint(root, &["check", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));

    std::fs::write(
        root.join(".pvlint.yaml"),
        "params:\n  team/claim-size-limit: {max: [1]}\n",
    )
    .unwrap();
    let output = pvlint(root, &["check", "--color", "never", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains(".pvlint.yaml:2:"),
        "{}",
        text(&output.stderr)
    );

    std::fs::remove_file(root.join(".pvlint.yaml")).unwrap();
    let list = pvlint(root, &["rules"]);
    assert!(text(&list.stdout).contains("team/claim-size-limit"));
    let doc = pvlint(root, &["rule", "team/claim-size-limit"]);
    assert!(
        text(&doc.stdout).contains("From the rule pack `team`"),
        "{}",
        text(&doc.stdout)
    );
}

#[test]
fn the_readme_pack_compiles() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("## Rule packs").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let end = start + section[start..].find("```\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("rules/acme")).unwrap();
    std::fs::write(
        dir.path().join("rules/acme/pack.yaml"),
        &section[start..end],
    )
    .unwrap();
    let list = pvlint(dir.path(), &["rules"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    let list = text(&list.stdout);
    for id in [
        "acme/claim-size-limit",
        "acme/claim-team-label-missing",
        "acme/critical-claims-retained",
    ] {
        assert!(list.contains(id), "{list}");
    }
}
