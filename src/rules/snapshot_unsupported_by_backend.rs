use crate::model::{VolumeSnapshot, VolumeSnapshotClass};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a VolumeSnapshot whose source claim (`source.persistentVolumeClaimName`) lives on
    /// a driver that cannot take snapshots, and a VolumeSnapshotClass whose `driver` cannot,
    /// as the drivers' backend models say (`snapshots: false`). The claim's driver is the one
    /// the dry run found: its class's provisioner, or the CSI driver of the PersistentVolume
    /// it binds.
    ///
    /// ## Why is this bad?
    /// Snapshots are taken by the driver's `csi-snapshotter` sidecar (SEMANTICS §6.1). A
    /// driver without snapshot support (EFS, `rancher.io/local-path`, OpenEBS Local PV) has
    /// none, so the VolumeSnapshot never becomes `readyToUse`, and a backup or restore that
    /// waits for it hangs or fails.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-path }
    /// provisioner: rancher.io/local-path
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: local-path
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-backup }
    /// spec:
    ///   source: { persistentVolumeClaimName: data }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
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
    /// kind: VolumeSnapshot
    /// metadata: { name: data-backup }
    /// spec:
    ///   source: { persistentVolumeClaimName: data }
    /// ```
    ///
    /// ## Known problems
    /// Only drivers with a backend model are checked (`backends/`, or your own with
    /// `--backend`). Snapshots of claims bound to in-tree (non-CSI) volumes, which cannot be
    /// snapshotted at all, are not reported here.
    ///
    /// ## Related
    /// - PVL506 (`clone-unsupported-by-backend`): restoring a snapshot, or cloning a claim, on
    ///   a driver that cannot
    ///
    /// ## References
    /// - [Kubernetes: Volume Snapshots](https://kubernetes.io/docs/concepts/storage/volume-snapshots/)
    pub(crate) static RULE = Rule {
        code: "PVL503",
        name: "snapshot-unsupported-by-backend",
        category: Category::Correctness,
        summary: "snapshot of a volume whose driver cannot take snapshots",
        check: Check::Object(check),
    };
}

const NOTE: &str = "no snapshotter serves the driver, so the VolumeSnapshot never becomes \
                    `readyToUse`";

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    match &object.kind {
        ObjectKind::VolumeSnapshot(snapshot) => check_snapshot(object, snapshot, cx),
        ObjectKind::VolumeSnapshotClass(class) => check_class(class, cx),
        _ => {}
    }
}

fn check_snapshot(
    object: &Object<'_>,
    snapshot: &VolumeSnapshot<'_>,
    cx: &mut RuleContext<'_, '_>,
) {
    let Some(source) = snapshot.source_claim else {
        return;
    };
    if is_placeholder(source.value) {
        return;
    }
    let namespace = object.key.namespace.as_deref().unwrap_or_default();
    let Some(claim) = cx.index.claim_named(namespace, source.value, object.file()) else {
        return;
    };
    let Some(plan) = cx.plan.for_claim(claim).find(|plan| plan.driver.is_some()) else {
        return;
    };
    let Some(driver) = plan.driver.as_deref() else {
        return;
    };
    if cx
        .settings
        .backends
        .find(driver)
        .is_none_or(|model| model.snapshots)
    {
        return;
    }
    let from = cx.index.object(cx.index.claim(claim).owner).file();
    let label = match plan.volume_object.map(|id| &cx.index.object(id).kind) {
        Some(ObjectKind::Volume(volume)) => volume.csi_driver().map(|written| {
            (
                written.span,
                "the claim's volume uses this driver".to_owned(),
            )
        }),
        _ => plan.class_label(cx.index, from),
    };
    let mut finding = cx.report(
        source.span,
        format!(
            "claim `{}` is on `{driver}`, which cannot take snapshots",
            source.value
        ),
    );
    if let Some((span, text)) = label {
        finding = finding.label(span, text);
    }
    finding.note(NOTE).help(format!(
        "back the claim up another way, or move it to a driver that supports snapshots \
         instead of `{driver}`"
    ));
}

fn check_class(class: &VolumeSnapshotClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(driver) = class.driver else {
        return;
    };
    if is_placeholder(driver.value)
        || cx
            .settings
            .backends
            .find(driver.value)
            .is_none_or(|model| model.snapshots)
    {
        return;
    }
    cx.report(
        driver.span,
        format!("driver `{}` cannot take snapshots", driver.value),
    )
    .note(NOTE)
    .help("remove the VolumeSnapshotClass, or name a driver that supports snapshots");
}
