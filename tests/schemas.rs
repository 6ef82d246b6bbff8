//! The committed Kubernetes schemas (`schemas/kubernetes/`): fresh, embedded, compilable, and
//! accepting every object the fixtures and examples hold as valid.
//!
//! Freshness: the schemas are regenerated in memory from `../shared/data/kubernetes` and
//! compared with the committed files. After changing the generator or the data, run
//! `cargo run --example gen-schemas` (or `UPDATE_SCHEMAS=1 cargo test --test schemas`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: failures should be loud"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pvlint::load::Inputs;
use pvlint::schema::builtin::{self, EMBEDDED};
use pvlint::schema::generate::{self, KUBERNETES_VERSION, Upstream};
use pvlint::settings::Settings;
use pvlint::source::SourceMap;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `relative path under schemas/kubernetes/<release>/` → text, as the generator writes it.
fn generated() -> BTreeMap<String, String> {
    let data = repo().join("../shared/data/kubernetes");
    assert!(
        data.is_dir(),
        "the upstream Kubernetes data is expected at {}",
        data.display()
    );
    let upstream = read_upstream(&data, KUBERNETES_VERSION);
    generate::generate(&upstream)
        .unwrap()
        .into_iter()
        .map(|schema| {
            (
                schema.relative_path(),
                generate::to_pretty_json(&schema.schema),
            )
        })
        .collect()
}

/// The same files the `gen-schemas` example reads, in the same order.
fn read_upstream(data: &Path, release: &str) -> Upstream {
    let sorted = |dir: &Path| -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        paths.sort();
        paths
    };
    let has_extension =
        |path: &Path, extension: &str| path.extension().is_some_and(|e| e == extension);
    let openapi_dir = data.join(format!("openapi-v3-{release}"));
    let mut openapi = vec![openapi_dir.join("api/v1.json")];
    for group in sorted(&openapi_dir.join("apis")) {
        openapi.extend(
            sorted(&group)
                .into_iter()
                .filter(|path| has_extension(path, "json")),
        );
    }
    let crds: Vec<PathBuf> = sorted(&data.join("crds"))
        .into_iter()
        .filter(|path| has_extension(path, "yaml"))
        .collect();
    let read = |paths: Vec<PathBuf>| -> Vec<(String, String)> {
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                (path.display().to_string(), text)
            })
            .collect()
    };
    Upstream::parse(&read(openapi), &read(crds)).unwrap()
}

fn committed(release_dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    collect(release_dir, release_dir, &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(relative, std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn committed_schemas_are_fresh() {
    let release_dir = repo().join("schemas/kubernetes").join(KUBERNETES_VERSION);
    let expected = generated();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        if release_dir.is_dir() {
            std::fs::remove_dir_all(&release_dir).unwrap();
        }
        for (relative, text) in &expected {
            let path = release_dir.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let actual = committed(&release_dir);
    let stale: Vec<&String> = expected
        .iter()
        .filter(|(relative, text)| actual.get(*relative) != Some(*text))
        .map(|(relative, _)| relative)
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|relative| !expected.contains_key(*relative))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "schemas/kubernetes/{KUBERNETES_VERSION} is stale (differs: {stale:?}, not generated: \
         {extra:?}); run `cargo run --example gen-schemas` or \
         `UPDATE_SCHEMAS=1 cargo test --test schemas`"
    );
}

#[test]
fn the_embedded_table_lists_every_schema_file() {
    let mut on_disk = Vec::new();
    let root = repo().join("schemas/kubernetes");
    let mut files = BTreeMap::new();
    collect(&root, &root, &mut files);
    on_disk.extend(files.keys().cloned());
    let embedded: Vec<String> = EMBEDDED
        .iter()
        .map(builtin::Embedded::relative_path)
        .collect();
    let missing: Vec<String> = on_disk
        .iter()
        .filter(|path| !embedded.contains(path))
        .map(|path| {
            let parts: Vec<&str> = path.trim_end_matches(".json").split('/').collect();
            format!(
                "    {} {:?} {:?} {:?},",
                parts[0].trim_start_matches("1."),
                parts[1],
                parts[2],
                parts[3]
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "add these lines to `embedded!` in src/schema/builtin.rs:\n{}",
        missing.join("\n")
    );
    assert_eq!(
        embedded.len(),
        on_disk.len(),
        "`embedded!` lists files that do not exist"
    );
    for embedded in EMBEDDED {
        assert_eq!(
            Some(&embedded.text.to_owned()),
            files.get(&embedded.relative_path()),
            "{}",
            embedded.relative_path()
        );
    }
}

#[test]
fn every_embedded_schema_compiles() {
    for embedded in EMBEDDED {
        let api_version = generate::api_version(embedded.group, embedded.version);
        assert!(
            builtin::validator(embedded.kube_minor, &api_version, embedded.kind).is_some(),
            "{} does not compile",
            embedded.relative_path()
        );
    }
    for (group, kind) in generate::KINDS {
        assert!(
            EMBEDDED
                .iter()
                .any(|e| e.group == *group && e.kind == *kind),
            "no schema for {kind}"
        );
    }
}

/// Objects in pass fixtures that are invalid on purpose: near misses of other rules that
/// PVL005 reports instead. `(file, line)` of the finding.
const INVALID_ON_PURPOSE: &[(&str, usize, &str)] = &[
    (
        "tests/fixtures/PVL110-expansion-unsupported-by-backend/pass.yaml",
        32,
        "a quoted \"true\" is not the boolean PVL110 looks for",
    ),
    (
        "tests/fixtures/PVL203-invalid-access-modes/pass/claims.yaml",
        56,
        "an accessModes that is not a list is left to PVL005",
    ),
];

#[test]
fn pass_fixtures_and_examples_validate() {
    let mut paths = vec![repo().join("examples")];
    let fixtures = repo().join("tests/fixtures");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    folders.sort();
    for folder in folders {
        for pass in [folder.join("pass.yaml"), folder.join("pass")] {
            if pass.exists() {
                paths.push(pass);
            }
        }
    }
    let mut findings = Vec::new();
    for path in paths {
        let settings = Settings::for_rule(pvlint::rules::find("PVL005").unwrap());
        let relative = path.strip_prefix(repo()).unwrap().to_path_buf();
        let inputs = Inputs {
            paths: vec![relative],
            ..Inputs::default()
        };
        let result = pvlint::check(&inputs, &settings, SourceMap::default());
        for diagnostic in &result.diagnostics {
            let file = result.sources.get(diagnostic.span.file).unwrap();
            let line = file.position(diagnostic.span.start).line;
            let name = file.name.replace('\\', "/");
            if INVALID_ON_PURPOSE
                .iter()
                .any(|(expected, at, _)| name == *expected && line == *at)
            {
                continue;
            }
            findings.push(format!("{name}:{line}: {}", diagnostic.message));
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
