use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose `storageClassName` (or beta storage-class annotation) names a
    /// StorageClass that is neither in the linted manifests nor listed under
    /// `cluster.storage-classes`. Claims of StatefulSet `volumeClaimTemplates` and ephemeral
    /// volumes are checked too.
    ///
    /// A class name that only PersistentVolumes carry is not reported: static binding needs no
    /// StorageClass object (the classic `storageClassName: manual` pair).
    ///
    /// The manifests are taken as the authority on which classes exist only where they define
    /// classes themselves: in the claim's directory or one of its parent directories, or when
    /// the config lists the cluster's classes under `cluster.storage-classes`. Elsewhere the
    /// classes come from the cluster or from a chart the repository does not hold, and only a
    /// name within typo distance of a defined class is reported.
    ///
    /// ## Why is this bad?
    /// No provisioner ever picks the claim up: it stays `Pending`, and every pod that mounts it
    /// stays unschedulable.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast-ssd }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast-sdd
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast-ssd }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast-ssd
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Options
    /// - `cluster.storage-classes`
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes](https://kubernetes.io/docs/concepts/storage/storage-classes/)
    pub(crate) static RULE = Rule {
        code: "PVL201",
        name: "pvc-storage-class-not-found",
        category: Category::Correctness,
        summary: "PVC names a StorageClass that does not exist",
        check: Check::Claim(check),
    };
}

/// Shorter names (`gp2` next to `gp3`) are too often both real to call one a typo.
const MIN_TYPO_LENGTH: usize = 5;

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    if cx.index.claim_class(claim.id) != ClassResolution::Missing {
        return;
    }
    let ClaimClass::Named(class) = claim.class() else {
        return;
    };
    if cx.index.has_volume_with_class(class.value) {
        return;
    }
    let from = class.span.file;
    let similar = cx
        .index
        .similar_storage_class(class.value)
        .and_then(|name| cx.index.storage_class(name, from));
    // Without authority over the class list, only a likely typo is worth a finding.
    let likely_typo = similar.is_some() && class.value.len() >= MIN_TYPO_LENGTH;
    if !cx.index.knows_classes_for(from) && !likely_typo {
        return;
    }
    let report = cx.report(
        class.span,
        format!("storage class `{}` is not defined", class.value),
    );
    match similar {
        Some((object, _)) => report
            .label(
                object.meta.name_span(),
                "a class with a similar name is defined here",
            )
            .help(format!(
                "did you mean `{}`?",
                object.meta.name.map_or("", |name| name.value)
            )),
        None => report.help(
            "define the StorageClass, fix the name, or list it under `cluster.storage-classes`",
        ),
    };
}
