//! What a finding is: [`Diagnostic`], its [`Label`]s and [`Severity`].
//!
//! No rendering happens here; `report/` turns diagnostics into text, JSON and the rest.

use schemars::JsonSchema;
use serde::Serialize;

use crate::source::Span;

/// How serious a finding is. Ordered so that `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `info`, `warning` or `error` (also `note`, `warn`).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

/// A secondary location with its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub object: Option<ObjectRef>,
    /// The field path of the primary location within its object
    /// (`spec.resources.requests.storage`): a finding's identity that survives edits moving it
    /// to other lines.
    pub path: Option<String>,
}

impl Diagnostic {
    /// The rule as a heading: `PVL201 pvc-storage-class-not-found`, or a pack rule's code
    /// alone (`acme/claim-size-limit`), which already holds its name.
    #[must_use]
    pub fn title(&self) -> String {
        if self.code.ends_with(&format!("/{}", self.name)) {
            self.code.to_owned()
        } else {
            format!("{} {}", self.code, self.name)
        }
    }

    /// The order every report uses: file, position, code.
    #[must_use]
    pub fn sort_key(&self) -> (crate::source::FileId, u32, &'static str, u32, &str) {
        (
            self.span.file,
            self.span.start,
            self.code,
            self.span.end,
            self.message.as_str(),
        )
    }
}
