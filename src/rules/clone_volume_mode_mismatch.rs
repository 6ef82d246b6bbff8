use crate::index::DataSource;
use crate::model::VolumeSnapshot;
use crate::model::meta::spanned_str;
use crate::model::snapshot::ALLOW_VOLUME_MODE_CHANGE_ANNOTATION;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim cloned from another claim whose `volumeMode` differs from the source
    /// claim's, and a claim restored from a VolumeSnapshot of the manifests whose `volumeMode`
    /// differs from the mode of the snapshotted volume. An unset `volumeMode` is `Filesystem`.
    /// The snapshotted volume's mode is the `volumeMode` of the claim the snapshot is taken
    /// from, or the `spec.sourceVolumeMode` of a pre-provisioned VolumeSnapshotContent in the
    /// manifests; otherwise the restore is not checked.
    ///
    /// ## Why is this bad?
    /// The CSI provisioner refuses a clone whose volume mode differs from its source's
    /// (SEMANTICS §6.3), and a restore that changes the mode of the snapshotted volume unless
    /// the VolumeSnapshotContent carries the annotation
    /// `snapshot.storage.kubernetes.io/allow-volume-mode-change: "true"` (§6.2). The claim
    /// stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   volumeMode: Block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw-clone }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   dataSource: { kind: PersistentVolumeClaim, name: raw }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   volumeMode: Block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw-clone }
    /// spec:
    ///   storageClassName: csi-hostpath-sc
    ///   volumeMode: Block
    ///   dataSource: { kind: PersistentVolumeClaim, name: raw }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// The VolumeSnapshotContent of a dynamic snapshot is created by the snapshot controller,
    /// so an `allow-volume-mode-change` annotation added to it later is not seen, and such a
    /// restore is reported. The check follows the external-provisioner's default
    /// `--prevent-volume-mode-conversion=true`.
    ///
    /// ## Related
    /// - PVL507 (`restore-smaller-than-source`)
    /// - PVL508 (`clone-driver-mismatch`)
    /// - PVL407 (`volume-mode-mismatch`)
    ///
    /// ## References
    /// - [Kubernetes: CSI volume cloning](https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/)
    /// - [Kubernetes: Volume snapshots — converting the volume mode](https://kubernetes.io/docs/concepts/storage/volume-snapshots/#convert-volume-mode)
    pub(crate) static RULE = Rule {
        code: "PVL509",
        name: "clone-volume-mode-mismatch",
        category: Category::Correctness,
        summary: "clone or restore changes the volume mode of its source",
        check: Check::Claim(check),
    };
}

/// A volume mode and where it is decided: the `volumeMode` value, or the claim name when the
/// mode is the `Filesystem` default.
#[derive(Clone, Copy)]
struct Mode<'a> {
    value: &'a str,
    span: Span,
    written: bool,
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let Some(reference) = claim.spec.data_source_ref.or(claim.spec.data_source) else {
        return;
    };
    let Some(source_name) = reference.name else {
        return;
    };
    let Some(target) = claim_mode(claim, source_name.span) else {
        return;
    };
    match index.data_source(claim) {
        Some(DataSource::Claim(source)) if source != claim.id => {
            let source_claim = index.claim(source);
            let anchor = source_claim
                .name
                .map_or(source_claim.spec.anchor, |name| name.span);
            let Some(origin) = claim_mode(source_claim, anchor) else {
                return;
            };
            if origin.value == target.value {
                return;
            }
            cx.report(
                target.span,
                format!(
                    "clone is `{}`, but its source {} is `{}`",
                    target.value,
                    source_claim.describe(),
                    origin.value
                ),
            )
            .label(origin.span, mode_label(origin, "the source claim"))
            .note("the CSI provisioner refuses a clone whose volume mode differs from its source's")
            .help(format!("set `volumeMode: {}`", origin.value));
        }
        Some(DataSource::Snapshot(snapshot)) => {
            let snapshot = index.object(snapshot);
            let Some(origin) = snapshot_mode(snapshot, index) else {
                return;
            };
            if origin.value == target.value {
                return;
            }
            let name = snapshot.meta.name.map_or("", |name| name.value);
            cx.report(
                target.span,
                format!(
                    "restore is `{}`, but snapshot `{name}` is of a `{}` volume",
                    target.value, origin.value
                ),
            )
            .label(origin.span, mode_label(origin, "the snapshotted volume"))
            .note(format!(
                "the CSI provisioner refuses to change the volume mode of a snapshot unless its VolumeSnapshotContent has the annotation `{ALLOW_VOLUME_MODE_CHANGE_ANNOTATION}: \"true\"`"
            ))
            .help(format!("set `volumeMode: {}`", origin.value));
        }
        _ => {}
    }
}

/// A claim's mode; `anchor` is pointed at when `volumeMode` is not written. `None` for a
/// value that is neither `Block` nor `Filesystem` (a placeholder, or invalid).
fn claim_mode<'a>(claim: &Claim<'a>, anchor: Span) -> Option<Mode<'a>> {
    match claim.spec.volume_mode {
        Some(mode) => known(mode),
        None => Some(Mode {
            value: "Filesystem",
            span: anchor,
            written: false,
        }),
    }
}

fn known(mode: Spanned<&str>) -> Option<Mode<'_>> {
    matches!(mode.value, "Block" | "Filesystem").then_some(Mode {
        value: mode.value,
        span: mode.span,
        written: true,
    })
}

/// The mode of the volume a snapshot of the manifests was taken from: its source claim's, or
/// the `sourceVolumeMode` of its pre-provisioned content (unless that content allows a
/// change).
fn snapshot_mode<'a>(snapshot: &Object<'a>, index: &Index<'a>) -> Option<Mode<'a>> {
    let ObjectKind::VolumeSnapshot(VolumeSnapshot {
        source_claim,
        source_content,
        ..
    }) = &snapshot.kind
    else {
        return None;
    };
    if source_claim.is_some() {
        let claim = index.claim(index.snapshot_source(snapshot)?);
        let anchor = claim.name.map_or(claim.spec.anchor, |name| name.span);
        return claim_mode(claim, anchor);
    }
    let content = index.snapshot_content(source_content.as_ref()?.value, snapshot.file())?;
    let allowed = content
        .meta
        .annotation(ALLOW_VOLUME_MODE_CHANGE_ANNOTATION)
        .is_some_and(|entry| entry.value.as_str() == Some("true"));
    if allowed {
        return None;
    }
    let mode = content
        .meta
        .root
        .path(&["spec", "sourceVolumeMode"])
        .and_then(spanned_str)?;
    known(mode)
}

fn mode_label(mode: Mode<'_>, what: &str) -> String {
    if mode.written {
        format!("{what} is `{}`", mode.value)
    } else {
        format!("{what} is `Filesystem` (no `volumeMode`)")
    }
}
