use crate::change::{Base, ObjectChange};
use crate::model::Workload;
use crate::provision::plan::{ClaimPlan, Outcome};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags claims that a change deletes while their volume's reclaim policy is `Delete`:
    /// - a PersistentVolumeClaim that the base revision (`--base`) defines and the head
    ///   revision does not;
    /// - a StatefulSet that the change removes while its
    ///   `persistentVolumeClaimRetentionPolicy.whenDeleted` is `Delete`: the claims of its
    ///   templates go with it;
    /// - a StatefulSet scaled down (fewer `replicas`, or `ordinals.start` moved) while its
    ///   `persistentVolumeClaimRetentionPolicy.whenScaled` is `Delete`: the claims of the
    ///   removed ordinals go with their pods.
    ///
    /// The reclaim policy is the one the base revision's dry run found: the
    /// `persistentVolumeReclaimPolicy` of the PersistentVolume the claim binds (unset on a
    /// PersistentVolume means `Retain`, SEMANTICS §3.6), or the `reclaimPolicy` of the class
    /// that provisions it (unset on a class means `Delete`, §3.5). The finding points at the
    /// claim where the base revision defines it (the file name starts with the revision), or
    /// at the `replicas` of a scaled-down StatefulSet.
    ///
    /// ## Why is this bad?
    /// When a claim is deleted, the PV controller releases its volume and runs the reclaim
    /// policy (SEMANTICS §1.9): with `Delete`, the PersistentVolume and the disk behind it are
    /// deleted, and the data is gone for good. Deployment tools that prune (Argo CD, Flux,
    /// Helm, `kubectl apply --prune`) delete objects removed from the manifests, so merging
    /// the change destroys the data.
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: orders }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 50Gi } }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// reclaimPolicy: Retain
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: orders }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 50Gi } }
    /// ```
    ///
    /// After (the volume is kept when the claim goes):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// reclaimPolicy: Retain
    /// ```
    ///
    /// For a volume that already exists, set its own policy before removing the claim:
    /// `kubectl patch pv <volume> -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`.
    ///
    /// ## Known problems
    /// - Removing an object from the manifests deletes it only when the deployment tool
    ///   prunes. Claims that say they are kept (`helm.sh/resource-policy: keep`, Argo CD
    ///   `Prune=false` or `Delete=false`, Flux `kustomize.toolkit.fluxcd.io/prune: disabled`)
    ///   are not reported.
    /// - A claim whose class is not in the manifests (it lives in the cluster) has an unknown
    ///   reclaim policy and is not reported, nor is a claim the dry run leaves `Pending` or
    ///   waiting for a consumer (no volume exists yet).
    /// - A claim moved out of the linted paths looks removed.
    ///
    /// ## Related
    /// PVL707 (a volume's reclaim policy weakened to `Delete`), PVL706 (a class removed).
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, reclaiming](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming)
    /// - [Kubernetes: StatefulSets, PersistentVolumeClaim retention](https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention)
    pub(crate) static RULE = Rule {
        code: "PVL705",
        name: "claim-removed-deletes-data",
        category: Category::Suspicious,
        summary: "a claim removed by the change has a volume whose reclaim policy is `Delete`",
        check: Check::Change(check),
    };
}

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), Some(base)) = (change.before, cx.base) else {
        return;
    };
    match (&before.kind, change.after) {
        (_, None) if kept(before) => {}
        (ObjectKind::Claim(claim), None) => claim_removed(cx, base, *claim),
        (ObjectKind::Workload(workload), None) if workload.kind == WorkloadKind::StatefulSet => {
            statefulset_removed(cx, base, before, workload);
        }
        (ObjectKind::Workload(old), Some(after)) if old.kind == WorkloadKind::StatefulSet => {
            if let ObjectKind::Workload(new) = &after.kind {
                statefulset_scaled_down(cx, base, before, after, old, new);
            }
        }
        _ => {}
    }
}

