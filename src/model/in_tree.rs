//! In-tree volume sources that Kubernetes deprecated or removed, with the release of each step
//! and the CSI driver that replaces them (SEMANTICS §7). Facts only: rules decide what to report.
//!
//! Sources: the deprecation warnings the API server returns for pods and PersistentVolumes
//! (`pkg/api/pod/warnings.go`, `pkg/api/persistentvolume/util.go`: "deprecated in v1.28,
//! non-functional in v1.31+"), the "Volumes" page of the Kubernetes documentation, and the
//! plugin-to-driver mapping of `k8s.io/csi-translation-lib`.

/// What happens to an in-tree source at [`InTreeSource::removed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The in-tree driver code is gone; Kubernetes still accepts the field and redirects every
    /// operation to the CSI driver (CSI migration), which must be installed.
    Migrated,
    /// No driver serves the field any more: volumes of this type cannot be mounted.
    NonFunctional,
    /// The kubelet refuses it unless an administrator turns it back on (`gitRepo`).
    DisabledByDefault,
}

/// One deprecated in-tree volume source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InTreeSource {
    /// The volume source key (`awsElasticBlockStore`).
    pub key: &'static str,
    /// The minor release (1.x) that deprecated it, when known.
    pub deprecated: Option<u32>,
    /// The minor release from which the in-tree driver no longer serves it; `None` while it
    /// is only deprecated.
    pub removed: Option<u32>,
    /// What [`Self::removed`] means for this source.
    pub removal: Removal,
    /// The CSI driver that replaces it.
    pub csi_driver: Option<&'static str>,
    /// Whether Kubernetes translates it to [`Self::csi_driver`] itself (CSI migration); without
    /// migration the data has to be moved or re-imported by hand.
    pub migrated: bool,
    /// Only a pod volume may use it (not a PersistentVolume).
    pub pod_only: bool,
}

impl InTreeSource {
    /// Whether the in-tree driver no longer serves the source in release 1.`minor`.
    #[must_use]
    pub fn is_removed_in(&self, minor: u32) -> bool {
        self.removed.is_some_and(|removed| removed <= minor)
    }
}

const fn source(
    key: &'static str,
    deprecated: Option<u32>,
    removed: Option<u32>,
    removal: Removal,
    csi_driver: Option<&'static str>,
) -> InTreeSource {
    InTreeSource {
        key,
        deprecated,
        removed,
        removal,
        csi_driver,
        migrated: matches!(removal, Removal::Migrated) && csi_driver.is_some(),
        pod_only: false,
    }
}

/// Every deprecated or removed in-tree volume source, by key.
pub const IN_TREE_SOURCES: [InTreeSource; 17] = [
    source(
        "awsElasticBlockStore",
        Some(19),
        Some(27),
        Removal::Migrated,
        Some("ebs.csi.aws.com"),
    ),
    source(
        "azureDisk",
        Some(19),
        Some(27),
        Removal::Migrated,
        Some("disk.csi.azure.com"),
    ),
    // SEMANTICS §11 left this open; the in-tree code went with the Azure cloud provider in
    // v1.30 (kubernetes/kubernetes#124794; kubernetes/website volumes.md: "removed entirely in
    // the v1.30 release"). CSI migration (GA 1.26) still serves it.
    source(
        "azureFile",
        Some(21),
        Some(30),
        Removal::Migrated,
        Some("file.csi.azure.com"),
    ),
    // ceph-csi replaces it, but nothing translates existing volumes.
    InTreeSource {
        migrated: false,
        ..source(
            "cephfs",
            Some(28),
            Some(31),
            Removal::NonFunctional,
            Some("cephfs.csi.ceph.com"),
        )
    },
    source(
        "cinder",
        Some(11),
        Some(26),
        Removal::Migrated,
        Some("cinder.csi.openstack.org"),
    ),
    source("flexVolume", Some(23), None, Removal::NonFunctional, None),
    source("flocker", Some(22), Some(25), Removal::NonFunctional, None),
    source(
        "gcePersistentDisk",
        Some(17),
        Some(28),
        Removal::Migrated,
        Some("pd.csi.storage.gke.io"),
    ),
    InTreeSource {
        pod_only: true,
        ..source(
            "gitRepo",
            Some(11),
            Some(33),
            Removal::DisabledByDefault,
            None,
        )
    },
    source(
        "glusterfs",
        Some(25),
        Some(26),
        Removal::NonFunctional,
        None,
    ),
    source(
        "photonPersistentDisk",
        Some(11),
        Some(16),
        Removal::NonFunctional,
        None,
    ),
    source(
        "portworxVolume",
        Some(25),
        None,
        Removal::Migrated,
        Some("pxd.portworx.com"),
    ),
    source("quobyte", Some(22), Some(25), Removal::NonFunctional, None),
    InTreeSource {
        migrated: false,
        ..source(
            "rbd",
            Some(28),
            Some(31),
            Removal::NonFunctional,
            Some("rbd.csi.ceph.com"),
        )
    },
    source("scaleIO", Some(16), Some(22), Removal::NonFunctional, None),
    source(
        "storageos",
        Some(22),
        Some(25),
        Removal::NonFunctional,
        None,
    ),
    // Removed with the vSphere cloud provider in v1.30 (same sources as azureFile); CSI
    // migration (GA 1.26) still serves it.
    source(
        "vsphereVolume",
        None,
        Some(30),
        Removal::Migrated,
        Some("csi.vsphere.vmware.com"),
    ),
];

