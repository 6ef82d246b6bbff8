use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose `spec.volumeName` names a PersistentVolume that is not in the linted
    /// manifests (nor in the cluster objects loaded from the config). PersistentVolumeClaims,
    /// StatefulSet `volumeClaimTemplates` and ephemeral volume templates are all checked.
    ///
    /// ## Why is this bad?
    /// A claim with `volumeName` is pre-bound: it waits for exactly that volume and is never
    /// dynamically provisioned (SEMANTICS §1.6, §2.1). When the volume does not exist the claim
    /// stays `Pending` without even an event, and every pod that mounts it stays unschedulable.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: nfs-share }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   nfs: { server: nfs.example.com, path: /exports/share }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: share }
    /// spec:
    ///   volumeName: nfs-shared
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: nfs-share }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   nfs: { server: nfs.example.com, path: /exports/share }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: share }
    /// spec:
    ///   volumeName: nfs-share
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Claims that were exported from a cluster already bound (`status.phase: Bound`, or the
    /// `pv.kubernetes.io/bind-completed` annotation) are not reported: their volume exists in
    /// the cluster, typically dynamically provisioned as `pvc-<uid>`, even when the export
    /// does not include it. A volume created outside the manifests (by a script or by hand)
    /// is reported; export it into `cluster.objects` so that pvlint sees it.
    ///
    /// ## Related
    /// - `PVL212` pvc-prebound-volume-mismatch: the volume exists but cannot satisfy the claim.
    ///
    /// ## References
    /// - [Kubernetes: Reserving a PersistentVolume](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume)
    pub(crate) static RULE = Rule {
        code: "PVL202",
        name: "pvc-volume-not-found",
        category: Category::Correctness,
        summary: "PVC is pre-bound to a PersistentVolume that does not exist",
        check: Check::Claim(check),
    };
}

/// The annotation the PV controller sets once a claim is bound.
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(volume) = claim.spec.volume_name else {
        return;
    };
    if volume.value.is_empty() || is_placeholder(volume.value) || is_observed_bound(claim) {
        return;
    }
    let from = volume.span.file;
    if cx.index.volume(volume.value, from).is_some() {
        return;
    }
    let similar = cx
        .index
        .similar_volume(volume.value)
        .and_then(|name| cx.index.volume(name, from));
    let report = cx.report(
        volume.span,
        format!(
            "{} is pre-bound to volume `{}`, which is not defined",
            claim.describe(),
            volume.value
        ),
    );
    match similar {
        Some(object) => report
            .label(
                object.meta.name_span(),
                "a volume with a similar name is defined here",
            )
            .help(format!("did you mean `{}`?", object.key.name)),
        None => report.help("define the PersistentVolume, or fix the name in `volumeName`"),
    };
}

/// A claim exported from a cluster after binding: its volume exists there.
fn is_observed_bound(claim: &Claim<'_>) -> bool {
    claim
        .node
        .path(&["status", "phase"])
        .and_then(Node::as_str)
        .is_some_and(|phase| phase == "Bound")
        || claim.annotation(BIND_COMPLETED).is_some()
}
