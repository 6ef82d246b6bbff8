//! `allowed-values`: every value at `path` must be one of a list (`Retain`, `Delete`). Absent
//! values are fine (pair it with `require-field`); placeholders are left alone.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::{Subject, Value};
use crate::policy::path::FieldPath;
use crate::policy::templates::{Compiled, Hit, Params, Template, TemplateDef};
use crate::provision::Plan;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "allowed-values",
    summary: "every value at `path` must be one of `values`",
    placeholders: &["allowed"],
    schema: |generator| generator.subschema_for::<AllowedValuesParams>(),
    compile,
};

/// Params of `allowed-values`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedValuesParams {
    /// The values to check (`spec.volumeMode`).
    pub path: String,
    /// The values allowed, compared as text (`true` and `"true"` are the same).
    #[schemars(length(min = 1))]
    pub values: Vec<serde_json::Value>,
}

#[derive(Debug)]
struct AllowedValues {
    path: FieldPath,
    values: Vec<String>,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: AllowedValuesParams = params.read()?;
    let values: Vec<String> = read
        .values
        .iter()
        .map(|value| match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect();
    Ok(Compiled {
        vars: vec![("allowed", values.join(", "))],
        template: Box::new(AllowedValues {
            path: params.path("path", &read.path)?,
            values,
        }),
    })
}

impl Template for AllowedValues {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        for Value { node, path, text } in subject.values(&self.path) {
            if self.values.contains(&text) {
                continue;
            }
            hits.push(Hit {
                span: node.span,
                path,
                value: Some(text),
                vars: Vec::new(),
            });
        }
    }
}
