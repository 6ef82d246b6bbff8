//! `pvlint test-rules DIR`: runs the tests of rule packs with the fixture harness of the
//! built-in rules ([`crate::fixture`]). For each pack under DIR and each rule of it,
//! `<pack>/tests/<rule-id>/` holds `fail.yaml` (or `fail/`), whose `# expect:` markers name
//! exactly the findings the rule must produce, and `pass.yaml` (or `pass/`), which must produce
//! none. Each case runs with only its rule enabled, the pack loaded beside the shipped ones.
//! An optional `pvlint.yaml` in the rule's test folder may set `params:` for its cases.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::ExitStatus;
use crate::cli::args::TestRulesArgs;
use crate::cli::packs::{self, PACK_FILE};
use crate::config;
use crate::load::Inputs;
use crate::policy::{self, Origin};
use crate::rules::{Registry, Rule};
use crate::settings::Settings;
use crate::source::{FileRole, SourceMap};

/// One case's verdict.
struct Verdict {
    name: String,
    failure: Option<String>,
}

pub fn run(args: &TestRulesArgs) -> Result<ExitStatus> {
    let pack_files = packs::pack_files_under(&args.dir);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if pack_files.is_empty() {
        writeln!(
            out,
            "no rule pack under `{}` (looked for `{PACK_FILE}` and `*/{PACK_FILE}`)",
            args.dir.display()
        )?;
        return Ok(ExitStatus::Error);
    }
    let mut verdicts = Vec::new();
    for file in &pack_files {
        let Some(rules) = pack_rules(file, args)? else {
            return Ok(ExitStatus::Error);
        };
        let dir = file.parent().unwrap_or(Path::new("."));
        verdicts.extend(unknown_folders(dir, &rules));
        for rule in &rules {
            let Some(pass) = test_pack(file, rule, dir, args)? else {
                return Ok(ExitStatus::Error);
            };
            verdicts.extend(pass);
        }
    }
    let failed = verdicts.iter().filter(|v| v.failure.is_some()).count();
    for verdict in &verdicts {
        match &verdict.failure {
            None => writeln!(out, "ok      {}", verdict.name)?,
            Some(why) => writeln!(out, "FAILED  {}\n{}", verdict.name, indent(why))?,
        }
    }
    writeln!(
        out,
        "\ntest-rules: {} passed, {failed} failed",
        verdicts.len() - failed
    )?;
    out.flush()?;
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads the pack at `file` (beside the shipped packs) into `sources`, or a fresh map; `None`
/// after reporting a pack error.
fn load(
    file: &Path,
    sources: &mut SourceMap,
    overrides: &[config::ParamsOverride],
    args: &TestRulesArgs,
) -> Result<Option<Registry>> {
    let mut files = policy::add_shipped(sources);
    files.push(packs::read(sources, file, Origin::Named, None)?);
    match policy::compile(sources, &files, overrides) {
        Ok(rules) => Ok(Some(Registry::with_packs(rules))),
        Err(error) => {
            crate::cli::report_input_error(sources, error, args.color)?;
            Ok(None)
        }
    }
}

/// The rules of the pack at `file`, by code.
fn pack_rules(file: &Path, args: &TestRulesArgs) -> Result<Option<Vec<&'static Rule>>> {
    let mut sources = SourceMap::default();
    let Some(registry) = load(file, &mut sources, &[], args)? else {
        return Ok(None);
    };
    let name = crate::load::display_path(file);
    Ok(Some(
        registry
            .packs()
            .iter()
            .copied()
            .filter(|rule| rule.source.starts_with(&format!("{name}#")))
            .collect(),
    ))
}

/// Test folders that name no rule of the pack.
fn unknown_folders(dir: &Path, rules: &[&'static Rule]) -> Vec<Verdict> {
    let Ok(entries) = std::fs::read_dir(dir.join("tests")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !rules.iter().any(|rule| rule.name == name))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Verdict {
            failure: Some(format!("`tests/{name}` names no rule of the pack")),
            name: format!("{}/tests/{name}", crate::load::display_path(dir)),
        })
        .collect()
}

/// Runs the pass and fail cases of one rule; `None` after reporting a pack error.
fn test_pack(
    file: &Path,
    rule: &'static Rule,
    dir: &Path,
    args: &TestRulesArgs,
) -> Result<Option<Vec<Verdict>>> {
    let folder = dir.join("tests").join(rule.name);
    let mut verdicts = Vec::new();
    for case in ["fail", "pass"] {
        let name = format!("{} {case}", rule.code);
        let Some(input) = case_input(&folder, case) else {
            verdicts.push(Verdict {
                name,
                failure: Some(format!(
                    "no `{case}.yaml` or `{case}/` in `{}`",
                    crate::load::display_path(&folder)
                )),
            });
            continue;
        };
        let mut sources = SourceMap::default();
        let overrides = match case_params(&folder, &mut sources) {
            Ok(overrides) => overrides,
            Err(error) => {
                crate::cli::report_input_error(&sources, error, args.color)?;
                return Ok(None);
            }
        };
        let Some(registry) = load(file, &mut sources, &overrides, args)? else {
            return Ok(None);
        };
        let Some(compiled) = registry.find(rule.code) else {
            continue;
        };
        let settings = Settings {
            rules: vec![(compiled, compiled.default_severity())],
            registry,
            ..Settings::default()
        };
        let inputs = Inputs {
            paths: vec![PathBuf::from(crate::load::display_path(&input))],
            ..Inputs::default()
        };
        let result = crate::check(&inputs, &settings, sources);
        verdicts.push(Verdict {
            name,
            failure: crate::fixture::judge(&result, case == "fail").err(),
        });
    }
    Ok(Some(verdicts))
}

fn case_input(folder: &Path, case: &str) -> Option<PathBuf> {
    let file = folder.join(format!("{case}.yaml"));
    let dir = folder.join(case);
    if file.is_file() {
        Some(file)
    } else if dir.is_dir() {
        Some(dir)
    } else {
        None
    }
}

/// The `params:` of the test folder's `pvlint.yaml`, if it has one.
fn case_params(
    folder: &Path,
    sources: &mut SourceMap,
) -> Result<Vec<config::ParamsOverride>, crate::spanned_yaml::InputError> {
    let path = folder.join("pvlint.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let id = sources.add(
        crate::load::display_path(&path),
        text.into(),
        FileRole::Config,
    );
    Ok(config::parse(sources, id, folder)?.params)
}
