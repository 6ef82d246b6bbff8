//! Running a compiled schema over a spanned tree, and saying what is wrong, where, in pvlint's
//! words.

use std::borrow::Cow;
use std::fmt::Write as _;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use crate::load::scalar::PlainValue;
use crate::load::tree::{Node, NodeKind, ScalarStyle};
use crate::schema::instance::{Yaml, key_name, member};
use crate::source::Span;

/// The ObjectMeta-style name of Kubernetes' Quantity in the OpenAPI documents.
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/// A compiled schema, shareable across threads.
pub struct Validator {
    inner: jsonschema::Validator<Yaml>,
    schema: Value,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("title", &self.schema.get("title").and_then(Value::as_str))
            .finish_non_exhaustive()
    }
}

impl Validator {
    /// Compiles a JSON Schema (its `$schema` picks the draft; 2020-12 without one). Formats
    /// are annotations only.
    pub fn new(schema: Value) -> Result<Self, String> {
        let inner = jsonschema::options_for::<Yaml>()
            .build(&schema)
            .map_err(|error| error.to_string())?;
        Ok(Self { inner, schema })
    }

    /// The schema document.
    #[must_use]
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// Whether the tree is valid, without building any error.
    #[must_use]
    pub fn is_valid(&self, root: &Node) -> bool {
        self.inner.is_valid(root)
    }
}

/// One step of an instance path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// What kind of problem a [`SchemaError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaErrorKind {
    /// A key the schema does not define (strict field validation), and the known field it
    /// was probably meant to be.
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },
    /// A required key is missing.
    MissingField { name: String },
    /// The value has another JSON type; `expected` holds type names (`string`, `integer`, …).
    WrongType { expected: Vec<&'static str> },
    /// A value that is not a quantity (neither a string nor a number).
    Quantity,
    /// A value outside the allowed set.
    NotInEnum,
    /// Any other keyword (`pattern`, bounds, `oneOf`, …), named by its keyword.
    Other { keyword: String },
}

/// A schema violation located at the exact key or value.
#[derive(Debug, Clone)]
pub struct SchemaError<'a> {
    pub kind: SchemaErrorKind,
    /// Where in the document, from its root.
    pub path: Vec<PathSegment>,
    /// The offending node: the value (or, for an unknown field, the key; for a missing field,
    /// the mapping that lacks it).
    pub node: Option<&'a Node>,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl SchemaError<'_> {
    /// The path as written in messages: `spec.containers[0].name`.
    #[must_use]
    pub fn dotted_path(&self) -> String {
        dotted(&self.path)
    }
}

/// Validates `root` and describes each violation. The findings are in the validator's order
/// (document order for the fields of one mapping).
#[must_use]
pub fn validate<'a>(validator: &Validator, root: &'a Node) -> Vec<SchemaError<'a>> {
    if validator.inner.is_valid(root) {
        return Vec::new();
    }
    let mut errors = Vec::new();
    for error in validator.inner.iter_errors(root) {
        describe(validator, root, &error, &mut errors);
    }
    merge_missing_fields(root, drop_misspelt_required(errors))
}

