//! GitHub Actions workflow commands (`--format github`): one `::error`, `::warning` or
//! `::notice` line per finding, which the runner turns into an annotation on the file and
//! lines of the finding.
//!
//! GitHub shows at most [`ANNOTATIONS_PER_LEVEL`] annotations of each level per step and
//! drops the rest without a word, so the most important come first and no more than that are
//! written: errors, then warnings, then notices, and within a level the findings in files the
//! change touches (with `--base`) before the others. A last notice counts what was left out
//! and says where to see it.
//!
//! Escaping follows the Actions toolkit: `%`, CR and LF in the message; also `:` and `,` in
//! properties. The runner renders `%0A` as a line break, so help and notes follow the message
//! on their own lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::CheckResult;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::region::{Artifact, Region};
use crate::source::{FileRole, SourceMap, Span};

/// Annotations of one level GitHub shows per step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// One workflow command, not yet escaped.
#[derive(Debug)]
struct Annotation {
    severity: Severity,
    /// In a file the change touches (always, without a base revision).
    changed: bool,
    /// `(name, value)` pairs: `file`, `line`, `endLine`, `col`, `endColumn`, `title`.
    properties: Vec<(&'static str, String)>,
    message: String,
}

impl Annotation {
    fn command(&self) -> String {
        let name = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let properties = self
            .properties
            .iter()
            .map(|(key, value)| format!("{key}={}", escape_property(value)))
            .collect::<Vec<_>>()
            .join(",");
        let separator = if properties.is_empty() { "" } else { " " };
        format!(
            "::{name}{separator}{properties}::{}",
            escape_data(&self.message)
        )
    }
}

/// Writes the workflow commands of a check result.
pub fn write(result: &CheckResult, out: &mut impl Write) -> io::Result<()> {
    let changed = changed_files(&result.sources);
    let mut annotations: Vec<Annotation> = result
        .errors
        .iter()
        .map(|error| Annotation {
            severity: Severity::Error,
            changed: true,
            properties: vec![("title", "pvlint: input error".to_owned())],
            message: format!("{}: {}", error.path, error.message),
        })
        .collect();
    annotations.extend(result.diagnostics.iter().map(|diagnostic| {
        let in_changed_file = match (
            &changed,
            Artifact::of(&result.sources, diagnostic.span.file),
        ) {
            (Some(changed), Artifact::File { path, .. }) => changed.contains(&path),
            _ => true,
        };
        annotation(diagnostic, &result.sources, in_changed_file)
    }));
    // Stable: within a level and a changed-ness, the report order (file, position) stays.
    annotations
        .sort_by_key(|annotation| (std::cmp::Reverse(annotation.severity), !annotation.changed));
    for line in capped(&annotations) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The commands to write: at most [`ANNOTATIONS_PER_LEVEL`] per level, then a notice counting
/// the rest. That notice is a notice too, so when it is needed one notice less is written.
fn capped(annotations: &[Annotation]) -> Vec<String> {
    let count = |severity| {
        annotations
            .iter()
            .filter(|annotation| annotation.severity == severity)
            .count()
    };
    let totals = [Severity::Error, Severity::Warning, Severity::Info].map(count);
    let over = totals.iter().any(|&total| total > ANNOTATIONS_PER_LEVEL);
    let cap = |severity| match severity {
        Severity::Info if over => ANNOTATIONS_PER_LEVEL - 1,
        _ => ANNOTATIONS_PER_LEVEL,
    };
    let mut written: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut left_out: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    for annotation in annotations {
        let seen = written.entry(annotation.severity).or_default();
        if *seen < cap(annotation.severity) {
            *seen += 1;
            lines.push(annotation.command());
        } else {
            *left_out.entry(annotation.severity).or_default() += 1;
        }
    }
    if !left_out.is_empty() {
        lines.push(summary(&left_out).command());
    }
    lines
}

/// The notice counting the annotations left out.
fn summary(left_out: &BTreeMap<Severity, usize>) -> Annotation {
    let total: usize = left_out.values().sum();
    let parts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "notice"),
    ]
    .into_iter()
    .filter_map(|(severity, word)| {
        let n = left_out.get(&severity).copied().unwrap_or(0);
        (n > 0).then(|| format!("{n} {word}{}", if n == 1 { "" } else { "s" }))
    })
    .collect();
    Annotation {
        severity: Severity::Info,
        changed: true,
        properties: vec![("title", "pvlint: more findings".to_owned())],
        message: format!(
            "{total} more finding{} not shown as annotations ({}): GitHub shows {ANNOTATIONS_PER_LEVEL} \
             annotations per level and step. See them all in the code scanning alerts (the SARIF \
             upload), in the job summary, or with `pvlint check` on the same paths.",
            if total == 1 { " is" } else { "s are" },
            parts.join(", "),
        ),
    }
}

