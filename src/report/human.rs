//! Human output: each finding as a miette report quoting the YAML with the offending node
//! underlined. Labels in other files become related reports with their own snippet, since a
//! miette report holds one source. miette is named only here (and for config errors in `cli`).

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::CheckResult;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::HumanStyle;
use crate::source::{SourceMap, Span};

/// Writes every finding, then input errors, then a summary line.
pub fn write(result: &CheckResult, style: HumanStyle, out: &mut impl Write) -> io::Result<()> {
    let handler = handler(style);
    for diagnostic in &result.diagnostics {
        let report = Snippet::from_diagnostic(diagnostic, &result.sources);
        write_report(&handler, &report, out)?;
    }
    for error in &result.errors {
        writeln!(out, "error: {}: {}", error.path, error.message)?;
    }
    writeln!(out, "{}", summary(result))
}

/// The miette handler for a style: no hyperlinks, explicit colour choice, fixed width.
#[must_use]
pub fn handler(style: HumanStyle) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(false)
        .with_width(style.width)
        .with_context_lines(1)
        .without_syntax_highlighting()
        .with_show_related_as_nested(true)
}

/// Renders one report through the handler.
pub fn write_report(
    handler: &GraphicalReportHandler,
    report: &dyn miette::Diagnostic,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut text = String::new();
    handler
        .render_report(&mut text, report)
        .map_err(|error| io::Error::other(error.to_string()))?;
    out.write_all(text.as_bytes())?;
    writeln!(out)
}

/// `Found 2 errors and 1 warning in 12 files.`
#[must_use]
pub fn summary(result: &CheckResult) -> String {
    let count = |severity| {
        result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let files = plural(result.files_checked, "file");
    if result.diagnostics.is_empty() {
        return format!("No findings in {files}.");
    }
    let mut parts = Vec::new();
    for (severity, word) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "info finding"),
    ] {
        let n = count(severity);
        if n > 0 {
            parts.push(plural(n, word));
        }
    }
    format!("Found {} in {files}.", parts.join(", "))
}

/// One miette report: a message, a source with labels, and related reports for other files.
#[derive(Debug)]
pub struct Snippet {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Snippet>,
}

impl Snippet {
    /// A report for a finding and its labels.
    #[must_use]
    pub fn from_diagnostic(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            None,
            source_span(diagnostic.span),
        )];
        let mut related = Vec::new();
        for label in &diagnostic.labels {
            if label.span.file == diagnostic.span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    source_span(label.span),
                ));
            } else {
                related.push(Snippet {
                    code: String::new(),
                    message: label.message.clone(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: named_source(sources, label.span),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        None,
                        source_span(label.span),
                    )],
                    related: Vec::new(),
                });
            }
        }
        let mut help = diagnostic.help.clone();
        for note in &diagnostic.notes {
            let line = format!("note: {note}");
            help = Some(match help {
                Some(text) => format!("{text}\n{line}"),
                None => line,
            });
        }
        Self {
            code: diagnostic.title(),
            message: diagnostic.message.clone(),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help,
            source: named_source(sources, diagnostic.span),
            labels,
            related,
        }
    }

    /// A report for a problem in one of our own inputs (config), without related reports.
    #[must_use]
    pub fn error(sources: &SourceMap, span: Span, message: String, help: Option<String>) -> Self {
        Self {
            code: String::new(),
            message,
            severity: miette::Severity::Error,
            help,
            source: named_source(sources, span),
            labels: vec![LabeledSpan::new_primary_with_span(None, source_span(span))],
            related: Vec::new(),
        }
    }
}

fn named_source(sources: &SourceMap, span: Span) -> NamedSource<Arc<str>> {
    match sources.get(span.file) {
        Some(file) => NamedSource::new(file.name.clone(), file.text.clone()),
        None => NamedSource::new("<unknown>", Arc::from("")),
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len())
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Snippet {}

impl miette::Diagnostic for Snippet {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related
                .iter()
                .map(|snippet| snippet as &dyn miette::Diagnostic),
        ))
    }
}
