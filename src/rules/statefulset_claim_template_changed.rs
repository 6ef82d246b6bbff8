use std::fmt::Write as _;

use crate::change::ObjectChange;
use crate::model::semantic::{self, Compare, Difference};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Compares each StatefulSet with the same StatefulSet at the base revision (`--base`) and
    /// flags a change of its `spec.volumeClaimTemplates`: a template added or removed, or any
    /// field of one changed (most often its storage request, its class or its access modes).
    ///
    /// Templates are compared as the API server compares them after decoding: key order,
    /// style, quoting and quantity spelling do not matter, `apiVersion`/`kind` of a template
    /// are dropped, and the defaults the server fills in (`spec.volumeMode: Filesystem`,
    /// `status.phase: Pending`) equal their absence.
    ///
    /// ## Why is this bad?
    /// `volumeClaimTemplates` is immutable (SEMANTICS §4.4): the API server rejects the
    /// update with "updates to statefulset spec for fields other than 'replicas', 'ordinals',
    /// 'template', 'updateStrategy', 'revisionHistoryLimit',
    /// 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden", so the pod
    /// template change that usually comes with it does not roll out either. Even once the
    /// StatefulSet is recreated, a changed template only shapes claims created from then on:
    /// the existing claims keep their size and class.
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: { name: db }
    /// spec:
    ///   serviceName: db
    ///   selector: { matchLabels: { app: db } }
    ///   template:
    ///     metadata: { labels: { app: db } }
    ///     spec:
    ///       containers: [{ name: db, image: "postgres:16" }]
    ///   volumeClaimTemplates:
    ///   - metadata: { name: data }
    ///     spec:
    ///       accessModes: [ReadWriteOnce]
    ///       resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: { name: db }
    /// spec:
    ///   serviceName: db
    ///   selector: { matchLabels: { app: db } }
    ///   template:
    ///     metadata: { labels: { app: db } }
    ///     spec:
    ///       containers: [{ name: db, image: "postgres:16" }]
    ///   volumeClaimTemplates:
    ///   - metadata: { name: data }
    ///     spec:
    ///       accessModes: [ReadWriteOnce]
    ///       resources: { requests: { storage: 20Gi } }
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: { name: db }
    /// spec:
    ///   serviceName: db
    ///   selector: { matchLabels: { app: db } }
    ///   template:
    ///     metadata: { labels: { app: db } }
    ///     spec:
    ///       containers: [{ name: db, image: "postgres:16" }]
    ///   volumeClaimTemplates:
    ///   - metadata: { name: data }
    ///     spec:
    ///       accessModes: [ReadWriteOnce]
    ///       resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// After (only fields that may change, changed):
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: { name: db }
    /// spec:
    ///   serviceName: db
    ///   replicas: 3
    ///   selector: { matchLabels: { app: db } }
    ///   template:
    ///     metadata: { labels: { app: db } }
    ///     spec:
    ///       containers: [{ name: db, image: "postgres:17" }]
    ///   volumeClaimTemplates:
    ///   - apiVersion: v1
    ///     kind: PersistentVolumeClaim
    ///     metadata:
    ///       name: data
    ///     spec:
    ///       accessModes:
    ///       - ReadWriteOnce
    ///       volumeMode: Filesystem
    ///       resources:
    ///         requests:
    ///           storage: "10737418240"
    /// ```
    ///
    /// To resize the volumes of a StatefulSet: expand each of its claims (`data-db-0`, …)
    /// where their class allows it, then delete the StatefulSet without its pods and claims
    /// (`kubectl delete statefulset db --cascade=orphan`) and apply the new template.
    ///
    /// ## Related
    /// PVL703 (the other immutable StatefulSet fields: `selector`, `serviceName`,
    /// `podManagementPolicy`), PVL702 (expanding a claim), PVL705 (claims a scale-down deletes).
    ///
    /// ## References
    /// - [Kubernetes: StatefulSets, limitations](https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations)
    /// - [Kubernetes: Expanding Persistent Volumes Claims](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims)
    pub(crate) static RULE = Rule {
        code: "PVL704",
        name: "statefulset-claim-template-changed",
        category: Category::Correctness,
        summary: "the `volumeClaimTemplates` of a StatefulSet changed, which the API server rejects",
        check: Check::Change(check),
    };
}

/// How claim templates compare after decoding (SEMANTICS §3.6, §4.4).
const TEMPLATES: Compare = Compare {
    defaults: &[
        ("[].spec.volumeMode", "Filesystem"),
        ("[].status.phase", "Pending"),
    ],
    quantities: &["[].spec.resources.requests.*", "[].spec.resources.limits.*"],
    ignored: &["[].apiVersion", "[].kind"],
    zero_is_absent: true,
    maps: &[
        "[].metadata.labels",
        "[].metadata.annotations",
        "[].spec.selector.matchLabels",
        "[].spec.resources.requests",
        "[].spec.resources.limits",
    ],
    pointers: &[
        "[].spec.storageClassName",
        "[].spec.volumeAttributesClassName",
        "[].spec.dataSource.apiGroup",
        "[].spec.dataSourceRef.apiGroup",
        "[].spec.dataSourceRef.namespace",
    ],
};

