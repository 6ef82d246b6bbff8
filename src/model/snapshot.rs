//! VolumeSnapshot and VolumeSnapshotClass (`snapshot.storage.k8s.io/v1`).

use crate::load::tree::Node;
use crate::model::meta::spanned_str;
use crate::source::Spanned;

/// A VolumeSnapshot's class and source.
#[derive(Debug, Clone, Copy)]
pub struct VolumeSnapshot<'a> {
    pub class_name: Option<Spanned<&'a str>>,
    pub source_claim: Option<Spanned<&'a str>>,
    pub source_content: Option<Spanned<&'a str>>,
}

impl<'a> VolumeSnapshot<'a> {
    #[must_use]
    pub fn read(root: &'a Node) -> Self {
        let field = |path: &[&str]| root.path(path).and_then(spanned_str);
        Self {
            class_name: field(&["spec", "volumeSnapshotClassName"]),
            source_claim: field(&["spec", "source", "persistentVolumeClaimName"]),
            source_content: field(&["spec", "source", "volumeSnapshotContentName"]),
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
