use crate::change::ObjectChange;
use crate::model::claim::QuantityField;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Compares each PersistentVolumeClaim with the same claim at the base revision
    /// (`--base`) and flags a `spec.resources.requests.storage` that decreased.
    ///
    /// ## Why is this bad?
    /// Volumes cannot shrink. The API server rejects the update ("field can not be less than
    /// previous value", or since Kubernetes 1.34 "field can not be less than status.capacity",
    /// SEMANTICS §4.1), so the apply fails and the pipeline stops; nothing in the cluster gets
    /// the new size.
    ///
    /// The only decrease Kubernetes accepts is the recovery from a failed expansion: a claim
    /// whose expansion never completed may lower its request back, as long as the new request
    /// stays strictly above the claim's `status.capacity`. Manifests do not record a claim's
    /// status, so the rule assumes the volume has the size the base revision asked for. When
    /// the base revision's claim does carry `status.capacity` (an exported object), a new
    /// request above it is not reported.
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 20Gi } }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 20Gi } }
    /// ```
    ///
    /// After (the same size written another way):
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: "21474836480" } }
    /// ```
    ///
    /// ## Known problems
    /// Only PersistentVolumeClaim objects are compared. A smaller request in a StatefulSet's
    /// `volumeClaimTemplates` is a change of the template, which the API server rejects
    /// whatever the size (PVL704).
    ///
    /// ## Related
    /// PVL702 (an increase the claim's class does not allow), PVL704.
    ///
    /// ## References
    /// - [Kubernetes: Expanding Persistent Volumes Claims](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims)
    /// - [Kubernetes: Recovering from failure when expanding volumes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#recovering-from-failure-when-expanding-volumes)
    pub(crate) static RULE = Rule {
        code: "PVL701",
        name: "pvc-shrink",
        category: Category::Correctness,
        summary: "a claim's storage request decreased",
        check: Check::Change(check),
    };
}

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), Some(after), Some(base)) = (change.before, change.after, cx.base) else {
        return;
    };
    let (ObjectKind::Claim(old), ObjectKind::Claim(new)) = (&before.kind, &after.kind) else {
        return;
    };
    let index = cx.index;
    let (old, new) = (base.index.claim(*old), index.claim(*new));
    let (Some(old_request), Some(new_request)) = (&old.spec.request, &new.spec.request) else {
        return;
    };
    let (Some(old_size), Some(new_size)) = (old_request.quantity(), new_request.quantity()) else {
        return;
    };
    if new_size >= old_size {
        return;
    }
    // Recovering from a failed expansion: allowed above the observed capacity.
    if let Some(capacity) = before
        .meta
        .root
        .path(&["status", "capacity", "storage"])
        .and_then(QuantityField::read)
        && let Some(capacity) = capacity.quantity()
        && new_size > capacity
    {
        return;
    }
    let (old_text, new_text) = (old_request.text.trim(), new_request.text.trim());
    cx.report(
        new_request.span,
        format!(
            "the storage request of {} shrinks from `{old_text}` to `{new_text}`",
            new.describe()
        ),
    )
    .label(new_request.span, format!("now `{new_text}`"))
    .label(
        old_request.span,
        format!("`{old_text}` at `{}`", base.revision),
    )
    .help(format!(
        "keep the request at `{old_text}` or more; to use less space, copy the data to a new, smaller claim"
    ))
    .note("volumes cannot shrink: the API server rejects a request below the claim's current capacity");
}
