//! Node constraints as label requirements: which values of a node label a PersistentVolume's
//! `nodeAffinity`, or a pod's `nodeSelector` and required node affinity, allow (SEMANTICS §1.8,
//! §1.11). The dry run uses them to tell when the volumes of one pod, or the pod itself, demand
//! different nodes or zones: a node carries one value per label, so two requirements on the same
//! key with no value in common exclude every node.
//!
//! Only `In` expressions and `nodeSelector` entries are read. Anything else (`NotIn`, `Exists`,
//! `matchFields`, placeholders) leaves a key unconstrained, so every conflict found from these
//! requirements is certain.

use std::collections::{BTreeMap, BTreeSet};

use crate::index::Index;
use crate::load::tree::Node;
use crate::model::{ClaimId, Object, ObjectId, ObjectKind, is_placeholder};
use crate::provision::plan::{ClaimPlan, Outcome, Reason};
use crate::source::Span;

/// The zone label a provisioned volume's zone is compared on.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// The node-name label.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// A claim one pod of a workload mounts, and where the workload names it (the `claimName`
/// value, or the name of a claim template or ephemeral volume).
#[derive(Debug, Clone, Copy)]
pub struct Mounted {
    pub claim: ClaimId,
    pub at: Span,
}

/// The values one node label may have, and where that is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement<'a> {
    pub key: &'a str,
    pub values: BTreeSet<&'a str>,
    /// The `values` list or `nodeSelector` value (the `nodeSelectorTerms` key when several
    /// terms combine).
    pub span: Span,
}

impl Requirement<'_> {
    /// The allowed values for messages: `` `a` `` or `` `a`, `b` ``.
    #[must_use]
    pub fn show(&self) -> String {
        self.values
            .iter()
            .map(|value| format!("`{value}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The requirements of a `nodeSelectorTerms` list. Terms are ORed, so a key is constrained only
/// when every term constrains it, to the union of the terms' values; expressions within a term
/// are ANDed. A term with no expression matches no node and adds nothing.
#[must_use]
pub fn terms<'a>(terms: &'a Node) -> Vec<Requirement<'a>> {
    let Some(list) = terms.as_sequence() else {
        return Vec::new();
    };
    let per_term: Vec<BTreeMap<&'a str, (BTreeSet<&'a str>, Span)>> = list
        .iter()
        .filter(|term| term.items("matchExpressions").next().is_some())
        .map(term)
        .collect();
    let Some((first, rest)) = per_term.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter_map(|(&key, (values, span))| {
            let mut values = values.clone();
            for other in rest {
                values.extend(other.get(key)?.0.iter().copied());
            }
            let span = if rest.is_empty() { *span } else { terms.span };
            Some(Requirement { key, values, span })
        })
        .collect()
}

/// One term's `In` expressions by key (several on one key intersect).
fn term(term: &Node) -> BTreeMap<&str, (BTreeSet<&str>, Span)> {
    let mut keys: BTreeMap<&str, (BTreeSet<&str>, Span)> = BTreeMap::new();
    for expression in term.items("matchExpressions") {
        let Some(key) = expression.get("key").and_then(Node::as_str) else {
            continue;
        };
        if expression.get("operator").and_then(Node::as_str) != Some("In") {
            continue;
        }
        let Some(values_node) = expression.get("values") else {
            continue;
        };
        let values: Option<BTreeSet<&str>> = values_node
            .as_sequence()
            .unwrap_or_default()
            .iter()
            .map(|value| value.as_str().filter(|value| !is_placeholder(value)))
            .collect();
        let Some(values) = values.filter(|values| !values.is_empty()) else {
            continue;
        };
        if is_placeholder(key) {
            continue;
        }
        keys.entry(key)
            .and_modify(|(known, _)| known.retain(|value| values.contains(value)))
            .or_insert((values, values_node.span));
    }
    keys
}

