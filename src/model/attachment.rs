//! How a backend's volumes reach a node (SEMANTICS §5.4): the [`Attachment`] kinds, and the
//! one fact pvlint keeps outside the backend models, the in-tree PersistentVolume sources.
//!
//! What a provisioner or CSI driver does is a fact of its backend model (`backends/*.yaml`,
//! `attachable` and `topology`): the models answer [`DriverAttachment`], which the index asks
//! without depending on them. The volume plugins of a static PV's in-tree source (`nfs`,
//! `awsElasticBlockStore`, `local`, …) are part of Kubernetes itself, not drivers, so their
//! behaviour is the small table of [`source_attachment`]. Rules that warn about attachments
//! report only on [`Attachment::Attachable`], so an unknown backend costs a missed finding,
//! never a false one. This module reads no manifests and reports nothing.

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

/// Tells how the volumes of a provisioner or CSI driver reach a node. The backend models
/// (`provision::Backends`) implement it: [`Attachment::Unknown`] for a driver without a model.
pub trait DriverAttachment {
    fn attachment(&self, driver: &str) -> Attachment;
}

/// How volumes of an in-tree PersistentVolume source (`awsElasticBlockStore`, `nfs`, …) reach
/// a node: the in-tree volume plugins' behaviour (attachable plugins implement the
/// attach/detach interface; file systems and host paths do not). `csi` is decided by its
/// driver's model, see [`DriverAttachment`].
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