/// A misspelt required field is one finding, not two: the unknown key (whose did-you-mean
/// names the required field) stays, the missing field goes.
fn drop_misspelt_required(mut errors: Vec<SchemaError<'_>>) -> Vec<SchemaError<'_>> {
    let meant: Vec<(Vec<PathSegment>, String)> = errors
        .iter()
        .filter_map(|error| match &error.kind {
            SchemaErrorKind::UnknownField {
                suggestion: Some(suggestion),
                ..
            } => Some((error.path.split_last()?.1.to_vec(), suggestion.clone())),
            _ => None,
        })
        .collect();
    let mut required = Vec::new();
    errors.retain(|error| match &error.kind {
        SchemaErrorKind::MissingField { name } => {
            let misspelt = meant
                .iter()
                .any(|(path, meant)| *path == error.path && meant == name);
            if misspelt {
                required.push((error.path.clone(), name.clone()));
            }
            !misspelt
        }
        _ => true,
    });
    for error in &mut errors {
        if let SchemaErrorKind::UnknownField {
            suggestion: Some(suggestion),
            ..
        } = &error.kind
            && let Some((_, parent)) = error.path.split_last()
            && required
                .iter()
                .any(|(path, name)| path.as_slice() == parent && name == suggestion)
        {
            error.help = Some(format!("did you mean `{suggestion}`? (a required field)"));
        }
    }
    errors
}

/// One finding per mapping that lacks required fields, naming them all.
fn merge_missing_fields<'a>(root: &Node, errors: Vec<SchemaError<'a>>) -> Vec<SchemaError<'a>> {
    let mut merged: Vec<SchemaError<'a>> = Vec::with_capacity(errors.len());
    let mut missing: Vec<(usize, Vec<String>)> = Vec::new();
    for error in errors {
        if let SchemaErrorKind::MissingField { name } = &error.kind {
            let earlier = missing.iter_mut().find(|(at, _)| {
                merged
                    .get(*at)
                    .is_some_and(|other| other.path == error.path)
            });
            if let Some((_, names)) = earlier {
                names.push(name.clone());
                continue;
            }
            missing.push((merged.len(), vec![name.clone()]));
        }
        merged.push(error);
    }
    for (at, names) in missing {
        if names.len() < 2 {
            continue;
        }
        if let Some(error) = merged.get_mut(at) {
            let place = shown_path(root, &error.path);
            let quoted = names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>();
            let list = match quoted.split_last() {
                Some((final_name, others)) => format!("{} and {final_name}", others.join(", ")),
                None => String::new(),
            };
            error.message = format!("{place} is missing the required fields {list}");
            error.help = Some(format!("add {list}"));
        }
    }
    merged
}

fn describe<'a>(
    validator: &Validator,
    root: &'a Node,
    error: &ValidationError<'_>,
    out: &mut Vec<SchemaError<'a>>,
) {
    let mut path = parse_pointer(error.instance_path().as_str());
    // A path that does not resolve is not expected; keep the finding, on the deepest node
    // that exists.
    while resolve(root, &path).is_none() {
        path.pop();
    }
    let node = resolve(root, &path).unwrap_or(root);
    let place = shown_path(root, &path);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = known_properties(validator.schema(), error.schema_path().as_str());
            for name in unexpected {
                out.push(unknown_field(node, &path, name, &known));
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_owned();
            out.push(SchemaError {
                message: format!("{place} is missing the required field `{name}`"),
                help: Some(format!("add `{name}`")),
                span: missing_field_span(root, &path, node),
                kind: SchemaErrorKind::MissingField { name },
                path,
                node: Some(node),
            });
        }
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<&'static str> = match kind {
                TypeKind::Single(single) => vec![single.as_str()],
                TypeKind::Multiple(set) => set.iter().map(JsonType::as_str).collect(),
            };
            out.push(wrong_type(node, path, &place, expected));
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            out.push(alternatives(validator, error, node, path, &place));
        }
        ValidationErrorKind::Enum { options } => {
            out.push(not_in_enum(node, path, &place, options));
        }
        ValidationErrorKind::Constant { expected_value } => out.push(SchemaError {
            message: format!(
                "{place} must be `{}`, found {}",
                plain(expected_value),
                found(node)
            ),
            help: None,
            span: node.span,
            kind: SchemaErrorKind::NotInEnum,
            path,
            node: Some(node),
        }),
        kind => out.push(SchemaError {
            message: lower_first(&error.masked_with(place).to_string()),
            help: None,
            span: node.span,
            kind: SchemaErrorKind::Other {
                keyword: kind.keyword().to_owned(),
            },
            path,
            node: Some(node),
        }),
    }
}

