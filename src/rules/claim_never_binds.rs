use crate::provision::dynamic::NO_PROVISIONER;
use crate::provision::{ClaimPlan, Outcome, Reason};
use crate::rules::prelude::*;
use crate::source::FileId;

declare_rule! {
    /// ## What it does
    /// Flags a claim that the dry run leaves `Pending` for good, with the whole reason chain:
    /// no class and no default class and no matching PersistentVolume; `storageClassName: ""`
    /// and no matching PV; a class whose provisioner is `kubernetes.io/no-provisioner` and no
    /// matching PV; a class that only PVs carry and none of them fits; two claims naming the
    /// same PV in `volumeName`. StatefulSet claim templates are reported once, for their first
    /// replica.
    ///
    /// Each problem is reported once, by the rule that owns it: a class that does not exist is
    /// `PVL201`'s, a `volumeName` naming a missing PV is `PVL202`'s, a `selector` on a claim
    /// whose class provisions is `PVL208`'s, a `volumeName` naming a PV that does not fit is
    /// `PVL212`'s, in-tree provisioners are `PVL103`'s and what a driver cannot do belongs to
    /// the backend rules (`PVL206`, `PVL207`, `PVL209`, `PVL506`). Claims whose size or class is
    /// a placeholder are never reported.
    ///
    /// ## Why is this bad?
    /// A `Pending` claim never gets a volume: every pod that mounts it stays unschedulable, and
    /// `helm install --wait` or `kubectl wait` time out.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-storage }
    /// provisioner: kubernetes.io/no-provisioner
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: disk-1 }
    /// spec:
    ///   capacity: { storage: 5Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: local-storage
    ///   local: { path: /mnt/disks/1 }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [node-1] }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: local-storage
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: data }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-storage }
    /// provisioner: kubernetes.io/no-provisioner
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: disk-1 }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: local-storage
    ///   local: { path: /mnt/disks/1 }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [node-1] }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: local-storage
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: data }
    /// ```
    ///
    /// ## Options
    /// - `cluster.storage-classes`
    ///
    /// ## Known problems
    /// Static PersistentVolumes are often created outside the repository (by an administrator,
    /// or by the local static provisioner for `kubernetes.io/no-provisioner` classes). A claim
    /// that can only bind a static PV is therefore reported only when the manifests hold PVs of
    /// its class in its directory tree (its directory, a parent or a subdirectory), none of
    /// which fits. A class that is not defined but that PVs name is taken as a static-binding
    /// label (`manual`) only when none of those PVs looks provisioned (a `csi` source or a
    /// `pv.kubernetes.io/provisioned-by` annotation): otherwise it most likely lives in the
    /// cluster and provisions the claim. A claim without `storageClassName` gets the cluster's default class, which
    /// pvlint knows only when the config lists the cluster's classes
    /// (`cluster.storage-classes`): without that list, it is not reported.
    ///
    /// ## Related
    /// `PVL201`, `PVL202`, `PVL208`, `PVL212`, `PVL602`
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, binding](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#binding)
    /// - [Kubernetes: Storage Classes](https://kubernetes.io/docs/concepts/storage/storage-classes/)
    pub(crate) static RULE = Rule {
        code: "PVL601",
        name: "claim-never-binds",
        category: Category::Correctness,
        summary: "the dry run leaves a claim Pending for good",
        check: Check::Claim(check),
    };
}

/// Why a claim stays `Pending`, as far as this rule is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// `no-class`: no class, or `""`, and no PV without a class fits.
    NoClass,
    /// `class-not-found` for a class name only PVs carry.
    StaticClass,
    /// `no-provisioner`: the class only binds static PVs.
    NoProvisioner,
    /// `volume-mismatch` of kind `shared`: another claim names the same PV.
    Shared,
}

