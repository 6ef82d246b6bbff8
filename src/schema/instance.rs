//! pvlint's spanned YAML tree as a `jsonschema` instance, read the way Kubernetes reads it.
//!
//! The validator walks the tree itself (through the `jsonschema::json` traits), so no document
//! is ever converted to a `serde_json::Value`. What each node means follows the API server's
//! decoding of a manifest:
//!
//! - a plain scalar has its YAML 1.1 (go-yaml v2) resolution: `yes` is a boolean, `017` the
//!   integer 15, `2024-01-31` a string (a timestamp keeps its text), `~` null; quoted and block
//!   scalars are strings ([`PlainValue`]);
//! - a mapping key is the string Kubernetes turns it into (`on:` becomes `"true"`);
//! - a mapping member whose value is null is absent, as it is once decoded into a typed object
//!   (and as the API server prunes it from a custom resource);
//! - of duplicate keys, the last one counts.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use serde_json::Value;

use crate::load::scalar::PlainValue;
use crate::load::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use crate::source::Span;

/// The `jsonschema` representation of a [`Node`] tree.
#[derive(Debug, Clone, Copy)]
pub struct Yaml;

/// Scratch storage for nodes made from property names (`propertyNames`).
#[derive(Debug)]
pub struct StringSlot(Node);

impl Default for StringSlot {
    fn default() -> Self {
        Self(string_node(String::new()))
    }
}

fn string_node(text: String) -> Node {
    Node {
        span: Span::default(),
        kind: NodeKind::Scalar(Scalar {
            text,
            style: ScalarStyle::DoubleQuoted,
            value: PlainValue::String,
        }),
    }
}

impl Json for Yaml {
    type Node<'a> = &'a Node;
    type PreparedKey = Box<str>;
    type StringBuffer = StringSlot;

    // A lookup is a linear scan of a short mapping: one pass over the members is cheaper than
    // several lookups.
    const KEYS_PER_LOOKUP: usize = 16;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(buffer: &mut StringSlot, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        if let NodeKind::Scalar(scalar) = &mut buffer.0.kind {
            scalar.text.clear();
            scalar.text.push_str(string);
        }
        f(&buffer.0)
    }
}

/// The name Kubernetes gives a mapping key: its text for strings, the JSON text otherwise
/// (`on` → `true`, `017` → `15`). Keys that are collections have no name.
#[must_use]
pub fn key_name(key: &Node) -> Option<Cow<'_, str>> {
    let scalar = key.as_scalar()?;
    match &scalar.value {
        PlainValue::String | PlainValue::Timestamp(_) => Some(Cow::Borrowed(scalar.text.as_str())),
        other => other.json_text().map(Cow::Owned),
    }
}

/// The value of the member `name` of a mapping as Kubernetes decodes it: the last entry with
/// that key, unless its value is null.
#[must_use]
pub fn member<'a>(entries: &'a [Entry], name: &str) -> Option<&'a Entry> {
    entries
        .iter()
        .rev()
        .find(|entry| key_name(&entry.key).is_some_and(|key| key == name))
        .filter(|entry| !entry.value.is_null())
}

/// A JSON number read from a scalar.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    Int(i128),
    Float(f64),
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match self {
            Number::Int(value) => u64::try_from(*value).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(value) => i64::try_from(*value).ok(),
            Number::Float(_) => None,
        }
    }

    #[expect(
        clippy::cast_precision_loss,
        reason = "JSON numbers are f64 to a validator; integers beyond 2^53 round as they do in Go"
    )]
    fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(value) => Some(*value as f64),
            Number::Float(value) => Some(*value),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        match self {
            Number::Int(value) => Cow::Owned(value.to_string()),
            Number::Float(value) => Cow::Owned(
                PlainValue::Float(*value)
                    .json_text()
                    .unwrap_or_else(|| value.to_string()),
            ),
        }
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(to_number(*self))
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, Number::Int(_))
    }
}

fn to_number(number: Number) -> serde_json::Number {
    match number {
        Number::Int(value) => i64::try_from(value)
            .map(serde_json::Number::from)
            .or_else(|_| u64::try_from(value).map(serde_json::Number::from))
            .unwrap_or_else(|_| serde_json::Number::from(0)),
        // `encoding/json` cannot write infinities or NaN; Kubernetes rejects the manifest.
        Number::Float(value) => {
            serde_json::Number::from_f64(value).unwrap_or_else(|| serde_json::Number::from(0))
        }
    }
}

