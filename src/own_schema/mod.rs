//! JSON Schemas of pvlint's own inputs and outputs, generated from Rust types with `schemars`:
//! the config file (`.pvlint.yaml`), backend model files, and the JSON documents of
//! `pvlint check --format json` and `pvlint plan --format json`.
//!
//! The outputs' schemas come from the very types that are serialised. The config and backend
//! readers are hand-written over the spanned tree (to point at the offending node), so their
//! schemas come from schema-only types in [`config`] and [`backend`] that mirror what the
//! readers accept: the same keys, the same value shapes (a cluster class may be a name or a
//! mapping; a backend parameter null, a description or a mapping), and the readers' leniency
//! (any YAML scalar where a string is read). A test keeps them in step: it validates every
//! embedded backend model and fixture config against them, compares their keys with the
//! readers', and checks that the readers and the schemas agree on a set of valid and invalid
//! files.
//!
//! What a schema cannot say stays with the readers: that a selector or rule name names a rule,
//! that globs and regular expressions compile, that `min` is not above `max` and `step` is
//! positive, that a backend's parameter references name its `parameters.keys`, that `base:`
//! names a model without a cycle, and that a concrete model states (or inherits) its facts.
//!
//! The schemas are committed under `schemas/pvlint/` (for editors: `# yaml-language-server:
//! $schema=...`), printed by `pvlint schema NAME`, and compiled once for validating
//! pvlint's inputs before use ([`OwnSchema::validator`]: the config and backend readers run it
//! on the spanned tree, so its findings point into the file).

pub mod backend;
pub mod config;

use std::borrow::Cow;
use std::sync::LazyLock;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::load::scalar::PlainValue;
use crate::load::tree::{Node, NodeKind};
use crate::schema::Validator;
use crate::spanned_yaml::InputError;

/// One of pvlint's own file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnSchema {
    /// `.pvlint.yaml`.
    Config,
    /// A backend model file (`backends/*.yaml`, `--backend FILE`), one model per document.
    Backend,
    /// The document `pvlint check --format json` prints.
    CheckOutput,
    /// The document `pvlint plan --format json` prints.
    PlanOutput,
    /// A rule pack (`rules/<id>/pack.yaml`).
    RulePack,
}

impl OwnSchema {
    pub const ALL: [OwnSchema; 5] = [
        OwnSchema::Config,
        OwnSchema::Backend,
        OwnSchema::CheckOutput,
        OwnSchema::PlanOutput,
        OwnSchema::RulePack,
    ];

    /// The name on the command line (`pvlint schema NAME`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            OwnSchema::Config => "config",
            OwnSchema::Backend => "backend",
            OwnSchema::CheckOutput => "check-output",
            OwnSchema::PlanOutput => "plan-output",
            OwnSchema::RulePack => "rule-pack",
        }
    }

    /// The schema named `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|schema| schema.name() == name)
    }

    /// The committed file, relative to the repository root.
    #[must_use]
    pub fn path(self) -> String {
        format!("schemas/pvlint/{}.schema.json", self.name())
    }

    /// The schema, generated from the Rust types.
    #[must_use]
    pub fn schema(self) -> Schema {
        Schema::try_from(self.json()).unwrap_or_default()
    }

    /// The schema compiled for validating a spanned tree, built once per format.
    #[must_use]
    pub fn validator(self) -> Option<&'static Validator> {
        static VALIDATORS: LazyLock<Vec<Option<Validator>>> = LazyLock::new(|| {
            OwnSchema::ALL
                .into_iter()
                .map(|schema| Validator::new(schema.json()).ok())
                .collect()
        });
        let at = OwnSchema::ALL.iter().position(|schema| *schema == self)?;
        VALIDATORS.get(at)?.as_ref()
    }

    /// Validates a file of this format (one document's tree) against the schema. The readers
    /// run it after their own field-by-field reading, whose messages are more precise; the
    /// first violation becomes the error, pointing into the file.
    pub(crate) fn check(self, root: &Node) -> Result<(), InputError> {
        let Some(validator) = self.validator() else {
            return Ok(());
        };
        match crate::schema::validate(validator, root).into_iter().next() {
            None => Ok(()),
            Some(error) => {
                let mut found = InputError::new(error.span, error.message);
                found.help = error.help;
                Err(found)
            }
        }
    }

    /// The schema as a JSON value, descriptions unwrapped (doc comments break lines at 100
    /// columns; editors wrap them themselves).
    #[must_use]
    pub fn json(self) -> Value {
        let mut value = self.generate().to_value();
        unwrap_descriptions(&mut value);
        value
    }

    fn generate(self) -> Schema {
        let input = SchemaSettings::draft2020_12().for_deserialize();
        let output = SchemaSettings::draft2020_12().for_serialize();
        match self {
            OwnSchema::Config => input
                .into_generator()
                .into_root_schema_for::<config::ConfigFile>(),
            OwnSchema::Backend => input
                .into_generator()
                .into_root_schema_for::<backend::BackendModel>(),
            OwnSchema::CheckOutput => crate::report::json::schema(output.into_generator()),
            OwnSchema::PlanOutput => output
                .into_generator()
                .into_root_schema_for::<crate::provision::Plan>(),
            OwnSchema::RulePack => input
                .into_generator()
                .into_root_schema_for::<crate::policy::pack::RulePack>(),
        }
    }

    /// The schema as the committed file holds it: pretty JSON and a final newline.
    #[must_use]
    pub fn text(self) -> String {
        let mut text = serde_json::to_string_pretty(&self.json()).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Rewrites every `description` of a schema with its lines joined, except before Markdown list
/// items and between paragraphs.
fn unwrap_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key == "description" => *text = unwrap_lines(text),
                    _ => unwrap_descriptions(item),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

fn unwrap_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_blank = true;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.push_str("\n\n");
            previous_blank = true;
            continue;
        }
        if !previous_blank {
            out.push(if trimmed.starts_with("- ") { '\n' } else { ' ' });
        }
        out.push_str(trimmed);
        previous_blank = false;
    }
    out.trim_end().to_owned()
}

