//! Templates: the checks a pack rule instantiates, one file each. A template declares its
//! params (a struct with serde and schemars, `deny_unknown_fields`), the placeholders its
//! messages may use besides the common ones, and how it finds problems in a [`Subject`].
//!
//! Params are validated against the struct's JSON Schema on the spanned tree (so an error
//! points at the bad key or value, in the pack or in the config's `params:`), then
//! deserialised; what a schema cannot say (a regex compiles, a quantity parses, a path is
//! well formed) is checked by the template's `compile`, pointing at the value.

mod allowed_values;
mod field_matches;
mod forbid_field;
mod image_pinned;
mod json_schema;
mod quantity_range;
mod require_field;
mod resolved_reclaim_policy;

use std::borrow::Cow;

use regex::Regex;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::load::tree::Node;
use crate::policy::matcher::Subject;
use crate::policy::path::{FieldPath, one_line};
use crate::provision::Plan;
use crate::schema::Validator;
use crate::source::{SourceMap, Span};
use crate::spanned_yaml::InputError;

/// One problem a template found.
#[derive(Debug)]
pub struct Hit {
    pub span: Span,
    /// `{path}`: where, from the object's root.
    pub path: String,
    /// `{value}`: the offending value as written, if there is one.
    pub value: Option<String>,
    /// The template's own placeholders that depend on the finding.
    pub vars: Vec<(&'static str, String)>,
}

/// A compiled template: checks one subject.
pub trait Template: Send + Sync + std::fmt::Debug {
    fn evaluate(&self, subject: &Subject<'_>, plan: &Plan, hits: &mut Vec<Hit>);
}

/// A template instance with the placeholders its params fix (`{max}`, `{pattern}`).
#[derive(Debug)]
pub struct Compiled {
    pub template: Box<dyn Template>,
    pub vars: Vec<(&'static str, String)>,
}

/// A template as packs name it.
pub struct TemplateDef {
    pub name: &'static str,
    /// One line, for the docs.
    pub summary: &'static str,
    /// The placeholders it adds to the common ones.
    pub placeholders: &'static [&'static str],
    /// The JSON Schema of its params.
    pub schema: fn(&mut SchemaGenerator) -> Schema,
    pub compile: fn(&Params<'_>) -> Result<Compiled, InputError>,
}

/// Every template, by name.
pub static TEMPLATES: &[TemplateDef] = &[
    allowed_values::DEF,
    field_matches::DEF,
    forbid_field::DEF,
    image_pinned::DEF,
    json_schema::DEF,
    quantity_range::DEF,
    require_field::DEF,
    resolved_reclaim_policy::DEF,
];

/// The template called `name`.
#[must_use]
pub fn find(name: &str) -> Option<&'static TemplateDef> {
    TEMPLATES.iter().find(|template| template.name == name)
}

/// The params of one rule: a mapping node (the pack's params with the config's merged over
/// them) and the sources its spans point into.
pub struct Params<'n> {
    pub node: &'n Node,
    pub sources: &'n SourceMap,
}

/// The generator every params schema is made with: for deserialisation, subschemas inline (so
/// each template's schema stands alone inside the pack schema).
pub fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12().for_deserialize();
    settings.inline_subschemas = true;
    settings.into_generator()
}

impl Params<'_> {
    /// Validates the params against `P`'s schema and deserialises them.
    pub fn read<P: DeserializeOwned + JsonSchema>(&self) -> Result<P, InputError> {
        let schema = generator().into_root_schema_for::<P>().to_value();
        let validator =
            Validator::new(schema).map_err(|error| InputError::new(self.node.span, error))?;
        if let Some(error) = crate::schema::validate(&validator, self.node)
            .into_iter()
            .next()
        {
            let mut found = InputError::new(error.span, format!("`params`: {}", error.message));
            found.help = error.help;
            return Err(found);
        }
        serde_json::from_value(crate::schema::instance::to_value(self.node))
            .map_err(|error| InputError::new(self.node.span, format!("`params`: {error}")))
    }

    /// The node of param `key` (the whole params when absent, e.g. a defaulted param).
    #[must_use]
    pub fn node(&self, key: &str) -> &Node {
        self.node.get(key).unwrap_or(self.node)
    }

    /// Parses the field path of param `key`; an error points into the path.
    pub fn path(&self, key: &str, text: &str) -> Result<FieldPath, InputError> {
        path_at(self.sources, self.node(key), text)
    }

    /// Compiles the regular expression `text`, written at `node`.
    pub fn regex(&self, node: &Node, text: &str) -> Result<Regex, InputError> {
        Regex::new(text).map_err(|error| {
            InputError::new(
                node.span,
                format!(
                    "invalid regular expression: {}",
                    one_line(&error.to_string())
                ),
            )
        })
    }
}

/// Parses the field path `text`, written at `node`; an error points into the path.
pub fn path_at(sources: &SourceMap, node: &Node, text: &str) -> Result<FieldPath, InputError> {
    FieldPath::parse(text).map_err(|error| {
        let span = inside(sources, node, text, error.at);
        InputError::new(
            span,
            format!("invalid field path `{text}`: {}", error.message),
        )
        .with_help("see the field path syntax in the README (`spec.containers[*].image`)")
    })
}

/// The span of `range` of `text`, the value of `node`: exact when the node is written as that
/// text (plain or simply quoted), else the whole node.
fn inside(sources: &SourceMap, node: &Node, text: &str, range: std::ops::Range<usize>) -> Span {
    let written = sources.slice(node.span);
    let offset = if written == text {
        Some(0)
    } else if written.len() == text.len() + 2 && written.get(1..=text.len()) == Some(text) {
        Some(1)
    } else {
        None
    };
    match offset {
        Some(offset) => {
            let start = node.span.start as usize + offset;
            Span::new(
                node.span.file,
                start + range.start.min(text.len()),
                start + range.end.min(text.len()),
            )
        }
        None => node.span,
    }
}

/// A param that is one string or a list of strings.
#[derive(Debug, Clone)]
pub struct OneOrMore(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMore {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            More(Vec<String>),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::One(one) => Self(vec![one]),
            Raw::More(more) => Self(more),
        })
    }
}

impl JsonSchema for OneOrMore {
    fn schema_name() -> Cow<'static, str> {
        "OneOrMore".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        })
    }
}

/// A quantity param: a string (`100Gi`) or a number of bytes.
#[derive(Debug, Clone)]
pub struct QuantityParam(pub String);

impl<'de> Deserialize<'de> for QuantityParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::String(text) => Self(text),
            other => Self(other.to_string()),
        })
    }
}

impl JsonSchema for QuantityParam {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A quantity (`100Gi`, `500m`) or a plain number.",
            "type": ["string", "number"]
        })
    }
}

/// The text of a scalar node as Kubernetes reads it; `None` for collections and nulls.
#[must_use]
pub fn scalar_text(node: &Node) -> Option<String> {
    if node.is_null() {
        return None;
    }
    node.as_scalar()
        .map(crate::load::tree::Scalar::as_json_string)
}
