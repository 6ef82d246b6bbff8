//! The schema of a backend model: schema-only types mirroring what
//! [`crate::provision::backend_file`] accepts. Every key but `name` may be left out or `null`:
//! `null` is absent, and clears a value inherited through `base:`.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use crate::own_schema::{NonBlank, Quantity, Text};

/// A backend model: what a storage driver supports (access modes per volume mode, topology,
/// expansion, snapshots, clones), the StorageClass `parameters` it accepts and its size rules.
/// A file holds one model per YAML document. `attachable`, `topology`, `access-modes`,
/// `expansion`, `snapshots`, `clones` and `mount-options` must be stated by every non-abstract
/// model, or inherited through `base:`.
#[derive(Debug, JsonSchema)]
#[schemars(
    title = "pvlint backend model",
    deny_unknown_fields,
    rename_all = "kebab-case"
)]
pub struct BackendModel {
    /// The provisioner or CSI driver name (`ebs.csi.aws.com`).
    pub name: NonBlank,
    /// Other names that reach this backend: the in-tree provisioners it migrates from
    /// (`kubernetes.io/aws-ebs`). Inherited through `base:`; `[]` drops them.
    pub aliases: Option<Vec<Text>>,
    /// A one-line description.
    pub description: Option<Text>,
    /// Inherit every key of this model (yours first, then the embedded ones), then override:
    /// mappings merge key by key, lists and scalars replace, `null` clears a value. `name`,
    /// `base` and `abstract` are not inherited.
    pub base: Option<NonBlank>,
    /// `true`: only a base for other models, never a driver of its own.
    #[schemars(rename = "abstract")]
    pub is_abstract: Option<bool>,
    /// Whether the backend provisions volumes (`false` for `kubernetes.io/no-provisioner`);
    /// default `true`.
    pub provisions: Option<bool>,
    /// Volumes are attached to one node at a time (Multi-Attach errors).
    pub attachable: Option<bool>,
    /// How volumes reach nodes.
    pub topology: Option<Topology>,
    /// The node labels that carry the topology (`topology.kubernetes.io/zone`).
    pub topology_keys: Option<Vec<Text>>,
    /// The zones offered, when known; empty: any zone.
    pub zones: Option<Vec<Text>>,
    /// The access modes provided per volume mode.
    pub access_modes: Option<AccessModes>,
    /// Provisioning needs a selected node (`WaitForFirstConsumer` only); default `false`.
    pub requires_consumer: Option<bool>,
    /// Whether volumes can be expanded.
    pub expansion: Option<bool>,
    /// Whether volumes can be snapshotted.
    pub snapshots: Option<bool>,
    /// Whether volumes can be cloned.
    pub clones: Option<bool>,
    /// The class parameter and value that turn encryption on.
    pub encryption: Option<Encryption>,
    /// Whether the driver passes the class's `mountOptions`.
    pub mount_options: Option<bool>,
    /// The StorageClass `parameters` the driver accepts.
    pub parameters: Option<Parameters>,
    /// Size rules: rounding and limits.
    pub size: Option<Size>,
    /// What the backend can provision, per zone.
    pub capacity: Option<Vec<CapacityPool>>,
    /// Facts the model is unsure of.
    pub notes: Option<Vec<Text>>,
}

/// How a backend's volumes reach nodes.
#[derive(Debug, JsonSchema)]
#[schemars(rename_all = "kebab-case")]
pub enum Topology {
    /// In one zone, attached to nodes of that zone.
    Zonal,
    /// From any node (network file systems).
    Anywhere,
    /// On one node only (local volumes).
    NodeLocal,
}

/// The access modes a backend provides, per volume mode.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AccessModes {
    /// For `volumeMode: Filesystem`.
    pub filesystem: Option<Vec<AccessMode>>,
    /// For `volumeMode: Block`; absent: no Block support.
    pub block: Option<Vec<AccessMode>>,
}

/// A Kubernetes access mode.
#[derive(Debug, JsonSchema)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
    ReadWriteOncePod,
}

/// `encryption:`.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Encryption {
    /// The class parameter that turns encryption on (one of `parameters.keys`).
    pub parameter: NonBlank,
    /// Its value that turns encryption on.
    pub value: Text,
    /// Parameters whose presence implies encryption (a KMS key).
    pub implied_by: Option<Vec<Text>>,
}

/// `parameters:`.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Parameters {
    /// Keys match in any case (the AWS drivers).
    pub case_insensitive: Option<bool>,
    /// Unknown keys make provisioning fail.
    pub strict: Option<bool>,
    /// The known keys: each `null` (accepted, nothing more known), a description, or a
    /// mapping of rules.
    #[schemars(extend("propertyNames" = { "pattern": "\\S" }))]
    pub keys: Option<BTreeMap<String, Option<ParameterEntry>>>,
    /// Keys accepted with any suffix (`tagSpecification`).
    pub prefixes: Option<Vec<Text>>,
    /// Keys under these prefixes must be listed, exactly (`csi.storage.k8s.io/`).
    pub reserved_prefixes: Option<Vec<Text>>,
}

/// One known parameter.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum ParameterEntry {
    /// Its description.
    Description(Text),
    Rule(ParameterRule),
}

/// What a parameter accepts.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ParameterRule {
    /// The accepted values.
    pub values: Option<Vec<Text>>,
    /// An anchored regular expression the value must match.
    pub pattern: Option<Text>,
    /// The parameter must be given.
    pub required: Option<bool>,
    /// Parameters it cannot be given with.
    pub conflicts: Option<Vec<Text>>,
    /// Parameters it needs, each with the values it needs (`null` or `[]`: any value).
    #[schemars(extend("propertyNames" = { "pattern": "\\S" }))]
    pub requires: Option<BTreeMap<String, Option<RequiredValues>>>,
    /// What the parameter does.
    pub description: Option<Text>,
    /// The value that applies when the class leaves it out.
    pub default: Option<Text>,
}

/// The values a required parameter must have.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum RequiredValues {
    One(Text),
    Any(Vec<Text>),
}

/// `size:`.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Size {
    /// Sizes are rounded up to a multiple of this (positive).
    pub step: Option<Quantity>,
    /// A request below `min` gets `min` instead of failing.
    pub raise_to_min: Option<bool>,
    /// The capacity is not enforced (NFS and host paths).
    pub ignored: Option<bool>,
    /// The smallest volume.
    pub min: Option<Quantity>,
    /// The largest volume (not below `min`).
    pub max: Option<Quantity>,
    /// Limits chosen by a class parameter's value (EBS `type`).
    pub by_parameter: Option<SizeByParameter>,
}

/// `size.by-parameter:`.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SizeByParameter {
    /// The class parameter whose value chooses the limits (one of `parameters.keys`).
    pub parameter: NonBlank,
    /// Its value when the class leaves it out.
    pub default: Option<Text>,
    /// The limits per value.
    pub values: Option<BTreeMap<String, SizeLimits>>,
}

/// `min` and `max` sizes.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SizeLimits {
    pub min: Option<Quantity>,
    pub max: Option<Quantity>,
}

/// What a backend can provision in a zone.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CapacityPool {
    /// The zone; absent: every zone.
    pub zone: Option<Text>,
    /// The capacity.
    pub capacity: Quantity,
}
