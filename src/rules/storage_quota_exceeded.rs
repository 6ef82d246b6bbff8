use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the claim that crosses a ResourceQuota of its namespace in the dry run: the
    /// claims of the manifests are created in order (file path, then document order) and
    /// charged to `requests.storage`, `persistentvolumeclaims` and the per-class keys
    /// (`<class>.storageclass.storage.k8s.io/requests.storage`, `…/persistentvolumeclaims`);
    /// the first claim that would go over a `hard` limit is refused (SEMANTICS §8.1).
    /// StatefulSet claim templates are reported once, for their first refused replica.
    ///
    /// ## Why is this bad?
    /// The API server refuses to create the claim ("exceeded quota"), so its pod never starts.
    /// For a StatefulSet the controller retries forever and the replica stays missing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata: { name: storage, namespace: apps }
    /// spec:
    ///   hard: { requests.storage: 20Gi }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data, namespace: apps }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 15Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs, namespace: apps }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata: { name: storage, namespace: apps }
    /// spec:
    ///   hard: { requests.storage: 30Gi }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data, namespace: apps }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 15Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs, namespace: apps }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Only the manifests are charged: claims that already exist in the namespace use quota
    /// too, so a quota can be exceeded earlier than reported. Quotas with `scopes` or a
    /// `scopeSelector` are not evaluated.
    ///
    /// ## Related
    /// `PVL604`
    ///
    /// ## References
    /// - [Kubernetes: Storage Resource Quota](https://kubernetes.io/docs/concepts/policy/resource-quotas/#storage-resource-quota)
    pub(crate) static RULE = Rule {
        code: "PVL603",
        name: "storage-quota-exceeded",
        category: Category::Correctness,
        summary: "a claim crosses a ResourceQuota of its namespace",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    // Admission refusals end the claim's plan as `Rejected`.
    let Some((plan, reason)) = cx.plan.claim_reason(claim.id, "quota-exceeded") else {
        return;
    };
    let name = claim.name.map_or(claim.spec.anchor, |name| name.span);
    let span = match (reason.kind, &claim.spec.request) {
        (Some("storage"), Some(request)) => request.span,
        _ => name,
    };
    let subject = match claim.origin {
        ClaimOrigin::StatefulSetTemplate { .. } => format!(
            "claim `{}` of template `{}`",
            plan.name,
            claim.name.map_or("", |name| name.value)
        ),
        _ => format!("claim `{}`", plan.name),
    };
    let mut report = cx
        .report(
            span,
            format!("creating {subject} is refused: {}", reason.text),
        )
        .help("raise the quota's `hard` limit, request less storage, or move the claim to another namespace");
    for related in &reason.related {
        report = report.label(related.span, related.label.clone());
    }
    drop(report);
}