/// A value the readers take as text: any YAML scalar but null (`encrypted: true` reads as
/// `"true"`).
#[derive(Debug, Default)]
pub struct Text;

impl JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// [`Text`] that is not empty nor only spaces.
#[derive(Debug, Default)]
pub struct NonBlank;

impl JsonSchema for NonBlank {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "NonBlank".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"], "pattern": "\\S" })
    }
}

/// A non-negative Kubernetes quantity (`16Ti`, `500Gi`, `1e3`, `0`).
#[derive(Debug, Default)]
pub struct Quantity;

/// A non-negative Kubernetes quantity: digits with an optional fraction, then a binary
/// (`Ki`…`Ei`) or decimal (`n`, `u`, `m`, `k`, `M`…`E`) suffix or an exponent.
pub const QUANTITY_PATTERN: &str =
    r"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$";

impl JsonSchema for Quantity {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "pattern": QUANTITY_PATTERN },
                { "type": "number", "minimum": 0 }
            ]
        })
    }
}

/// The JSON value a schema of [`OwnSchema::Config`] or [`OwnSchema::Backend`] validates for
/// a document of one of our YAML inputs, resolved as the readers resolve it (YAML 1.1: `yes`
/// is `true`; keys are their text; timestamps stay strings). Unlike Kubernetes' decoding
/// ([`crate::schema::instance::to_value`]), a `null` value is kept: pvlint's own formats give
/// it a meaning (in a backend model it clears an inherited value).
#[must_use]
pub fn instance(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(scalar) => match &scalar.value {
            PlainValue::Null => Value::Null,
            PlainValue::Bool(value) => Value::Bool(*value),
            PlainValue::Int(value) => i64::try_from(*value)
                .map(Value::from)
                .or_else(|_| u64::try_from(*value).map(Value::from))
                .unwrap_or_else(|_| Value::String(scalar.text.clone())),
            PlainValue::Float(value) => serde_json::Number::from_f64(*value)
                .map_or_else(|| Value::String(scalar.text.clone()), Value::Number),
            PlainValue::Timestamp(_) | PlainValue::String => Value::String(scalar.text.clone()),
        },
        NodeKind::Sequence(items) => Value::Array(items.iter().map(instance).collect()),
        NodeKind::Mapping(entries) => Value::Object(
            entries
                .iter()
                .map(|entry| {
                    let key = entry.key_text().unwrap_or_default().to_owned();
                    (key, instance(&entry.value))
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    #[test]
    fn the_quantity_pattern_agrees_with_the_quantity_parser() {
        let pattern = regex::Regex::new(QUANTITY_PATTERN).unwrap();
        for text in [
            "1Gi", "16Ti", "0", "1.5Gi", "500m", "1e3", "2E6", ".5", "+1k", "1.", "10M",
        ] {
            assert!(pattern.is_match(text), "{text}");
            assert!(model::Quantity::parse(text).is_ok(), "{text}");
        }
        for text in ["16TB", "1 Gi", "Gi", "-1Gi", "1.2.3", "", "1i", "1KiB"] {
            assert!(!pattern.is_match(text), "{text}");
        }
    }

    #[test]
    fn descriptions_are_unwrapped_but_keep_lists_and_paragraphs() {
        assert_eq!(
            unwrap_lines("one\ntwo:\n- a\n  b\n- c\n\nnext"),
            "one two:\n- a b\n- c\n\nnext"
        );
    }

    fn property_names(schema: OwnSchema) -> Vec<String> {
        let mut names: Vec<String> = schema.json()["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut keys: Vec<String> = keys.iter().map(|key| (*key).to_owned()).collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_schemas_have_the_readers_keys() {
        assert_eq!(
            property_names(OwnSchema::Config),
            sorted(crate::config::KEYS)
        );
        assert_eq!(
            property_names(OwnSchema::Backend),
            sorted(crate::provision::backend_file::MODEL_KEYS)
        );
    }

    #[test]
    fn every_schema_has_a_name_and_a_path() {
        for schema in OwnSchema::ALL {
            assert_eq!(OwnSchema::from_name(schema.name()), Some(schema));
            assert!(schema.path().ends_with(".schema.json"));
            assert!(schema.json().get("$schema").is_some());
        }
    }
}
