//! `quantity-range`: every quantity at `path` must lie within `min` and `max` (inclusive),
//! compared by value (`1Gi` equals `1024Mi`). Values that do not parse are left to PVL's own
//! quantity rule; placeholders are left alone.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::model::Quantity;
use crate::policy::matcher::{Subject, Value};
use crate::policy::path::FieldPath;
use crate::policy::templates::{Compiled, Hit, Params, QuantityParam, Template, TemplateDef};
use crate::provision::Plan;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "quantity-range",
    summary: "every quantity at `path` must lie within `min` and `max`",
    placeholders: &["min", "max", "bound"],
    schema: |generator| generator.subschema_for::<QuantityRangeParams>(),
    compile,
};

/// Params of `quantity-range`; give `min`, `max` or both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("anyOf" = [{ "required": ["min"] }, { "required": ["max"] }]))]
pub struct QuantityRangeParams {
    /// The quantities to check (`spec.resources.requests.storage`).
    pub path: String,
    /// The smallest value allowed.
    pub min: Option<QuantityParam>,
    /// The largest value allowed.
    pub max: Option<QuantityParam>,
}

#[derive(Debug)]
struct QuantityRange {
    path: FieldPath,
    min: Option<Quantity>,
    max: Option<Quantity>,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: QuantityRangeParams = params.read()?;
    let bound = |key: &str, value: &Option<QuantityParam>| {
        value
            .as_ref()
            .map(|text| {
                Quantity::parse(&text.0).map_err(|error| {
                    InputError::new(
                        params.node(key).span,
                        format!("`{}` is not a quantity: {error}", text.0),
                    )
                    .with_help("write a quantity such as `100Gi` or `500m`")
                })
            })
            .transpose()
    };
    let min = bound("min", &read.min)?;
    let max = bound("max", &read.max)?;
    if let (Some(min), Some(max)) = (&min, &max)
        && min > max
    {
        return Err(InputError::new(
            params.node("min").span,
            format!("`min` ({min}) is above `max` ({max})"),
        ));
    }
    let mut vars = Vec::new();
    if let Some(min) = &min {
        vars.push(("min", min.to_string()));
    }
    if let Some(max) = &max {
        vars.push(("max", max.to_string()));
    }
    Ok(Compiled {
        template: Box::new(QuantityRange {
            path: params.path("path", &read.path)?,
            min,
            max,
        }),
        vars,
    })
}

impl Template for QuantityRange {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        for Value { node, path, text } in subject.values(&self.path) {
            let Ok(quantity) = Quantity::parse(&text) else {
                continue;
            };
            let bound = match (&self.min, &self.max) {
                (Some(min), _) if quantity < *min => format!("less than `{min}`"),
                (_, Some(max)) if quantity > *max => format!("more than `{max}`"),
                _ => continue,
            };
            hits.push(Hit {
                span: node.span,
                path,
                value: Some(text),
                vars: vec![("bound", bound)],
            });
        }
    }
}
