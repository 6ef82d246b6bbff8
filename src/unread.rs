//! Never pass over an input in silence: which files pvlint could not fully read or parse, and
//! whether the run said so.
//!
//! A file whose text is lost in part (a syntax error, a limit hit, bytes that are not UTF-8,
//! template syntax) is normally reported by `yaml-syntax-error` (PVL001) or `templated-file`
//! (PVL008), and keeps the run from passing even when those findings are below the fail level.
//! When no finding says so (the rule is not selected, or `--new-only` dropped it as old), or
//! the file is only context, the file becomes an [`InputError`] (exit 2). A suppression comment
//! or a config `ignore:` entry for those rules on the file is the user's explicit choice, and
//! is honoured.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::load::yaml::ParseProblem;
use crate::load::{InputError, LoadedFile, Workspace};
use crate::settings::Settings;
use crate::source::{FileId, FileRole};

const SYNTAX: &str = "PVL001";
const TEMPLATED: &str = "PVL008";

/// The rule whose finding reports that `file` was not fully read, if it was not.
fn reporting_rule(file: &LoadedFile) -> Option<&'static str> {
    if file.templated.is_some() {
        return Some(TEMPLATED);
    }
    let lost = file.encoding.is_some()
        || file
            .parsed
            .problems
            .iter()
            .any(|problem| !matches!(problem, ParseProblem::DuplicateKey { .. }));
    lost.then_some(SYNTAX)
}

/// The checked files not fully read whose finding is among `diagnostics`.
#[must_use]
pub fn reported(workspace: &Workspace, diagnostics: &[Diagnostic]) -> BTreeSet<FileId> {
    let shown: BTreeSet<(FileId, &str)> = diagnostics
        .iter()
        .map(|diagnostic| (diagnostic.span.file, diagnostic.code))
        .collect();
    workspace
        .files
        .iter()
        .filter(|file| reporting_rule(file).is_some_and(|code| shown.contains(&(file.id, code))))
        .map(|file| file.id)
        .collect()
}

/// Input errors for the files not fully read that no finding reports: context files, and
/// checked files whose rule is off, or whose finding `--new-only` dropped (`dropped`: the
/// files reported before that filter).
#[must_use]
pub fn unreported(
    workspace: &Workspace,
    settings: &Settings,
    shown: &BTreeSet<FileId>,
    dropped: &BTreeSet<FileId>,
) -> Vec<InputError> {
    let mut errors = Vec::new();
    for file in &workspace.files {
        let Some(code) = reporting_rule(file) else {
            continue;
        };
        let Some(source) = workspace.sources.get(file.id) else {
            continue;
        };
        let why = match source.role {
            FileRole::Context => "its objects are missing from the context",
            // `pvlint plan` runs no rule at all.
            FileRole::Checked if settings.rules.is_empty() => "its objects are left out",
            FileRole::Checked if settings.severity_of(code).is_none() => {
                "its objects are not checked, and the rule that reports it is not enabled"
            }
            FileRole::Checked if dropped.contains(&file.id) && !shown.contains(&file.id) => {
                "its objects are not checked (the finding is not new, so `--new-only` hides it)"
            }
            // A base file that does not parse is what a pull request fixing it looks like.
            FileRole::Checked | FileRole::Base | FileRole::Config => continue,
        };
        errors.push(InputError {
            path: source.name.clone(),
            message: format!("could not be parsed: {why} (rule `{code}`)"),
        });
    }
    errors
}
