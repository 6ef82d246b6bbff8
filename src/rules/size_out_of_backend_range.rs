use crate::provision::{ClaimPlan, ParameterChoice, Reason};
use crate::rules::prelude::*;
use crate::source::FileId;

declare_rule! {
    /// ## What it does
    /// Flags the storage request of a claim (a PersistentVolumeClaim, a StatefulSet claim
    /// template or an ephemeral volume template) that its StorageClass's driver cannot
    /// provide: below the driver's minimum or above its maximum, as the backend model's `size`
    /// says for the class's parameters (EBS: 4 GiB to 16 TiB for `type: io1`, 125 GiB at least
    /// for `st1`). Limits apply to the size after the driver's rounding to its allocation unit,
    /// as the drivers do: `100Mi` on EBS `gp3` becomes `1Gi`, which is fine.
    ///
    /// When the driver silently raises a small request to its minimum (Azure Files Premium
    /// shares to 100 GiB), the finding is an info note: the claim binds, to a larger volume
    /// than it asks for.
    ///
    /// ## Why is this bad?
    /// The driver or its cloud API refuses to create the volume (EBS: `InvalidParameterValue`),
    /// so the claim stays `Pending` with `ProvisioningFailed` events and its pods never start.
    /// A raised size is billed at the minimum while the claim says otherwise.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: throughput }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: st1 }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs }
    /// spec:
    ///   storageClassName: throughput
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: throughput }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: st1 }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs }
    /// spec:
    ///   storageClassName: throughput
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 125Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Rounding a request up to the driver's allocation unit (`10G` becomes `10Gi` on a
    /// GiB-rounding driver, while `10Gi` stays as it is) is normal and harmless, so it is not
    /// reported, although RULES.md once planned an info note for it: the volume is at most
    /// one unit larger than asked, and quotas count the request, not the volume.
    ///
    /// Only drivers with a backend model are checked, and only the limits the model knows:
    /// GCE PD per-disk-type limits, for one, are enforced by the GCE API and not modelled. A
    /// claim that binds an existing PersistentVolume, or that waits for its first consumer
    /// when no pod in the manifests uses it, is not checked.
    ///
    /// ## Related
    /// - PVL604 (`limit-range-violated`): the same against a LimitRange
    ///
    /// ## References
    /// - [Amazon EBS volume types](https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html)
    /// - [Azure Files CSI driver parameters](https://github.com/kubernetes-sigs/azurefile-csi-driver/blob/master/docs/driver-parameters.md)
    pub(crate) static RULE = Rule {
        code: "PVL209",
        name: "size-out-of-backend-range",
        category: Category::Correctness,
        summary: "storage request outside the size range of the class's driver",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(request) = &claim.spec.request else {
        return;
    };
    let found = ["size-below-minimum", "size-above-maximum", "size-raised"]
        .into_iter()
        .find_map(|code| cx.plan.claim_reason(claim.id, code));
    let Some((plan, reason)) = found else {
        return;
    };
    let (Some(limit), Some(driver)) = (reason.value.as_deref(), plan.driver.as_deref()) else {
        return;
    };
    let choice = reason.parameter.as_deref();
    let chosen_by = choice.map_or_else(String::new, |choice| {
        format!(" for `{}: {}`", choice.key, choice.value)
    });
    let text = request.text;
    let (message, note) = match reason.code {
        "size-below-minimum" => (
            format!("request `{text}` is below the `{limit}` minimum of `{driver}`{chosen_by}"),
            "the driver refuses to create the volume, so the claim stays `Pending`",
        ),
        "size-above-maximum" => (
            format!("request `{text}` is above the `{limit}` maximum of `{driver}`{chosen_by}"),
            "the driver refuses to create the volume, so the claim stays `Pending`",
        ),
        _ => (
            format!("request `{text}` is raised to the `{limit}` minimum of `{driver}`{chosen_by}"),
            "the claim binds a larger volume than it asks for, billed at that size",
        ),
    };
    let from = cx.index.object(claim.owner).file();
    let label = parameter_label(plan, choice, driver, from, cx)
        .or_else(|| plan.class_label(cx.index, from));
    let help = help(reason, limit, choice);
    let mut finding = cx.report(request.span, message);
    if reason.code == "size-raised" {
        finding = finding.severity(Severity::Info);
    }
    if let Some((span, text)) = label {
        finding = finding.label(span, text);
    }
    finding.note(note).help(help);
}

fn help(reason: &Reason, limit: &str, choice: Option<&ParameterChoice>) -> String {
    let other = choice.map_or_else(String::new, |choice| {
        format!(", or choose another `{}`", choice.key)
    });
    match reason.code {
        "size-below-minimum" => format!("request at least `{limit}`{other}"),
        "size-above-maximum" => format!("request at most `{limit}`{other}"),
        _ => format!("request `{limit}`, the size the volume gets{other}"),
    }
}

/// A label on the class parameter that chose the limit: its value when the class writes it,
/// else the class's provisioner with the default the driver uses.
fn parameter_label(
    plan: &ClaimPlan,
    choice: Option<&ParameterChoice>,
    driver: &str,
    from: FileId,
    cx: &RuleContext<'_, '_>,
) -> Option<(Span, String)> {
    let choice = choice?;
    let class = plan.class.name.as_deref()?;
    if choice.defaulted {
        let span = cx.index.class_provisioner_span(class, from)?;
        return Some((
            span,
            format!(
                "{} sets no `{}`, so `{driver}` uses `{}`",
                plan.class.describe()?,
                choice.key,
                choice.value
            ),
        ));
    }
    let (_, storage_class) = cx.index.storage_class(class, from)?;
    let model = cx.settings.backends.find(driver)?;
    let entry = storage_class
        .parameters?
        .as_mapping()?
        .iter()
        .find(|entry| {
            entry
                .key_text()
                .is_some_and(|key| model.same_text(key, &choice.key))
        })?;
    Some((
        entry.value.span,
        format!("`{}: {}` chooses these limits", choice.key, choice.value),
    ))
}
