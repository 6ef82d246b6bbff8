use std::collections::HashSet;

use crate::rules::DiagnosticGuard;
use crate::rules::prelude::*;
use crate::source::FileId;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume whose `spec.claimRef` names a claim (`namespace` and `name`)
    /// that the linted manifests do not define. PersistentVolumeClaims count, and so do the
    /// claims a StatefulSet creates from its `volumeClaimTemplates`
    /// (`<template>-<statefulset>-<ordinal>`) and the claim a Pod's named ephemeral volume
    /// creates (`<pod>-<volume>`).
    ///
    /// A `claimRef` without a namespace or a name is left to PVL302.
    ///
    /// ## Why is this bad?
    /// A `claimRef` reserves the volume for exactly that claim (SEMANTICS §1.3): no other claim
    /// can bind it (§1.2 step 2). If the claim is never created, typically because of a typo or a
    /// wrong namespace, the volume stays `Available` forever and the claim that was meant to get
    /// it binds something else, is provisioned a fresh empty volume, or stays `Pending`.
    ///
    /// When the `claimRef` also carries a `uid`, the volume turns `Released` as soon as it is
    /// created unless a claim with exactly that UID already exists in the cluster (§1.9), and a
    /// `Released` volume never binds again.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media-nfs }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   claimRef: { namespace: media, name: media-libary }
    ///   nfs: { server: nas.lan, path: /export/media }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: media-library, namespace: media }
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 100Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media-nfs }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   claimRef: { namespace: media, name: media-library }
    ///   nfs: { server: nas.lan, path: /export/media }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: media-library, namespace: media }
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 100Gi } }
    /// ```
    ///
    /// ## Known problems
    /// - Claims created by something pvlint does not render (a Helm chart, an operator, a
    ///   backup tool) are not in the manifests. The rule stays silent when the claim's name
    ///   appears as a string in an object pvlint does not model (a `HelmRelease`'s values, a
    ///   `ReplicationDestination`), in any namespace, and when a claim of that name is written
    ///   without a namespace (kustomize or `kubectl -n` sets it at deploy time).
    /// - Volumes exported from a cluster (`kubectl get pv -o yaml`) are observed state
    ///   (SEMANTICS §13): a `claimRef` with a `uid` on a volume that has a `status.phase` or a
    ///   `pv.kubernetes.io/bound-by-controller` / `pv.kubernetes.io/provisioned-by` annotation
    ///   records a binding the cluster made, and its claim may well exist only in the cluster,
    ///   so it is not reported. That a `Released` volume never binds again is a matter for the
    ///   dry-run rules, not for this one.
    /// - A volume reserved ahead for a StatefulSet replica that does not run yet
    ///   (`data-db-3` while `replicas: 3`) is reported, with the replica range as a label;
    ///   suppress it if scaling up is planned.
    ///
    /// ## Related
    /// - PVL302 (`pv-claim-ref-conflict`): incomplete or contradictory reservations.
    ///
    /// ## References
    /// - [Kubernetes: Reserving a PersistentVolume](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume)
    pub(crate) static RULE = Rule {
        code: "PVL301",
        name: "pv-claim-ref-not-found",
        category: Category::Suspicious,
        summary: "PV reserves a claim that does not exist",
        check: Check::Workspace(check),
    };
}

/// Annotations only the PV controller and provisioners write: the object was exported.
const OBSERVED_ANNOTATIONS: [&str; 2] = [
    "pv.kubernetes.io/bound-by-controller",
    "pv.kubernetes.io/provisioned-by",
];

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let volumes = || {
        index
            .objects()
            .iter()
            .filter_map(|object| match &object.kind {
                ObjectKind::Volume(volume) => Some((object, volume)),
                _ => None,
            })
    };
    // Names of reserved claims not defined here: only these are looked for in the unmodelled
    // objects, in one walk over them for all volumes.
    let undefined: HashSet<&str> = volumes()
        .filter_map(|(object, volume)| {
            let claim_ref = volume.claim_ref?;
            let name = claim_ref.name?.value;
            let namespace = claim_ref.namespace?.value;
            index
                .claim_named(namespace, name, object.file())
                .is_none()
                .then_some(name)
        })
        .collect();
    let mentioned = mentioned_by_unmodelled_objects(index, &undefined);
    for (object, volume) in volumes() {
        check_volume(object, volume, &mentioned, cx);
    }
}

