//! JSON output: one stable document, `{"version": 1, "diagnostics": [...], "summary": {...}}`.
//!
//! This is a contract other tools read (and pvlint's own GitHub Action): fields are only ever
//! added, never renamed or removed. Lines and columns are 1-based, columns count characters,
//! and `end_column` is exclusive.

use std::io::{self, Write};

use serde::Serialize;

use crate::CheckResult;
use crate::diagnostic::{ObjectRef, Severity};
use crate::source::{SourceMap, Span};

/// The version of this document's shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'r> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'r>>,
    summary: Summary<'r>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'r> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'r str,
    help: Option<&'r str>,
    notes: &'r [String],
    #[serde(flatten)]
    location: Location<'r>,
    object: Option<&'r ObjectRef>,
    labels: Vec<JsonLabel<'r>>,
}

#[derive(Serialize)]
struct JsonLabel<'r> {
    #[serde(flatten)]
    location: Location<'r>,
    message: &'r str,
}

#[derive(Serialize)]
struct Location<'r> {
    file: &'r str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Summary<'r> {
    files: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    input_errors: Vec<InputErrorJson<'r>>,
}

#[derive(Serialize)]
struct InputErrorJson<'r> {
    path: &'r str,
    message: &'r str,
}

fn location(sources: &SourceMap, span: Span) -> Location<'_> {
    let file = sources.get(span.file);
    let start = file.map(|file| file.position(span.start));
    let end = file.map(|file| file.position(span.end));
    Location {
        file: sources.name(span.file),
        line: start.map_or(1, |p| p.line),
        column: start.map_or(1, |p| p.column),
        end_line: end.map_or(1, |p| p.line),
        end_column: end.map_or(1, |p| p.column),
    }
}

/// Writes the JSON document for a check result.
pub fn write(result: &CheckResult, out: &mut impl Write) -> io::Result<()> {
    let count = |severity| {
        result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .count()
    };
    let report = Report {
        version: VERSION,
        diagnostics: result
            .diagnostics
            .iter()
            .map(|diagnostic| JsonDiagnostic {
                code: diagnostic.code,
                name: diagnostic.name,
                severity: diagnostic.severity,
                message: &diagnostic.message,
                help: diagnostic.help.as_deref(),
                notes: &diagnostic.notes,
                location: location(&result.sources, diagnostic.span),
                object: diagnostic.object.as_ref(),
                labels: diagnostic
                    .labels
                    .iter()
                    .map(|label| JsonLabel {
                        location: location(&result.sources, label.span),
                        message: &label.message,
                    })
                    .collect(),
            })
            .collect(),
        summary: Summary {
            files: result.files_checked,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            info: count(Severity::Info),
            input_errors: result
                .errors
                .iter()
                .map(|error| InputErrorJson {
                    path: &error.path,
                    message: &error.message,
                })
                .collect(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}
