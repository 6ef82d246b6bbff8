//! VolumeSnapshot and VolumeSnapshotClass (`snapshot.storage.k8s.io/v1`).

use crate::load::tree::Node;
use crate::model::meta::{ObjectMeta, spanned_str};
use crate::source::{Span, Spanned};

/// The annotation that makes a VolumeSnapshotClass the default for its driver (SEMANTICS
/// §6.1); only the exact value `"true"` counts.
pub const DEFAULT_SNAPSHOT_CLASS_ANNOTATION: &str =
    "snapshot.storage.kubernetes.io/is-default-class";

/// The VolumeSnapshotContent annotation that lets a restore change the volume mode
/// (SEMANTICS §6.2); only the exact value `"true"` counts.
pub const ALLOW_VOLUME_MODE_CHANGE_ANNOTATION: &str =
    "snapshot.storage.kubernetes.io/allow-volume-mode-change";

/// A VolumeSnapshot's class and source.
#[derive(Debug, Clone, Copy)]
pub struct VolumeSnapshot<'a> {
    pub class_name: Option<Spanned<&'a str>>,
    pub source_claim: Option<Spanned<&'a str>>,
    pub source_content: Option<Spanned<&'a str>>,
    /// The `spec` key, when present.
    pub spec: Option<Span>,
    /// The `spec.source` key, when present with a non-null value.
    pub source: Option<Span>,
}

impl<'a> VolumeSnapshot<'a> {
    #[must_use]
    pub fn read(root: &'a Node) -> Self {
        let field = |path: &[&str]| root.path(path).and_then(spanned_str);
        Self {
            class_name: field(&["spec", "volumeSnapshotClassName"]),
            source_claim: field(&["spec", "source", "persistentVolumeClaimName"]),
            source_content: field(&["spec", "source", "volumeSnapshotContentName"]),
            spec: root.entry("spec").map(|entry| entry.key.span),
            source: root
                .get("spec")
                .and_then(|spec| spec.entry("source"))
                .filter(|entry| !entry.value.is_null())
                .map(|entry| entry.key.span),
        }
    }
}

/// A VolumeSnapshotClass's driver and deletion policy.
#[derive(Debug, Clone, Copy)]
pub struct VolumeSnapshotClass<'a> {
    pub driver: Option<Spanned<&'a str>>,
    pub deletion_policy: Option<Spanned<&'a str>>,
}

impl<'a> VolumeSnapshotClass<'a> {
    #[must_use]
    pub fn read(root: &'a Node) -> Self {
        Self {
            driver: root.get("driver").and_then(spanned_str),
            deletion_policy: root.get("deletionPolicy").and_then(spanned_str),
        }
    }
}

/// Whether a VolumeSnapshotClass is marked default (SEMANTICS §6.1).
#[must_use]
pub fn is_default_snapshot_class(meta: &ObjectMeta<'_>) -> bool {
    meta.annotation(DEFAULT_SNAPSHOT_CLASS_ANNOTATION)
        .is_some_and(|entry| entry.value.as_str() == Some("true"))
}
