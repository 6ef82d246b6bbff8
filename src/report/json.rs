//! JSON output: one stable document, `{"version": 1, "diagnostics": [...], "summary": {...}}`.
//!
//! This is a contract other tools read (and pvlint's own GitHub Action): fields are only ever
//! added, never renamed or removed. Lines and columns are 1-based, columns count characters,
//! and `end_column` is exclusive.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use crate::CheckResult;
use crate::diagnostic::{ObjectRef, Severity};
use crate::source::{SourceMap, Span};

/// The version of this document's shape.
pub const VERSION: u32 = 1;

/// The document `pvlint check --format json` prints. Fields are only ever added, never
/// renamed or removed.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "pvlint check output")]
struct Report<'r> {
    /// The version of this document's shape (1).
    version: u32,
    /// The findings, sorted by file, position and code.
    diagnostics: Vec<JsonDiagnostic<'r>>,
    summary: Summary<'r>,
}

/// One finding, located at its primary span.
#[derive(Serialize, JsonSchema)]
struct JsonDiagnostic<'r> {
    /// The rule's code (`PVL201`).
    code: &'static str,
    /// The rule's name (`pvc-storage-class-not-found`).
    name: &'static str,
    severity: Severity,
    /// What is wrong.
    message: &'r str,
    /// How to fix it.
    help: Option<&'r str>,
    /// More context.
    notes: &'r [String],
    #[serde(flatten)]
    location: Location<'r>,
    /// The object the finding is about; `null` for findings about a file (a syntax error).
    object: Option<&'r ObjectRef>,
    /// The field path of the finding within its object (`spec.resources.requests.storage`;
    /// list items by their `name`): stable when edits move the finding to other lines.
    path: Option<&'r str>,
    /// Secondary locations, possibly in other files.
    labels: Vec<JsonLabel<'r>>,
}

/// A secondary location with its own message.
#[derive(Serialize, JsonSchema)]
struct JsonLabel<'r> {
    #[serde(flatten)]
    location: Location<'r>,
    message: &'r str,
}

/// A span of a file. Lines and columns are 1-based, columns count characters, and
/// `end_column` is exclusive.
#[derive(Serialize, JsonSchema)]
struct Location<'r> {
    /// The file, relative to the working directory; `-` for stdin.
    file: &'r str,
    #[schemars(range(min = 1))]
    line: usize,
    #[schemars(range(min = 1))]
    column: usize,
    #[schemars(range(min = 1))]
    end_line: usize,
    #[schemars(range(min = 1))]
    end_column: usize,
}

/// Counts.
#[derive(Serialize, JsonSchema)]
struct Summary<'r> {
    /// Files checked (context files excluded).
    files: usize,
    /// Findings by severity.
    errors: usize,
    warnings: usize,
    info: usize,
    /// Paths that could not be read.
    input_errors: Vec<InputErrorJson<'r>>,
}

/// A path that could not be read.
#[derive(Serialize, JsonSchema)]
struct InputErrorJson<'r> {
    path: &'r str,
    message: &'r str,
}

/// The schema of the document [`write`] prints.
pub(crate) fn schema(generator: schemars::SchemaGenerator) -> schemars::Schema {
    generator.into_root_schema_for::<Report<'static>>()
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
                path: diagnostic.path.as_deref(),
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
