//! Backend models: what a storage driver really supports (DRIVERS.md), as data.
//!
//! A model is a YAML file in `backends/` (embedded in the binary) or a user's `--backend FILE`.
//! This module owns the model types and lookups by driver name; `backend_file.rs` reads and
//! validates the files. Models describe facts only; the simulator and the rules decide what
//! those facts mean for a manifest.

use std::collections::BTreeMap;

use crate::model::Quantity;
use crate::model::attachment::{Attachment, DriverAttachment};
use crate::source::Span;

/// Access modes a backend provides, per volume mode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessModeSupport {
    /// Modes for `volumeMode: Filesystem` (the default).
    pub filesystem: Vec<String>,
    /// Modes for `volumeMode: Block`; empty when Block is not supported.
    pub block: Vec<String>,
}

impl AccessModeSupport {
    /// The modes provided for a volume mode.
    #[must_use]
    pub fn for_mode(&self, block: bool) -> &[String] {
        if block { &self.block } else { &self.filesystem }
    }
}

/// How a backend's volumes reach a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Topology {
    /// Attached to one node at a time, usable from any node of its zone (cloud disks).
    #[default]
    Zonal,
    /// Reachable from every node (network file systems, regional storage).
    Anywhere,
    /// Lives on one node (local disks, host paths, LVM).
    NodeLocal,
}

/// One accepted StorageClass parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParameterRule {
    /// Allowed values (compared case-insensitively when the backend says so); empty = any.
    pub values: Vec<String>,
    /// A regular expression the value must match (anchored).
    pub pattern: Option<String>,
    /// The parameter must be present for provisioning to succeed.
    pub required: bool,
    /// Parameters that may not be set together with this one.
    pub conflicts: Vec<String>,
    /// The parameter only has effect, or is only accepted, when another parameter has one of
    /// these values (`iops` needs `type` ∈ {io1, io2, gp3}). An empty list means "is set, to
    /// any value" (EFS `gidRangeStart` needs `gidRangeEnd`).
    pub requires: BTreeMap<String, Vec<String>>,
    /// What the parameter does, for messages.
    pub description: Option<String>,
    /// The value the driver uses when the parameter is absent (EBS `type`: gp3), so that
    /// `requires` on it holds for classes that leave it out.
    pub default: Option<String>,
}

/// The parameters a backend accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParameterRules {
    /// Keys (and values in `values` lists) compare case-insensitively.
    pub case_insensitive: bool,
    /// Unknown keys make provisioning fail. When false, unknown keys are ignored by the driver.
    pub strict: bool,
    pub keys: BTreeMap<String, ParameterRule>,
    /// Key prefixes accepted with any suffix (`tagSpecification`).
    pub prefixes: Vec<String>,
    /// Key prefixes reserved by the provisioner (`csi.storage.k8s.io/`, SEMANTICS §2.3): a key
    /// with one of these prefixes must be one of `keys`, compared exactly (case-sensitively,
    /// whatever `case_insensitive` says), or provisioning fails, even when `strict` is false.
    pub reserved_prefixes: Vec<String>,
}

/// Size limits for one parameter set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SizeLimits {
    pub min: Option<Quantity>,
    pub max: Option<Quantity>,
}

/// How a backend sizes volumes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SizeRules {
    /// Requests are rounded up to a multiple of this (EBS: 1Gi).
    pub step: Option<Quantity>,
    /// Requests below the minimum are raised silently instead of failing.
    pub raise_to_min: bool,
    /// The driver ignores the requested capacity (NFS, EFS, local-path).
    pub ignored: bool,
    /// Limits that apply whatever the parameters.
    pub limits: SizeLimits,
    /// Limits chosen by one parameter's value (EBS `type`): `(parameter, value → limits)`;
    /// `default_value` applies when the parameter is absent.
    pub by_parameter: Option<SizeByParameter>,
}

/// Size limits chosen by a parameter's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SizeByParameter {
    pub parameter: String,
    pub default_value: Option<String>,
    pub values: BTreeMap<String, SizeLimits>,
}

/// A capacity pool (optional): how much the backend can provision in one zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityPool {
    /// The zone (topology value); `None` for a pool that serves every zone.
    pub zone: Option<String>,
    pub capacity: Quantity,
}

/// What a backend does with encryption at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encryption {
    /// The class parameter that turns it on (`encrypted`).
    pub parameter: String,
    /// The value that turns it on (`"true"`).
    pub value: String,
    /// Other parameters that also imply encryption (`kmsKeyId`, `diskEncryptionSetID`).
    pub implied_by: Vec<String>,
}

/// A storage backend model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each flag is an independent capability fact of a driver, as DRIVERS.md lists them"
)]
pub struct Backend {
    /// The file (or embedded name) the model came from, for messages.
    pub source: String,
    /// Where the model's name is written, for labels on user-provided models.
    pub span: Option<Span>,
    /// The driver or provisioner name (`ebs.csi.aws.com`).
    pub name: String,
    /// Other names that reach this backend: in-tree provisioners it migrates from.
    pub aliases: Vec<String>,
    /// A one-line description.
    pub description: String,
    /// Whether the driver provisions at all (`kubernetes.io/no-provisioner` does not).
    pub provisions: bool,
    /// Whether volumes are attached to a node by the attach/detach controller (RWO enforced
    /// across nodes with Multi-Attach errors).
    pub attachable: bool,
    pub topology: Topology,
    /// Node label keys that carry the backend's topology (zones).
    pub topology_keys: Vec<String>,
    /// Zones the backend offers, when the model knows them (user models); empty = any.
    pub zones: Vec<String>,
    pub access_modes: AccessModeSupport,
    /// Provisioning needs a selected node (local-path): only `WaitForFirstConsumer` works.
    pub requires_consumer: bool,
    pub expansion: bool,
    pub snapshots: bool,
    pub clones: bool,
    pub encryption: Option<Encryption>,
    /// Whether `mountOptions` of a class are passed to mounts.
    pub mount_options: bool,
    pub parameters: ParameterRules,
    pub size: SizeRules,
    pub capacity: Vec<CapacityPool>,
    /// Facts the model is unsure of, said in the file.
    pub notes: Vec<String>,
}

