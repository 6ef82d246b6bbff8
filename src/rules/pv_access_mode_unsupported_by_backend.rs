use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an access mode of a CSI PersistentVolume (`spec.csi.driver`) that its driver
    /// cannot provide for the volume's `volumeMode`, as the driver's backend model says
    /// (`access-modes`). Every such mode is reported.
    ///
    /// ## Why is this bad?
    /// The access modes of a PV become the volume capability the driver is asked to attach
    /// and mount (SEMANTICS §2.3). A mode the driver does not serve fails when a pod uses the
    /// volume (EBS: "access mode is not supported"), and the pod hangs in
    /// `ContainerCreating`. A claim asking for that mode binds to the PV all the same, since
    /// binding only compares the modes written.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: shared-disk }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   storageClassName: ""
    ///   csi:
    ///     driver: ebs.csi.aws.com
    ///     volumeHandle: vol-0123456789abcdef0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: shared-disk }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: ""
    ///   csi:
    ///     driver: ebs.csi.aws.com
    ///     volumeHandle: vol-0123456789abcdef0
    /// ```
    ///
    /// ## Known problems
    /// Only drivers with a backend model are checked (`backends/`, or your own with
    /// `--backend`). Where a driver's support depends on something the model does not follow
    /// (Azure Disk's `maxShares`, EBS multi-attach for `io2` only), the model allows the mode.
    /// A `Block` PV on a driver without Block volumes is not reported here, and in-tree
    /// sources (`awsElasticBlockStore`, `nfs`, …) are not checked. A PV whose `volumeHandle`
    /// is a URI (`local-ebs://dev/xvdbz`, an EBS node-local volume, which is meant to be
    /// `ReadWriteMany`) names a special volume the model does not describe, and is skipped.
    ///
    /// ## Related
    /// - PVL206 (`access-mode-unsupported-by-backend`): the same for a claim
    ///
    /// ## References
    /// - [Kubernetes: Access modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    pub(crate) static RULE = Rule {
        code: "PVL310",
        name: "pv-access-mode-unsupported-by-backend",
        category: Category::Correctness,
        summary: "CSI PersistentVolume declares an access mode its driver cannot provide",
        check: Check::Volume(check),
    };
}

fn check(_: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(driver), Some(declared)) = (volume.csi_driver(), &volume.access_modes) else {
        return;
    };
    if is_placeholder(driver.value) || has_special_handle(volume) {
        return;
    }
    let Some(model) = cx.settings.backends.find(driver.value) else {
        return;
    };
    let block = volume.volume_mode.is_some_and(|mode| mode.value == "Block");
    if block && !model.supports_block() {
        return;
    }
    let volume_mode = if block { "Block" } else { "Filesystem" };
    let offered = model.access_modes.for_mode(block).to_vec();
    let with_block = |mode: &str| !block && model.access_modes.block.iter().any(|m| m == mode);
    let unsupported: Vec<(Spanned<&str>, bool)> = declared
        .modes
        .iter()
        .filter(|mode| is_access_mode(mode.value) && !offered.iter().any(|o| o == mode.value))
        .map(|mode| (*mode, with_block(mode.value)))
        .collect();
    let offered = offered
        .iter()
        .map(|mode| format!("`{mode}`"))
        .collect::<Vec<_>>()
        .join(", ");
    for (mode, for_block) in unsupported {
        let finding = cx
            .report(
                mode.span,
                format!(
                    "access mode `{}` is not provided by `{}` for `{volume_mode}` volumes",
                    mode.value, driver.value
                ),
            )
            .label(driver.span, "the volume's CSI driver")
            .note(format!(
                "`{}` provides {offered} for `{volume_mode}` volumes: pods using the volume \
                 fail to attach or mount it",
                driver.value
            ));
        if for_block {
            finding.help(format!(
                "declare only access modes `{}` provides, or make the volume \
                 `volumeMode: Block` (`{}` provides `{}` for Block volumes)",
                driver.value, driver.value, mode.value
            ));
        } else {
            finding.help(format!(
                "declare only access modes `{}` provides",
                driver.value
            ));
        }
    }
}

/// A `volumeHandle` written as a URI (`local-ebs://dev/xvdbz`) names a special volume the
/// driver serves in its own way (EBS node-local volumes are mounted `ReadWriteMany` from a
/// device on each node), not a volume it created: the model's access modes do not apply.
/// Volumes a driver creates have plain IDs (`vol-…`, `projects/…/disks/…`, `fs-…`).
fn has_special_handle(volume: &PersistentVolume<'_>) -> bool {
    volume
        .spec
        .and_then(|spec| spec.path(&["csi", "volumeHandle"]))
        .and_then(Node::as_str)
        .is_some_and(|handle| handle.contains("://"))
}

/// A Kubernetes access mode; unknown values are PVL203's.
fn is_access_mode(mode: &str) -> bool {
    matches!(
        mode,
        "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod"
    )
}
