use crate::index::Provided;
use crate::model::VolumeSnapshot;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a VolumeSnapshot whose `spec.volumeSnapshotClassName` names a VolumeSnapshotClass
    /// that the linted manifests do not define, or is the empty string.
    ///
    /// The manifests are taken as the authority on which snapshot classes exist only where they
    /// define snapshot classes themselves: in the snapshot's directory or one of its parent
    /// directories. Elsewhere the classes come from the cluster or from the chart that installs
    /// the CSI driver, and only a name within typo distance of a defined class is reported.
    ///
    /// ## Why is this bad?
    /// The snapshot controller cannot create the snapshot: the VolumeSnapshot stays not ready
    /// with an error event, no VolumeSnapshotContent is created, and every claim restored from
    /// it stays `Pending`. An empty `volumeSnapshotClassName` is rejected by the API server
    /// ("volumeSnapshotClassName must not be the empty string when set", SEMANTICS §6.1).
    ///
    /// ## Example
    /// ```yaml
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
    ///   volumeSnapshotClassName: csi-hostpath-snapclas
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
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
    ///   volumeSnapshotClassName: csi-hostpath-snapclass
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ```
    ///
    /// ## Known problems
    /// A snapshot class that only the cluster has is reported when the repository defines other
    /// snapshot classes beside or above the snapshot: pass the file that defines it with
    /// `--context`, or export it into a `cluster.objects` file.
    ///
    /// ## Related
    /// - PVL504 (`snapshot-class-driver-mismatch`)
    /// - PVL511 (`snapshot-default-class-missing`)
    ///
    /// ## References
    /// - [Kubernetes: Volume Snapshot Classes](https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/)
    pub(crate) static RULE = Rule {
        code: "PVL501",
        name: "snapshot-class-not-found",
        category: Category::Correctness,
        summary: "VolumeSnapshot names a VolumeSnapshotClass that does not exist",
        check: Check::Snapshot(check),
    };
}

/// Shorter names are too often both real to call one a typo.
const MIN_TYPO_LENGTH: usize = 5;

fn check(object: &Object<'_>, snapshot: &VolumeSnapshot<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(class) = snapshot.class_name else {
        return;
    };
    if class.value.is_empty() {
        cx.report(class.span, "`volumeSnapshotClassName` is empty")
            .note("the API server rejects an empty class name; leave the field out to use the default class of the driver")
            .help("name a VolumeSnapshotClass, or remove `volumeSnapshotClassName`");
        return;
    }
    let from = object.file();
    if is_placeholder(class.value) || cx.index.snapshot_class(class.value, from).is_some() {
        return;
    }
    let similar = cx
        .index
        .similar_snapshot_class(class.value)
        .and_then(|name| cx.index.snapshot_class(name, from));
    // Without authority over the snapshot classes, only a likely typo is worth a finding.
    let likely_typo = similar.is_some() && class.value.len() >= MIN_TYPO_LENGTH;
    if !cx.index.defines_for(Provided::VolumeSnapshotClass, from) && !likely_typo {
        return;
    }
    let report = cx.report(
        class.span,
        format!("snapshot class `{}` is not defined", class.value),
    );
    match similar {
        Some(similar) => report
            .label(
                similar.meta.name_span(),
                "a snapshot class with a similar name is defined here",
            )
            .help(format!("did you mean `{}`?", similar.key.name)),
        None => report.help(
            "define the VolumeSnapshotClass, fix the name, or pass the file that defines it with `--context`",
        ),
    };
}
