//! `resolved-reclaim-policy`: the reclaim policy a claim's volume will really carry must be one
//! of `allowed`. It reads the dry run's plan, not the claim: the class's `reclaimPolicy` (or
//! its default, `Delete`) for a provisioned volume, the PV's own policy for a bound one. A
//! claim whose outcome is unknown (pending, placeholders) is left alone. Only claims
//! (`PersistentVolumeClaim`, which includes claim templates) have a plan.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::Subject;
use crate::policy::templates::{Compiled, Hit, Params, Template, TemplateDef};
use crate::provision::{Outcome, Plan};
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "resolved-reclaim-policy",
    summary: "the reclaim policy a claim's volume will carry must be one of `allowed`",
    placeholders: &["policy", "allowed", "class"],
    schema: |generator| generator.subschema_for::<ResolvedReclaimPolicyParams>(),
    compile,
};

fn retain() -> Vec<String> {
    vec!["Retain".to_owned()]
}

/// Params of `resolved-reclaim-policy`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolvedReclaimPolicyParams {
    /// Only claims with all these labels (default: every claim the match selects).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The policies allowed (default `[Retain]`).
    #[serde(default = "retain")]
    #[schemars(length(min = 1))]
    pub allowed: Vec<String>,
}

#[derive(Debug)]
struct ResolvedReclaimPolicy {
    labels: BTreeMap<String, String>,
    allowed: Vec<String>,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: ResolvedReclaimPolicyParams = params.read()?;
    Ok(Compiled {
        vars: vec![("allowed", read.allowed.join(", "))],
        template: Box::new(ResolvedReclaimPolicy {
            labels: read.labels,
            allowed: read.allowed,
        }),
    })
}

impl Template for ResolvedReclaimPolicy {
    fn evaluate(&self, subject: &Subject<'_>, plan: &Plan, hits: &mut Vec<Hit>) {
        let Some(claim) = subject.claim else {
            return;
        };
        let labelled = self.labels.iter().all(|(key, value)| {
            subject
                .labels
                .and_then(|labels| labels.get(key))
                .and_then(|label| label.as_scalar())
                .is_some_and(|label| label.as_json_string() == *value)
        });
        if !labelled {
            return;
        }
        let Some(claim_plan) = plan.for_claim(claim.id).next() else {
            return;
        };
        if !matches!(
            claim_plan.outcome,
            Outcome::Bound | Outcome::Provisioned | Outcome::WaitingForConsumer
        ) {
            return;
        }
        let Some(policy) = &claim_plan.reclaim_policy else {
            return;
        };
        if self.allowed.contains(policy) {
            return;
        }
        let class_field = claim
            .node
            .path(&["spec", "storageClassName"])
            .or_else(|| claim.node.path(&["spec", "volumeName"]));
        let span = class_field.map_or(subject.anchor, |node| node.span);
        let path = subject
            .object
            .meta
            .root
            .field_path(span)
            .unwrap_or_default();
        hits.push(Hit {
            span,
            path,
            value: Some(policy.clone()),
            vars: vec![
                ("policy", policy.clone()),
                (
                    "class",
                    claim_plan
                        .class
                        .describe()
                        .unwrap_or_else(|| "no class".to_owned()),
                ),
            ],
        });
    }
}
