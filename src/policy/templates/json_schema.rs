//! `json-schema`: the object, or the value at `path`, must satisfy a JSON Schema fragment
//! (validated with the `jsonschema` crate, as Kubernetes reads the YAML). One finding per
//! violation, at the exact key or value.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::Subject;
use crate::policy::path::{FieldPath, Reach};
use crate::policy::templates::{Compiled, Hit, Params, Template, TemplateDef, scalar_text};
use crate::provision::Plan;
use crate::schema::Validator;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "json-schema",
    summary: "the object (or the value at `path`) must satisfy a JSON Schema",
    placeholders: &["error"],
    schema: |generator| generator.subschema_for::<JsonSchemaParams>(),
    compile,
};

/// Params of `json-schema`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonSchemaParams {
    /// The value to validate (default: the whole object).
    pub path: Option<String>,
    /// A JSON Schema (draft 2020-12 unless it says otherwise), written in YAML.
    pub schema: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug)]
struct JsonSchemaCheck {
    path: Option<FieldPath>,
    validator: Validator,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: JsonSchemaParams = params.read()?;
    let validator = Validator::new(serde_json::Value::Object(read.schema)).map_err(|error| {
        InputError::new(
            params.node("schema").span,
            format!("invalid JSON Schema: {error}"),
        )
    })?;
    let path = match &read.path {
        Some(text) => Some(params.path("path", text)?),
        None => None,
    };
    Ok(Compiled {
        template: Box::new(JsonSchemaCheck { path, validator }),
        vars: Vec::new(),
    })
}

impl Template for JsonSchemaCheck {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        let nodes = match &self.path {
            Some(path) => subject
                .reach(path)
                .into_iter()
                .filter_map(|reach| match reach {
                    Reach::Found { node, .. } => Some(node),
                    Reach::Missing { .. } => None,
                })
                .collect(),
            None => vec![subject.root],
        };
        let root = subject.object.meta.root;
        for node in nodes {
            for error in crate::schema::validate(&self.validator, node) {
                hits.push(Hit {
                    span: error.span,
                    path: root.field_path(error.span).unwrap_or_default(),
                    value: error.node.and_then(scalar_text),
                    vars: vec![("error", error.message)],
                });
            }
        }
    }
}
