use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose `resources.limits.storage` is smaller than its
    /// `resources.requests.storage` (compared exactly, as Kubernetes quantities). Claims of
    /// StatefulSet `volumeClaimTemplates` and ephemeral volumes are checked too.
    ///
    /// ## Why is this bad?
    /// The volume is sized from the request alone: the API server does not validate storage
    /// limits on claims (SEMANTICS §3.2), and the CSI provisioner sends only the request to the
    /// driver (§2.3). A limit below the request therefore never caps anything; it almost always
    /// means the two values were swapped or one was mistyped, so the volume is not the size
    /// its author intended (and is billed at the request).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests: { storage: 100Gi }
    ///     limits: { storage: 10Gi }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
    ///     requests: { storage: 10Gi }
    /// ```
    ///
    /// ## Known problems
    /// Only valid quantities are compared: invalid ones are reported by `PVL010`
    /// invalid-quantity, and placeholders (`${SIZE}`) are unknown.
    ///
    /// ## Related
    /// - `PVL204` pvc-storage-request-missing
    ///
    /// ## References
    /// - [Kubernetes: PersistentVolumeClaims](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims)
    pub(crate) static RULE = Rule {
        code: "PVL205",
        name: "pvc-limit-below-request",
        category: Category::Suspicious,
        summary: "PVC storage limit is smaller than its request",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(request), Some(limit)) = (&claim.spec.request, &claim.spec.limit) else {
        return;
    };
    let (Some(requested), Some(limited)) = (request.quantity(), limit.quantity()) else {
        return;
    };
    if limited >= requested {
        return;
    }
    cx.report(
        limit.span,
        format!(
            "storage limit `{}` is smaller than the request `{}`",
            limit.text, request.text
        ),
    )
    .label(request.span, "the volume is sized from this request")
    .help("make the limit at least the request, or remove `limits.storage`");
}
