use crate::provision::Outcome;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose class binds `WaitForFirstConsumer` and that no pod of the manifests
    /// will use, although something else depends on it: a VolumeSnapshot takes it as its
    /// source, or another claim clones it.
    ///
    /// A claim counts as used by a pod when a pod, a workload or a StatefulSet template mounts
    /// it, and also when the pod is not in the manifests but something there says it will
    /// exist: a kustomize patch that mounts it, another object naming it in a string value (a
    /// Helm release's `existingClaim`, a backup job's source), or a pod volume naming it from a
    /// workload whose namespace (or the claim's) is chosen when applying.
    ///
    /// A claim that nothing uses at all is `PVL210`'s (dangling-pvc): it says so once, and the
    /// fix is the same (mount it or delete it).
    ///
    /// ## Why is this bad?
    /// With `WaitForFirstConsumer` nothing happens until a pod that uses the claim is
    /// scheduled: no PV is bound and nothing is provisioned, and the claim stays `Pending`. A
    /// snapshot of it never becomes ready and a clone of it is never provisioned;
    /// `helm install --wait` and `kubectl wait` time out.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: seed }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: seed-snapshot }
    /// spec:
    ///   source: { persistentVolumeClaimName: seed }
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
    /// metadata: { name: seed }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: seed-snapshot }
    /// spec:
    ///   source: { persistentVolumeClaimName: seed }
    /// ---
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata: { name: seed }
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: seed
    ///           image: busybox
    ///           volumeMounts: [{ name: seed, mountPath: /seed }]
    ///       volumes:
    ///         - name: seed
    ///           persistentVolumeClaim: { claimName: seed }
    /// ```
    ///
    /// ## Known problems
    /// A pod created later by hand, by a controller or by a chart that nothing in the manifests
    /// names is not seen: the claim is reported although it will be used.
    ///
    /// ## Related
    /// `PVL210`, `PVL601`
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, volume binding mode](https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode)
    pub(crate) static RULE = Rule {
        code: "PVL602",
        name: "claim-waits-for-first-consumer",
        category: Category::Info,
        summary: "a WaitForFirstConsumer claim that no pod uses stays Pending",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(plan) = cx
        .plan
        .for_claim(claim.id)
        .find(|plan| plan.outcome == Outcome::WaitingForConsumer)
    else {
        return;
    };
    let uses = cx.index.claim_uses(claim.id);
    // Nothing uses it at all: PVL210 (dangling-pvc) reports it.
    if uses.is_empty() {
        return;
    }
    let mut labels: Vec<(Span, String)> = uses
        .iter()
        .filter_map(|usage| user_label(*usage, cx.index))
        .collect();
    let class = plan.class.name.clone().unwrap_or_default();
    if let Some(mode) = cx
        .index
        .storage_class(&class, cx.index.object(claim.owner).file())
        .and_then(|(_, class)| class.volume_binding_mode)
    {
        labels.push((
            mode.span,
            format!("class `{class}` binds `WaitForFirstConsumer`"),
        ));
    }
    let span = claim.name.map_or(claim.spec.anchor, |name| name.span);
    let mut report = cx
        .report(
            span,
            format!(
                "claim `{}` waits for a first consumer, but no pod in the manifests uses it",
                plan.name
            ),
        )
        .help("mount the claim in the pod that needs it, or use a class that binds `Immediate`")
        .note("it stays Pending until a pod that uses it is scheduled, and so do the snapshots and clones made from it");
    for (span, label) in labels {
        report = report.label(span, label);
    }
    drop(report);
}

/// A label on what waits for the claim: a snapshot's source, a clone's data source.
fn user_label(usage: ClaimUse, index: &Index<'_>) -> Option<(Span, String)> {
    match usage {
        ClaimUse::Snapshot { snapshot } => {
            let object = index.object(snapshot);
            let ObjectKind::VolumeSnapshot(volume_snapshot) = &object.kind else {
                return None;
            };
            let span = volume_snapshot
                .source_claim
                .map_or(object.meta.name_span(), |source| source.span);
            Some((
                span,
                format!("VolumeSnapshot `{}` waits for it", object.key.name),
            ))
        }
        ClaimUse::Clone { claim } => {
            let clone = index.claim(claim);
            let span = clone
                .spec
                .data_source_ref
                .or(clone.spec.data_source)
                .and_then(|source| source.name)
                .map_or(clone.spec.anchor, |name| name.span);
            Some((span, format!("{} clones it", clone.describe())))
        }
        _ => None,
    }
}
