use crate::provision::dynamic::NO_PROVISIONER;
use crate::provision::{Outcome, Reason};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim with a `selector` whose class (written, or the default class admission
    /// gives it) has a provisioner that creates volumes: not `kubernetes.io/no-provisioner`.
    /// Claims with `storageClassName: ""`, a class that is not defined, or a placeholder are
    /// left alone.
    ///
    /// This rule owns the case when the dry run leaves the claim `Pending` because of the
    /// selector: `PVL601` does not report it again, and the finding says so in a note.
    ///
    /// ## Why is this bad?
    /// Dynamic provisioning refuses claims with a selector ("claim Selector is not supported",
    /// SEMANTICS §2.3), so the claim can only bind an existing PersistentVolume whose labels
    /// match. When no such PV is free it stays `Pending`, although its class could have
    /// provisioned a volume.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: gp3
    ///   selector: { matchLabels: { tier: fast } }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Related
    /// `PVL601`
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, selector](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#selector)
    /// - [external-provisioner: claim Selector is not supported](https://github.com/kubernetes-csi/external-provisioner)
    pub(crate) static RULE = Rule {
        code: "PVL208",
        name: "pvc-selector-blocks-provisioning",
        category: Category::Suspicious,
        summary: "a claim's selector keeps its class's provisioner from creating a volume",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(selector) = claim
        .spec
        .node
        .and_then(|spec| spec.entry("selector"))
        .filter(|entry| !entry.value.is_null())
    else {
        return;
    };
    let Some(plan) = cx.plan.for_claim(claim.id).next() else {
        return;
    };
    let Some(class) = plan.class.name.as_deref() else {
        return;
    };
    let from = cx.index.object(claim.owner).file();
    let (provisioner, provisioner_span) =
        if let Some((_, storage_class)) = cx.index.storage_class(class, from) {
            let Some(provisioner) = storage_class.provisioner else {
                return;
            };
            (provisioner.value, Some(provisioner.span))
        } else {
            let Some(provisioner) = cx
                .index
                .cluster_classes()
                .iter()
                .find(|cluster| cluster.name == class)
                .and_then(|cluster| cluster.provisioner.as_deref())
            else {
                return;
            };
            (provisioner, None)
        };
    if provisioner.is_empty() || provisioner == NO_PROVISIONER || is_placeholder(provisioner) {
        return;
    }
    let stays_pending = cx.plan.for_claim(claim.id).any(|plan| {
        plan.outcome == Outcome::Pending && plan.reasons.iter().any(is_selector_refusal)
    });
    let how = if plan.class.how == "default" {
        "default class"
    } else {
        "class"
    };
    let mut report = cx
        .report(
            selector.key.span,
            format!(
                "{} has a `selector`, so its {how} `{class}` cannot provision it: it can only bind an existing PersistentVolume",
                claim.describe()
            ),
        )
        .help(format!(
            "remove the `selector` to let `{provisioner}` provision the volume, or give the claim the class of the PersistentVolumes it should bind"
        ));
    if let Some(span) = provisioner_span {
        report = report.label(
            span,
            format!("`{provisioner}` provisions for class `{class}`"),
        );
    }
    if stays_pending {
        report =
            report.note("no PersistentVolume in the manifests matches, so the claim stays Pending");
    }
    drop(report);
}

fn is_selector_refusal(reason: &Reason) -> bool {
    reason.code == "selector-not-supported"
}
