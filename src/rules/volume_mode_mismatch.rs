use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a container's `volumeMounts` entry whose volume is a claim with
    /// `volumeMode: Block`, and a `volumeDevices` entry whose volume is a claim in
    /// `Filesystem` mode (written, or the default when `volumeMode` is absent). Claims reached
    /// through `persistentVolumeClaim` volumes, generic ephemeral volumes and StatefulSet
    /// `volumeClaimTemplates` (mounted by the template's name) are checked, in init, app and
    /// ephemeral containers.
    ///
    /// ## Why is this bad?
    /// The API server accepts the pod; the kubelet then refuses to set the volume up ("volume
    /// … has volumeMode Block, but is specified in volumeMounts", or "… has volumeMode
    /// Filesystem, but is specified in volumeDevices"), and the pod stays in
    /// `ContainerCreating` with `FailedMount` events (SEMANTICS §5.1). A claim only binds a
    /// PersistentVolume of its own mode, so the claim's mode is the volume's mode.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw }
    /// spec:
    ///   volumeMode: Block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: db }
    /// spec:
    ///   containers:
    ///     - name: db
    ///       image: postgres:16
    ///       volumeMounts: [{ name: raw, mountPath: /var/lib/postgresql }]
    ///   volumes:
    ///     - name: raw
    ///       persistentVolumeClaim: { claimName: raw }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: raw }
    /// spec:
    ///   volumeMode: Block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: db }
    /// spec:
    ///   containers:
    ///     - name: db
    ///       image: postgres:16
    ///       volumeDevices: [{ name: raw, devicePath: /dev/xvda }]
    ///   volumes:
    ///     - name: raw
    ///       persistentVolumeClaim: { claimName: raw }
    /// ```
    ///
    /// ## Known problems
    /// A claim whose `volumeMode` is a placeholder, or a value other than `Block` and
    /// `Filesystem`, is skipped.
    ///
    /// ## References
    /// - [Kubernetes: Raw block volume support](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#raw-block-volume-support)
    pub(crate) static RULE = Rule {
        code: "PVL407",
        name: "volume-mode-mismatch",
        category: Category::Correctness,
        summary: "Block claim mounted as a filesystem, or Filesystem claim used as a device",
        check: Check::Workload(check),
    };
}

/// A claim's volume mode, as far as it is known.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Block,
    Filesystem,
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let Some(pod) = &workload.pod else {
        return;
    };
    for container in &pod.containers {
        for mount in &container.mounts {
            if let Some(claim) = index.mounted_claim(object.id, mount.name.value)
                && mode(index.claim(claim)) == Some(Mode::Block)
            {
                report(cx, mount.name, claim, "volumeMounts");
            }
        }
        for device in &container.devices {
            if let Some(claim) = index.mounted_claim(object.id, device.name.value)
                && mode(index.claim(claim)) == Some(Mode::Filesystem)
            {
                report(cx, device.name, claim, "volumeDevices");
            }
        }
    }
}

fn mode(claim: &Claim<'_>) -> Option<Mode> {
    match claim.spec.volume_mode.map(|mode| mode.value) {
        None | Some("Filesystem") => Some(Mode::Filesystem),
        Some("Block") => Some(Mode::Block),
        Some(_) => None,
    }
}

fn report(cx: &mut RuleContext<'_, '_>, name: Spanned<&str>, claim: ClaimId, list: &str) {
    let index = cx.index;
    let claim = index.claim(claim);
    let (mode, fix) = match mode(claim) {
        Some(Mode::Block) => (
            "Block",
            "use `volumeDevices` with a `devicePath` for a raw block device, or make the claim \
             `volumeMode: Filesystem`",
        ),
        _ => (
            "Filesystem",
            "use `volumeMounts` with a `mountPath`, or make the claim `volumeMode: Block` for a \
             raw block device",
        ),
    };
    let finding = cx.report(
        name.span,
        format!(
            "volume `{}` is in `{list}` but {} has volume mode `{mode}`",
            name.value,
            claim.describe()
        ),
    );
    let finding = match (claim.spec.volume_mode, claim.name) {
        (Some(written), _) => finding.label(written.span, format!("`{mode}` mode set here")),
        (None, Some(claim_name)) => finding.label(
            claim_name.span,
            "no `volumeMode`: the claim defaults to `Filesystem`",
        ),
        (None, None) => finding,
    };
    finding
        .note("the kubelet refuses to set the volume up and the pod stays in `ContainerCreating`")
        .help(fix);
}