impl<'a> JsonNode<'a, Yaml> for &'a Node {
    type Object = Members<'a>;
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<Members<'a>> {
        self.as_mapping().map(Members)
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        self.as_sequence()
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                text,
                value: PlainValue::String | PlainValue::Timestamp(_),
                ..
            }) => Some(Cow::Borrowed(text.as_str())),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                value: PlainValue::Int(value),
                ..
            }) => Some(Number::Int(*value)),
            NodeKind::Scalar(Scalar {
                value: PlainValue::Float(value),
                ..
            }) => Some(Number::Float(*value)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        Node::as_bool(self)
    }

    fn is_null(&self) -> bool {
        Node::is_null(self)
    }

    fn json_type(&self) -> JsonType {
        match &self.kind {
            NodeKind::Mapping(_) => JsonType::Object,
            NodeKind::Sequence(_) => JsonType::Array,
            NodeKind::Scalar(scalar) => match scalar.value {
                PlainValue::Null => JsonType::Null,
                PlainValue::Bool(_) => JsonType::Boolean,
                PlainValue::Int(_) | PlainValue::Float(_) => JsonType::Number,
                PlainValue::Timestamp(_) | PlainValue::String => JsonType::String,
            },
        }
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match (&self.kind, expected) {
            (NodeKind::Scalar(scalar), Value::String(expected)) => {
                matches!(scalar.value, PlainValue::String | PlainValue::Timestamp(_))
                    && scalar.text == *expected
            }
            (NodeKind::Scalar(scalar), Value::Bool(expected)) => {
                scalar.value == PlainValue::Bool(*expected)
            }
            _ => jsonschema::json::cmp::equal(&to_value(self), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(to_value(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

/// A mapping seen as a JSON object: null members and overridden duplicates left out.
#[derive(Debug, Clone, Copy)]
pub struct Members<'a>(&'a [Entry]);

/// The members of a mapping, in document order.
#[derive(Debug, Clone)]
pub struct MembersIter<'a> {
    entries: &'a [Entry],
    at: usize,
}

impl<'a> Iterator for MembersIter<'a> {
    type Item = (Cow<'a, str>, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(entry) = self.entries.get(self.at) {
            self.at += 1;
            if entry.value.is_null() {
                continue;
            }
            let Some(name) = key_name(&entry.key) else {
                continue;
            };
            // The loader keeps duplicate keys only in small mappings; a later one wins. (A scan
            // of a large mapping would cost the square of its size: a million keys, hours.)
            let small = self.entries.len() <= crate::load::yaml::SMALL_MAPPING;
            let overridden = small
                && self
                    .entries
                    .get(self.at..)
                    .unwrap_or_default()
                    .iter()
                    .any(|later| key_name(&later.key).is_some_and(|key| key == name));
            if !overridden {
                return Some((name, &entry.value));
            }
        }
        None
    }
}

impl<'a> Object<'a, Yaml> for Members<'a> {
    type Node = &'a Node;
    type MemberName = Cow<'a, str>;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        self.members().count()
    }

    fn get(&self, key: &Box<str>) -> Option<&'a Node> {
        member(self.0, key).map(|entry| &entry.value)
    }

    fn members(&self) -> MembersIter<'a> {
        MembersIter {
            entries: self.0,
            at: 0,
        }
    }
}

impl<'a> Array<'a, Yaml> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

/// The JSON value Kubernetes reads from a node (null members dropped, last duplicate wins).
/// Used for schema documents written in YAML and for error messages, never for validation.
#[must_use]
pub fn to_value(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(scalar) => match &scalar.value {
            PlainValue::Null => Value::Null,
            PlainValue::Bool(value) => Value::Bool(*value),
            PlainValue::Int(value) => Value::Number(to_number(Number::Int(*value))),
            PlainValue::Float(value) => {
                serde_json::Number::from_f64(*value).map_or(Value::Null, Value::Number)
            }
            PlainValue::Timestamp(_) | PlainValue::String => Value::String(scalar.text.clone()),
        },
        NodeKind::Sequence(items) => Value::Array(items.iter().map(to_value).collect()),
        NodeKind::Mapping(entries) => Value::Object(
            Members(entries)
                .members()
                .map(|(name, value)| (name.into_owned(), to_value(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{Dialect, Limits, parse};
    use crate::source::FileId;

    fn root(text: &str) -> Node {
        parse(FileId::default(), text, Dialect::Yaml, Limits::default())
            .documents
            .into_iter()
            .next()
            .and_then(|document| document.root)
            .unwrap()
    }

    #[test]
    fn values_read_as_kubernetes_reads_them() {
        let node = root(
            "a: yes\nb: 'yes'\nc: 017\nd: 2024-01-31\ne: ~\nf: 1.5\non: x\ng: [1, ~]\nh: 1\nh: 2\n",
        );
        assert_eq!(
            to_value(&node),
            serde_json::json!({
                "a": true, "b": "yes", "c": 15, "d": "2024-01-31", "f": 1.5,
                "true": "x", "g": [1, null], "h": 2
            })
        );
    }

    #[test]
    fn validates_the_tree_directly() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "replicas": {"type": "integer"},
                "name": {"type": "string"},
                "h": {"type": "integer", "minimum": 2}
            },
            "required": ["name"],
            "additionalProperties": false
        });
        let validator = jsonschema::options_for::<Yaml>().build(&schema).unwrap();
        assert!(validator.is_valid(&root("name: x\nreplicas: 3\nh: 1\nh: 2\nother: ~\n")));
        assert!(!validator.is_valid(&root("name: x\nreplicas: '3'\n")));
        assert!(!validator.is_valid(&root("name: yes\n")));
        assert!(!validator.is_valid(&root("name: ~\n")));
        assert!(!validator.is_valid(&root("name: x\nother: 1\n")));
    }
}