fn unknown_field<'a>(
    object: &'a Node,
    path: &[PathSegment],
    name: &str,
    known: &[String],
) -> SchemaError<'a> {
    let entry = object.as_mapping().and_then(|entries| {
        entries
            .iter()
            .rev()
            .find(|entry| key_name(&entry.key).is_some_and(|key| key == name))
    });
    let mut field_path = path.to_vec();
    field_path.push(PathSegment::Key(name.to_owned()));
    let similar = similar_field(name, known);
    let help = match similar {
        Some(similar) => format!("did you mean `{similar}`?"),
        None if !known.is_empty() && known.len() <= 8 => format!(
            "remove it; the known fields here are {}",
            known
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "remove it, or check its spelling and indentation".to_owned(),
    };
    SchemaError {
        message: format!("unknown field `{}`", dotted(&field_path)),
        help: Some(help),
        span: entry.map_or(object.span, |entry| entry.key.span),
        kind: SchemaErrorKind::UnknownField {
            name: name.to_owned(),
            suggestion: similar.map(str::to_owned),
        },
        path: field_path,
        node: entry.map(|entry| &entry.key),
    }
}

/// The known field an unknown one was probably meant to be: within a small edit distance,
/// equal but for case, or a truncation of it (`storageClass` for `storageClassName`).
fn similar_field<'k>(name: &str, known: &'k [String]) -> Option<&'k str> {
    let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
    let known = || known.iter().map(String::as_str);
    near(name, &candidates).or_else(|| {
        let lower = name.to_ascii_lowercase();
        known()
            .filter(|candidate| {
                let candidate = candidate.to_ascii_lowercase();
                name.len() >= 4 && candidate.starts_with(&lower)
            })
            .min_by_key(|candidate| candidate.len().abs_diff(name.len()))
    })
}

/// The candidate a word is a typo of: within a small edit distance (a swap of two neighbours
/// counting as one edit), or equal but for case.
fn near<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    crate::suggest::closest(word, candidates.iter().copied())
        .or_else(|| {
            candidates
                .iter()
                .copied()
                .find(|candidate| candidate.eq_ignore_ascii_case(word))
        })
        .or_else(|| {
            candidates
                .iter()
                .copied()
                .find(|candidate| word.len() >= 3 && strsim::osa_distance(word, candidate) == 1)
        })
}

/// Where a missing field is reported: the key of the mapping that lacks it, or for the object
/// itself its `kind`.
fn missing_field_span(root: &Node, path: &[PathSegment], node: &Node) -> Span {
    let Some((last, parent_path)) = path.split_last() else {
        return root.get("kind").map_or(root.span, |kind| kind.span);
    };
    let parent = resolve(root, parent_path);
    match (last, parent) {
        (PathSegment::Key(name), Some(parent)) => parent
            .as_mapping()
            .and_then(|entries| member(entries, name))
            .map_or(node.span, |entry| entry.key.span),
        // An item of a list: its first key (the item's span may run over many lines).
        _ => node
            .as_mapping()
            .and_then(|entries| entries.first())
            .map_or(node.span, |entry| entry.key.span),
    }
}

fn wrong_type<'a>(
    node: &'a Node,
    path: Vec<PathSegment>,
    place: &str,
    expected: Vec<&'static str>,
) -> SchemaError<'a> {
    let wanted = expected
        .iter()
        .map(|name| type_phrase(name))
        .collect::<Vec<_>>()
        .join(" or ");
    SchemaError {
        message: format!("{place} must be {wanted}, found {}", found(node)),
        help: type_help(node, &expected),
        span: node.span,
        kind: SchemaErrorKind::WrongType { expected },
        path,
        node: Some(node),
    }
}

