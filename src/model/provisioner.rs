//! What pvlint knows about how a backend's volumes reach a node, by provisioner, CSI driver or
//! in-tree PersistentVolume source (SEMANTICS §5.4, DRIVERS.md).
//!
//! This is the one place holding that knowledge until the backend models (`backends/*.yaml`)
//! replace it. It is deliberately small: only drivers whose behaviour is documented in
//! DRIVERS.md (or in-tree plugins with the same behaviour) are listed, and everything else is
//! [`Attachment::Unknown`]. Rules that warn about attachments report only on
//! [`Attachment::Attachable`], so an unlisted backend costs a missed finding, never a false one.
//! It reads no manifests and reports nothing.

/// How a backend's volumes reach the node that runs a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    /// Attached to a node by the attach/detach controller (a cloud disk, an RBD image): a
    /// `ReadWriteOnce` volume is refused on a second node with a Multi-Attach error.
    Attachable,
    /// Mounted over the network without an attachment (NFS, SMB, CephFS): nothing stops pods on
    /// several nodes from mounting it, whatever the access mode says.
    NotAttachable,
    /// Lives on one node (local disks, host paths, LVM): the volume's node affinity brings every
    /// pod to that node.
    NodeLocal,
    /// Not known to pvlint.
    Unknown,
}

/// The provisioner of classes for statically created PVs: a claim's backend is then the PVs
/// of its class, local ones in the usual case.
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

/// A claim's backend as far as the manifests tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backend<'s> {
    pub attachment: Attachment,
    /// The provisioner, CSI driver or in-tree PV source that decided it, for messages.
    pub name: &'s str,
}

/// Provisioners and CSI drivers whose volumes are attached to one node at a time.
const ATTACHABLE: &[&str] = &[
    "ebs.csi.aws.com",
    "kubernetes.io/aws-ebs",
    "pd.csi.storage.gke.io",
    "kubernetes.io/gce-pd",
    "disk.csi.azure.com",
    "kubernetes.io/azure-disk",
    "rbd.csi.ceph.com",
    "kubernetes.io/rbd",
    "cinder.csi.openstack.org",
    "kubernetes.io/cinder",
    "csi.vsphere.vmware.com",
    "kubernetes.io/vsphere-volume",
    "driver.longhorn.io",
];

/// Provisioners and CSI drivers whose volumes are network file systems without attachment.
const NOT_ATTACHABLE: &[&str] = &[
    "nfs.csi.k8s.io",
    "efs.csi.aws.com",
    "file.csi.azure.com",
    "kubernetes.io/azure-file",
    "cephfs.csi.ceph.com",
    "nfs.csi.ceph.com",
];

/// Provisioners and CSI drivers whose volumes live on one node.
const NODE_LOCAL: &[&str] = &[
    "rancher.io/local-path",
    "openebs.io/local",
    "topolvm.io",
    "topolvm.cybozu.com",
    "hostpath.csi.k8s.io",
    "k8s.io/minikube-hostpath",
    // Static local PersistentVolumes (DRIVERS §9.11).
    NO_PROVISIONER,
];

/// How volumes of a StorageClass `provisioner` (or a PV's CSI `driver`) reach a node.
#[must_use]
pub fn attachment(provisioner: &str) -> Attachment {
    if ATTACHABLE.contains(&provisioner) {
        Attachment::Attachable
    } else if NOT_ATTACHABLE.contains(&provisioner) {
        Attachment::NotAttachable
    } else if NODE_LOCAL.contains(&provisioner) {
        Attachment::NodeLocal
    } else {
        Attachment::Unknown
    }
}

/// How volumes of an in-tree PersistentVolume source (`awsElasticBlockStore`, `nfs`, …) reach
/// a node. `csi` is decided by its driver, see [`attachment`].
#[must_use]
pub fn source_attachment(source: &str) -> Attachment {
    match source {
        "awsElasticBlockStore"
        | "gcePersistentDisk"
        | "azureDisk"
        | "cinder"
        | "rbd"
        | "iscsi"
        | "fc"
        | "vsphereVolume" => Attachment::Attachable,
        "nfs" | "cephfs" | "glusterfs" | "azureFile" | "quobyte" => Attachment::NotAttachable,
        "local" | "hostPath" => Attachment::NodeLocal,
        _ => Attachment::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_drivers() {
        assert_eq!(attachment("ebs.csi.aws.com"), Attachment::Attachable);
        assert_eq!(attachment("nfs.csi.k8s.io"), Attachment::NotAttachable);
        assert_eq!(attachment("rancher.io/local-path"), Attachment::NodeLocal);
        assert_eq!(attachment("example.com/custom"), Attachment::Unknown);
    }

    #[test]
    fn in_tree_sources() {
        assert_eq!(
            source_attachment("awsElasticBlockStore"),
            Attachment::Attachable
        );
        assert_eq!(source_attachment("nfs"), Attachment::NotAttachable);
        assert_eq!(source_attachment("local"), Attachment::NodeLocal);
        assert_eq!(source_attachment("csi"), Attachment::Unknown);
    }
}
