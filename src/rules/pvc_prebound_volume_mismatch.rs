use crate::provision::plan::VOLUME_MISMATCH_EVENT;
use crate::provision::{ClaimPlan, Reason};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose `volumeName` names a PersistentVolume of the manifests that can
    /// never satisfy it, as the PV controller checks a claim it binds by name (SEMANTICS §1.2,
    /// §1.6 case B): the PV is smaller than the request, has another class (after admission
    /// gives a claim without `storageClassName` the default class), another volume mode, lacks
    /// one of the claim's access modes, or its `claimRef` reserves it for another claim. A PV
    /// whose `claimRef` already names the claim binds without these checks and is not
    /// reported.
    ///
    /// A `volumeName` naming a PV that is not in the manifests is `PVL202`'s; a `claimRef`
    /// without a namespace or name is `PVL302`'s.
    ///
    /// ## Why is this bad?
    /// A claim with `volumeName` is never provisioned and binds no other volume: it stays
    /// `Pending` with a `VolumeMismatch` event ("Cannot bind to requested volume"), and every
    /// pod that mounts it stays unschedulable.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: nfs-data }
    /// spec:
    ///   capacity: { storage: 5Gi }
    ///   accessModes: [ReadWriteMany]
    ///   nfs: { server: nfs.example.com, path: /data }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: ""
    ///   volumeName: nfs-data
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: nfs-data }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteMany]
    ///   nfs: { server: nfs.example.com, path: /data }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: ""
    ///   volumeName: nfs-data
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Related
    /// `PVL202`, `PVL302`, `PVL601`
    ///
    /// ## References
    /// - [Kubernetes: Reserving a PersistentVolume](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume)
    pub(crate) static RULE = Rule {
        code: "PVL212",
        name: "pvc-prebound-volume-mismatch",
        category: Category::Correctness,
        summary: "a claim's volumeName names a PersistentVolume that can never satisfy it",
        check: Check::Claim(check),
    };
}

/// The `volume-mismatch` kinds that hold whatever the creation order.
const STATIC_KINDS: [&str; 5] = [
    "claimed",
    "capacity",
    "class",
    "volume-mode",
    "access-modes",
];

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some((plan, reason, kind)) = cx.plan.for_claim(claim.id).find_map(|plan| {
        plan.reasons.iter().find_map(|reason| {
            let kind = reason.kind.filter(|kind| STATIC_KINDS.contains(kind))?;
            (reason.code == "volume-mismatch").then_some((plan, reason, kind))
        })
    }) else {
        return;
    };
    if kind == "claimed" && !claim_ref_is_complete(reason, cx) {
        return;
    }
    let Some(volume) = claim.spec.volume_name else {
        return;
    };
    let mismatch = reason
        .text
        .strip_prefix(VOLUME_MISMATCH_EVENT)
        .and_then(|text| text.strip_prefix(": "))
        .unwrap_or(&reason.text);
    let mut report = cx
        .report(
            reason.at.unwrap_or(volume.span),
            format!(
                "{} can never bind the volume it names: {mismatch}",
                subject(claim, plan)
            ),
        )
        .help(help(kind));
    for related in &reason.related {
        report = report.label(related.span, related.label.clone());
    }
    if kind == "class" && plan.class.how == "default" {
        report = report.note(format!(
            "admission gives a claim without `storageClassName` the default class `{}`; write `storageClassName: \"\"` to bind a volume without a class",
            plan.class.name.as_deref().unwrap_or_default()
        ));
    }
    drop(report);
}

fn subject(claim: &Claim<'_>, plan: &ClaimPlan) -> String {
    match claim.origin {
        ClaimOrigin::StatefulSetTemplate { .. } => {
            format!(
                "claim template `{}`",
                claim.name.map_or("", |name| name.value)
            )
        }
        _ => format!("claim `{}`", plan.name),
    }
}

/// A `claimRef` without a namespace or name is `PVL302`'s.
fn claim_ref_is_complete(reason: &Reason, cx: &RuleContext<'_, '_>) -> bool {
    reason.related.iter().any(|related| {
        matches!(
            &cx.index.object(related.object).kind,
            ObjectKind::Volume(volume)
                if volume.claim_ref.is_some_and(|claim_ref| claim_ref.namespace.is_some() && claim_ref.name.is_some())
        )
    })
}

fn help(kind: &str) -> &'static str {
    match kind {
        "claimed" => {
            "point `volumeName` at a free volume, or make the volume's `claimRef` name this claim"
        }
        "capacity" => {
            "request at most the volume's capacity, or point `volumeName` at a volume large enough"
        }
        "class" => {
            "give the claim the volume's class (`storageClassName: \"\"` for a volume without one)"
        }
        "volume-mode" => "give the claim the volume's `volumeMode`",
        _ => "ask only for access modes the volume offers, or add the missing modes to the volume",
    }
}
