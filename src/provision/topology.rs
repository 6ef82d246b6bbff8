//! Zones: which zones a class allows (`allowedTopologies`) and which a pod can run in (its
//! `nodeSelector` and required node affinity), on the well-known zone labels.

use crate::load::tree::Node;

/// Node labels that carry a zone.
pub const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

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
    restricts.then(|| dedup(zones))
}

/// The zones a pod may run in by its `nodeSelector` and required node affinity; `None` when
/// they do not restrict zones.
#[must_use]
pub fn pod_zones(pod: &Node) -> Option<Vec<String>> {
    let selected: Option<Vec<String>> = pod.entries("nodeSelector").find_map(|entry| {
        let key = entry.key_text()?;
        is_zone_key(key).then(|| vec![entry.value.as_str().unwrap_or("").to_owned()])
    });
    let terms = pod
        .path(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
        ])
        .map(|required| required.items("nodeSelectorTerms").collect::<Vec<_>>());
    // Terms are ORed: the affinity restricts zones only when every term does.
    let affinity: Option<Vec<String>> = terms.filter(|terms| !terms.is_empty()).and_then(|terms| {
        let mut zones = Vec::new();
        for term in terms {
            let in_values: Vec<String> = term
                .items("matchExpressions")
                .filter(|expression| {
                    expression
                        .get("key")
                        .and_then(Node::as_str)
                        .is_some_and(is_zone_key)
                        && expression.get("operator").and_then(Node::as_str) == Some("In")
                })
                .flat_map(|expression| expression.items("values").filter_map(Node::as_str))
                .map(str::to_owned)
                .collect();
            if in_values.is_empty() {
                return None;
            }
            zones.extend(in_values);
        }
        Some(dedup(zones))
    });
    match (selected, affinity) {
        (Some(selected), Some(affinity)) => Some(
            selected
                .into_iter()
                .filter(|zone| affinity.contains(zone))
                .collect(),
        ),
        (Some(zones), None) | (None, Some(zones)) => Some(zones),
        (None, None) => None,
    }
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

fn dedup(mut zones: Vec<String>) -> Vec<String> {
    zones.sort();
    zones.dedup();
    zones
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
