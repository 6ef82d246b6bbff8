use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume whose `spec.claimRef` reservation cannot work:
    /// - the `claimRef` lacks a `namespace` or a `name`;
    /// - the claim it names is pre-bound (`spec.volumeName`) to a different volume;
    /// - another volume earlier in the manifests already reserves the same claim (the second
    ///   one is reported, the first is labelled).
    ///
    /// ## Why is this bad?
    /// A volume with a `claimRef` is reserved: only the claim it names, matched on **both**
    /// namespace and name (SEMANTICS §1.3), can bind it, and every other claim skips it (§1.2
    /// step 2). While the `claimRef` has no `uid` the volume stays `Available` (§1.9), so a
    /// reservation that never completes strands the volume for good.
    /// - Without a namespace or a name the API accepts the volume, but no claim ever matches
    ///   it: a claim always has both. A claim that asks for the volume by `volumeName` gets
    ///   `FailedBinding` "volume ... already bound to a different claim" and stays `Pending`
    ///   (§1.6 case B).
    /// - A claim with `volumeName` binds only the volume it names (§1.6 case B), so the volume
    ///   reserving it is never used; if the named volume does not exist or is reserved for
    ///   another claim, the claim stays `Pending` too.
    /// - When two volumes reserve one claim, the claim binds whichever the controller lists
    ///   first (the pre-bound match returns at once, §1.2 step 8; the list order is not
    ///   defined), so which disk (and which data) the claim gets can change from one cluster to
    ///   the next. The other volume stays reserved for a claim that is bound elsewhere.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: pg-data }
    /// spec:
    ///   capacity: { storage: 50Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: ""
    ///   claimRef: { name: pg-data }
    ///   nfs: { server: nas.lan, path: /export/pg }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media-a }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   claimRef: { namespace: media, name: library }
    ///   nfs: { server: nas.lan, path: /export/media-a }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media-b }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   claimRef: { namespace: media, name: library }
    ///   nfs: { server: nas.lan, path: /export/media-b }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: pg-data }
    /// spec:
    ///   capacity: { storage: 50Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: ""
    ///   claimRef: { namespace: db, name: pg-data }
    ///   nfs: { server: nas.lan, path: /export/pg }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media-a }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   claimRef: { namespace: media, name: library }
    ///   nfs: { server: nas.lan, path: /export/media-a }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media-b }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   claimRef: { namespace: media, name: archive }
    ///   nfs: { server: nas.lan, path: /export/media-b }
    /// ```
    ///
    /// ## Known problems
    /// - A volume exported from a cluster as `Released` or `Failed` whose `claimRef` carries a
    ///   `uid` can no longer take any claim (§1.9), so it neither conflicts with another volume
    ///   nor with a claim's `volumeName`.
    /// - Two volumes whose `claimRef`s carry different `uid`s name different incarnations of
    ///   the claim, and are not reported.
    /// - Two volumes with the same name are one object written twice (a duplicate, or a base
    ///   and its kustomize patch), and are not reported. When the claim is in the manifests,
    ///   volumes that resolve to different copies of it (independent examples side by side)
    ///   are not reported either.
    ///
    /// ## Related
    /// - PVL301 (`pv-claim-ref-not-found`): the reserved claim is not defined.
    ///
    /// ## References
    /// - [Kubernetes: Reserving a PersistentVolume](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume)
    pub(crate) static RULE = Rule {
        code: "PVL302",
        name: "pv-claim-ref-conflict",
        category: Category::Correctness,
        summary: "PV reservation is incomplete or contradicts another reservation",
        check: Check::Volume(check),
    };
}