/// The deprecated or removed in-tree source with this volume source key.
#[must_use]
pub fn in_tree_source(key: &str) -> Option<&'static InTreeSource> {
    IN_TREE_SOURCES.iter().find(|source| source.key == key)
}

/// In-tree provisioner names (a StorageClass `provisioner`) and the volume source key of the
/// plugin behind each (SEMANTICS §7). `cephfs`, `flexVolume` and `gitRepo` never provisioned.
pub const IN_TREE_PROVISIONERS: [(&str, &str); 14] = [
    ("kubernetes.io/aws-ebs", "awsElasticBlockStore"),
    ("kubernetes.io/azure-disk", "azureDisk"),
    ("kubernetes.io/azure-file", "azureFile"),
    ("kubernetes.io/cinder", "cinder"),
    ("kubernetes.io/flocker", "flocker"),
    ("kubernetes.io/gce-pd", "gcePersistentDisk"),
    ("kubernetes.io/glusterfs", "glusterfs"),
    ("kubernetes.io/photon-pd", "photonPersistentDisk"),
    ("kubernetes.io/portworx-volume", "portworxVolume"),
    ("kubernetes.io/quobyte", "quobyte"),
    ("kubernetes.io/rbd", "rbd"),
    ("kubernetes.io/scaleio", "scaleIO"),
    ("kubernetes.io/storageos", "storageos"),
    ("kubernetes.io/vsphere-volume", "vsphereVolume"),
];

/// The deprecated or removed in-tree plugin behind the in-tree provisioner `name`
/// (`kubernetes.io/aws-ebs` → `awsElasticBlockStore`).
#[must_use]
pub fn in_tree_provisioner(name: &str) -> Option<&'static InTreeSource> {
    IN_TREE_PROVISIONERS
        .iter()
        .find(|(provisioner, _)| *provisioner == name)
        .and_then(|(_, key)| in_tree_source(key))
}

/// The CSI driver that CSI migration routes an in-tree provisioner to (SEMANTICS §7): a class
/// with a migrated provisioner still provisions, through the driver.
#[must_use]
pub fn migrated_provisioner(provisioner: &str) -> Option<&'static str> {
    in_tree_provisioner(provisioner)
        .filter(|source| source.migrated)
        .and_then(|source| source.csi_driver)
}

#[cfg(test)]
mod tests {
    use super::{IN_TREE_SOURCES, in_tree_source};
    use crate::model::persistent_volume::PV_SOURCES;

    #[test]
    fn every_source_but_gitrepo_is_a_pv_source() {
        for source in IN_TREE_SOURCES {
            assert_eq!(
                PV_SOURCES.contains(&source.key),
                !source.pod_only,
                "{}",
                source.key
            );
        }
    }

    #[test]
    fn removal_follows_deprecation() {
        for source in IN_TREE_SOURCES {
            if let (Some(deprecated), Some(removed)) = (source.deprecated, source.removed) {
                assert!(deprecated < removed, "{}", source.key);
            }
        }
    }

    #[test]
    fn lookup() {
        let ebs = in_tree_source("awsElasticBlockStore");
        assert!(ebs.is_some_and(|ebs| ebs.migrated && ebs.is_removed_in(27)));
        assert!(ebs.is_some_and(|ebs| !ebs.is_removed_in(26)));
        assert!(in_tree_source("rbd").is_some_and(|rbd| !rbd.migrated));
        assert!(in_tree_source("nfs").is_none());
        assert!(in_tree_source("csi").is_none());
    }
}
