//! `field-matches`: every value at `path` must match a regular expression (any of several).
//! Paths may end in `@keys` to check a mapping's keys (label names). Values that are
//! templating placeholders (`${VAR}`, `{{ .x }}`) are left alone.

use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::{Subject, Value};
use crate::policy::path::FieldPath;
use crate::policy::templates::{Compiled, Hit, OneOrMore, Params, Template, TemplateDef};
use crate::provision::Plan;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "field-matches",
    summary: "every value at `path` must match a regular expression",
    placeholders: &["pattern"],
    schema: |generator| generator.subschema_for::<FieldMatchesParams>(),
    compile,
};

/// Params of `field-matches`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldMatchesParams {
    /// The values to check (`metadata.labels.@keys`, `provisioner`).
    pub path: String,
    /// A regular expression (Rust `regex` syntax, unanchored: use `^…$` for a whole value), or
    /// a list of them: a value must match one.
    pub pattern: OneOrMore,
}

#[derive(Debug)]
struct FieldMatches {
    path: FieldPath,
    patterns: Vec<Regex>,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: FieldMatchesParams = params.read()?;
    let node = params.node("pattern");
    let items = node
        .as_sequence()
        .map_or_else(|| vec![node], |items| items.iter().collect());
    let patterns = read
        .pattern
        .0
        .iter()
        .enumerate()
        .map(|(at, text)| params.regex(items.get(at).copied().unwrap_or(node), text))
        .collect::<Result<_, _>>()?;
    Ok(Compiled {
        template: Box::new(FieldMatches {
            path: params.path("path", &read.path)?,
            patterns,
        }),
        vars: vec![("pattern", read.pattern.0.join(", "))],
    })
}

impl Template for FieldMatches {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        for Value { node, path, text } in subject.values(&self.path) {
            if self.patterns.iter().any(|regex| regex.is_match(&text)) {
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