/// The requirements of a pod spec: its `nodeSelector` entries and the terms of
/// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
#[must_use]
pub fn pod(spec: &Node) -> Vec<Requirement<'_>> {
    let mut found: Vec<Requirement<'_>> = spec
        .entries("nodeSelector")
        .filter_map(|entry| {
            let key = entry.key_text()?;
            let value = entry.value.as_str()?;
            (!is_placeholder(key) && !is_placeholder(value)).then(|| Requirement {
                key,
                values: BTreeSet::from([value]),
                span: entry.value.span,
            })
        })
        .collect();
    if let Some(required) = spec.path(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ]) {
        found.extend(terms(required));
    }
    found
}

/// Who demands a requirement: the pod itself, or the volume of one of its claims.
#[derive(Debug, Clone)]
struct Pin<'a> {
    requirement: Requirement<'a>,
    /// `None` for the pod's own `nodeSelector`/affinity.
    claim: Option<PinnedClaim<'a>>,
}

#[derive(Debug, Clone)]
struct PinnedClaim<'a> {
    name: &'a str,
    at: Span,
    /// The PV object and its name; `None` for a provisioned volume.
    volume: Option<(ObjectId, &'a str)>,
}

impl PinnedClaim<'_> {
    fn volume_text(&self) -> String {
        self.volume.map_or_else(
            || "its provisioned volume".to_owned(),
            |(_, name)| format!("volume `{name}`"),
        )
    }
}

/// What kind of place a label names, for messages.
fn place(key: &str) -> &'static str {
    if key == HOSTNAME_LABEL {
        "nodes"
    } else if key.ends_with("zone") {
        "zones"
    } else {
        "node labels"
    }
}

/// Reasons why the pods of a workload cannot be scheduled because of where their volumes
/// live (SEMANTICS §1.8, §1.11): two volumes pinned to different nodes or zones
/// (`volumes-pinned-apart`), or a volume pinned where the pod's `nodeSelector` or required node
/// affinity does not let it run (`pod-excludes-volume`). `instances` holds, per pod (one per
/// StatefulSet replica), the plan of each claim of `mounted`. Only volumes fixed before the
/// pod is scheduled pin it: bound to a PV by the PV controller or pre-bound, or provisioned in a
/// known zone; a volume chosen with the pod (`WaitForFirstConsumer`) follows it. Each reason is
/// reported once per place in the workload, for the first pod that shows it.
#[must_use]
pub fn conflicts(
    index: &Index<'_>,
    object: &Object<'_>,
    pod: &Node,
    mounted: &[Mounted],
    instances: &[Vec<Option<&ClaimPlan>>],
) -> Vec<Reason> {
    let pod_pins: Vec<Pin<'_>> = self::pod(pod)
        .into_iter()
        .map(|requirement| Pin {
            requirement,
            claim: None,
        })
        .collect();
    let mut reasons: Vec<Reason> = Vec::new();
    for plans in instances {
        let mut pins = pod_pins.clone();
        for (mounted, plan) in mounted.iter().zip(plans) {
            if let Some(plan) = plan {
                pins.extend(volume_pins(index, *mounted, plan));
            }
        }
        for reason in pin_conflicts(object.id, &pins) {
            if !reasons
                .iter()
                .any(|known| known.code == reason.code && known.at == reason.at)
            {
                reasons.push(reason);
            }
        }
    }
    reasons
}