/// Annotations that keep an object when it leaves the manifests.
fn kept(object: &Object<'_>) -> bool {
    let annotation = |key| {
        object
            .meta
            .annotation(key)
            .and_then(|entry| entry.value.as_str())
    };
    annotation("helm.sh/resource-policy") == Some("keep")
        || annotation("kustomize.toolkit.fluxcd.io/prune") == Some("disabled")
        || annotation("argocd.argoproj.io/sync-options").is_some_and(|options| {
            options
                .split(',')
                .any(|option| matches!(option.trim(), "Prune=false" | "Delete=false"))
        })
}

/// Where the `Delete` policy of a claim's volume comes from, as a label; `None` unless the dry
/// run gives the claim a volume whose policy the manifests set (or default) to `Delete`.
fn deleting_volume(
    base: &Base<'_, '_>,
    claim: &Claim<'_>,
    plan: &ClaimPlan,
) -> Option<(Span, String)> {
    if !matches!(plan.outcome, Outcome::Bound | Outcome::Provisioned)
        || plan.reclaim_policy.as_deref() != Some("Delete")
    {
        return None;
    }
    if let Some(volume) = plan.volume_object {
        let object = base.index.object(volume);
        let ObjectKind::Volume(volume) = &object.kind else {
            return None;
        };
        let policy = volume.reclaim_policy?;
        return Some((
            policy.span,
            format!(
                "PersistentVolume `{}` is deleted with its claim",
                object.key.name
            ),
        ));
    }
    let class = plan.class.name.as_deref()?;
    let from = base.index.object(claim.owner).file();
    let (object, storage_class) = base.index.storage_class(class, from)?;
    Some(match storage_class.reclaim_policy {
        Some(policy) => (
            policy.span,
            format!("class `{class}` deletes the volumes it provisions with their claims"),
        ),
        None => (
            object.meta.name_span(),
            format!(
                "class `{class}` leaves `reclaimPolicy` unset, so its volumes are deleted with their claims"
            ),
        ),
    })
}

const HELP: &str = "keep the claim, or first set `persistentVolumeReclaimPolicy: Retain` on its PersistentVolume (`kubectl patch pv`) and back the data up";

fn claim_removed(cx: &mut RuleContext<'_, '_>, base: &Base<'_, '_>, id: ClaimId) {
    let claim = base.index.claim(id);
    let Some(plan) = base.plan.for_claim(id).next() else {
        return;
    };
    let Some((at, label)) = deleting_volume(base, claim, plan) else {
        return;
    };
    let name = claim.name.map_or_else(|| claim.node.span, |name| name.span);
    cx.report(
        name,
        format!(
            "{} is removed by this change, and its volume's reclaim policy is `Delete`: deleting the claim deletes its data",
            claim.describe()
        ),
    )
    .label(at, label)
    .help(HELP)
    .note("tools that prune (Argo CD, Flux, Helm, `kubectl apply --prune`) delete objects removed from the manifests");
}

/// `persistentVolumeClaimRetentionPolicy.<key>`, when it is `Delete`.
fn retention_delete<'a>(object: &Object<'a>, key: &str) -> Option<&'a Node> {
    object
        .meta
        .root
        .path(&["spec", "persistentVolumeClaimRetentionPolicy", key])
        .filter(|node| node.as_str() == Some("Delete"))
}

fn statefulset_removed(
    cx: &mut RuleContext<'_, '_>,
    base: &Base<'_, '_>,
    object: &Object<'_>,
    workload: &Workload<'_>,
) {
    let Some(policy) = retention_delete(object, "whenDeleted") else {
        return;
    };
    for &template in &workload.claim_templates {
        let claim = base.index.claim(template);
        let deleted: Vec<(&ClaimPlan, (Span, String))> = base
            .plan
            .for_claim(template)
            .filter_map(|plan| Some((plan, deleting_volume(base, claim, plan)?)))
            .collect();
        let Some((_, (at, label))) = deleted.first() else {
            continue;
        };
        let name = claim.name.map_or_else(|| claim.node.span, |name| name.span);
        cx.report(
            name,
            format!(
                "StatefulSet `{}` is removed by this change with `whenDeleted: Delete`, so the claims of template `{}` ({}) are deleted, and their volumes' reclaim policy is `Delete`",
                object.key.name,
                claim.name.map_or("", |name| name.value),
                claim_list(&deleted)
            ),
        )
        .label(policy.span, "the claims are deleted with the StatefulSet")
        .label(*at, label.clone())
        .help("keep the StatefulSet, or set `whenDeleted: Retain` and apply that before removing it")
        .note("tools that prune (Argo CD, Flux, Helm, `kubectl apply --prune`) delete objects removed from the manifests");
    }
}