/// What stranding a reservation means, shared by the notes.
const STRANDED: &str = "the volume stays `Available` but reserved, and no other claim can bind it";

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(claim_ref) = volume.claim_ref else {
        return;
    };
    let is_mapping = volume
        .spec
        .and_then(|spec| spec.get("claimRef"))
        .is_some_and(|node| node.as_mapping().is_some());
    let written = [claim_ref.namespace, claim_ref.name, claim_ref.uid];
    if !is_mapping
        || written
            .iter()
            .flatten()
            .any(|value| is_placeholder(value.value))
    {
        return;
    }
    let namespace = claim_ref.namespace.filter(|value| !value.value.is_empty());
    let name = claim_ref.name.filter(|value| !value.value.is_empty());
    let (Some(namespace), Some(name)) = (namespace, name) else {
        report_incomplete(&claim_ref, cx);
        return;
    };
    let Some(this) = object.meta.name.filter(|name| !is_placeholder(name.value)) else {
        return;
    };
    if !can_take_claim(volume) {
        return;
    }
    let from = object.file();
    let claim = cx.index.claim_named(namespace.value, name.value, from);
    if let Some(claim) = claim
        && let Some(volume_name) = cx.index.claim(claim).spec.volume_name
        && !volume_name.value.is_empty()
    {
        if volume_name.value != this.value && !is_placeholder(volume_name.value) {
            cx.report(
                name.span,
                format!(
                    "claim `{}/{}` is pre-bound to volume `{}`, not to `{}`",
                    namespace.value, name.value, volume_name.value, this.value
                ),
            )
            .label(volume_name.span, "the claim's `volumeName` is set here")
            .note(format!(
                "the claim binds only the volume its `volumeName` names; {STRANDED}"
            ))
            .help("make `claimRef` and the claim's `volumeName` name each other, or remove one of them");
        }
        return;
    }
    let first = cx
        .index
        .volumes_reserving(namespace.value, name.value)
        .iter()
        .map(|&id| cx.index.object(id))
        .take_while(|other| other.id != object.id)
        .find(|other| competes(cx.index, other, object, volume, claim));
    if let Some(first) = first {
        let first_name = first.meta.name.map_or("", |name| name.value);
        let first_span = match &first.kind {
            ObjectKind::Volume(first) => first
                .claim_ref
                .and_then(|claim_ref| claim_ref.name)
                .map_or(first.anchor, |name| name.span),
            _ => first.meta.name_span(),
        };
        cx.report(
            name.span,
            format!(
                "claim `{}/{}` is already reserved by volume `{first_name}`",
                namespace.value, name.value
            ),
        )
        .label(
            first_span,
            format!("volume `{first_name}` reserves the claim here"),
        )
        .note(
            "the claim binds whichever volume the controller lists first; the other one stays \
             `Available` but reserved, and no other claim can bind it",
        )
        .help("give each volume its own claim, or remove the extra `claimRef`");
    }
}

fn report_incomplete(
    claim_ref: &crate::model::persistent_volume::ClaimRef<'_>,
    cx: &mut RuleContext<'_, '_>,
) {
    // Point at an empty value when one is written, else at the `claimRef` key.
    let (span, message) = match (claim_ref.namespace, claim_ref.name) {
        (namespace, Some(name)) if !name.value.is_empty() => (
            namespace.map_or(claim_ref.key, |namespace| namespace.span),
            format!("`claimRef` to claim `{}` has no `namespace`", name.value),
        ),
        (Some(namespace), name) if !namespace.value.is_empty() => (
            name.map_or(claim_ref.key, |name| name.span),
            format!(
                "`claimRef` in namespace `{}` has no claim `name`",
                namespace.value
            ),
        ),
        _ => (
            claim_ref.key,
            "`claimRef` has neither a `namespace` nor a `name`".to_owned(),
        ),
    };
    cx.report(span, message)
        .note(format!(
            "a claim matches a `claimRef` on both namespace and name, so no claim ever matches this one; {STRANDED}"
        ))
        .help("write both the claim's `namespace` and `name` in `claimRef`, or remove `claimRef`");
}

/// A `Released` or `Failed` volume whose `claimRef` carries a UID belongs to a claim that is
/// gone: it never binds again (SEMANTICS §1.9).
fn can_take_claim(volume: &PersistentVolume<'_>) -> bool {
    !(claim_uid(volume).is_some() && matches!(volume.phase, Some("Released" | "Failed")))
}

/// Whether `first`, earlier in the manifests, competes with `second` for the same claim.
fn competes(
    index: &Index<'_>,
    first: &Object<'_>,
    second: &Object<'_>,
    second_volume: &PersistentVolume<'_>,
    claim: Option<ClaimId>,
) -> bool {
    let ObjectKind::Volume(first_volume) = &first.kind else {
        return false;
    };
    if first.meta.name.map(|name| name.value) == second.meta.name.map(|name| name.value)
        || !can_take_claim(first_volume)
    {
        return false;
    }
    if let (Some(a), Some(b)) = (claim_uid(first_volume), claim_uid(second_volume))
        && a != b
    {
        return false;
    }
    // Independent examples side by side each resolve the claim to their own copy.
    let Some(claim) = claim else {
        return true;
    };
    let Some(claim_ref) = first_volume.claim_ref else {
        return false;
    };
    let (Some(namespace), Some(name)) = (claim_ref.namespace, claim_ref.name) else {
        return false;
    };
    index.claim_named(namespace.value, name.value, first.file()) == Some(claim)
}

/// The `claimRef.uid`, when written and not empty.
fn claim_uid<'a>(volume: &PersistentVolume<'a>) -> Option<&'a str> {
    volume
        .claim_ref
        .and_then(|claim_ref| claim_ref.uid)
        .map(|uid| uid.value)
        .filter(|uid| !uid.is_empty())
}
