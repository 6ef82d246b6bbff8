use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim without `spec.resources.requests.storage`, or whose storage request is
    /// zero or negative. PersistentVolumeClaims, StatefulSet `volumeClaimTemplates` and
    /// ephemeral volume templates are checked.
    ///
    /// ## Why is this bad?
    /// The storage request is required and must be greater than zero: the API server rejects
    /// the claim (SEMANTICS §3.2). A StatefulSet is accepted with such a template (§5.2), but
    /// its controller then fails to create every claim, so no replica ever starts. Static
    /// binding is no exception: a claim pre-bound with `volumeName` needs a request too.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources:
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
    /// A claim without any `spec` is taken for a partial object (a kustomize strategic-merge
    /// patch) and skipped; files that a `kustomization.yaml` lists under `patches` are not
    /// read as objects at all. Requests that are not valid quantities are reported by `PVL010`
    /// invalid-quantity, and `resources` or `requests` that are not mappings by `PVL005`
    /// schema-violation; placeholders (`${SIZE}`) are unknown and skipped.
    ///
    /// ## Related
    /// - `PVL010` invalid-quantity
    /// - `PVL205` pvc-limit-below-request
    ///
    /// ## References
    /// - [Kubernetes: PersistentVolumeClaims](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims)
    pub(crate) static RULE = Rule {
        code: "PVL204",
        name: "pvc-storage-request-missing",
        category: Category::Correctness,
        summary: "PVC has no storage request, or a request that is not greater than zero",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(spec) = claim.spec.node else {
        return;
    };
    let Some(request) = &claim.spec.request else {
        report_missing(claim, spec, cx);
        return;
    };
    if let Some(quantity) = request.quantity()
        && quantity.signum() <= 0
    {
        cx.report(
            request.span,
            format!(
                "storage request `{}` of {} is not greater than zero",
                request.text,
                claim.describe()
            ),
        )
        .help("request a positive size, e.g. `storage: 10Gi`");
    }
}

fn report_missing(claim: &Claim<'_>, spec: &Node, cx: &mut RuleContext<'_, '_>) {
    let Some(at) = deepest_request_key(spec, claim.spec.anchor) else {
        return;
    };
    cx.report(
        at,
        format!(
            "{} has no storage request (`resources.requests.storage`)",
            claim.describe()
        ),
    )
    .help("add `resources.requests.storage`, e.g. `storage: 10Gi`");
}

/// The deepest key of `resources.requests.storage` that is written, else `anchor` (the
/// `spec` key). `None` when a level is a placeholder or not a mapping: the value is unknown,
/// or another rule's problem.
fn deepest_request_key(spec: &Node, anchor: Span) -> Option<Span> {
    let mut node = spec;
    let mut at = anchor;
    for key in ["resources", "requests", "storage"] {
        let Some(entry) = node.entry(key) else {
            break;
        };
        at = entry.key.span;
        if entry.value.is_null() {
            break;
        }
        entry.value.as_mapping()?;
        node = &entry.value;
    }
    Some(at)
}
