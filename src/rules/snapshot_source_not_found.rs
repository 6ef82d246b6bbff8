use crate::index::{ClaimLookup, Provided};
use crate::model::VolumeSnapshot;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a VolumeSnapshot whose `spec.source.persistentVolumeClaimName` names no claim in
    /// the snapshot's namespace, and a `spec.source` that sets both
    /// `persistentVolumeClaimName` and `volumeSnapshotContentName`, or neither. Claims count as
    /// existing as for pod volumes (`pod-claim-not-found`): a PersistentVolumeClaim in the
    /// linted manifests (or in the `--context` and `cluster.objects` files), or a claim a
    /// StatefulSet's `volumeClaimTemplates` generate (`<template>-<statefulset>-<ordinal>`).
    ///
    /// ## Why is this bad?
    /// A dynamic snapshot is always taken of a claim in its own namespace (SEMANTICS §6.1).
    /// When the claim does not exist, the snapshot controller never creates a
    /// VolumeSnapshotContent: the snapshot stays not ready, and claims restored from it stay
    /// `Pending`. A source with both fields or neither is rejected by the API server ("exactly
    /// one of volumeSnapshotContentName and persistentVolumeClaimName must be set").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: postgres-data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: postgres-nightly }
    /// spec:
    ///   source:
    ///     persistentVolumeClaimName: postgres-date
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: postgres-data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: postgres-nightly }
    /// spec:
    ///   source:
    ///     persistentVolumeClaimName: postgres-data
    /// ```
    ///
    /// ## Known problems
    /// Claims are often created outside the linted files (by an application's chart, an
    /// operator, or by hand before the snapshot is taken), so a missing claim is only reported
    /// where the manifests define claims in the snapshot's directory or one of its parents, or
    /// when the name is a likely typo of a claim in the namespace. Pass the files that define
    /// other claims with `--context`, or export them into a `cluster.objects` file.
    ///
    /// A namespace that is not written in the manifest is set at deploy time, so a claim of the
    /// same name in another namespace counts as found when either the snapshot or the claim
    /// leaves its namespace unwritten. A StatefulSet that does not write `replicas` may run any
    /// ordinal. A `spec.source` that is missing altogether is a schema violation (`PVL005`).
    /// Whether the VolumeSnapshotContent of a pre-provisioned snapshot exists is not checked.
    ///
    /// ## Related
    /// - PVL401 (`pod-claim-not-found`)
    /// - PVL505 (`pvc-data-source-not-found`)
    ///
    /// ## References
    /// - [Kubernetes: Volume Snapshots](https://kubernetes.io/docs/concepts/storage/volume-snapshots/)
    pub(crate) static RULE = Rule {
        code: "PVL502",
        name: "snapshot-source-not-found",
        category: Category::Correctness,
        summary: "VolumeSnapshot takes a claim that does not exist, or sets no single source",
        check: Check::Snapshot(check),
    };
}

/// Shorter names are too often both real to call one a typo.
const MIN_TYPO_LENGTH: usize = 5;

fn check(object: &Object<'_>, snapshot: &VolumeSnapshot<'_>, cx: &mut RuleContext<'_, '_>) {
    // `v1alpha1` (long removed, `PVL006`) had another shape: `source.kind` and `source.name`.
    let Some(source) = snapshot.source else {
        return;
    };
    if object.meta.api_version.value.ends_with("/v1alpha1") {
        return;
    }
    match (snapshot.source_claim, snapshot.source_content) {
        (Some(claim), Some(content)) => {
            cx.report(
                source,
                "snapshot source sets both `persistentVolumeClaimName` and `volumeSnapshotContentName`",
            )
            .label(claim.span, "a dynamic snapshot of this claim")
            .label(content.span, "a pre-provisioned snapshot of this content")
            .help("keep `persistentVolumeClaimName` to take a new snapshot, or `volumeSnapshotContentName` to import an existing one");
        }
        (None, None) => {
            let mut report = cx.report(
                source,
                "snapshot source sets neither `persistentVolumeClaimName` nor `volumeSnapshotContentName`",
            );
            let alpha_shape = ["kind", "name"]
                .into_iter()
                .any(|key| object.meta.root.path(&["spec", "source", key]).is_some());
            if alpha_shape {
                report = report.note(
                    "`source.kind` and `source.name` are the `v1alpha1` shape; `snapshot.storage.k8s.io/v1` names the claim in `source.persistentVolumeClaimName`",
                );
            }
            report.help("set `persistentVolumeClaimName` to the claim to snapshot, or `volumeSnapshotContentName` to import an existing snapshot");
        }
        (Some(claim), None) => check_claim(object, claim, cx),
        (None, Some(_)) => {}
    }
}

fn check_claim(object: &Object<'_>, name: Spanned<&str>, cx: &mut RuleContext<'_, '_>) {
    if is_placeholder(name.value) {
        return;
    }
    if name.value.is_empty() {
        cx.report(name.span, "`persistentVolumeClaimName` is empty")
            .help("name the claim to snapshot");
        return;
    }
    let index = cx.index;
    let message = match object.meta.namespace {
        Some(written) => format!(
            "claim `{}` is not defined in namespace `{}`",
            name.value, written.value
        ),
        None => format!("claim `{}` is not defined", name.value),
    };
    match index.lookup_claim(object, name.value) {
        ClaimLookup::Found(_) | ClaimLookup::Possible => {}
        ClaimLookup::OutOfRange {
            template,
            first,
            last,
        } => {
            let range = index.ordinal_range(template, first, last);
            cx.report(
                name.span,
                format!(
                    "claim `{}` is not created by StatefulSet `{}`",
                    name.value, range.statefulset
                ),
            )
            .label(range.template, range.label())
            .help("snapshot a claim of an ordinal the StatefulSet runs");
        }
        ClaimLookup::OtherNamespace(elsewhere) => {
            cx.report(name.span, message)
                .label(
                    elsewhere.span,
                    format!(
                        "a claim with this name is defined in namespace `{}`",
                        elsewhere.value
                    ),
                )
                .help("a snapshot can only take a claim of its own namespace: move the snapshot or the claim");
        }
        ClaimLookup::Missing => {
            let namespace = object.key.namespace.as_deref().unwrap_or_default();
            let similar = index.similar_claim(namespace, name.value, object.file());
            // Without claims beside or above the snapshot, only a likely typo is a finding.
            let likely_typo = similar.is_some() && name.value.len() >= MIN_TYPO_LENGTH;
            if !likely_typo && !index.defines_for(Provided::PersistentVolumeClaim, object.file()) {
                return;
            }
            let report = cx.report(name.span, message);
            match similar {
                Some((similar, claim)) => {
                    let claim = index.claim(claim);
                    let span = claim
                        .name
                        .map_or(index.object(claim.owner).meta.name_span(), |name| name.span);
                    report
                        .label(span, "a claim with a similar name is defined here")
                        .help(format!("did you mean `{similar}`?"))
                }
                None => report.help(
                    "define the PersistentVolumeClaim, fix the name, or pass the files that define it with `--context`",
                ),
            };
        }
    }
}
