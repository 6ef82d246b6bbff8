use crate::model::in_tree::{InTreeSource, Removal, in_tree_source};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume source or a pod volume (in a Pod or any pod template) that uses
    /// a deprecated or removed in-tree volume plugin: `awsElasticBlockStore`,
    /// `gcePersistentDisk`, `azureDisk`, `azureFile`, `cinder`, `vsphereVolume`,
    /// `portworxVolume`, `rbd`, `cephfs`, `glusterfs`, `quobyte`, `flocker`, `storageos`,
    /// `scaleIO`, `photonPersistentDisk`, `flexVolume`, and, in pods only, `gitRepo`. The
    /// finding points at the source key.
    ///
    /// It is an error when the source no longer works in-tree in the target Kubernetes release
    /// (`--kube-version`, default 1.35), a warning while it is only deprecated. The message names the release and the
    /// CSI driver that replaces the source (SEMANTICS §7).
    ///
    /// ## Why is this bad?
    /// Kubernetes moved storage drivers out of its tree into CSI drivers:
    /// - `awsElasticBlockStore` (removed in 1.27), `azureDisk` (1.27), `cinder` (1.26) and
    ///   `gcePersistentDisk` (1.28) lost their in-tree driver. Kubernetes still accepts the
    ///   field and redirects every operation to the CSI driver (CSI migration), so the volume
    ///   only attaches where that driver is installed. `azureFile`, `vsphereVolume` and
    ///   `portworxVolume` are deprecated and migrated the same way.
    /// - `rbd` and `cephfs` (non-functional since 1.31), `glusterfs` (1.26), `quobyte`,
    ///   `flocker` and `storageos` (1.25), `scaleIO` (1.22) and `photonPersistentDisk` (1.16)
    ///   are not migrated: pods that use them never start. The API server warns, e.g. "deprecated
    ///   in v1.28, non-functional in v1.31+".
    /// - `gitRepo` is disabled by default since 1.33; `flexVolume` is deprecated in favour of
    ///   CSI drivers.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: postgres-data }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   awsElasticBlockStore: { volumeID: vol-0a1b2c3d4e5f67890, fsType: ext4 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: postgres-data }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   csi:
    ///     driver: ebs.csi.aws.com
    ///     volumeHandle: vol-0a1b2c3d4e5f67890
    ///     fsType: ext4
    /// ```
    ///
    /// ## Options
    /// - `kube-version`
    ///
    /// ## Known problems
    /// - A migrated source (`awsElasticBlockStore`, …) whose in-tree driver was removed is an
    ///   error even though the volume keeps working where the CSI driver is installed: the
    ///   manifest depends on a translation layer, and the fix is a one-line change of source.
    /// - The Kubernetes documentation still lists `azureFile` and `vsphereVolume` as deprecated,
    ///   not removed, so they are warnings.
    ///
    /// ## Related
    /// - PVL409 (`inline-cloud-volume`): a cloud disk embedded in a pod. It stays silent on the
    ///   sources this rule reports while this rule is enabled.
    /// - PVL306 (`reclaim-delete-unsupported`): static volumes that cannot be deleted.
    ///
    /// ## References
    /// - [Kubernetes: Volumes](https://kubernetes.io/docs/concepts/storage/volumes/)
    /// - [Kubernetes: CSI migration](https://kubernetes.io/docs/concepts/storage/volumes/#csi-migration)
    pub(crate) static RULE = Rule {
        code: "PVL309",
        name: "in-tree-volume-source",
        category: Category::Suspicious,
        summary: "deprecated or removed in-tree volume source",
        check: Check::Object(check),
    };
}

/// Where a source is used: the fix differs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    PersistentVolume,
    Pod,
}

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    match &object.kind {
        ObjectKind::Volume(volume) => {
            for source in &volume.sources {
                if let Some(in_tree) = in_tree_source(source.value) {
                    report(in_tree, source.span, Place::PersistentVolume, cx);
                }
            }
        }
        ObjectKind::Workload(workload) => {
            let Some(pod) = &workload.pod else {
                return;
            };
            for volume in &pod.volumes {
                for entry in volume.node.as_mapping().unwrap_or_default() {
                    if let Some(in_tree) = entry.key_text().and_then(in_tree_source)
                        && !entry.value.is_null()
                    {
                        report(in_tree, entry.key.span, Place::Pod, cx);
                    }
                }
            }
        }
        _ => {}
    }
}

fn report(source: &InTreeSource, span: Span, place: Place, cx: &mut RuleContext<'_, '_>) {
    let key = source.key;
    let removed = source
        .removed
        .filter(|_| source.is_removed_in(cx.settings.kube_version.minor));
    let message = match (removed, source.removal, source.csi_driver) {
        (Some(release), Removal::Migrated, Some(driver)) => format!(
            "in-tree `{key}` driver was removed in Kubernetes 1.{release}: only CSI migration to `{driver}` serves it"
        ),
        (Some(release), Removal::DisabledByDefault, _) => {
            format!("`{key}` volumes are disabled by default since Kubernetes 1.{release}")
        }
        (Some(release), _, Some(driver)) => format!(
            "in-tree `{key}` volumes are non-functional since Kubernetes 1.{release}; the replacement is the `{driver}` CSI driver"
        ),
        (Some(release), _, None) => {
            format!("in-tree `{key}` volumes are non-functional since Kubernetes 1.{release}")
        }
        (None, _, driver) => {
            let since = source.deprecated.map_or_else(String::new, |release| {
                format!(" since Kubernetes 1.{release}")
            });
            match driver {
                Some(driver) => format!(
                    "in-tree `{key}` volume source is deprecated{since}; the replacement is the `{driver}` CSI driver"
                ),
                None => format!("in-tree `{key}` volume source is deprecated{since}"),
            }
        }
    };
    let report = cx.report(span, message);
    let report = if removed.is_some() {
        report.severity(Severity::Error)
    } else {
        report
    };
    let report = match (source.migrated, source.csi_driver) {
        (true, Some(driver)) => report.note(format!(
            "Kubernetes redirects the volume to `{driver}` (CSI migration): it cannot attach or mount where that driver is not installed"
        )),
        (false, Some(_)) => {
            report.note("Kubernetes does not migrate existing volumes: move or import the data")
        }
        _ => report,
    };
    report.help(help(source, place));
}

fn help(source: &InTreeSource, place: Place) -> String {
    match (source.key, source.csi_driver, place) {
        ("gitRepo", _, _) => {
            "clone the repository in an init container into an `emptyDir` volume".to_owned()
        }
        ("flexVolume", _, _) => "use the CSI driver of this storage system instead".to_owned(),
        (_, Some(driver), Place::PersistentVolume) => {
            format!("use a `csi` source with `driver: {driver}` instead")
        }
        (_, Some(driver), Place::Pod) => format!(
            "mount a PersistentVolumeClaim of a StorageClass whose provisioner is `{driver}` instead"
        ),
        (_, None, _) => "move the data to storage that a CSI driver serves".to_owned(),
    }
}
