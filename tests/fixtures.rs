//! The fixture harness: one trial per `tests/fixtures/<CODE>-<name>/{fail,pass}.yaml` (or
//! `fail/`, `pass/` directories, each treated as a repository root).
//!
//! Each case runs the library's `check()` with only its rule selected (plus the folder's
//! optional `pvlint.yaml` settings). `pass` must produce nothing. `fail` must produce exactly
//! the `(line, code)` pairs marked by `# expect: CODE` comments, and its human rendering is
//! snapshotted to `fail.snap` beside the fixture.
//!
//! A fixture whose rule depends on other rules running (PVL009 judges suppressions only for
//! rules that ran) may put a `select:` in its `pvlint.yaml`: those rules then run too, but only
//! the fixture's own findings are compared and snapshotted.
//!
//! **Change rules** (PVL7xx) compare two revisions, so their cases are pairs of folders:
//! `fail/base/` + `fail/head/` and `pass/base/` + `pass/head/`. The harness builds a temporary
//! git repository with two commits, the base folder's files and then the head folder's, both
//! at the head folder's path (`tests/fixtures/<CODE>-<name>/<case>/head/…`, as a pull request
//! that edits files in place), and reads the base revision from it with
//! `load::git::read_revision(repo, "HEAD~1", …)` into `Inputs.base`, as `--base HEAD~1` would.
//! The head input stays the fixture's `head/` folder, so file names and snapshots are stable.
//! Base files are therefore named `HEAD~1:tests/fixtures/<CODE>-<name>/<case>/head/<file>`; a
//! `# expect:` marker in `base/<file>` expects a finding on that line of that base file (what a
//! change removes is reported where the base revision wrote it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a broken fixture tree should fail loudly"
)]

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use pvlint::config;
use pvlint::load::{Excludes, Inputs, Revision};
use pvlint::settings::Settings;
use pvlint::source::{FileRole, SourceMap};

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut trials = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
        for case in ["fail", "pass"] {
            let file = folder.join(format!("{case}.yaml"));
            let dir = folder.join(case);
            let input = if file.is_file() {
                file
            } else if dir.is_dir() {
                dir
            } else {
                continue;
            };
            let folder = folder.clone();
            trials.push(Trial::test(format!("{folder_name}/{case}"), move || {
                run_case(&folder, &input, case == "fail")
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn run_case(folder: &Path, input: &Path, expect_findings: bool) -> Result<(), Failed> {
    let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
    let code = folder_name.split('-').next().unwrap_or_default();
    let rule = pvlint::rules::find(code).ok_or_else(|| format!("no rule `{code}`"))?;
    let expected_name = folder_name.trim_start_matches(code).trim_start_matches('-');
    if rule.name != expected_name {
        return Err(format!(
            "folder is named `{folder_name}`, but {code} is `{}`",
            rule.name
        )
        .into());
    }

    let (settings, sources) = case_settings(folder, rule)?;

    let change = ChangeCase::of(input);
    let (head, base) = match &change {
        Some(change) => (change.head.clone(), Some(change.base_revision()?)),
        None => (input.to_path_buf(), None),
    };
    let inputs = Inputs {
        paths: vec![PathBuf::from(relative(&head))],
        base,
        ..Inputs::default()
    };
    let mut result = pvlint::check(&inputs, &settings, sources);
    result
        .diagnostics
        .retain(|diagnostic| diagnostic.code == rule.code);
    // A fixture runs one rule, so a file that another rule reports as unparsable (a Helm
    // template among PVL001's near-misses) is an input error here; its own fixture covers it.
    result
        .errors
        .retain(|error| !error.message.starts_with("could not be parsed"));
    let rendered = pvlint::fixture::judge(&result, expect_findings)?;
    if !expect_findings {
        return Ok(());
    }

    let mut insta_settings = insta::Settings::clone_current();
    insta_settings.set_snapshot_path(folder);
    insta_settings.set_prepend_module_to_snapshot(false);
    insta_settings.set_omit_expression(true);
    insta_settings.bind(|| insta::assert_snapshot!("fail", rendered));
    Ok(())
}

/// The settings of a case: only its rule (or the `select:` of the folder's `pvlint.yaml`), plus
/// the config's other settings, backends and schemas.
fn case_settings(
    folder: &Path,
    rule: &'static pvlint::rules::Rule,
) -> Result<(Settings, SourceMap), Failed> {
    let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
    let mut sources = SourceMap::default();
    let mut settings = Settings::default();
    let config_path = folder.join("pvlint.yaml");
    if config_path.is_file() {
        let text = std::fs::read_to_string(&config_path).unwrap();
        let id = sources.add(relative(&config_path), text.into(), FileRole::Config);
        let mut parsed = config::parse(&sources, id, folder).map_err(|error| error.message)?;
        let backends = std::mem::take(&mut parsed.backends);
        let schemas = std::mem::take(&mut parsed.schemas);
        parsed
            .apply(&mut settings, folder)
            .map_err(|error| error.message)?;
        if !schemas.is_empty() {
            settings.schemas =
                pvlint::cli::load_schemas(&mut sources, &schemas, settings.kube_version)
                    .map_err(|error| format!("{error:#}"))?
                    .map_err(|error| {
                        format!("{}: {}", sources.name(error.span.file), error.message)
                    })?;
        }
        if !backends.is_empty() {
            settings.backends = pvlint::cli::load_backends(&mut sources, &backends)
                .map_err(|error| format!("{error:#}"))?
                .map_err(|error| format!("{}: {}", sources.name(error.span.file), error.message))?;
        }
    }
    if settings.selection.select.is_none() {
        let severity = settings
            .severity_of(rule.code)
            .unwrap_or_else(|| rule.default_severity());
        settings.rules = vec![(rule, severity)];
    } else if settings.severity_of(rule.code).is_none() {
        return Err(format!(
            "the `select:` of {folder_name}/pvlint.yaml leaves out {}",
            rule.code
        )
        .into());
    }

    Ok((settings, sources))
}

/// A change-rule case: `<case>/base/` and `<case>/head/`.
struct ChangeCase {
    base: PathBuf,
    head: PathBuf,
}

/// The revision the base commit is read as.
const BASE_REVISION: &str = "HEAD~1";

impl ChangeCase {
    fn of(input: &Path) -> Option<Self> {
        let (base, head) = (input.join("base"), input.join("head"));
        (base.is_dir() && head.is_dir()).then_some(Self { base, head })
    }

    /// Commits the base files, then the head files, at the head folder's path in a temporary
    /// repository, and reads the first commit back as the base revision.
    fn base_revision(&self) -> Result<Revision, Failed> {
        let repo = tempfile::tempdir().map_err(|error| error.to_string())?;
        let at = repo.path().join(relative(&self.head));
        git(repo.path(), &["init", "--quiet"])?;
        for (folder, message) in [(&self.base, "base"), (&self.head, "head")] {
            if at.exists() {
                std::fs::remove_dir_all(&at).map_err(|error| error.to_string())?;
            }
            copy_tree(folder, &at)?;
            git(repo.path(), &["add", "--all"])?;
            git(
                repo.path(),
                &["commit", "--quiet", "--allow-empty", "--message", message],
            )?;
        }
        let roots = [PathBuf::from(relative(&self.head))];
        let revision = pvlint::load::git::read_revision(
            repo.path(),
            BASE_REVISION,
            &roots,
            &Excludes::default(),
        )
        .map_err(|error| format!("reading the base revision: {error}"))?;
        Ok(revision)
    }
}

/// Runs git in `repo` with a fixed identity and no user or system configuration.
fn git(repo: &Path, args: &[&str]) -> Result<(), Failed> {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=pvlint fixtures",
            "-c",
            "user.email=fixtures@pvlint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        )
        .into())
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), Failed> {
    let mut files = Vec::new();
    collect_files(from, &mut files);
    for file in files {
        let target = to.join(file.strip_prefix(from).unwrap_or(&file));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|error| error.to_string())?;
        }
        std::fs::copy(&file, &target).map_err(|error| error.to_string())?;
    }
    std::fs::create_dir_all(to).map_err(|error| error.to_string())?;
    Ok(())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}
