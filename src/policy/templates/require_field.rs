//! `require-field`: the field at `path` must be present (and not null) on every element the
//! path walks through. The finding points at the key of the deepest ancestor that exists.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::Subject;
use crate::policy::path::{FieldPath, Reach};
use crate::policy::templates::{Compiled, Hit, Params, Template, TemplateDef};
use crate::provision::Plan;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "require-field",
    summary: "the field at `path` must be present",
    placeholders: &[],
    schema: |generator| generator.subschema_for::<RequireFieldParams>(),
    compile,
};

/// Params of `require-field`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequireFieldParams {
    /// The field that must be present (`spec.containers[*].resources.requests`).
    pub path: String,
}

#[derive(Debug)]
struct RequireField {
    path: FieldPath,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: RequireFieldParams = params.read()?;
    Ok(Compiled {
        template: Box::new(RequireField {
            path: params.path("path", &read.path)?,
        }),
        vars: Vec::new(),
    })
}

impl Template for RequireField {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        for reach in subject.reach(&self.path) {
            if let Reach::Missing { anchor, path } = reach {
                hits.push(Hit {
                    span: anchor,
                    path,
                    value: None,
                    vars: Vec::new(),
                });
            }
        }
    }
}