const PATH: &[&str] = &["spec", "volumeClaimTemplates"];

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), Some(after), Some(base)) = (change.before, change.after, cx.base) else {
        return;
    };
    let (ObjectKind::Workload(old), ObjectKind::Workload(new)) = (&before.kind, &after.kind) else {
        return;
    };
    if old.kind != WorkloadKind::StatefulSet || new.kind != WorkloadKind::StatefulSet {
        return;
    }
    let anchors = (before.meta.name_span(), after.meta.name_span());
    let differences: Vec<Difference<'_>> =
        semantic::differences(before.meta.root, after.meta.root, PATH, anchors, &TEMPLATES)
            .into_iter()
            .filter(|difference| {
                ![difference.before.node, difference.after.node]
                    .into_iter()
                    .flatten()
                    .filter_map(Node::as_str)
                    .any(is_placeholder)
            })
            .collect();
    let Some(first) = differences.first() else {
        return;
    };
    let name = &change.key.name;
    let what = describe(before.meta.root, after.meta.root, first);
    let (now, was) = if first.path.is_empty() {
        // Templates added or removed: name them.
        (
            format!("now {}", template_names(after.meta.root)),
            format!(
                "{} at `{}`",
                template_names(before.meta.root),
                base.revision
            ),
        )
    } else {
        (
            first.after.describe().map_or_else(
                || "no longer set".to_owned(),
                |value| format!("now {value}"),
            ),
            first.before.describe().map_or_else(
                || format!("not set at `{}`", base.revision),
                |value| format!("{value} at `{}`", base.revision),
            ),
        )
    };
    let mut message = format!(
        "the `volumeClaimTemplates` of StatefulSet `{name}` cannot change, but this change {what}"
    );
    if differences.len() > 1 {
        let more = differences.len() - 1;
        let plural = if more == 1 { "" } else { "s" };
        let _ = write!(message, " ({more} more difference{plural})");
    }
    let resize = first.path.ends_with("spec.resources.requests.storage");
    let mut report = cx
        .report(first.after.at, message)
        .label(first.after.at, now)
        .label(first.before.at, was)
        .help(format!(
            "revert the change, or delete the StatefulSet without its pods and claims (`kubectl delete statefulset {name} --cascade=orphan`) and apply it again"
        ));
    if resize {
        report = report.note(
            "a new template only shapes claims created from then on: expand the existing claims one by one, where their class allows it",
        );
    }
    drop(report);
}

/// What the change does to the templates, for the message.
fn describe(before: &Node, after: &Node, difference: &Difference<'_>) -> String {
    let count = |root: &Node| {
        root.path(PATH)
            .and_then(Node::as_sequence)
            .map_or(0, <[Node]>::len)
    };
    if difference.path.is_empty() {
        let (old, new) = (count(before), count(after));
        return match new.cmp(&old) {
            std::cmp::Ordering::Greater => format!(
                "adds {} claim template{}",
                new - old,
                if new - old == 1 { "" } else { "s" }
            ),
            std::cmp::Ordering::Less => format!(
                "removes {} claim template{}",
                old - new,
                if old - new == 1 { "" } else { "s" }
            ),
            std::cmp::Ordering::Equal => "changes them".to_owned(),
        };
    }
    // `[0].spec.resources.requests.storage` → template 0, field below it.
    let (item, field) = match difference.path.split_once(']') {
        Some((item, field)) => (item.trim_start_matches('['), field.trim_start_matches('.')),
        None => ("", difference.path.as_str()),
    };
    let template = item
        .parse::<usize>()
        .ok()
        .and_then(|at| after.path(PATH)?.as_sequence()?.get(at))
        .and_then(|template| template.path(&["metadata", "name"]))
        .and_then(Node::as_str)
        .map_or_else(
            || "a claim template".to_owned(),
            |name| format!("claim template `{name}`"),
        );
    if field == "metadata.name"
        && let (Some(old), Some(new)) = (
            difference.before.node.and_then(Node::as_str),
            difference.after.node.and_then(Node::as_str),
        )
    {
        return format!("renames claim template `{old}` to `{new}`");
    }
    let field = if field.is_empty() {
        "it".to_owned()
    } else {
        format!("`{field}`")
    };
    match difference.after.describe() {
        Some(value) => format!("sets {field} of {template} to {value}"),
        None => format!("removes {field} of {template}"),
    }
}

/// The names of a StatefulSet's claim templates, for labels: `` `data`, `logs` ``.
fn template_names(root: &Node) -> String {
    let names: Vec<String> = root
        .path(PATH)
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .map(|template| {
            template
                .path(&["metadata", "name"])
                .and_then(Node::as_str)
                .map_or_else(
                    || "an unnamed template".to_owned(),
                    |name| format!("`{name}`"),
                )
        })
        .collect();
    if names.is_empty() {
        "no templates".to_owned()
    } else {
        names.join(", ")
    }
}