fn check_volume(
    object: &Object<'_>,
    volume: &PersistentVolume<'_>,
    mentioned: &HashSet<&str>,
    cx: &mut RuleContext<'_, '_>,
) {
    let Some(claim_ref) = volume.claim_ref else {
        return;
    };
    let (Some(namespace), Some(name)) = (claim_ref.namespace, claim_ref.name) else {
        return;
    };
    if [namespace.value, name.value]
        .iter()
        .any(|value| value.is_empty() || is_placeholder(value))
    {
        return;
    }
    let uid = claim_ref.uid.filter(|uid| !uid.value.is_empty());
    if uid.is_some() && is_observed(object, volume) {
        return;
    }
    let index = cx.index;
    let from = object.file();
    if index
        .claim_named(namespace.value, name.value, from)
        .is_some()
        || namespace_set_at_deploy_time(index, name.value)
        || mentioned.contains(name.value)
    {
        return;
    }
    let report = if let Some((claim, other_namespace)) = elsewhere(index, name.value, from) {
        cx.report(
            namespace.span,
            format!(
                "claim `{}` is not defined in namespace `{}`",
                name.value, namespace.value
            ),
        )
        .label(
            claim_span(index, claim),
            format!(
                "a claim named `{}` is defined in namespace `{other_namespace}`",
                name.value
            ),
        )
        .help(format!("did you mean namespace `{other_namespace}`?"))
    } else {
        report_missing(index, namespace, name, from, cx)
    };
    let report =
        report.note("the volume stays reserved for that claim: no other claim can bind it");
    if uid.is_some() {
        drop(report.note(
            "`claimRef.uid` is set: unless a claim with that UID exists in the cluster, the volume \
             turns `Released` once created and never binds",
        ));
    }
}

/// Reports a claim defined in no namespace, with a similar name when there is one.
fn report_missing<'c>(
    index: &Index<'_>,
    namespace: Spanned<&str>,
    name: Spanned<&str>,
    from: FileId,
    cx: &'c mut RuleContext<'_, '_>,
) -> DiagnosticGuard<'c> {
    let similar = index.similar_claim(namespace.value, name.value, from);
    let report = cx.report(
        name.span,
        format!("claim `{}/{}` is not defined", namespace.value, name.value),
    );
    let Some((similar, claim)) = similar else {
        return report.help("define the claim, or fix `claimRef`");
    };
    let span = claim_span(index, claim);
    let claim = index.claim(claim);
    match beyond_replicas(claim, name.value) {
        Some((statefulset, first, last)) => report
            .label(
                span,
                format!(
                    "StatefulSet `{statefulset}` creates only `{first}` to `{last}` from this template"
                ),
            )
            .help("raise the StatefulSet's `replicas`, or fix the ordinal in `claimRef`"),
        None => report
            .label(
                span,
                match claim.origin {
                    ClaimOrigin::Object => "a claim with a similar name is defined here".to_owned(),
                    _ => format!("{} creates claim `{similar}`", claim.describe()),
                },
            )
            .help(format!("did you mean `{similar}`?")),
    }
}

/// A `claimRef.uid` the cluster wrote: the volume has a status or a binding annotation.
fn is_observed(object: &Object<'_>, volume: &PersistentVolume<'_>) -> bool {
    volume.phase.is_some()
        || OBSERVED_ANNOTATIONS
            .iter()
            .any(|key| object.meta.annotation(key).is_some())
}

/// A claim of that name whose object names no namespace: kustomize or `kubectl -n` decides it.
fn namespace_set_at_deploy_time(index: &Index<'_>, name: &str) -> bool {
    index.claims_with_name(name).iter().any(|&claim| {
        index
            .object(index.claim(claim).owner)
            .meta
            .namespace
            .is_none()
    })
}

/// Those of `names` that are string values in an object pvlint does not model (a Helm
/// release's values): such claims are probably created by something pvlint does not render.
fn mentioned_by_unmodelled_objects<'n>(
    index: &Index<'_>,
    names: &HashSet<&'n str>,
) -> HashSet<&'n str> {
    let mut found = HashSet::new();
    if names.is_empty() {
        return found;
    }
    for object in index.objects() {
        if !matches!(object.kind, ObjectKind::Other) {
            continue;
        }
        object.meta.root.walk(&mut |node| {
            if let NodeKind::Scalar(scalar) = &node.kind
                && scalar.is_string()
                && let Some(name) = names.get(scalar.text.as_str())
            {
                found.insert(*name);
            }
        });
    }
    found
}

/// A claim with this name in another namespace, closest to `from`, and that namespace.
fn elsewhere(index: &Index<'_>, name: &str, from: FileId) -> Option<(ClaimId, String)> {
    let first = index.claims_with_name(name).first()?;
    let namespace = index.claim(*first).namespace.clone();
    let claim = index.claim_named(&namespace, name, from)?;
    Some((claim, namespace))
}

/// Where to point at a claim: its name, else its owner's name.
fn claim_span(index: &Index<'_>, claim: ClaimId) -> Span {
    let claim = index.claim(claim);
    claim.name.map_or_else(
        || index.object(claim.owner).meta.name_span(),
        |name| name.span,
    )
}

/// When `name` is `<template>-<statefulset>-<ordinal>` of a StatefulSet claim template with an
/// ordinal outside its replicas: the StatefulSet and its first and last claim names.
fn beyond_replicas(claim: &Claim<'_>, name: &str) -> Option<(String, String, String)> {
    let ClaimOrigin::StatefulSetTemplate {
        statefulset,
        start,
        replicas,
    } = &claim.origin
    else {
        return None;
    };
    let template = claim.name?.value;
    let prefix = format!("{template}-{statefulset}-");
    let ordinal: u64 = name.strip_prefix(&prefix)?.parse().ok()?;
    let last = start.checked_add(replicas.checked_sub(1)?)?;
    if (*start..=last).contains(&ordinal) {
        return None;
    }
    Some((
        statefulset.clone(),
        format!("{prefix}{start}"),
        format!("{prefix}{last}"),
    ))
}
