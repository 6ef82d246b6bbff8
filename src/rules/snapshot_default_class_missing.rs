use crate::index::Provided;
use crate::model::VolumeSnapshot;
use crate::model::snapshot::{DEFAULT_SNAPSHOT_CLASS_ANNOTATION, is_default_snapshot_class};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a VolumeSnapshot that names no `volumeSnapshotClassName` when no VolumeSnapshotClass
    /// for the CSI driver of the snapshotted claim is marked default
    /// (`snapshot.storage.kubernetes.io/is-default-class: "true"`). The claim's driver is its
    /// class's `provisioner`, or the `csi.driver` of the PersistentVolume it is pre-bound to;
    /// snapshots whose claim or driver is not known are skipped.
    ///
    /// Snapshot classes often come with the CSI driver's chart, so the manifests are taken as
    /// the authority only where they define snapshot classes in the snapshot's directory or
    /// one of its parents, or define a (non-default) snapshot class for that driver in the
    /// same directory tree as the snapshot.
    ///
    /// ## Why is this bad?
    /// A snapshot without a class gets the default class of its volume's driver (SEMANTICS
    /// §6.1). Without one, the snapshot controller fails it with "cannot find default snapshot
    /// class", and the snapshot never becomes ready.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: csi-hostpath-sc }
    /// provisioner: hostpath.csi.k8s.io
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 1Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata: { name: csi-hostpath-snapclass }
    /// driver: hostpath.csi.k8s.io
    /// deletionPolicy: Delete
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-snapshot }
    /// spec:
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: csi-hostpath-sc }
    /// provisioner: hostpath.csi.k8s.io
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 1Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata:
    ///   name: csi-hostpath-snapclass
    ///   annotations:
    ///     snapshot.storage.kubernetes.io/is-default-class: "true"
    /// driver: hostpath.csi.k8s.io
    /// deletionPolicy: Delete
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-snapshot }
    /// spec:
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// ## Known problems
    /// A default class that only the cluster has (installed with the driver) is not seen:
    /// pass the file that defines it with `--context`, or export it into a `cluster.objects`
    /// file. Pre-provisioned snapshots (`volumeSnapshotContentName`) need no class and are not
    /// checked. Claims of in-tree provisioners are skipped: they cannot be snapshotted at all.
    ///
    /// ## Related
    /// - PVL501 (`snapshot-class-not-found`)
    /// - PVL510 (`multiple-default-snapshot-classes`)
    ///
    /// ## References
    /// - [Kubernetes: Volume Snapshot Classes — default class](https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/#default-volumesnapshotclass)
    pub(crate) static RULE = Rule {
        code: "PVL511",
        name: "snapshot-default-class-missing",
        category: Category::Suspicious,
        summary: "VolumeSnapshot without a class, and no default class for its driver",
        check: Check::Snapshot(check),
    };
}

fn check(object: &Object<'_>, snapshot: &VolumeSnapshot<'_>, cx: &mut RuleContext<'_, '_>) {
    if snapshot.class_name.is_some() || snapshot.source_claim.is_none() {
        return;
    }
    let index = cx.index;
    let Some(source) = index.snapshot_source(object) else {
        return;
    };
    let Some(driver) = index.claim_driver(source) else {
        return;
    };
    if driver.is_in_tree()
        || index
            .snapshot_classes_for(driver.name)
            .any(|class| is_default_snapshot_class(&class.meta))
    {
        return;
    }
    let nearby: Vec<&Object<'_>> = index
        .snapshot_classes_for(driver.name)
        .filter(|class| index.same_tree(object.file(), class.file()))
        .collect();
    if nearby.is_empty() && !index.defines_for(Provided::VolumeSnapshotClass, object.file()) {
        return;
    }
    let span = snapshot.spec.unwrap_or(object.meta.kind.span);
    let message = if index.snapshot_classes_for(driver.name).next().is_some() {
        format!(
            "snapshot names no `volumeSnapshotClassName`, and no VolumeSnapshotClass for driver `{}` is marked default",
            driver.name
        )
    } else {
        format!(
            "snapshot names no `volumeSnapshotClassName`, and no VolumeSnapshotClass is defined for driver `{}`",
            driver.name
        )
    };
    let mut report = cx
        .report(span, message)
        .label(driver.span, driver.label("the snapshotted claim"));
    for class in &nearby {
        report = report.label(
            class.meta.name_span(),
            format!("a class for `{}`, not marked default", driver.name),
        );
    }
    let help = match nearby.first() {
        Some(class) => format!(
            "set `volumeSnapshotClassName: {}`, or mark that class with `{DEFAULT_SNAPSHOT_CLASS_ANNOTATION}: \"true\"`",
            class.key.name
        ),
        None => format!(
            "set `volumeSnapshotClassName`, or define a VolumeSnapshotClass for `{}` with `{DEFAULT_SNAPSHOT_CLASS_ANNOTATION}: \"true\"`",
            driver.name
        ),
    };
    report
        .note("the snapshot controller fails a snapshot without a class when its driver has no default class: \"cannot find default snapshot class\"")
        .help(help);
}