/// How to fix a scalar of the wrong type when quoting is the issue.
fn type_help(node: &Node, expected: &[&str]) -> Option<String> {
    let scalar = node.as_scalar()?;
    let wants_string = expected.contains(&"string");
    match (&scalar.value, scalar.style) {
        (PlainValue::Bool(_) | PlainValue::Int(_) | PlainValue::Float(_), ScalarStyle::Plain)
            if wants_string =>
        {
            Some(format!(
                "quote it: `\"{}\"` (unquoted, YAML reads it as a {})",
                scalar.text,
                scalar.value.type_name()
            ))
        }
        (PlainValue::String, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) => {
            let unquoted = crate::load::scalar::resolve_plain(&scalar.text);
            let fits = match unquoted {
                PlainValue::Bool(_) => expected.contains(&"boolean"),
                PlainValue::Int(_) => expected.contains(&"integer") || expected.contains(&"number"),
                PlainValue::Float(value) => {
                    expected.contains(&"number")
                        || (expected.contains(&"integer") && value.fract() == 0.0)
                }
                _ => false,
            };
            fits.then(|| format!("remove the quotes: `{}`", scalar.text))
        }
        _ => None,
    }
}

/// `oneOf`/`anyOf` failures: a quantity, an int-or-string, or alternatives of plain types.
fn alternatives<'a>(
    validator: &Validator,
    error: &ValidationError<'_>,
    node: &'a Node,
    path: Vec<PathSegment>,
    place: &str,
) -> SchemaError<'a> {
    let keyword = error.kind().keyword().to_owned();
    let schema_path = error.schema_path().as_str();
    if schema_path.contains(QUANTITY) || error.evaluation_path().as_str().contains(QUANTITY) {
        return SchemaError {
            message: format!(
                "{place} must be a quantity (a string such as `10Gi` or `500m`, or a number), found {}",
                found(node)
            ),
            help: type_help(node, &["string"]),
            span: node.span,
            kind: SchemaErrorKind::Quantity,
            path,
            node: Some(node),
        };
    }
    let branches = schema_at(validator.schema(), schema_path)
        .and_then(Value::as_array)
        .map(|branches| {
            branches
                .iter()
                .map(|branch| {
                    let object = branch.as_object()?;
                    (object.len() <= 2 && !object.contains_key("$ref"))
                        .then(|| object.get("type").and_then(Value::as_str))
                        .flatten()
                })
                .collect::<Option<Vec<&str>>>()
        });
    if let Some(Some(types)) = branches {
        let expected: Vec<&'static str> =
            types.iter().filter_map(|name| static_type(name)).collect();
        if expected.len() == types.len() {
            return wrong_type(node, path, place, expected);
        }
    }
    SchemaError {
        message: lower_first(&error.masked_with(place.to_owned()).to_string()),
        help: None,
        span: node.span,
        kind: SchemaErrorKind::Other { keyword },
        path,
        node: Some(node),
    }
}

fn not_in_enum<'a>(
    node: &'a Node,
    path: Vec<PathSegment>,
    place: &str,
    options: &Value,
) -> SchemaError<'a> {
    let options: Vec<&Value> = options
        .as_array()
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    let strings: Vec<&str> = options
        .iter()
        .filter_map(|option| option.as_str())
        .collect();
    let listed = options
        .iter()
        .map(|option| format!("`{}`", plain(option)))
        .collect::<Vec<_>>()
        .join(", ");
    let help = node
        .as_str()
        .and_then(|text| near(text, &strings))
        .map(|similar| format!("did you mean `{similar}`?"));
    SchemaError {
        message: format!(
            "{place} must be one of {listed}, found {}",
            found_option(node)
        ),
        help,
        span: node.span,
        kind: SchemaErrorKind::NotInEnum,
        path,
        node: Some(node),
    }
}

