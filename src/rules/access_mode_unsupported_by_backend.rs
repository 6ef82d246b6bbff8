use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an access mode of a claim (a PersistentVolumeClaim, a StatefulSet claim template
    /// or an ephemeral volume template) that the driver of its StorageClass cannot provide for
    /// the claim's `volumeMode`, as the driver's backend model says (`access-modes`). The class
    /// is the one the dry run chose: the claim's `storageClassName`, or the default class when
    /// it names none. Claims that bind an existing PersistentVolume are not concerned.
    ///
    /// ## Why is this bad?
    /// The external provisioner passes each access mode to the driver, which refuses the ones
    /// it cannot serve (EBS: "access mode is not supported"). The claim stays `Pending` with
    /// `ProvisioningFailed` events, and every pod that mounts it stays unschedulable
    /// (SEMANTICS §2.3). Many block drivers offer `ReadWriteMany` only for `volumeMode: Block`
    /// (DRIVERS.md).
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
    /// metadata: { name: shared }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: efs }
    /// provisioner: efs.csi.aws.com
    /// parameters: { provisioningMode: efs-ap, fileSystemId: fs-0123456789abcdef0, directoryPerms: "700" }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: shared }
    /// spec:
    ///   storageClassName: efs
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Only drivers with a backend model are checked (`backends/`, or your own with
    /// `--backend`). Where a driver's support depends on a class parameter the model does not
    /// follow (Azure Disk's `maxShares`, EBS multi-attach for `io2` only), the model allows
    /// the mode, so such claims are not reported. Only the first unsupported mode of a claim
    /// is reported. A claim that waits for its first consumer and that no pod in the
    /// manifests uses is not provisioned by the dry run, so it is not checked.
    ///
    /// ## Related
    /// - PVL207 (`volume-mode-unsupported-by-backend`): `volumeMode: Block` on a driver
    ///   without Block volumes
    /// - PVL310 (`pv-access-mode-unsupported-by-backend`): the same for a CSI
    ///   PersistentVolume
    ///
    /// ## References
    /// - [Kubernetes: Access modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    pub(crate) static RULE = Rule {
        code: "PVL206",
        name: "access-mode-unsupported-by-backend",
        category: Category::Correctness,
        summary: "claim asks for an access mode its class's driver cannot provide",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some((plan, reason)) = cx.plan.claim_reason(claim.id, "access-mode-unsupported") else {
        return;
    };
    let (Some(mode), Some(driver)) = (reason.value.as_deref(), plan.driver.as_deref()) else {
        return;
    };
    let Some(written) = claim
        .spec
        .access_modes
        .as_ref()
        .and_then(|modes| modes.find(mode))
    else {
        return;
    };
    let block = claim.spec.is_block();
    let volume_mode = if block { "Block" } else { "Filesystem" };
    let (offered, with_block) = cx.settings.backends.find(driver).map_or_else(
        || (Vec::new(), false),
        |model| {
            (
                model.access_modes.for_mode(block).to_vec(),
                !block && model.access_modes.block.iter().any(|m| m == mode),
            )
        },
    );
    let from = cx.index.object(claim.owner).file();
    let label = plan.class_label(cx.index, from);
    let mut finding = cx.report(
        written.span,
        format!("access mode `{mode}` is not provided by `{driver}` for `{volume_mode}` volumes"),
    );
    if let Some((span, text)) = label {
        finding = finding.label(span, text);
    }
    finding = finding.note(format!(
        "`{driver}` provides {} for `{volume_mode}` volumes: the claim stays `Pending`",
        list(&offered)
    ));
    if with_block {
        finding.help(format!(
            "use a class whose driver provides `{mode}` for file systems, or `volumeMode: Block` \
             (`{driver}` provides `{mode}` for Block volumes)"
        ));
    } else {
        finding.help(format!(
            "use a class whose driver provides `{mode}`, or ask for a mode `{driver}` provides"
        ));
    }
}

fn list(modes: &[String]) -> String {
    if modes.is_empty() {
        return "no access mode".to_owned();
    }
    modes
        .iter()
        .map(|mode| format!("`{mode}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
