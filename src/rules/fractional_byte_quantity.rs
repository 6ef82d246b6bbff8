use crate::model::claim::QuantityField;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a storage size that is not a whole number of bytes: the `storage` request or
    /// limit of a claim (PersistentVolumeClaims, StatefulSet `volumeClaimTemplates` and
    /// ephemeral volume templates), or the `storage` capacity of a PersistentVolume. `1.5`,
    /// `500m` (milli: half a byte) and `1n` are fractional; `1.5Gi` and `0.5k` are not.
    ///
    /// ## Why is this bad?
    /// A byte cannot be split. The API server accepts such a claim with the warning
    /// `fractional byte value "500m" is invalid, must be an integer`, and quota and
    /// provisioners round it up, so the volume is not the size written. Most often the
    /// suffix is a slip: `500m` was meant as `500M` or `500Mi`, and the claim asks for one
    /// byte.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 500m } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 500Mi } }
    /// ```
    ///
    /// ## Known problems
    /// Kubernetes warns about claims only; a fractional PersistentVolume capacity is accepted
    /// silently, and reported here because binding compares it with the claims' requests.
    /// Zero and negative sizes are left to the rules about them.
    ///
    /// ## Related
    /// - `PVL010` (invalid-quantity): a quantity Kubernetes cannot parse at all.
    ///
    /// ## References
    /// - [Kubernetes: Resource quantities](https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/)
    pub(crate) static RULE = Rule {
        code: "PVL011",
        name: "fractional-byte-quantity",
        category: Category::Suspicious,
        summary: "a storage size that is not a whole number of bytes",
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    for claim in cx.index.claims_of(object) {
        report(claim.spec.request.as_ref(), "storage request", cx);
        report(claim.spec.limit.as_ref(), "storage limit", cx);
    }
    if let ObjectKind::Volume(volume) = &object.kind {
        report(volume.capacity.as_ref(), "storage capacity", cx);
    }
}

fn report(field: Option<&QuantityField<'_>>, what: &str, cx: &mut RuleContext<'_, '_>) {
    let Some(field) = field else {
        return;
    };
    let Some(quantity) = field.quantity() else {
        return;
    };
    if quantity.signum() <= 0 || quantity.is_whole_number() {
        return;
    }
    let text = field.text.trim();
    let help = match quantity.ceil_integer() {
        Some(bytes) => format!("write a whole number of bytes, such as `{bytes}` (rounded up)"),
        None => "write a whole number of bytes".to_owned(),
    };
    let guard = cx
        .report(
            field.span,
            format!("{what} `{text}` is not a whole number of bytes"),
        )
        .help(help);
    if let Some(number) = text.strip_suffix('m') {
        guard.note(format!(
            "`m` means milli (1/1000); did you mean `{number}M` (10^6 bytes) or `{number}Mi` \
             (2^20 bytes)?"
        ));
    }
}
