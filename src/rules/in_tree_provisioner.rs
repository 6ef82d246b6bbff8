use crate::model::in_tree::{InTreeSource, in_tree_provisioner};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass whose `provisioner` is a deprecated or removed in-tree plugin:
    /// `kubernetes.io/aws-ebs`, `gce-pd`, `azure-disk`, `azure-file`, `cinder`,
    /// `vsphere-volume`, `portworx-volume`, `rbd`, `glusterfs`, `quobyte`, `flocker`,
    /// `storageos`, `scaleio` or `photon-pd`. The finding points at the provisioner and names
    /// the CSI driver that replaces it (SEMANTICS §7).
    ///
    /// It is an error when the in-tree plugin is gone in the target Kubernetes release
    /// (`--kube-version`, default 1.35), a warning while it is only deprecated. `kubernetes.io/no-provisioner` is not in-tree
    /// provisioning (it marks classes of static volumes) and is never reported.
    ///
    /// ## Why is this bad?
    /// Kubernetes moved its storage plugins out of tree into CSI drivers:
    /// - `aws-ebs` (removed in 1.27), `azure-disk` (1.27), `cinder` (1.26) and `gce-pd` (1.28)
    ///   lost their in-tree code. The PV controller hands the class's claims to the CSI driver
    ///   instead (CSI migration), so nothing is provisioned where that driver is not installed,
    ///   and the class's parameters must suit the CSI driver. `azure-file`, `vsphere-volume`
    ///   and `portworx-volume` are deprecated and migrated the same way.
    /// - `rbd` (non-functional since 1.31), `glusterfs` (1.26), `quobyte`, `flocker` and
    ///   `storageos` (1.25), `scaleio` (1.22) and `photon-pd` (1.16) have no migration: the PV
    ///   controller finds no plugin, reports `ProvisioningFailed`, and the claims stay
    ///   `Pending` (SEMANTICS §2.1).
    ///
    /// A class's `provisioner` cannot be changed (SEMANTICS §4.3): the fix is a new class.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard }
    /// provisioner: kubernetes.io/aws-ebs
    /// parameters: { type: gp3 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard-csi }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3 }
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Options
    /// - `kube-version`
    ///
    /// ## Known problems
    /// - A migrated provisioner whose in-tree code was removed is an error even though the
    ///   class keeps working where the CSI driver is installed: the class depends on a
    ///   translation layer (as PVL309 does for volume sources).
    /// - The Kubernetes documentation now says the in-tree `azureFile` and `vsphereVolume`
    ///   drivers were removed in 1.30; pvlint still treats them as deprecated (warnings), as
    ///   SEMANTICS §11 lists them as unsure.
    ///
    /// ## Related
    /// - PVL309 (`in-tree-volume-source`): the same plugins as PersistentVolume and pod volume
    ///   sources.
    /// - PVL105 (`invalid-class-parameter`): in-tree parameters the CSI driver rejects.
    /// - PVL104 (`unknown-provisioner`): other provisioners pvlint knows nothing about.
    ///
    /// ## References
    /// - [Kubernetes: Volumes](https://kubernetes.io/docs/concepts/storage/volumes/)
    /// - [Kubernetes: Storage Classes](https://kubernetes.io/docs/concepts/storage/storage-classes/)
    pub(crate) static RULE = Rule {
        code: "PVL103",
        name: "in-tree-provisioner",
        category: Category::Suspicious,
        summary: "StorageClass uses a deprecated or removed in-tree provisioner",
        check: Check::StorageClass(check),
    };
}

fn check(_object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let Some(plugin) = in_tree_provisioner(provisioner.value) else {
        return;
    };
    let driver = csi_driver(provisioner.value, plugin, cx);
    let removed = plugin
        .removed
        .filter(|_| plugin.is_removed_in(cx.settings.kube_version.minor));
    let message = message(provisioner.value, plugin, removed, driver.as_deref());
    let report = cx.report(provisioner.span, message);
    let report = if removed.is_some() {
        report.severity(Severity::Error)
    } else {
        report
    };
    let report = match (&driver, plugin.migrated) {
        (Some(driver), true) => report.note(format!(
            "Kubernetes hands the class's claims to `{driver}` (CSI migration): they stay `Pending` where that driver is not installed"
        )),
        (Some(_), false) => {
            report.note("Kubernetes does not migrate existing volumes: move or import the data")
        }
        (None, _) => report,
    };
    let help = match driver {
        Some(driver) => format!(
            "create a StorageClass with `provisioner: {driver}` for new claims (the provisioner of a class cannot be changed)"
        ),
        None => "move the data to storage that a CSI driver provisions".to_owned(),
    };
    report.help(help);
}

/// The CSI driver that replaces the plugin: the backend model that answers to the in-tree name
/// (its alias), else the one the in-tree table names.
fn csi_driver(
    provisioner: &str,
    plugin: &InTreeSource,
    cx: &RuleContext<'_, '_>,
) -> Option<String> {
    cx.settings
        .backends
        .find(provisioner)
        .filter(|backend| backend.name != provisioner)
        .map(|backend| backend.name.clone())
        .or_else(|| plugin.csi_driver.map(str::to_owned))
}

fn message(
    provisioner: &str,
    plugin: &InTreeSource,
    removed: Option<u32>,
    driver: Option<&str>,
) -> String {
    match (removed, driver) {
        (Some(release), Some(driver)) if plugin.migrated => format!(
            "in-tree provisioner `{provisioner}` was removed in Kubernetes 1.{release}: only CSI migration to `{driver}` serves this class"
        ),
        (Some(release), Some(driver)) => format!(
            "in-tree provisioner `{provisioner}` is non-functional since Kubernetes 1.{release}: claims of this class are never provisioned; the replacement is the `{driver}` CSI driver"
        ),
        (Some(release), None) => format!(
            "in-tree provisioner `{provisioner}` is non-functional since Kubernetes 1.{release}: claims of this class are never provisioned"
        ),
        (None, driver) => {
            let since = plugin.deprecated.map_or_else(String::new, |release| {
                format!(" since Kubernetes 1.{release}")
            });
            match driver {
                Some(driver) if plugin.migrated => format!(
                    "in-tree provisioner `{provisioner}` is deprecated{since}; CSI migration sends its claims to `{driver}`"
                ),
                Some(driver) => format!(
                    "in-tree provisioner `{provisioner}` is deprecated{since}; the replacement is the `{driver}` CSI driver"
                ),
                None => format!("in-tree provisioner `{provisioner}` is deprecated{since}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::in_tree::{IN_TREE_PROVISIONERS, in_tree_provisioner};

    #[test]
    fn every_in_tree_provisioner_names_a_known_plugin() {
        for (provisioner, key) in IN_TREE_PROVISIONERS {
            assert!(
                in_tree_provisioner(provisioner).is_some_and(|plugin| plugin.key == key),
                "{provisioner}"
            );
        }
        assert!(in_tree_provisioner("kubernetes.io/no-provisioner").is_none());
        assert!(in_tree_provisioner("ebs.csi.aws.com").is_none());
    }
}
