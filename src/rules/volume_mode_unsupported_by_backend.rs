use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `volumeMode: Block` on a claim (a PersistentVolumeClaim, a StatefulSet claim
    /// template or an ephemeral volume template) whose StorageClass's driver provides no Block
    /// volumes, as the driver's backend model says (no `access-modes.block`). The class is the
    /// one the dry run chose: the claim's `storageClassName`, or the default class when it
    /// names none. Claims that bind an existing PersistentVolume are not concerned.
    ///
    /// ## Why is this bad?
    /// File-system drivers (NFS, EFS, Azure Files, CephFS) and `rancher.io/local-path` cannot
    /// hand out a raw block device: the driver refuses the volume capability ("block volume
    /// capability not supported"), or local-path creates a file-system PV that never matches.
    /// The claim stays `Pending` and its pods never start (DRIVERS.md).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: nfs }
    /// provisioner: nfs.csi.k8s.io
    /// parameters: { server: nfs.example.com, share: /exports }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw }
    /// spec:
    ///   storageClassName: nfs
    ///   volumeMode: Block
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
    /// metadata: { name: raw }
    /// spec:
    ///   storageClassName: gp3
    ///   volumeMode: Block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Only drivers with a backend model are checked (`backends/`, or your own with
    /// `--backend`). A claim that waits for its first consumer and that no pod in the
    /// manifests uses is not provisioned by the dry run, so it is not checked.
    ///
    /// ## Related
    /// - PVL206 (`access-mode-unsupported-by-backend`): an access mode the driver cannot
    ///   provide
    /// - PVL407 (`volume-mode-mismatch`): a Block claim mounted as a file system
    ///
    /// ## References
    /// - [Kubernetes: Raw block volume support](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#raw-block-volume-support)
    pub(crate) static RULE = Rule {
        code: "PVL207",
        name: "volume-mode-unsupported-by-backend",
        category: Category::Correctness,
        summary: "`volumeMode: Block` on a driver without Block volumes",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some((plan, _)) = cx.plan.claim_reason(claim.id, "volume-mode-unsupported") else {
        return;
    };
    let (Some(mode), Some(driver)) = (claim.spec.volume_mode, plan.driver.as_deref()) else {
        return;
    };
    let from = cx.index.object(claim.owner).file();
    let label = plan.class_label(cx.index, from);
    let mut finding = cx.report(
        mode.span,
        format!("volume mode `{}` is not provided by `{driver}`", mode.value),
    );
    if let Some((span, text)) = label {
        finding = finding.label(span, text);
    }
    finding
        .note("the driver refuses the volume, so the claim stays `Pending`")
        .help(format!(
            "use `volumeMode: Filesystem`, or a class whose driver provides Block volumes \
             instead of `{driver}`"
        ));
}
