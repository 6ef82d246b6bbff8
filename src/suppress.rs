//! Suppressions, three ways: a `# pvlint: ignore CODE -- reason` comment, a
//! `pvlint.dev/ignore` object annotation, and config `ignore:` entries. Each suppression that
//! silences nothing becomes an `unused-suppression` (PVL009) finding.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Workspace;
use crate::load::yaml::Comment;
use crate::model::Object;
use crate::rules::Registry;
use crate::settings::Settings;
use crate::source::{FileId, SourceMap, Span};

/// The annotation that suppresses rules on one object.
pub const IGNORE_ANNOTATION: &str = "pvlint.dev/ignore";

/// Where a suppression applies.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Findings starting on this 0-based line of a file.
    Line(FileId, usize),
    /// Findings starting inside this span (a document or an object).
    Span(Span),
    /// Findings in files whose path matches (config entries; `None` = every file).
    Paths(Option<usize>),
}

/// One rule named by one suppression, and whether it silenced anything.
#[derive(Debug, Clone)]
struct Suppression {
    /// `None` suppresses every rule.
    code: Option<&'static str>,
    scope: Scope,
    /// Where to report it if unused.
    span: Span,
    used: bool,
}

/// A rule named in a suppression that is not a rule.
#[derive(Debug, Clone)]
struct UnknownRule {
    text: String,
    span: Span,
}

/// Every suppression of a run.
#[derive(Debug, Default)]
pub struct Suppressions {
    entries: Vec<Suppression>,
    unknown: Vec<UnknownRule>,
}

impl Suppressions {
    /// Collects suppressions from comments of checked files, annotations of objects, and the
    /// config.
    pub fn collect(workspace: &Workspace, objects: &[Object<'_>], settings: &Settings) -> Self {
        let mut this = Self::default();
        for file in &workspace.files {
            let Some(source) = workspace.sources.get(file.id) else {
                continue;
            };
            if source.role != crate::source::FileRole::Checked {
                continue;
            }
            let roots: Vec<Span> = file
                .parsed
                .documents
                .iter()
                .filter_map(|document| document.root.as_ref().map(|root| root.span))
                .collect();
            for comment in &file.parsed.comments {
                this.add_comment(&workspace.sources, comment, &roots, &settings.registry);
            }
        }
        for object in objects {
            if let Some(entry) = object.meta.annotation(IGNORE_ANNOTATION) {
                let text = entry.value.as_str().unwrap_or("");
                this.add_list(
                    text,
                    entry.value.span,
                    &Scope::Span(object.span()),
                    &settings.registry,
                );
            }
        }
        for (at, ignore) in settings.ignores.iter().enumerate() {
            for code in &ignore.rules {
                this.entries.push(Suppression {
                    code: Some(code),
                    scope: Scope::Paths(ignore.paths.as_ref().map(|_| at)),
                    span: ignore.span,
                    used: false,
                });
            }
        }
        this
    }

    fn add_comment(
        &mut self,
        sources: &SourceMap,
        comment: &Comment,
        roots: &[Span],
        registry: &Registry,
    ) {
        let Some(rest) = comment.text.trim().strip_prefix("pvlint:") else {
            return;
        };
        let Some(list) = rest.trim_start().strip_prefix("ignore") else {
            return;
        };
        let Some(file) = sources.get(comment.span.file) else {
            return;
        };
        let lines = file.line_index();
        let line = lines.line_of(comment.span.start);
        let line_start = lines.line_start(line).unwrap_or(0);
        let own_line = file
            .text
            .get(line_start as usize..comment.span.start as usize)
            .is_some_and(|before| before.trim().is_empty());
        let scope = if own_line {
            let document = roots.iter().find(|root| root.start >= comment.span.end);
            let before_content = document.is_some_and(|root| {
                let previous_end = roots
                    .iter()
                    .filter(|other| other.end <= comment.span.start)
                    .map(|other| other.end)
                    .max()
                    .unwrap_or(0);
                previous_end <= comment.span.start
                    && root.start >= comment.span.end
                    && lines.line_of(root.start) > line
                    && is_document_top(&file.text, previous_end, comment.span.start)
            });
            match document {
                Some(root) if before_content => Scope::Span(*root),
                _ => Scope::Line(comment.span.file, line + 1),
            }
        } else {
            Scope::Line(comment.span.file, line)
        };
        self.add_list(list, comment.span, &scope, registry);
    }

    /// Adds `CODE[, CODE…] [-- reason]`; an empty list suppresses every rule. A further `#`
    /// ends the list too (`# pvlint: ignore PVL201  # a comment of its own`).
    fn add_list(&mut self, text: &str, span: Span, scope: &Scope, registry: &Registry) {
        let codes = text.split("--").next().unwrap_or("");
        let codes = codes.split('#').next().unwrap_or("");
        let mut any = false;
        for token in codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|token| !token.is_empty())
        {
            any = true;
            match registry.find(token) {
                Some(rule) => self.entries.push(Suppression {
                    code: Some(rule.code),
                    scope: scope.clone(),
                    span,
                    used: false,
                }),
                None => self.unknown.push(UnknownRule {
                    text: token.to_owned(),
                    span,
                }),
            }
        }
        if !any {
            self.entries.push(Suppression {
                code: None,
                scope: scope.clone(),
                span,
                used: false,
            });
        }
    }

