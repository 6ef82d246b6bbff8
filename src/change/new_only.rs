//! `--new-only`: keeps the findings a change introduces. A finding is old when the base
//! revision has one with the same rule, object (kind, namespace, name) and field path; line
//! numbers never take part, so edits that move a finding do not make it new. Findings without
//! an object (a file that does not parse) are matched by rule, file path and message.

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::source::{FileRole, SourceMap};

/// What makes two findings the same across revisions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Object {
        code: &'static str,
        kind: String,
        namespace: Option<String>,
        name: String,
        path: Option<String>,
    },
    File {
        code: &'static str,
        file: String,
        message: String,
    },
}

fn identity(diagnostic: &Diagnostic, sources: &SourceMap, revision: &str) -> Identity {
    if let Some(object) = &diagnostic.object {
        return Identity::Object {
            code: diagnostic.code,
            kind: object.kind.clone(),
            namespace: object.namespace.clone(),
            name: object.name.clone(),
            path: diagnostic.path.clone(),
        };
    }
    let name = sources.name(diagnostic.span.file);
    let file = name
        .strip_prefix(revision)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or(name);
    Identity::File {
        code: diagnostic.code,
        file: file.to_owned(),
        message: diagnostic.message.clone(),
    }
}

/// The findings of `head` that have no counterpart among `base`'s findings located in files of
/// the base revision.
#[must_use]
pub fn retain_new(
    head: Vec<Diagnostic>,
    base: &[Diagnostic],
    sources: &SourceMap,
    revision: &str,
) -> Vec<Diagnostic> {
    let old: HashSet<Identity> = base
        .iter()
        .filter(|diagnostic| {
            sources
                .get(diagnostic.span.file)
                .is_some_and(|file| file.role == FileRole::Base)
        })
        .map(|diagnostic| identity(diagnostic, sources, revision))
        .collect();
    head.into_iter()
        .filter(|diagnostic| !old.contains(&identity(diagnostic, sources, revision)))
        .collect()
}