/// The cause this rule owns among a plan's reasons, or `None` when the claim's fate is unknown
/// (placeholders) or another rule reports it.
fn cause(reason: &Reason) -> Option<Cause> {
    match (reason.code, reason.kind) {
        ("no-class", _) => Some(Cause::NoClass),
        ("class-not-found", _) => Some(Cause::StaticClass),
        ("no-provisioner", _) => Some(Cause::NoProvisioner),
        ("volume-mismatch", Some("shared")) => Some(Cause::Shared),
        // `unknown-request`, `unknown-class`: placeholders. `prebound-volume-missing`: PVL202.
        // `volume-mismatch` of other kinds: PVL212 (static) or creation order (`taken`).
        // `selector-not-supported`: PVL208. `in-tree-provisioner`: PVL103. Driver refusals:
        // the backend rules.
        _ => None,
    }
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let pending: Vec<&ClaimPlan> = cx
        .plan
        .for_claim(claim.id)
        .filter(|plan| plan.outcome == Outcome::Pending)
        .collect();
    let Some((plan, reason, cause)) = pending.iter().find_map(|plan| {
        let (reason, cause) = plan
            .reasons
            .iter()
            .find_map(|reason| Some((reason, cause(reason)?)))?;
        Some((*plan, reason, cause))
    }) else {
        return;
    };
    if !is_certain(claim, plan, reason, cause, cx) {
        return;
    }
    let chain = plan
        .reasons
        .iter()
        .map(|reason| reason.text.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let span = primary_span(claim, reason, cause);
    let labels = labels(claim, plan, reason, cause, cx);
    let help = help(claim, plan, cause);
    let planned = cx.plan.for_claim(claim.id).count();
    let mut report = cx
        .report(
            span,
            format!("{} stays Pending: {chain}", subject(claim, plan)),
        )
        .help(help);
    for (span, label) in labels {
        report = report.label(span, label);
    }
    if pending.len() > 1 {
        drop(report.note(format!(
            "{} of the template's {} claims stay Pending",
            pending.len(),
            planned
        )));
    }
}

/// ``claim `data` `` or ``claim `data-db-0` of template `data` ``.
fn subject(claim: &Claim<'_>, plan: &ClaimPlan) -> String {
    match claim.origin {
        ClaimOrigin::StatefulSetTemplate { .. } => format!(
            "claim `{}` of template `{}`",
            plan.name,
            claim.name.map_or("", |name| name.value)
        ),
        _ => format!("claim `{}`", plan.name),
    }
}

/// Whether the manifests are the authority for this cause (see the rule's Known problems).
fn is_certain(
    claim: &Claim<'_>,
    plan: &ClaimPlan,
    reason: &Reason,
    cause: Cause,
    cx: &RuleContext<'_, '_>,
) -> bool {
    let from = cx.index.object(claim.owner).file();
    match cause {
        Cause::NoClass => match claim.class() {
            // Without a class the cluster's default applies; only the config knows it.
            ClaimClass::Unset => !cx.index.cluster_classes().is_empty(),
            ClaimClass::Named(_) => has_static_volumes(cx.index, "", from),
        },
        Cause::NoProvisioner => plan
            .class
            .name
            .as_deref()
            .is_some_and(|class| has_static_volumes(cx.index, class, from)),
        // A class that only PVs name is a static-binding label (`manual`) unless one of them
        // looks provisioned: a CSI volume, or one a provisioner annotated. Then the class
        // most likely lives in the cluster with that driver, and would provision the claim.
        Cause::StaticClass => plan.class.name.as_deref().is_some_and(|class| {
            has_static_volumes(cx.index, class, from)
                && !volumes_of(cx.index, class, from).any(looks_provisioned)
        }),
        Cause::Shared => reason.related.first().is_some_and(|other| {
            cx.index
                .same_tree(from, cx.index.object(other.object).file())
        }),
    }
}

/// Whether a PersistentVolume of `class` is in the tree of `from`.
fn has_static_volumes(index: &Index<'_>, class: &str, from: FileId) -> bool {
    index.has_volume_with_class(class) && volumes_of(index, class, from).next().is_some()
}

/// The PersistentVolumes of `class` in the tree of `from`.
fn volumes_of<'i, 'a>(
    index: &'i Index<'a>,
    class: &'i str,
    from: FileId,
) -> impl Iterator<Item = &'i Object<'a>> {
    index.objects().iter().filter(move |object| {
        matches!(&object.kind, ObjectKind::Volume(volume) if volume.class() == class)
            && index.same_tree(from, object.file())
    })
}

/// A PV that a provisioner made or could have made: a `csi` source, or the
/// `pv.kubernetes.io/provisioned-by` annotation.
fn looks_provisioned(object: &Object<'_>) -> bool {
    let ObjectKind::Volume(volume) = &object.kind else {
        return false;
    };
    volume.csi_driver().is_some() || object.meta.annotation(PROVISIONED_BY).is_some()
}

/// The annotation a provisioner puts on the PVs it creates (SEMANTICS §2.3).
const PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";

fn primary_span(claim: &Claim<'_>, reason: &Reason, cause: Cause) -> Span {
    let name = claim.name.map_or(claim.spec.anchor, |name| name.span);
    match (cause, claim.class()) {
        (Cause::Shared, _) => reason.at.unwrap_or(name),
        (_, ClaimClass::Named(class)) => class.span,
        (_, ClaimClass::Unset) => name,
    }
}

fn labels(
    claim: &Claim<'_>,
    plan: &ClaimPlan,
    reason: &Reason,
    cause: Cause,
    cx: &RuleContext<'_, '_>,
) -> Vec<(Span, String)> {
    if cause == Cause::Shared {
        return reason
            .related
            .iter()
            .map(|related| (related.span, related.label.clone()))
            .collect();
    }
    let from = cx.index.object(claim.owner).file();
    let Some(class) = plan.class.name.as_deref() else {
        return Vec::new();
    };
    let mut labels = Vec::new();
    if let Some((object, storage_class)) = cx.index.storage_class(class, from) {
        match storage_class.provisioner {
            Some(provisioner) if provisioner.value == NO_PROVISIONER => labels.push((
                provisioner.span,
                format!("class `{class}` provisions nothing"),
            )),
            _ if plan.class.how == "default" => labels.push((
                object.meta.name_span(),
                format!("admission gives the claim the default class `{class}`"),
            )),
            _ => {}
        }
    }
    if matches!(cause, Cause::StaticClass | Cause::NoProvisioner)
        && let Some(label) = volume_label(cx, class, from)
    {
        labels.push(label);
    }
    labels
}

/// A label on a PV of `class` in the tree of `from`: one the dry run leaves free (it does not
/// fit), else one another claim took.
fn volume_label(cx: &RuleContext<'_, '_>, class: &str, from: FileId) -> Option<(Span, String)> {
    let volumes: Vec<&Object<'_>> = volumes_of(cx.index, class, from).collect();
    let bound_to = |object: &Object<'_>| {
        cx.plan
            .volumes
            .iter()
            .find(|volume| volume.object == object.id)
            .and_then(|volume| volume.claim.clone())
    };
    if let Some(free) = volumes.iter().find(|object| bound_to(object).is_none()) {
        return Some((
            free.meta.name_span(),
            format!(
                "PersistentVolume `{}` of class `{class}` does not fit the claim",
                free.key.name
            ),
        ));
    }
    let taken = volumes.first()?;
    Some((
        taken.meta.name_span(),
        format!(
            "PersistentVolume `{}` of class `{class}` is bound to `{}`",
            taken.key.name,
            bound_to(taken).unwrap_or_default()
        ),
    ))
}

fn help(claim: &Claim<'_>, plan: &ClaimPlan, cause: Cause) -> String {
    let class = plan.class.name.as_deref().unwrap_or_default();
    match cause {
        Cause::NoClass if claim.class() == ClaimClass::Unset => {
            "name a StorageClass, mark one as the default, or add a PersistentVolume without a class that fits the claim".to_owned()
        }
        Cause::NoClass => {
            "add a PersistentVolume without a class that fits the claim (size, access modes, volume mode), or name a StorageClass".to_owned()
        }
        Cause::StaticClass => format!(
            "add a PersistentVolume of class `{class}` that fits the claim (size, access modes, volume mode, selector), or define the StorageClass `{class}`"
        ),
        Cause::NoProvisioner => format!(
            "add a PersistentVolume of class `{class}` that fits the claim (size, access modes, volume mode, selector), or use a class with a provisioner"
        ),
        Cause::Shared => "give each claim its own PersistentVolume".to_owned(),
    }
}
