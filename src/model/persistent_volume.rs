//! PersistentVolume (`v1`).

use crate::load::tree::Node;
use crate::model::claim::{AccessModes, BETA_CLASS_ANNOTATION, QuantityField};
use crate::model::meta::{ObjectMeta, spanned_str};
use crate::source::{Span, Spanned};

/// Every volume source a PersistentVolume may name (exactly one is allowed, SEMANTICS §3.3).
pub const PV_SOURCES: [&str; 22] = [
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "csi",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "glusterfs",
    "hostPath",
    "iscsi",
    "local",
    "nfs",
    "photonPersistentDisk",
    "portworxVolume",
    "quobyte",
    "rbd",
    "scaleIO",
    "storageos",
    "vsphereVolume",
];

/// A PV's `claimRef`.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRef<'a> {
    /// The `claimRef` key.
    pub key: Span,
    pub namespace: Option<Spanned<&'a str>>,
    pub name: Option<Spanned<&'a str>>,
    pub uid: Option<Spanned<&'a str>>,
}

/// A PersistentVolume with the fields rules point at.
#[derive(Debug, Clone)]
pub struct PersistentVolume<'a> {
    pub spec: Option<&'a Node>,
    /// Where to point when a required field is missing: the `spec` key, else the name.
    pub anchor: Span,
    pub capacity: Option<QuantityField<'a>>,
    pub access_modes: Option<AccessModes<'a>>,
    pub claim_ref: Option<ClaimRef<'a>>,
    pub storage_class_name: Option<Spanned<&'a str>>,
    pub beta_class: Option<Spanned<&'a str>>,
    pub volume_mode: Option<Spanned<&'a str>>,
    pub reclaim_policy: Option<Spanned<&'a str>>,
    /// The volume source keys present (`csi`, `nfs`, `local`, …).
    pub sources: Vec<Spanned<&'a str>>,
    /// The `nodeAffinity` entry's key span and its `required` node.
    pub node_affinity: Option<(Span, Option<&'a Node>)>,
    pub phase: Option<&'a str>,
}

impl<'a> PersistentVolume<'a> {
    #[must_use]
    pub fn read(root: &'a Node, meta: &ObjectMeta<'a>) -> Self {
        let spec = root.get("spec").filter(|spec| spec.as_mapping().is_some());
        let anchor = root
            .entry("spec")
            .map_or_else(|| meta.name_span(), |entry| entry.key.span);
        let field = |key| spec.and_then(|spec| spec.get(key)).and_then(spanned_str);
        let beta_class = meta
            .annotation(BETA_CLASS_ANNOTATION)
            .map(|entry| Spanned::new(entry.value.as_str().unwrap_or(""), entry.value.span));
        Self {
            spec,
            anchor,
            capacity: spec
                .and_then(|spec| spec.path(&["capacity", "storage"]))
                .and_then(QuantityField::read),
            access_modes: spec.and_then(AccessModes::read),
            claim_ref: spec.and_then(|spec| {
                let entry = spec
                    .entry("claimRef")
                    .filter(|entry| !entry.value.is_null())?;
                let field = |key| entry.value.get(key).and_then(spanned_str);
                Some(ClaimRef {
                    key: entry.key.span,
                    namespace: field("namespace"),
                    name: field("name"),
                    uid: field("uid"),
                })
            }),
            storage_class_name: field("storageClassName"),
            beta_class,
            volume_mode: field("volumeMode"),
            reclaim_policy: field("persistentVolumeReclaimPolicy"),
            sources: spec
                .and_then(Node::as_mapping)
                .unwrap_or_default()
                .iter()
                .filter(|entry| !entry.value.is_null())
                .filter_map(|entry| {
                    let key = entry.key_text()?;
                    let source = PV_SOURCES.into_iter().find(|source| *source == key)?;
                    Some(Spanned::new(source, entry.key.span))
                })
                .collect(),
            node_affinity: spec.and_then(|spec| {
                let entry = spec
                    .entry("nodeAffinity")
                    .filter(|entry| !entry.value.is_null())?;
                Some((entry.key.span, entry.value.get("required")))
            }),
            phase: root.path(&["status", "phase"]).and_then(Node::as_str),
        }
    }

    /// The PV's class: the beta annotation wins, else `storageClassName`, else `""`.
    #[must_use]
    pub fn class(&self) -> &'a str {
        self.beta_class
            .or(self.storage_class_name)
            .map_or("", |class| class.value)
    }

    /// Whether the volume is node-local (`local` or `hostPath`): its pods follow it.
    #[must_use]
    pub fn is_node_local(&self) -> bool {
        self.sources
            .iter()
            .any(|source| matches!(source.value, "local" | "hostPath"))
            || self.node_affinity.is_some()
    }

    /// The CSI driver of a `csi` source.
    #[must_use]
    pub fn csi_driver(&self) -> Option<Spanned<&'a str>> {
        self.spec?.path(&["csi", "driver"]).and_then(spanned_str)
    }

    /// Whether the volume looks like a fragment rather than a whole object: neither
    /// `capacity.storage` nor `accessModes`, both required. This is the body of a kustomize
    /// strategic-merge patch (the base carries the rest), so checks of required fields skip it.
    #[must_use]
    pub fn looks_partial(&self) -> bool {
        self.capacity.is_none() && self.access_modes.is_none()
    }
}