/// The requirements the volume of one claim puts on its pod's node.
fn volume_pins<'a>(index: &Index<'a>, mounted: Mounted, plan: &'a ClaimPlan) -> Vec<Pin<'a>> {
    if plan.follows_pod {
        return Vec::new();
    }
    match plan.outcome {
        Outcome::Bound => {
            let Some(id) = plan.volume_object else {
                return Vec::new();
            };
            let object = index.object(id);
            let ObjectKind::Volume(volume) = &object.kind else {
                return Vec::new();
            };
            let Some(required) = volume
                .node_affinity
                .and_then(|(_, required)| required)
                .and_then(|required| required.get("nodeSelectorTerms"))
            else {
                return Vec::new();
            };
            let name = object.meta.name.map_or("", |name| name.value);
            terms(required)
                .into_iter()
                .map(|requirement| Pin {
                    requirement,
                    claim: Some(PinnedClaim {
                        name: &plan.name,
                        at: mounted.at,
                        volume: Some((id, name)),
                    }),
                })
                .collect()
        }
        Outcome::Provisioned => plan
            .zone
            .as_deref()
            .map(|zone| Pin {
                requirement: Requirement {
                    key: ZONE_LABEL,
                    values: BTreeSet::from([zone]),
                    span: mounted.at,
                },
                claim: Some(PinnedClaim {
                    name: &plan.name,
                    at: mounted.at,
                    volume: None,
                }),
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Walks the pins key by key, narrowing the values a node may have; a volume pin that leaves
/// none is a conflict with the pins before it. A pod that contradicts itself is not judged.
fn pin_conflicts(workload: ObjectId, pins: &[Pin<'_>]) -> Vec<Reason> {
    let mut keys: Vec<&str> = pins.iter().map(|pin| pin.requirement.key).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut reasons = Vec::new();
    for key in keys {
        let mut allowed: Option<BTreeSet<&str>> = None;
        let mut before: Vec<&Pin<'_>> = Vec::new();
        for pin in pins.iter().filter(|pin| pin.requirement.key == key) {
            let narrowed: BTreeSet<&str> = match &allowed {
                None => pin.requirement.values.clone(),
                Some(allowed) => allowed
                    .intersection(&pin.requirement.values)
                    .copied()
                    .collect(),
            };
            if !narrowed.is_empty() {
                allowed = Some(narrowed);
                before.push(pin);
                continue;
            }
            if let Some(claim) = &pin.claim {
                reasons.push(conflict(workload, key, pin, claim, &before));
            }
        }
    }
    reasons
}

fn conflict(
    workload: ObjectId,
    key: &str,
    pin: &Pin<'_>,
    claim: &PinnedClaim<'_>,
    before: &[&Pin<'_>],
) -> Reason {
    let earlier = before
        .iter()
        .rev()
        .find_map(|other| other.claim.as_ref().map(|claim| (*other, claim)));
    let mut reason = match earlier {
        Some((other, other_claim)) => Reason::new(
            "volumes-pinned-apart",
            format!(
                "claims `{}` and `{}` resolve to volumes pinned to different {} (`{key}` {} for {}, {} for {})",
                other_claim.name,
                claim.name,
                place(key),
                other.requirement.show(),
                other_claim.volume_text(),
                pin.requirement.show(),
                claim.volume_text(),
            ),
        ),
        None => Reason::new(
            "pod-excludes-volume",
            format!(
                "claim `{}` resolves to {}, pinned to `{key}` {}, where the pod's node selection does not let it run",
                claim.name,
                claim.volume_text(),
                pin.requirement.show(),
            ),
        ),
    }
    .at(claim.at);
    for other in before {
        reason = match &other.claim {
            None => reason.related(
                workload,
                other.requirement.span,
                format!("the pod requires `{key}` {} here", other.requirement.show()),
            ),
            Some(other_claim) => {
                let mut reason = reason.related(
                    workload,
                    other_claim.at,
                    format!("claim `{}` is mounted here", other_claim.name),
                );
                if let Some((volume, _)) = other_claim.volume {
                    reason = reason.related(
                        volume,
                        other.requirement.span,
                        format!(
                            "{} is pinned to `{key}` {} here",
                            other_claim.volume_text(),
                            other.requirement.show()
                        ),
                    );
                }
                reason
            }
        };
    }
    if let Some((volume, _)) = claim.volume {
        reason = reason.related(
            volume,
            pin.requirement.span,
            format!(
                "{} is pinned to `{key}` {} here",
                claim.volume_text(),
                pin.requirement.show()
            ),
        );
    }
    reason
}

/// Node labels that carry a zone.
pub const ZONE_KEYS: [&str; 2] = [ZONE_LABEL, "failure-domain.beta.kubernetes.io/zone"];

/// Whether a label key names a zone: a well-known key, or a driver's `…/zone` key
/// (`topology.ebs.csi.aws.com/zone`, `topology.gke.io/zone`).
#[must_use]
pub fn is_zone_key(key: &str) -> bool {
    ZONE_KEYS.contains(&key) || key.ends_with("/zone")
}

/// The zones a class's `allowedTopologies` allows; `None` when it does not restrict zones.
#[must_use]
pub fn class_zones(allowed_topologies: Option<&Node>) -> Option<Vec<String>> {
    let terms = allowed_topologies?.as_sequence()?;
    let mut zones: Vec<String> = Vec::new();
    let mut restricts = false;
    for term in terms {
        for expression in term.items("matchLabelExpressions") {
            let key = expression.get("key").and_then(Node::as_str).unwrap_or("");
            if is_zone_key(key) {
                restricts = true;
                zones.extend(
                    expression
                        .items("values")
                        .filter_map(Node::as_str)
                        .map(str::to_owned),
                );
            }
        }
    }
    restricts.then(|| {
        zones.sort();
        zones.dedup();
        zones
    })
}

/// The zones a pod may run in by its `nodeSelector` and required node affinity (the
/// requirements [`pod`] reads, on zone keys); `None` when they do not restrict zones.
#[must_use]
pub fn pod_zones(spec: &Node) -> Option<Vec<String>> {
    pod(spec)
        .into_iter()
        .filter(|requirement| is_zone_key(requirement.key))
        .map(|requirement| requirement.values)
        .reduce(|known, values| known.intersection(&values).copied().collect())
        .map(|values| values.into_iter().map(str::to_owned).collect())
}

/// The zones both constraints allow; `None` when neither restricts.
#[must_use]
pub fn intersect(a: Option<Vec<String>>, b: Option<Vec<String>>) -> Option<Vec<String>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.into_iter().filter(|zone| b.contains(zone)).collect()),
        (Some(zones), None) | (None, Some(zones)) => Some(zones),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{Dialect, Limits, parse};
    use crate::source::FileId;

    fn node(yaml: &str) -> Node {
        parse(FileId::default(), yaml, Dialect::Yaml, Limits::default())
            .documents
            .into_iter()
            .find_map(|document| document.root)
            .unwrap()
    }

    fn requirements(yaml: &str) -> Vec<(String, Vec<String>)> {
        let parsed = parse(FileId::default(), yaml, Dialect::Yaml, Limits::default());
        let root = parsed.documents[0].root.as_ref().unwrap();
        terms(root)
            .into_iter()
            .map(|requirement| {
                (
                    requirement.key.to_owned(),
                    requirement.values.iter().map(|v| (*v).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn terms_are_ored_and_expressions_anded() {
        let one = "- matchExpressions:\n  - {key: zone, operator: In, values: [a, b]}\n  - {key: zone, operator: In, values: [b, c]}\n  - {key: disk, operator: Exists}\n";
        assert_eq!(
            requirements(one),
            [("zone".to_owned(), vec!["b".to_owned()])]
        );
        let two = "- matchExpressions: [{key: zone, operator: In, values: [a]}, {key: host, operator: In, values: [h]}]\n- matchExpressions: [{key: zone, operator: In, values: [c]}]\n";
        assert_eq!(
            requirements(two),
            [("zone".to_owned(), vec!["a".to_owned(), "c".to_owned()])]
        );
    }

    #[test]
    fn placeholders_and_other_operators_constrain_nothing() {
        let yaml = "- matchExpressions:\n  - {key: zone, operator: In, values: ['${ZONE}']}\n  - {key: host, operator: NotIn, values: [h]}\n";
        assert!(requirements(yaml).is_empty());
    }

    #[test]
    fn class_zones_come_from_zone_expressions() {
        let class = node(
            "allowedTopologies:\n- matchLabelExpressions:\n  - key: topology.ebs.csi.aws.com/zone\n    values: [us-east-1a, us-east-1b]\n",
        );
        assert_eq!(
            class_zones(class.get("allowedTopologies")),
            Some(vec!["us-east-1a".to_owned(), "us-east-1b".to_owned()])
        );
        assert_eq!(class_zones(None), None);
    }

    #[test]
    fn pod_zones_intersect_selector_and_affinity() {
        let pod = node(
            "nodeSelector: {topology.kubernetes.io/zone: b}\naffinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {key: topology.kubernetes.io/zone, operator: In, values: [a, b]}\n",
        );
        assert_eq!(pod_zones(&pod), Some(vec!["b".to_owned()]));
        assert_eq!(pod_zones(&node("containers: []\n")), None);
    }
}
