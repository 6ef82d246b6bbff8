use crate::change::ObjectChange;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Compares each PersistentVolume with the same volume at the base revision (`--base`)
    /// and flags a `spec.persistentVolumeReclaimPolicy` that goes from `Retain` to `Delete`
    /// (or to the deprecated `Recycle`, which scrubs the volume). A PersistentVolume that
    /// leaves the field unset has `Retain`, the default for volumes created by hand
    /// (SEMANTICS §3.6).
    ///
    /// ## Why is this bad?
    /// The reclaim policy may change at any time, and the new one applies the moment the
    /// claim goes away (SEMANTICS §1.9): with `Delete`, deleting the claim, or the namespace,
    /// or pruning it from the manifests, now deletes the volume and the storage behind it,
    /// where before the data was kept. Such a change deserves an explicit review.
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: archive }
    /// spec:
    ///   capacity: { storage: 500Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   csi: { driver: ebs.csi.aws.com, volumeHandle: vol-0123456789abcdef0 }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: archive }
    /// spec:
    ///   capacity: { storage: 500Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   persistentVolumeReclaimPolicy: Delete
    ///   csi: { driver: ebs.csi.aws.com, volumeHandle: vol-0123456789abcdef0 }
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: archive }
    /// spec:
    ///   capacity: { storage: 500Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   csi: { driver: ebs.csi.aws.com, volumeHandle: vol-0123456789abcdef0 }
    /// ```
    ///
    /// After (the default written out):
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: archive }
    /// spec:
    ///   capacity: { storage: 500Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   persistentVolumeReclaimPolicy: Retain
    ///   csi: { driver: ebs.csi.aws.com, volumeHandle: vol-0123456789abcdef0 }
    /// ```
    ///
    /// ## Known problems
    /// A dynamically provisioned volume exported from a cluster carries its class's policy
    /// written out, so an unset policy is only ever `Retain` for volumes created by hand. A
    /// StorageClass's `reclaimPolicy` cannot change at all (PVL703).
    ///
    /// ## Related
    /// PVL705 (a claim removed while its volume's policy is `Delete`), PVL305 (`Recycle`).
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, reclaiming](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming)
    /// - [Kubernetes: Change the reclaim policy of a PersistentVolume](https://kubernetes.io/docs/tasks/administer-cluster/change-pv-reclaim-policy/)
    pub(crate) static RULE = Rule {
        code: "PVL707",
        name: "reclaim-policy-weakened",
        category: Category::Suspicious,
        summary: "a PersistentVolume's reclaim policy changed from `Retain` to `Delete`",
        check: Check::Change(check),
    };
}

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), Some(after), Some(base)) = (change.before, change.after, cx.base) else {
        return;
    };
    let (ObjectKind::Volume(old), ObjectKind::Volume(new)) = (&before.kind, &after.kind) else {
        return;
    };
    let old_policy = old.reclaim_policy.map_or("Retain", |policy| policy.value);
    let Some(new_policy) = new.reclaim_policy else {
        return;
    };
    if old_policy != "Retain" || !matches!(new_policy.value, "Delete" | "Recycle") {
        return;
    }
    let was = match old.reclaim_policy {
        Some(policy) => (policy.span, format!("`Retain` at `{}`", base.revision)),
        None => (
            old.anchor,
            format!("unset at `{}`: `Retain`, the default", base.revision),
        ),
    };
    let consequence = if new_policy.value == "Delete" {
        "deleting its claim now deletes the volume and its data"
    } else {
        "releasing its claim now scrubs the volume's data"
    };
    cx.report(
        new_policy.span,
        format!(
            "the reclaim policy of PersistentVolume `{}` changes from `Retain` to `{}`: {consequence}",
            change.key.name, new_policy.value
        ),
    )
    .label(new_policy.span, format!("now `{}`", new_policy.value))
    .label(was.0, was.1)
    .help("keep `persistentVolumeReclaimPolicy: Retain`, unless losing the data with the claim is intended");
}
