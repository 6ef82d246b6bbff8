//! Typed, spanned reads of pvlint's own YAML inputs: the config file and backend models.
//!
//! These files are parsed into the same spanned tree as manifests, so every problem in them is
//! an [`InputError`] located at the offending key or value, with a did-you-mean for unknown keys.
//! This module only reads trees out of a [`SourceMap`]; it never touches the filesystem and knows
//! nothing about what the keys mean.

use crate::load::tree::{Entry, Node};
use crate::load::yaml::{self, Dialect, ParseProblem};
use crate::source::{FileId, SourceMap, Span};

/// A problem in one of our own inputs, located at a span of it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl InputError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            span,
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The roots of the non-empty documents of file `id`, or the first YAML problem of the file.
pub(crate) fn documents(sources: &SourceMap, id: FileId) -> Result<Vec<Node>, InputError> {
    let Some(file) = sources.get(id) else {
        return Ok(Vec::new());
    };
    let parsed = yaml::parse(id, &file.text, Dialect::Yaml, yaml::Limits::default());
    if let Some(problem) = parsed.problems.first() {
        let (span, message) = match problem {
            ParseProblem::Syntax { span, message } => (*span, message.clone()),
            ParseProblem::DuplicateKey { key, span, .. } => {
                (*span, format!("duplicate key `{key}`"))
            }
            ParseProblem::AliasBudget { span, .. } | ParseProblem::TooDeep { span, .. } => {
                (*span, "the file is too deeply nested".to_owned())
            }
        };
        return Err(InputError::new(span, message));
    }
    Ok(parsed
        .documents
        .into_iter()
        .filter_map(|document| document.root)
        .collect())
}

/// The entry's key if it is one of `keys`; else an error with a did-you-mean.
pub(crate) fn known_key(entry: &Entry, keys: &[&'static str]) -> Result<&'static str, InputError> {
    let text = entry.key_text().unwrap_or("");
    keys.iter()
        .copied()
        .find(|key| *key == text)
        .ok_or_else(|| {
            let error = InputError::new(entry.key.span, format!("unknown key `{text}`"));
            match crate::suggest::closest(text, keys.iter().copied()) {
                Some(close) => error.with_help(format!("did you mean `{close}`?")),
                None => error.with_help(format!("known keys: {}", keys.join(", "))),
            }
        })
}

pub(crate) fn mapping<'n>(node: &'n Node, what: &str) -> Result<&'n [Entry], InputError> {
    node.as_mapping()
        .ok_or_else(|| InputError::new(node.span, format!("{what} must be a mapping")))
}

/// A scalar's text (any resolution but null).
pub(crate) fn string(node: &Node) -> Result<(String, Span), InputError> {
    match node.as_scalar() {
        Some(scalar) if !node.is_null() => Ok((scalar.text.clone(), node.span)),
        _ => Err(InputError::new(node.span, "expected a string")),
    }
}

pub(crate) fn strings(node: &Node) -> Result<Vec<(String, Span)>, InputError> {
    match node.as_sequence() {
        Some(items) => items.iter().map(string).collect(),
        None => Err(InputError::new(node.span, "expected a list of strings")),
    }
}

pub(crate) fn boolean(node: &Node) -> Result<bool, InputError> {
    node.as_bool()
        .ok_or_else(|| InputError::new(node.span, "expected `true` or `false`"))
}