/// The command of one finding. Columns only for single-line spans (GitHub ignores them
/// otherwise); no lines for standard input and base-revision files, whose lines are not those
/// of a file of the checked-out tree: the message says where they are instead.
fn annotation(diagnostic: &Diagnostic, sources: &SourceMap, changed: bool) -> Annotation {
    let mut properties = Vec::new();
    let mut message = diagnostic.message.clone();
    let region = sources
        .get(diagnostic.span.file)
        .map(|file| Region::of(file, diagnostic.span));
    match Artifact::of(sources, diagnostic.span.file) {
        Artifact::File {
            path,
            revision: None,
        } => {
            properties.push(("file", path));
            if let Some(region) = region {
                properties.push(("line", region.start_line.to_string()));
                properties.push(("endLine", region.end_line.to_string()));
                if region.is_single_line() {
                    properties.push(("col", region.start_column.to_string()));
                    properties.push(("endColumn", region.end_column.to_string()));
                }
            }
        }
        Artifact::File {
            path,
            revision: Some(revision),
        } => {
            let _ = write!(
                message,
                "\nat the base revision `{revision}`: {}",
                position(sources, diagnostic.span)
            );
            properties.push(("file", path));
        }
        Artifact::Stdin => {
            let _ = write!(
                message,
                "\nat {} (standard input)",
                position(sources, diagnostic.span)
            );
        }
    }
    properties.push(("title", diagnostic.title()));
    for label in &diagnostic.labels {
        let _ = write!(
            message,
            "\n{}: {}",
            position(sources, label.span),
            label.message
        );
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    for note in &diagnostic.notes {
        let _ = write!(message, "\nnote: {note}");
    }
    Annotation {
        severity: diagnostic.severity,
        changed,
        properties,
        message,
    }
}

/// `name:line:column` of a span's start, as users read it (`origin/main:app/pvc.yaml:3:5` for
/// a base-revision file).
fn position(sources: &SourceMap, span: Span) -> String {
    let name = sources.name(span.file);
    match sources.get(span.file) {
        Some(file) => {
            let region = Region::of(file, span);
            format!("{name}:{}:{}", region.start_line, region.start_column)
        }
        None => name.to_owned(),
    }
}

/// With a base revision (`--base`): the paths of checked files whose text differs from the
/// base revision's text of the same path, or that only one of the two has. `None` without a
/// base revision, when every file counts as changed.
fn changed_files(sources: &SourceMap) -> Option<BTreeSet<String>> {
    let mut texts: BTreeMap<String, (Option<&str>, Option<&str>)> = BTreeMap::new();
    let mut has_base = false;
    for (id, file) in sources.iter() {
        let Artifact::File { path, .. } = Artifact::of(sources, id) else {
            continue;
        };
        match file.role {
            FileRole::Checked => texts.entry(path).or_default().0 = Some(&file.text),
            FileRole::Base => {
                has_base = true;
                texts.entry(path).or_default().1 = Some(&file.text);
            }
            FileRole::Context | FileRole::Config => {}
        }
    }
    has_base.then(|| {
        texts
            .into_iter()
            .filter(|(_, (head, base))| head != base)
            .map(|(path, _)| path)
            .collect()
    })
}

/// Escapes a command's message: `%`, CR and LF.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value: as the message, and also `:` and `,`.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_percent_and_line_breaks() {
        assert_eq!(escape_data("100% of\r\nit"), "100%25 of%0D%0Ait");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        // `%` first, so an escape is never escaped twice.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("dir,x/a:b%\n.yaml"),
            "dir%2Cx/a%3Ab%25%0A.yaml"
        );
    }

    fn finding(severity: Severity, n: usize) -> Annotation {
        Annotation {
            severity,
            changed: true,
            properties: vec![("file", format!("f{n}.yaml"))],
            message: format!("finding {n}"),
        }
    }

    #[test]
    fn at_most_ten_per_level_then_a_notice_counting_the_rest() {
        let mut annotations: Vec<Annotation> =
            (0..12).map(|n| finding(Severity::Error, n)).collect();
        annotations.extend((0..3).map(|n| finding(Severity::Warning, n)));
        annotations.extend((0..10).map(|n| finding(Severity::Info, n)));
        let lines = capped(&annotations);
        let starting = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
        assert_eq!(starting("::error "), 10);
        assert_eq!(starting("::warning "), 3);
        // Nine notices and the summary: ten notices in all.
        assert_eq!(starting("::notice "), 10);
        let last = lines.last().unwrap();
        assert!(
            last.contains("3 more findings are not shown as annotations (2 errors, 1 notice)"),
            "{last}"
        );
    }

    #[test]
    fn no_notice_when_nothing_is_left_out() {
        let annotations: Vec<Annotation> = (0..10).map(|n| finding(Severity::Info, n)).collect();
        let lines = capped(&annotations);
        assert_eq!(lines.len(), 10);
        assert!(lines.iter().all(|line| line.contains("finding")));
    }

    #[test]
    fn commands_escape_message_and_properties() {
        let annotation = Annotation {
            severity: Severity::Warning,
            changed: true,
            properties: vec![
                ("file", "a,b.yaml".to_owned()),
                ("title", "PVL1 x".to_owned()),
            ],
            message: "one\ntwo: 50%".to_owned(),
        };
        assert_eq!(
            annotation.command(),
            "::warning file=a%2Cb.yaml,title=PVL1 x::one%0Atwo: 50%25"
        );
    }
}
