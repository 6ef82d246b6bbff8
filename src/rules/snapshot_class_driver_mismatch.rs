use crate::model::{VolumeSnapshot, VolumeSnapshotClass};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a VolumeSnapshot whose `volumeSnapshotClassName` names a VolumeSnapshotClass
    /// whose `driver` is not the CSI driver of the claim being snapshotted. The claim's driver
    /// is the `provisioner` of its StorageClass (the default class when it names none and the
    /// manifests tell which one applies), or the `csi.driver` of the PersistentVolume it is
    /// pre-bound to. Snapshots whose claim, class or driver is not known are skipped.
    ///
    /// ## Why is this bad?
    /// The VolumeSnapshotContent takes its driver from the snapshot class, and only the
    /// snapshotter sidecar of that driver acts on it (SEMANTICS §6.1). That sidecar knows
    /// nothing of a volume of another driver: the snapshot is never cut and stays not ready.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata: { name: efs-snapshots }
    /// driver: efs.csi.aws.com
    /// deletionPolicy: Delete
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-snapshot }
    /// spec:
    ///   volumeSnapshotClassName: efs-snapshots
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata: { name: ebs-snapshots }
    /// driver: ebs.csi.aws.com
    /// deletionPolicy: Delete
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-snapshot }
    /// spec:
    ///   volumeSnapshotClassName: ebs-snapshots
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// ## Known problems
    /// Claims of an in-tree provisioner (`kubernetes.io/aws-ebs`) are skipped: their volumes
    /// are not CSI volumes, which the snapshot controller refuses whatever the class.
    ///
    /// ## Related
    /// - PVL501 (`snapshot-class-not-found`)
    /// - PVL508 (`clone-driver-mismatch`)
    ///
    /// ## References
    /// - [Kubernetes: Volume Snapshot Classes](https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/)
    pub(crate) static RULE = Rule {
        code: "PVL504",
        name: "snapshot-class-driver-mismatch",
        category: Category::Correctness,
        summary: "VolumeSnapshotClass driver differs from the snapshotted claim's driver",
        check: Check::Snapshot(check),
    };
}

fn check(object: &Object<'_>, snapshot: &VolumeSnapshot<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(name) = snapshot.class_name else {
        return;
    };
    let index = cx.index;
    let Some(class_object) = index.snapshot_class(name.value, object.file()) else {
        return;
    };
    let ObjectKind::VolumeSnapshotClass(VolumeSnapshotClass {
        driver: Some(class_driver),
        ..
    }) = &class_object.kind
    else {
        return;
    };
    let Some(source) = index.snapshot_source(object) else {
        return;
    };
    let Some(claim_driver) = index.claim_driver(source) else {
        return;
    };
    if is_placeholder(class_driver.value)
        || claim_driver.is_in_tree()
        || class_driver.value == claim_driver.name
    {
        return;
    }
    let claim = index.claim(source);
    cx.report(
        name.span,
        format!(
            "snapshot class `{}` is for driver `{}`, but {} is on `{}`",
            name.value,
            class_driver.value,
            claim.describe(),
            claim_driver.name
        ),
    )
    .label(class_driver.span, "the snapshot class's driver")
    .label(claim_driver.span, claim_driver.label("the claim"))
    .help(format!(
        "use a VolumeSnapshotClass whose driver is `{}`",
        claim_driver.name
    ));
}
