use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume with a `local` source whose `nodeAffinity` does not pin it to
    /// a node:
    /// - no `nodeAffinity` at all (reported on the `local` key);
    /// - `nodeAffinity` without `required` (reported on the `nodeAffinity` key);
    /// - `required` without any `nodeSelectorTerms`;
    /// - `nodeSelectorTerms` whose every term is empty (no `matchExpressions`, no
    ///   `matchFields`).
    ///
    /// ## Why is this bad?
    /// A local volume is a disk on one node, and `nodeAffinity` is the only thing that tells
    /// the scheduler which node (SEMANTICS §3.3). The API server rejects the first three
    /// shapes, so `kubectl apply` fails: "Local volume requires node affinity", "must specify
    /// required node constraints", "must have at least one node selector term". The last one is
    /// accepted, but an empty term matches no node (§1.8): every pod that mounts the volume
    /// stays `Pending` with "node(s) had volume node affinity conflict".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: nvme-worker-1 }
    /// spec:
    ///   capacity: { storage: 500Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: local-nvme
    ///   local: { path: /mnt/disks/nvme0 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: nvme-worker-1 }
    /// spec:
    ///   capacity: { storage: 500Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: local-nvme
    ///   local: { path: /mnt/disks/nvme0 }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [worker-1] }
    /// ```
    ///
    /// ## Known problems
    /// - A `PersistentVolume` with neither `capacity` nor `accessModes` is taken for a
    ///   kustomize strategic-merge patch (the base object carries the affinity) and skipped.
    /// - Placeholders (`${AFFINITY}`) in `nodeAffinity`, `required` or the terms are unknown
    ///   values and are not reported.
    /// - The API server applies the `required` and `nodeSelectorTerms` checks to every
    ///   volume with a `nodeAffinity`; this rule only looks at `local` volumes.
    ///
    /// ## Related
    /// - PVL304 (`hostpath-persistent-volume`): node-local data without a scheduler guarantee.
    ///
    /// ## References
    /// - [Kubernetes: Volumes, local](https://kubernetes.io/docs/concepts/storage/volumes/#local)
    /// - [Kubernetes: Persistent Volumes, Node Affinity](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#node-affinity)
    pub(crate) static RULE = Rule {
        code: "PVL303",
        name: "local-pv-missing-node-affinity",
        category: Category::Correctness,
        summary: "local PV is not pinned to a node by `nodeAffinity.required`",
        check: Check::Volume(check),
    };
}

const HELP: &str = "add `nodeAffinity.required.nodeSelectorTerms` with a `kubernetes.io/hostname` term naming the node that holds the disk";

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(local) = volume.sources.iter().find(|source| source.value == "local") else {
        return;
    };
    if volume.looks_partial() {
        return;
    }
    let name = object.meta.name.map_or("<unnamed>", |name| name.value);
    let Some(spec) = volume.spec else {
        return;
    };
    let Some(affinity) = spec
        .entry("nodeAffinity")
        .filter(|entry| !entry.value.is_null())
    else {
        cx.report(
            local.span,
            format!("local volume `{name}` has no `nodeAffinity`"),
        )
        .note("the API server rejects it: \"Local volume requires node affinity\"")
        .help(HELP);
        return;
    };
    if is_unknown(&affinity.value) {
        return;
    }
    let required = affinity.value.entry("required");
    let Some(required) = required.filter(|entry| !entry.value.is_null()) else {
        // A `required:` written with no value is pointed at; a missing one at `nodeAffinity`.
        cx.report(
            required.map_or(affinity.key.span, |entry| entry.key.span),
            format!("`nodeAffinity` of local volume `{name}` has no `required` node constraints"),
        )
        .note("the API server rejects it: \"must specify required node constraints\"")
        .help(HELP);
        return;
    };
    if is_unknown(&required.value) {
        return;
    }
    check_terms(name, required, cx);
}

fn check_terms(name: &str, required: &Entry, cx: &mut RuleContext<'_, '_>) {
    let terms = required
        .value
        .entry("nodeSelectorTerms")
        .filter(|entry| !entry.value.is_null());
    let (span, items) = match terms {
        None => (required.key.span, None),
        Some(terms) => match terms.value.as_sequence() {
            Some(items) => (terms.value.span, Some((terms.key.span, items))),
            None => return,
        },
    };
    match items {
        None | Some((_, [])) => {
            cx.report(
                span,
                format!(
                    "`nodeAffinity.required` of local volume `{name}` has no node selector terms"
                ),
            )
            .note("the API server rejects it: \"must have at least one node selector term\"")
            .help(HELP);
        }
        Some((key, items)) if items.iter().all(is_empty_term) => {
            cx.report(
                key,
                format!("every node selector term of local volume `{name}` is empty, so it matches no node"),
            )
            .note("pods that mount the volume never schedule: \"node(s) had volume node affinity conflict\"")
            .help("give a term a `kubernetes.io/hostname` expression naming the node that holds the disk");
        }
        Some(_) => {}
    }
}

/// A placeholder, or a value of the wrong shape another rule reports: nothing to say.
fn is_unknown(node: &Node) -> bool {
    node.as_mapping().is_none()
}

/// A node selector term with no requirement: it matches no node (SEMANTICS §1.8).
fn is_empty_term(term: &Node) -> bool {
    if term.is_null() {
        return true;
    }
    let Some(entries) = term.as_mapping() else {
        return false;
    };
    entries.iter().all(|entry| {
        !matches!(entry.key_text(), Some("matchExpressions" | "matchFields"))
            || entry.value.is_null()
            || entry.value.as_sequence().is_some_and(<[Node]>::is_empty)
    })
}

#[cfg(test)]
mod tests {
    use super::is_empty_term;
    use crate::load::scalar::PlainValue;
    use crate::load::tree::{Node, NodeKind, Scalar, ScalarStyle};
    use crate::source::Span;

    fn scalar(text: &str, value: PlainValue) -> Node {
        Node {
            span: Span::default(),
            kind: NodeKind::Scalar(Scalar {
                text: text.to_owned(),
                style: ScalarStyle::Plain,
                value,
            }),
        }
    }

    fn mapping(entries: Vec<(&str, Node)>) -> Node {
        Node {
            span: Span::default(),
            kind: NodeKind::Mapping(
                entries
                    .into_iter()
                    .map(|(key, value)| crate::load::tree::Entry {
                        key: scalar(key, PlainValue::String),
                        value,
                    })
                    .collect(),
            ),
        }
    }

    fn sequence(items: Vec<Node>) -> Node {
        Node {
            span: Span::default(),
            kind: NodeKind::Sequence(items),
        }
    }

    #[test]
    fn empty_terms() {
        assert!(is_empty_term(&scalar("", PlainValue::Null)));
        assert!(is_empty_term(&mapping(vec![])));
        assert!(is_empty_term(&mapping(vec![
            ("matchExpressions", sequence(vec![])),
            ("matchFields", scalar("~", PlainValue::Null)),
        ])));
    }

    #[test]
    fn terms_with_requirements_or_unknown_values() {
        assert!(!is_empty_term(&mapping(vec![(
            "matchFields",
            sequence(vec![mapping(vec![])])
        )])));
        assert!(!is_empty_term(&scalar("${TERM}", PlainValue::String)));
        assert!(!is_empty_term(&mapping(vec![(
            "matchExpressions",
            scalar("${EXPRESSIONS}", PlainValue::String)
        )])));
    }
}