    /// Removes suppressed findings and marks the suppressions that were used.
    pub fn apply(
        &mut self,
        diagnostics: Vec<Diagnostic>,
        sources: &SourceMap,
        settings: &Settings,
    ) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|diagnostic| !self.suppresses(diagnostic, sources, settings))
            .collect()
    }

    fn suppresses(
        &mut self,
        diagnostic: &Diagnostic,
        sources: &SourceMap,
        settings: &Settings,
    ) -> bool {
        let line = sources
            .get(diagnostic.span.file)
            .map(|file| file.line_index().line_of(diagnostic.span.start));
        let path = sources.name(diagnostic.span.file);
        let mut suppressed = false;
        for entry in &mut self.entries {
            if entry.code.is_some_and(|code| code != diagnostic.code) {
                continue;
            }
            let applies = match &entry.scope {
                Scope::Line(file, at) => *file == diagnostic.span.file && Some(*at) == line,
                Scope::Span(span) => span.contains(diagnostic.span),
                Scope::Paths(None) => true,
                Scope::Paths(Some(at)) => settings
                    .ignores
                    .get(*at)
                    .and_then(|ignore| ignore.paths.as_ref())
                    .is_some_and(|paths| paths.is_match(&*relative_to_root(path, settings))),
            };
            if applies {
                entry.used = true;
                suppressed = true;
            }
        }
        suppressed
    }

    /// `unused-suppression` findings, when that rule is enabled. A suppression naming a rule
    /// that did not run cannot be judged and is left alone.
    pub fn unused(&self, settings: &Settings) -> Vec<Diagnostic> {
        let Some(severity) = settings.severity_of(UNUSED_CODE) else {
            return Vec::new();
        };
        let enabled = |code: &str| settings.severity_of(code).is_some();
        let mut found: Vec<Diagnostic> = self
            .entries
            .iter()
            .filter(|entry| !entry.used && entry.code.is_none_or(enabled))
            .map(|entry| {
                let message = match entry.code {
                    Some(code) => format!("suppression of `{code}` matches no finding"),
                    None => "suppression matches no finding".to_owned(),
                };
                unused_diagnostic(entry.span, message, severity)
            })
            .collect();
        found.extend(self.unknown.iter().map(|unknown| {
            let mut diagnostic = unused_diagnostic(
                unknown.span,
                format!("suppression names unknown rule `{}`", unknown.text),
                severity,
            );
            diagnostic.help = Some("use a rule code such as `PVL201` or a rule name".to_owned());
            diagnostic
        }));
        found
    }
}

const UNUSED_CODE: &str = "PVL009";

fn unused_diagnostic(span: Span, message: String, severity: Severity) -> Diagnostic {
    Diagnostic {
        code: UNUSED_CODE,
        name: "unused-suppression",
        severity,
        message,
        span,
        labels: Vec::new(),
        help: Some("remove the suppression, or the rule from it".to_owned()),
        notes: Vec::new(),
        object: None,
        path: None,
    }
}

/// Only blank lines, comments and a `---` separate `from` and `to`.
fn is_document_top(text: &str, from: u32, to: u32) -> bool {
    text.get(from as usize..to as usize).is_some_and(|between| {
        between.lines().all(|line| {
            let line = line.trim();
            line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
        })
    })
}

fn relative_to_root<'p>(path: &'p str, settings: &Settings) -> std::borrow::Cow<'p, str> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.into());
    let root = std::path::absolute(&settings.root).unwrap_or_else(|_| settings.root.clone());
    match absolute.strip_prefix(&root) {
        Ok(relative) => relative.to_string_lossy().into_owned().into(),
        Err(_) => path.into(),
    }
}
