//! [`RuleContext`]: what a rule sees (index, loaded files, settings) and how it reports.

use crate::change::Base;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::index::Index;
use crate::load::Workspace;
use crate::provision::Plan;
use crate::rules::Rule;
use crate::settings::Settings;
use crate::source::Span;

/// The view a rule gets, and the sink its findings go to.
pub struct RuleContext<'r, 'a> {
    pub index: &'r Index<'a>,
    /// The dry run's outcomes.
    pub plan: &'r Plan,
    /// The base revision, with `--base`.
    pub base: Option<&'r Base<'r, 'a>>,
    pub workspace: &'r Workspace,
    pub settings: &'r Settings,
    rule: &'static Rule,
    severity: Severity,
    diagnostics: Vec<Diagnostic>,
}

impl<'r, 'a> RuleContext<'r, 'a> {
    pub(crate) fn new(
        index: &'r Index<'a>,
        plan: &'r Plan,
        base: Option<&'r Base<'r, 'a>>,
        workspace: &'r Workspace,
        settings: &'r Settings,
        rule: &'static Rule,
        severity: Severity,
    ) -> Self {
        Self {
            index,
            plan,
            base,
            workspace,
            settings,
            rule,
            severity,
            diagnostics: Vec::new(),
        }
    }

    /// Reports a finding at `span`. The rule's code and configured severity are stamped on it;
    /// the returned guard adds labels, help and notes, and records the finding when dropped.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> DiagnosticGuard<'_> {
        DiagnosticGuard {
            sink: &mut self.diagnostics,
            diagnostic: Some(Diagnostic {
                code: self.rule.code,
                name: self.rule.name,
                severity: self.severity,
                message: message.into(),
                span,
                labels: Vec::new(),
                help: None,
                notes: Vec::new(),
                object: None,
                path: None,
            }),
        }
    }

    /// The code of the rule this context reports for.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// The text a span covers.
    #[must_use]
    pub fn text(&self, span: Span) -> &str {
        self.workspace.sources.slice(span)
    }

    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Builds one finding; pushes it when dropped.
pub struct DiagnosticGuard<'c> {
    sink: &'c mut Vec<Diagnostic>,
    diagnostic: Option<Diagnostic>,
}

#[expect(
    clippy::return_self_not_must_use,
    reason = "the guard records the finding when dropped, so dropping it is the point"
)]
impl DiagnosticGuard<'_> {
    /// A secondary location, possibly in another file.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.labels.push(Label {
                span,
                message: message.into(),
            });
        }
        self
    }

    /// How to fix it, as an imperative sentence.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.help = Some(help.into());
        }
        self
    }

    /// Extra context.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.notes.push(note.into());
        }
        self
    }

    /// Overrides the configured severity for this finding (e.g. an error once removed).
    pub fn severity(mut self, severity: Severity) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.severity = severity;
        }
        self
    }
}

impl Drop for DiagnosticGuard<'_> {
    fn drop(&mut self) {
        if let Some(diagnostic) = self.diagnostic.take() {
            self.sink.push(diagnostic);
        }
    }
}