/// The property names the object schema at `schema_path` (ending in `additionalProperties`)
/// defines.
fn known_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    schema_at(schema, parent)
        .and_then(|object| object.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// The schema node at a JSON pointer, following a `$ref` met on the way (the pointer of a
/// keyword reached through a reference may continue inside the referenced definition).
fn schema_at<'s>(schema: &'s Value, pointer: &str) -> Option<&'s Value> {
    let mut current = schema;
    for segment in parse_pointer(pointer) {
        let key = match segment {
            PathSegment::Key(key) => key,
            PathSegment::Index(index) => index.to_string(),
        };
        if key == "$ref" {
            let target = current.get("$ref")?.as_str()?.strip_prefix('#')?;
            current = schema.pointer(target)?;
            continue;
        }
        current = match current {
            Value::Object(map) => map.get(&key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Splits a JSON pointer into segments; all-digit segments are indexes (whether they are
/// is decided against the tree by [`resolve`]).
fn parse_pointer(pointer: &str) -> Vec<PathSegment> {
    pointer
        .split('/')
        .skip(1)
        .map(|raw| {
            let key = raw.replace("~1", "/").replace("~0", "~");
            match key.parse::<usize>() {
                Ok(index) if index.to_string() == key => PathSegment::Index(index),
                _ => PathSegment::Key(key),
            }
        })
        .collect()
}

/// The node at `path`. Digit segments name a key in a mapping and an item in a list.
fn resolve<'a>(root: &'a Node, path: &[PathSegment]) -> Option<&'a Node> {
    let mut current = root;
    for segment in path {
        current = match (&current.kind, segment) {
            (NodeKind::Mapping(entries), PathSegment::Key(key)) => &member(entries, key)?.value,
            (NodeKind::Mapping(entries), PathSegment::Index(index)) => {
                &member(entries, &index.to_string())?.value
            }
            (NodeKind::Sequence(items), PathSegment::Index(index)) => items.get(*index)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The path for messages, in backticks; for the root, the object's kind.
fn shown_path(root: &Node, path: &[PathSegment]) -> String {
    if path.is_empty() {
        let kind = root.get("kind").and_then(Node::as_str).unwrap_or("object");
        return format!("`{kind}`");
    }
    format!("`{}`", dotted(path))
}

fn dotted(path: &[PathSegment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            PathSegment::Index(index) => {
                let _ = write!(text, "[{index}]");
            }
            PathSegment::Key(key) if is_identifier(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            PathSegment::Key(key) => {
                let _ = write!(text, "[{key:?}]");
            }
        }
    }
    text
}

fn is_identifier(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

/// How the offending value is named in a message.
fn found(node: &Node) -> String {
    match &node.kind {
        NodeKind::Mapping(_) => "a mapping".to_owned(),
        NodeKind::Sequence(_) => "a list".to_owned(),
        NodeKind::Scalar(scalar) => match &scalar.value {
            PlainValue::Null => "null".to_owned(),
            PlainValue::Bool(_) => format!("the boolean `{}`", short(&scalar.text)),
            PlainValue::Int(_) | PlainValue::Float(_) => {
                format!("the number `{}`", short(&scalar.text))
            }
            PlainValue::Timestamp(_) | PlainValue::String => {
                format!("the string `\"{}\"`", short(&scalar.text))
            }
        },
    }
}

/// A value compared with a list of options: strings as written.
fn found_option(node: &Node) -> String {
    match node.as_scalar() {
        Some(scalar) if scalar.is_string() => format!("`{}`", short(&scalar.text)),
        _ => found(node),
    }
}

fn short(text: &str) -> Cow<'_, str> {
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.chars().count() > 60 || first_line.len() < text.len() {
        let cut: String = first_line.chars().take(60).collect();
        Cow::Owned(format!("{cut}…"))
    } else {
        Cow::Borrowed(text)
    }
}

fn type_phrase(name: &str) -> &'static str {
    match name {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "object" => "a mapping",
        "array" => "a list",
        "null" => "null",
        _ => "another type",
    }
}

fn static_type(name: &str) -> Option<&'static str> {
    [
        "string", "integer", "number", "boolean", "object", "array", "null",
    ]
    .into_iter()
    .find(|known| *known == name)
}

/// A JSON value as plain text: strings without quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if !text.starts_with('`') => first.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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

    fn schema() -> Validator {
        Validator::new(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "kind": {"type": "string"},
                "spec": {"$ref": "#/$defs/Spec"}
            },
            "additionalProperties": false,
            "$defs": {
                "Spec": {
                    "type": "object",
                    "properties": {
                        "storageClassName": {"type": "string"},
                        "replicas": {"type": "integer"},
                        "policy": {"type": "string", "enum": ["Delete", "Retain"]},
                        "size": {"$ref": "#/$defs/io.k8s.apimachinery.pkg.api.resource.Quantity"},
                        "port": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                        "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}}
                    },
                    "additionalProperties": false
                },
                "Item": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
                    "required": ["name"],
                    "additionalProperties": false
                },
                "io.k8s.apimachinery.pkg.api.resource.Quantity": {
                    "oneOf": [{"type": "string"}, {"type": "number"}]
                }
            }
        }))
        .unwrap()
    }

    fn messages(text: &str) -> Vec<(String, Option<String>, String)> {
        let node = root(text);
        validate(&schema(), &node)
            .into_iter()
            .map(|error| {
                let at = &text[error.span.range()];
                (error.message, error.help, at.to_owned())
            })
            .collect()
    }

    #[test]
    fn unknown_fields_point_at_the_key_with_a_suggestion() {
        assert_eq!(
            messages("kind: X\nspec:\n  storageClass: fast\n"),
            [(
                "unknown field `spec.storageClass`".to_owned(),
                Some("did you mean `storageClassName`?".to_owned()),
                "storageClass".to_owned()
            )]
        );
    }

    #[test]
    fn types_enums_and_alternatives() {
        let found = messages(
            "kind: X\nspec:\n  replicas: 'three'\n  storageClassName: yes\n  policy: Retian\n  size: true\n  port: [1]\n",
        );
        assert_eq!(
            found,
            [
                (
                    "`spec.replicas` must be an integer, found the string `\"three\"`".to_owned(),
                    None,
                    "'three'".to_owned()
                ),
                (
                    "`spec.storageClassName` must be a string, found the boolean `yes`"
                        .to_owned(),
                    Some("quote it: `\"yes\"` (unquoted, YAML reads it as a boolean)".to_owned()),
                    "yes".to_owned()
                ),
                (
                    "`spec.policy` must be one of `Delete`, `Retain`, found `Retian`"
                        .to_owned(),
                    Some("did you mean `Retain`?".to_owned()),
                    "Retian".to_owned()
                ),
                (
                    "`spec.size` must be a quantity (a string such as `10Gi` or `500m`, or a number), found the boolean `true`".to_owned(),
                    Some("quote it: `\"true\"` (unquoted, YAML reads it as a boolean)".to_owned()),
                    "true".to_owned()
                ),
                (
                    "`spec.port` must be an integer or a string, found a list".to_owned(),
                    None,
                    "[1]".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn missing_fields_point_at_the_parent() {
        assert_eq!(
            messages("kind: X\nspec:\n  items:\n  - value: a\n"),
            [(
                "`spec.items[0]` is missing the required field `name`".to_owned(),
                Some("add `name`".to_owned()),
                "value".to_owned()
            )]
        );
    }

    #[test]
    fn missing_fields_are_one_finding_and_a_misspelt_one_is_not_missing() {
        let validator = Validator::new(json!({
            "type": "object",
            "properties": {"kind": {"type": "string"}, "a": {"type": "string"}, "mountPath": {"type": "string"}, "c": {"type": "string"}},
            "required": ["a", "mountPath", "c"],
            "additionalProperties": false
        }))
        .unwrap();
        let node = root("kind: Thing\nmountpath: /x\n");
        let errors = validate(&validator, &node);
        let found: Vec<(&str, Option<&str>)> = errors
            .iter()
            .map(|error| (error.message.as_str(), error.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`Thing` is missing the required fields `a` and `c`",
                    Some("add `a` and `c`")
                ),
                (
                    "unknown field `mountpath`",
                    Some("did you mean `mountPath`? (a required field)")
                ),
            ]
        );
    }

    #[test]
    fn quoted_numbers_get_a_hint() {
        assert_eq!(
            messages("kind: X\nspec:\n  replicas: \"3\"\n")[0]
                .1
                .as_deref(),
            Some("remove the quotes: `3`")
        );
    }

    #[test]
    fn validators_are_shareable() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Validator>();
    }
}
