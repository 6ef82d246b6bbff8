//! Model: what the documents mean.
//!
//! Turns spanned YAML documents into typed views of the objects pvlint understands. Views
//! borrow from the tree (`'a`), and every field a rule may point at keeps its span. This module
//! knows Kubernetes field names and defaults; it resolves no references (that is `index/`) and
//! reports nothing.

#![warn(clippy::disallowed_methods)]

pub mod api_versions;
pub mod attachment;
pub mod claim;
pub mod in_tree;
pub mod kinds;
pub mod meta;
pub mod names;
pub mod persistent_volume;
pub mod quantity;
pub mod semantic;
pub mod snapshot;
pub mod storage_class;
pub mod workload;

use crate::load::Document;
use crate::load::tree::Node;
use crate::source::{FileId, Span};

pub use claim::{AccessModes, Claim, ClaimClass, ClaimId, ClaimOrigin, ClaimSpec, QuantityField};
pub use kinds::{KindInfo, KubeVersion, kind_info};
pub use meta::{ObjectKey, ObjectMeta};
pub use persistent_volume::PersistentVolume;
pub use quantity::Quantity;
pub use snapshot::{VolumeSnapshot, VolumeSnapshotClass};
pub use storage_class::StorageClass;
pub use workload::{Container, PodSpec, PodVolume, VolumeSource, Workload, WorkloadKind};

/// Index of an object in [`Model::objects`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(pub(crate) u32);

impl ObjectId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One Kubernetes object with its typed view.
#[derive(Debug)]
pub struct Object<'a> {
    pub id: ObjectId,
    pub key: ObjectKey,
    pub meta: ObjectMeta<'a>,
    pub kind: ObjectKind<'a>,
}

impl Object<'_> {
    #[must_use]
    pub fn file(&self) -> FileId {
        self.meta.span.file
    }

    /// The span of the whole object (its document, or its item of a `List`).
    #[must_use]
    pub fn span(&self) -> Span {
        self.meta.span
    }
}

/// The typed view of an object, for the kinds pvlint reads.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "objects are built once and never moved in hot loops; boxing would only add indirection"
)]
pub enum ObjectKind<'a> {
    StorageClass(StorageClass<'a>),
    /// A PersistentVolumeClaim; the claim itself lives in [`Model::claims`].
    Claim(ClaimId),
    Volume(PersistentVolume<'a>),
    Workload(Workload<'a>),
    VolumeSnapshot(VolumeSnapshot<'a>),
    VolumeSnapshotClass(VolumeSnapshotClass<'a>),
    /// Any other kind, kept for duplicate detection and generic checks.
    Other,
}

/// How documents become objects.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// Namespace for namespaced objects that do not name one (`kubectl -n`).
    pub default_namespace: Option<String>,
}

/// Every object and every claim (standalone, StatefulSet template or ephemeral) of a run.
#[derive(Debug, Default)]
pub struct Model<'a> {
    pub objects: Vec<Object<'a>>,
    pub claims: Vec<Claim<'a>>,
    /// Documents of kustomize patch files: partial objects, never checked as objects, but the
    /// names they mention (a patched Deployment mounting a claim) still count.
    pub patches: Vec<&'a Node>,
}

impl<'a> Model<'a> {
    /// Builds the model from documents in load order. Documents that are not Kubernetes
    /// objects (no `apiVersion` and `kind`) are skipped; `kind: List` is expanded.
    pub fn build(
        documents: impl IntoIterator<Item = Document<'a>>,
        options: &ModelOptions,
    ) -> Self {
        let mut model = Model::default();
        for document in documents {
            if document.is_patch {
                model.patches.push(document.root);
            } else {
                model.add_document(document.root, document.span, options);
            }
        }
        model
    }

    fn add_document(&mut self, root: &'a Node, span: Span, options: &ModelOptions) {
        let Some(meta) = ObjectMeta::read(root, span) else {
            return;
        };
        if meta.is_list() {
            for item in root.items("items") {
                self.add_document(item, item.span, options);
            }
            return;
        }
        if meta.is_kustomize_patch() {
            return;
        }
        let id = ObjectId(u32::try_from(self.objects.len()).unwrap_or(u32::MAX));
        let key = meta.key(options.default_namespace.as_deref());
        let namespace = key.namespace.clone().unwrap_or_default();
        let kind = match meta.kind.value {
            "StorageClass" if meta.group() == "storage.k8s.io" => {
                ObjectKind::StorageClass(StorageClass::read(root))
            }
            "PersistentVolumeClaim" if meta.group().is_empty() => {
                let claim = Claim::from_object(id, &meta, root, namespace);
                ObjectKind::Claim(self.push_claim(claim))
            }
            "PersistentVolume" if meta.group().is_empty() => {
                ObjectKind::Volume(PersistentVolume::read(root, &meta))
            }
            "VolumeSnapshot" if meta.group() == "snapshot.storage.k8s.io" => {
                ObjectKind::VolumeSnapshot(VolumeSnapshot::read(root))
            }
            "VolumeSnapshotClass" if meta.group() == "snapshot.storage.k8s.io" => {
                ObjectKind::VolumeSnapshotClass(VolumeSnapshotClass::read(root))
            }
            kind => match WorkloadKind::from_kind(kind, meta.group()) {
                Some(workload_kind) => {
                    let (workload, claims) =
                        Workload::read(id, workload_kind, &meta, root, &namespace);
                    let first = self.claims.len();
                    for claim in claims {
                        self.push_claim(claim);
                    }
                    ObjectKind::Workload(workload.with_claims(first))
                }
                None => ObjectKind::Other,
            },
        };
        self.objects.push(Object {
            id,
            key,
            meta,
            kind,
        });
    }

    fn push_claim(&mut self, mut claim: Claim<'a>) -> ClaimId {
        let id = ClaimId(u32::try_from(self.claims.len()).unwrap_or(u32::MAX));
        claim.id = id;
        self.claims.push(claim);
        id
    }
}

/// A value with `${VAR}` (Flux, envsubst) or `{{ }}` (Helm, Go templates) placeholders: its
/// real value is only known after substitution, so checks skip it.
#[must_use]
pub fn is_placeholder(text: &str) -> bool {
    text.contains("${") || text.contains("{{")
}