fn statefulset_scaled_down(
    cx: &mut RuleContext<'_, '_>,
    base: &Base<'_, '_>,
    before: &Object<'_>,
    after: &Object<'_>,
    old: &Workload<'_>,
    new: &Workload<'_>,
) {
    let Some(policy) = retention_delete(after, "whenScaled") else {
        return;
    };
    let (Some(old_range), Some(new_range)) = (ordinals(before, old), ordinals(after, new)) else {
        return;
    };
    let condemned = |ordinal: u64| old_range.contains(&ordinal) && !new_range.contains(&ordinal);
    let at = replicas(after).map_or(policy.span, |node| node.span);
    for &template in &old.claim_templates {
        let claim = base.index.claim(template);
        let Some(prefix) = claim
            .name
            .map(|name| format!("{}-{}-", name.value, before.key.name))
        else {
            continue;
        };
        let deleted: Vec<(&ClaimPlan, (Span, String))> = base
            .plan
            .for_claim(template)
            .filter(|plan| {
                plan.name
                    .strip_prefix(&prefix)
                    .and_then(|ordinal| ordinal.parse::<u64>().ok())
                    .is_some_and(condemned)
            })
            .filter_map(|plan| Some((plan, deleting_volume(base, claim, plan)?)))
            .collect();
        let Some((_, (volume_at, label))) = deleted.first() else {
            continue;
        };
        let mut report = cx
            .report(
                at,
                format!(
                    "StatefulSet `{}` scales down with `whenScaled: Delete`, so the claims {} of template `{}` are deleted, and their volumes' reclaim policy is `Delete`",
                    after.key.name,
                    claim_list(&deleted),
                    claim.name.map_or("", |name| name.value)
                ),
            )
            .label(policy.span, "claims of removed replicas are deleted");
        if let Some(old_replicas) = replicas(before) {
            report = report.label(
                old_replicas.span,
                format!(
                    "`{}` at `{}`",
                    old_replicas.as_str().unwrap_or(""),
                    base.revision
                ),
            );
        }
        report
            .label(*volume_at, label.clone())
            .help("keep the replicas, or set `whenScaled: Retain` if the data of removed replicas must survive")
            .note("the claims of the removed ordinals are deleted with their pods");
    }
}

fn replicas<'a>(object: &Object<'a>) -> Option<&'a Node> {
    object.meta.root.path(&["spec", "replicas"])
}

/// The ordinals a StatefulSet runs: `ordinals.start` for `replicas` pods (default 1).
fn ordinals(object: &Object<'_>, workload: &Workload<'_>) -> Option<std::ops::Range<u64>> {
    use crate::model::workload::PodCount;
    let PodCount::Exactly(replicas) = workload.pods else {
        return None;
    };
    let start = match object.meta.root.path(&["spec", "ordinals", "start"]) {
        None => 0,
        Some(node) => u64::try_from(node.as_int()?).ok()?,
    };
    Some(start..start.checked_add(replicas)?)
}

/// `` `data-db-1`, `data-db-2` `` (at most three, then a count).
fn claim_list(deleted: &[(&ClaimPlan, (Span, String))]) -> String {
    let mut names: Vec<String> = deleted
        .iter()
        .take(3)
        .map(|(plan, _)| format!("`{}`", plan.name))
        .collect();
    if deleted.len() > 3 {
        names.push(format!("and {} more", deleted.len() - 3));
    }
    names.join(", ")
}
