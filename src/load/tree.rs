//! The spanned YAML tree: every key and every value knows its byte span.
//!
//! This module owns the node types and read-only path lookups over them. It does not parse
//! (that is `yaml.rs`) and it does not know what Kubernetes objects are (that is `model/`).

use std::fmt::Write as _;

use crate::load::scalar::PlainValue;
use crate::source::{Span, Spanned};

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar's text as written (after escapes) and what Kubernetes reads it as.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: ScalarStyle,
    /// The resolution of a plain scalar (YAML 1.1, as go-yaml v2); quoted and block scalars,
    /// and scalars tagged `!!str`, are [`PlainValue::String`].
    pub value: PlainValue,
}

impl Scalar {
    /// The scalar is read as a string by Kubernetes.
    #[must_use]
    pub fn is_string(&self) -> bool {
        matches!(self.value, PlainValue::String)
    }

    /// The text Kubernetes sees for this scalar when it is used as a string: the text itself
    /// for strings, and the JSON rendering otherwise (`yes` → `true`, `017` → `15`).
    #[must_use]
    pub fn as_json_string(&self) -> String {
        self.value.json_text().map_or_else(
            || self.text.clone(),
            |json| json.trim_matches('"').to_owned(),
        )
    }
}

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

/// A key/value pair of a mapping. Keys keep their own span so a finding can point at the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Entry {
    /// The key as Kubernetes sees it (plain keys resolve too: `on:` becomes `"true"`).
    #[must_use]
    pub fn key_text(&self) -> Option<&str> {
        self.key.as_scalar().map(|scalar| scalar.text.as_str())
    }

    /// The span from the key to the end of the value.
    #[must_use]
    pub fn span(&self) -> Span {
        self.key.span.to(self.value.span)
    }
}

impl Node {
    #[must_use]
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// A plain `null`, `~` or empty scalar: absent as far as Kubernetes is concerned.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(scalar) if scalar.value == PlainValue::Null)
    }

    /// The text of a scalar node (any resolution); `None` for collections and nulls.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(scalar) if scalar.value != PlainValue::Null => {
                Some(scalar.text.as_str())
            }
            _ => None,
        }
    }

    /// A boolean as Kubernetes decodes it: only a resolved boolean counts.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                value: PlainValue::Bool(value),
                ..
            }) => Some(*value),
            _ => None,
        }
    }

    /// An integer as Kubernetes decodes it.
    #[must_use]
    pub fn as_int(&self) -> Option<i128> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                value: PlainValue::Int(value),
                ..
            }) => Some(*value),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping. With duplicate keys the last one wins, as it does
    /// when Kubernetes decodes the document.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|entry| entry.key_text() == Some(key))
    }

    /// The value for `key` in a mapping, unless it is null.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key)
            .map(|entry| &entry.value)
            .filter(|value| !value.is_null())
    }

    /// Follows a path of mapping keys.
    #[must_use]
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The string at `key`, with its span.
    #[must_use]
    pub fn get_str(&self, key: &str) -> Option<Spanned<String>> {
        let node = self.get(key)?;
        Some(Spanned::new(node.as_str()?.to_owned(), node.span))
    }

    /// The items of the sequence at `key` (empty when absent or not a sequence).
    pub fn items(&self, key: &str) -> impl Iterator<Item = &Node> {
        self.get(key)
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
    }

    /// The entries of the mapping at `key` (empty when absent or not a mapping).
    pub fn entries(&self, key: &str) -> impl Iterator<Item = &Entry> {
        self.get(key)
            .and_then(Node::as_mapping)
            .unwrap_or_default()
            .iter()
    }

    /// The field path from this node to the key or value that `target` lies in, as written in
    /// messages: `spec.containers[name=app].volumeMounts[0].name`. List items are named by
    /// their `name` field when they have one, so the path survives reordering and insertions.
    /// `None` when `target` is outside this node.
    #[must_use]
    pub fn field_path(&self, target: Span) -> Option<String> {
        if !self.span.contains(target) {
            return None;
        }
        let mut path = String::new();
        let mut node = self;
        loop {
            match &node.kind {
                NodeKind::Scalar(_) => return Some(path),
                NodeKind::Sequence(items) => {
                    let Some((at, item)) = items
                        .iter()
                        .enumerate()
                        .find(|(_, item)| item.span.contains(target))
                    else {
                        return Some(path);
                    };
                    let _ = match item.get("name").and_then(Node::as_str) {
                        Some(name) => write!(path, "[name={name}]"),
                        None => write!(path, "[{at}]"),
                    };
                    node = item;
                }
                NodeKind::Mapping(entries) => {
                    let Some(entry) = entries.iter().find(|entry| entry.span().contains(target))
                    else {
                        return Some(path);
                    };
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(entry.key_text().unwrap_or("?"));
                    if entry.key.span.contains(target) {
                        return Some(path);
                    }
                    node = &entry.value;
                }
            }
        }
    }

    /// Visits this node and every node below it, depth first, in document order.
    pub fn walk(&self, visit: &mut impl FnMut(&Node)) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            visit(node);
            match &node.kind {
                NodeKind::Scalar(_) => {}
                NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
                NodeKind::Mapping(entries) => {
                    for entry in entries.iter().rev() {
                        stack.push(&entry.value);
                        stack.push(&entry.key);
                    }
                }
            }
        }
    }
}
