use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume whose `persistentVolumeReclaimPolicy` is `Recycle`. The finding
    /// points at the value.
    ///
    /// ## Why is this bad?
    /// `Recycle` is deprecated: the API server accepts it with the warning "The Recycle reclaim
    /// policy is deprecated. Instead, the recommended approach is to use dynamic provisioning."
    /// (SEMANTICS §3.3). When the claim is released, the controller runs a pod that deletes
    /// everything in the volume (`rm -rf`) and offers the volume to the next claim, so data of
    /// one tenant is scrubbed by a best-effort script before another tenant gets the disk.
    /// Only `nfs` and `hostPath` volumes have a recycler: on any other source the volume goes
    /// `Failed` when its claim is deleted. A StorageClass cannot use `Recycle` at all (§3.5).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: shared-media }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   persistentVolumeReclaimPolicy: Recycle
    ///   nfs: { server: nas.example.com, path: /exports/media }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: shared-media }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   persistentVolumeReclaimPolicy: Retain
    ///   nfs: { server: nas.example.com, path: /exports/media }
    /// ```
    ///
    /// ## Related
    /// - PVL306 (`reclaim-delete-unsupported`): `Delete` on a source that has no deleter.
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, Recycle](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#recycle)
    pub(crate) static RULE = Rule {
        code: "PVL305",
        name: "recycle-reclaim-policy",
        category: Category::Suspicious,
        summary: "PersistentVolume uses the deprecated `Recycle` reclaim policy",
        check: Check::Volume(check),
    };
}

/// The only volume plugins that implement a recycler.
const RECYCLABLE: [&str; 2] = ["nfs", "hostPath"];

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(policy) = volume
        .reclaim_policy
        .filter(|policy| policy.value == "Recycle")
    else {
        return;
    };
    let name = object.meta.name.map_or("<unnamed>", |name| name.value);
    let report = cx
        .report(
            policy.span,
            format!("persistent volume `{name}` uses the deprecated reclaim policy `Recycle`"),
        )
        .note("the API server warns: \"The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.\"");
    let report = match volume.sources.as_slice() {
        [source] if !RECYCLABLE.contains(&source.value) => report
            .label(
                source.span,
                format!("`{}` volumes have no recycler", source.value),
            )
            .note("when its claim is deleted, the volume goes `Failed` instead of being recycled"),
        _ => report,
    };
    report.help("use `Retain` and clean released volumes up yourself, or provision volumes dynamically from a StorageClass");
}