impl Backend {
    /// Whether the backend answers to `driver` (its name or an alias).
    #[must_use]
    pub fn answers_to(&self, driver: &str) -> bool {
        self.name == driver || self.aliases.iter().any(|alias| alias == driver)
    }

    /// Whether Block volumes are supported.
    #[must_use]
    pub fn supports_block(&self) -> bool {
        !self.access_modes.block.is_empty()
    }

    /// The size limits that apply to a class's parameters.
    #[must_use]
    pub fn size_limits(&self, parameters: &BTreeMap<String, String>) -> SizeLimits {
        let Some(by) = &self.size.by_parameter else {
            return self.size.limits.clone();
        };
        let value = self
            .parameter(parameters, &by.parameter)
            .or(by.default_value.as_deref());
        let chosen = value.and_then(|value| {
            by.values
                .iter()
                .find_map(|(key, limits)| self.same_text(key, value).then_some(limits))
        });
        let mut limits = self.size.limits.clone();
        if let Some(chosen) = chosen {
            limits.min = chosen.min.clone().or(limits.min);
            limits.max = chosen.max.clone().or(limits.max);
        }
        limits
    }

    /// A parameter's value, by key, honouring the backend's case rule.
    #[must_use]
    pub fn parameter<'p>(
        &self,
        parameters: &'p BTreeMap<String, String>,
        key: &str,
    ) -> Option<&'p str> {
        parameters
            .iter()
            .find(|(name, _)| self.same_text(name, key))
            .map(|(_, value)| value.as_str())
    }

    /// How the backend's volumes reach a node: attached when `attachable`, else on one node
    /// when its topology is node-local, else over the network.
    #[must_use]
    pub fn attachment(&self) -> Attachment {
        if self.attachable {
            Attachment::Attachable
        } else if self.topology == Topology::NodeLocal {
            Attachment::NodeLocal
        } else {
            Attachment::NotAttachable
        }
    }

    /// Compares keys or values with the backend's case rule.
    #[must_use]
    pub fn same_text(&self, a: &str, b: &str) -> bool {
        if self.parameters.case_insensitive {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }
}

/// Every backend model of a run: the embedded ones, then user models, which replace an
/// embedded model of the same name.
#[derive(Debug, Clone, Default)]
pub struct Backends {
    models: Vec<Backend>,
}

impl Backends {
    #[must_use]
    pub fn new(models: Vec<Backend>) -> Self {
        Self { models }
    }

    /// The model for a provisioner or CSI driver name (or an alias).
    #[must_use]
    pub fn find(&self, driver: &str) -> Option<&Backend> {
        self.models
            .iter()
            .rev()
            .find(|model| model.answers_to(driver))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Backend> {
        self.models.iter()
    }
}

impl DriverAttachment for Backends {
    /// By the driver's model; [`Attachment::Unknown`] when there is none.
    fn attachment(&self, driver: &str) -> Attachment {
        self.find(driver)
            .map_or(Attachment::Unknown, Backend::attachment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_models_tell_how_volumes_reach_a_node() {
        let backends = Backends::embedded();
        let cases = [
            ("ebs.csi.aws.com", Attachment::Attachable),
            ("kubernetes.io/aws-ebs", Attachment::Attachable),
            ("pd.csi.storage.gke.io", Attachment::Attachable),
            ("disk.csi.azure.com", Attachment::Attachable),
            ("rbd.csi.ceph.com", Attachment::Attachable),
            ("cinder.csi.openstack.org", Attachment::Attachable),
            ("kubernetes.io/vsphere-volume", Attachment::Attachable),
            ("driver.longhorn.io", Attachment::Attachable),
            ("nfs.csi.k8s.io", Attachment::NotAttachable),
            ("efs.csi.aws.com", Attachment::NotAttachable),
            ("kubernetes.io/azure-file", Attachment::NotAttachable),
            ("cephfs.csi.ceph.com", Attachment::NotAttachable),
            ("nfs.csi.ceph.com", Attachment::NotAttachable),
            ("rancher.io/local-path", Attachment::NodeLocal),
            ("openebs.io/local", Attachment::NodeLocal),
            ("topolvm.cybozu.com", Attachment::NodeLocal),
            ("hostpath.csi.k8s.io", Attachment::NodeLocal),
            ("k8s.io/minikube-hostpath", Attachment::NodeLocal),
            ("kubernetes.io/no-provisioner", Attachment::NodeLocal),
            ("example.com/custom", Attachment::Unknown),
        ];
        for (driver, expected) in cases {
            assert_eq!(backends.attachment(driver), expected, "{driver}");
        }
    }
}
