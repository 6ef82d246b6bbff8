use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose storage request is below the `min` or above the `max` of a
    /// `type: PersistentVolumeClaim` LimitRange in its namespace (SEMANTICS §8.2). Only
    /// `resources.requests.storage` is compared; limits are ignored, as the admission plugin
    /// does. StatefulSet claim templates are reported once.
    ///
    /// ## Why is this bad?
    /// The LimitRanger admission plugin refuses to create the claim ("minimum storage usage per
    /// PersistentVolumeClaim is …"), so its pod never starts. It also refuses to expand a claim
    /// beyond `max`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: LimitRange
    /// metadata: { name: claims, namespace: apps }
    /// spec:
    ///   limits:
    ///     - type: PersistentVolumeClaim
    ///       min: { storage: 1Gi }
    ///       max: { storage: 50Gi }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data, namespace: apps }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 100Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: LimitRange
    /// metadata: { name: claims, namespace: apps }
    /// spec:
    ///   limits:
    ///     - type: PersistentVolumeClaim
    ///       min: { storage: 1Gi }
    ///       max: { storage: 50Gi }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data, namespace: apps }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 50Gi } }
    /// ```
    ///
    /// ## Related
    /// `PVL603`
    ///
    /// ## References
    /// - [Kubernetes: Limit Ranges, limiting storage consumption](https://kubernetes.io/docs/tasks/administer-cluster/limit-storage-consumption/)
    pub(crate) static RULE = Rule {
        code: "PVL604",
        name: "limit-range-violated",
        category: Category::Correctness,
        summary: "a claim's request is outside a LimitRange of its namespace",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    // Admission refusals end the claim's plan as `Rejected`.
    let Some((plan, reason)) = cx.plan.claim_reason(claim.id, "limit-range") else {
        return;
    };
    let span = claim.spec.request.as_ref().map_or_else(
        || claim.name.map_or(claim.spec.anchor, |name| name.span),
        |request| request.span,
    );
    let subject = match claim.origin {
        ClaimOrigin::StatefulSetTemplate { .. } => {
            format!(
                "the claims of template `{}`",
                claim.name.map_or("", |name| name.value)
            )
        }
        _ => format!("claim `{}`", plan.name),
    };
    let help = match reason.kind {
        Some("min") => "request at least the LimitRange's `min`, or lower the `min`",
        _ => "request at most the LimitRange's `max`, or raise the `max`",
    };
    let mut report = cx
        .report(
            span,
            format!("creating {subject} is refused: {}", reason.text),
        )
        .help(help);
    for related in &reason.related {
        report = report.label(related.span, related.label.clone());
    }
    drop(report);
}
