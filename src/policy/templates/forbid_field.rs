//! `forbid-field`: the field at `path` must be absent (`hostNetwork`, `spec.selector` on a
//! dynamically provisioned claim). The finding points at the field's key.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::Subject;
use crate::policy::path::{FieldPath, Reach};
use crate::policy::templates::{Compiled, Hit, Params, Template, TemplateDef, scalar_text};
use crate::provision::Plan;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "forbid-field",
    summary: "the field at `path` must be absent",
    placeholders: &[],
    schema: |generator| generator.subschema_for::<ForbidFieldParams>(),
    compile,
};

/// Params of `forbid-field`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForbidFieldParams {
    /// The field that must not be set (`spec.hostNetwork`).
    pub path: String,
}

#[derive(Debug)]
struct ForbidField {
    path: FieldPath,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: ForbidFieldParams = params.read()?;
    Ok(Compiled {
        template: Box::new(ForbidField {
            path: params.path("path", &read.path)?,
        }),
        vars: Vec::new(),
    })
}

impl Template for ForbidField {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        for reach in subject.reach(&self.path) {
            if let Reach::Found { node, path } = reach {
                hits.push(Hit {
                    span: node.span,
                    path,
                    value: scalar_text(node),
                    vars: Vec::new(),
                });
            }
        }
    }
}
