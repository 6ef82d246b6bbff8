use crate::index::DataSource;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim cloned from another claim (`dataSource` kind `PersistentVolumeClaim`)
    /// whose `resources.requests.storage` is smaller than the source claim's request, and a
    /// claim restored from a VolumeSnapshot of the manifests whose request is smaller than the
    /// request of the claim that snapshot is taken from. Quantities are compared exactly
    /// (`1Gi` is more than `1G`).
    ///
    /// ## Why is this bad?
    /// The CSI provisioner refuses both (SEMANTICS §6.2, §6.3): a clone with "new PVC request
    /// must be greater than or equal in size to the specified PVC data source", a restore with
    /// "requested volume size … is less than the size … for the source snapshot". The claim
    /// stays `Pending`. A larger request is allowed; the driver expands the new volume.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data-clone }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   dataSource: { kind: PersistentVolumeClaim, name: data }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 5Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data-clone }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   dataSource: { kind: PersistentVolumeClaim, name: data }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// A restore must be at least the snapshot's `status.restoreSize`, which is only known once
    /// the snapshot is cut. The source claim's request is the best static estimate and a lower
    /// bound: the restore size is the size of the source volume, which the driver may have
    /// rounded up, so a restore that is not reported can still be too small. Snapshots of a
    /// claim that is not in the manifests, and pre-provisioned snapshots, are not checked.
    ///
    /// ## Related
    /// - PVL505 (`pvc-data-source-not-found`)
    /// - PVL509 (`clone-volume-mode-mismatch`)
    ///
    /// ## References
    /// - [Kubernetes: CSI volume cloning](https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/)
    /// - [Kubernetes: Volume snapshots](https://kubernetes.io/docs/concepts/storage/volume-snapshots/)
    pub(crate) static RULE = Rule {
        code: "PVL507",
        name: "restore-smaller-than-source",
        category: Category::Correctness,
        summary: "clone or restore requests less storage than its source",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let Some(request) = &claim.spec.request else {
        return;
    };
    let Some(requested) = request.quantity() else {
        return;
    };
    let (source, snapshot) = match index.data_source(claim) {
        Some(DataSource::Claim(source)) => (source, None),
        Some(DataSource::Snapshot(snapshot)) => {
            let snapshot = index.object(snapshot);
            let Some(source) = index.snapshot_source(snapshot) else {
                return;
            };
            (source, Some(snapshot))
        }
        _ => return,
    };
    if source == claim.id {
        return;
    }
    let source_claim = index.claim(source);
    let Some(source_request) = &source_claim.spec.request else {
        return;
    };
    let Some(source_size) = source_request.quantity() else {
        return;
    };
    if requested >= source_size {
        return;
    }
    match snapshot {
        None => {
            cx.report(
                request.span,
                format!(
                    "clone requests `{}`, less than the `{}` that its source {} requests",
                    request.text,
                    source_request.text,
                    source_claim.describe()
                ),
            )
            .label(source_request.span, "the source claim requests this")
            .note("the CSI provisioner refuses a clone smaller than its source claim's request")
            .help(format!("request at least `{}`", source_request.text));
        }
        Some(snapshot) => {
            let name = snapshot.meta.name.map_or("", |name| name.value);
            cx.report(
                request.span,
                format!(
                    "restore requests `{}`, but snapshot `{name}` is taken from {}, which requests `{}`",
                    request.text,
                    source_claim.describe(),
                    source_request.text
                ),
            )
            .label(source_request.span, "the snapshotted claim requests this")
            .note("the CSI provisioner refuses a restore smaller than the snapshot's `restoreSize`, which is at least the snapshotted claim's request (it may be larger when the driver rounds sizes up)")
            .help(format!("request at least `{}`", source_request.text));
        }
    }
}
