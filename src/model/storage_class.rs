//! StorageClass (`storage.k8s.io/v1`).

use crate::load::tree::{Entry, Node};
use crate::model::meta::{ObjectMeta, spanned_str};
use crate::source::Spanned;

/// The annotation that marks a default class, and its deprecated beta form (SEMANTICS §2.2).
pub const DEFAULT_CLASS_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// The provisioner of classes for statically created PVs: it never provisions (SEMANTICS §2.1),
/// so a claim of such a class binds only the class's PVs, local ones in the usual case.
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

/// A StorageClass with the fields rules point at.
#[derive(Debug, Clone)]
pub struct StorageClass<'a> {
    pub provisioner: Option<Spanned<&'a str>>,
    pub parameters: Option<&'a Node>,
    pub reclaim_policy: Option<Spanned<&'a str>>,
    pub volume_binding_mode: Option<Spanned<&'a str>>,
    pub allow_volume_expansion: Option<&'a Node>,
    pub mount_options: Option<&'a Node>,
    pub allowed_topologies: Option<&'a Node>,
}

impl<'a> StorageClass<'a> {
    #[must_use]
    pub fn read(root: &'a Node) -> Self {
        let field = |key| root.get(key).and_then(spanned_str);
        Self {
            provisioner: field("provisioner"),
            parameters: root.get("parameters"),
            reclaim_policy: field("reclaimPolicy"),
            volume_binding_mode: field("volumeBindingMode"),
            allow_volume_expansion: root.get("allowVolumeExpansion"),
            mount_options: root.get("mountOptions"),
            allowed_topologies: root.get("allowedTopologies"),
        }
    }

    /// `volumeBindingMode: WaitForFirstConsumer`.
    #[must_use]
    pub fn waits_for_first_consumer(&self) -> bool {
        self.volume_binding_mode
            .is_some_and(|mode| mode.value == "WaitForFirstConsumer")
    }

    /// Whether the class binds and provisions claims at once: `volumeBindingMode` is
    /// `Immediate`, or absent and defaulted to it (SEMANTICS §3.5). An invalid or placeholder
    /// mode is neither.
    #[must_use]
    pub fn binds_immediately(&self) -> bool {
        self.volume_binding_mode
            .is_none_or(|mode| mode.value == "Immediate")
    }
}

/// The default-class annotations present on a class, in the order written.
pub fn default_annotations<'a>(meta: &ObjectMeta<'a>) -> impl Iterator<Item = &'a Entry> {
    DEFAULT_CLASS_ANNOTATIONS
        .into_iter()
        .filter_map(|key| meta.annotation(key))
}

/// Whether the annotations make the class a default: a value of exactly `"true"`.
#[must_use]
pub fn is_default(meta: &ObjectMeta<'_>) -> bool {
    default_annotations(meta).any(|entry| entry.value.as_str() == Some("true"))
}
