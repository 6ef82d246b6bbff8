//! Index: what refers to what.
//!
//! Owns the [`Model`] and resolves every reference once, when it is built: pod → claim,
//! claim → class, claim → volume, volume → claim, snapshot → class and claim, claim → data
//! source, plus the reverse edges (who uses this claim). Lookups prefer the candidate closest
//! to the referring file (same file, then same directory), so repositories that keep several
//! independent examples side by side resolve each within its own example.

#![warn(clippy::disallowed_methods)]

mod backend;
mod proximity;
mod snapshot;
mod usage;

use std::collections::{HashMap, HashSet};

use crate::load::tree::{Node, NodeKind};
use crate::model::storage_class::is_default;
use crate::model::{
    Claim, ClaimClass, ClaimId, ClaimOrigin, Model, Object, ObjectId, ObjectKind, StorageClass,
    VolumeSource, Workload, is_placeholder,
};
use crate::source::{FileId, SourceMap, Span, Spanned};
pub use backend::ClaimBackend;
use proximity::Proximity;
pub use snapshot::{ClaimLookup, Driver, DriverOrigin, Ordinal, SnapshotLookup};

/// A StorageClass that exists only in the cluster, declared in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterClass {
    pub name: String,
    pub provisioner: Option<String>,
    pub default: bool,
    /// Where the config declares it.
    pub span: Span,
}

/// How a claim's class resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassResolution {
    /// A StorageClass object in the manifests.
    Object(ObjectId),
    /// A class declared under `cluster.storage-classes`.
    Cluster(usize),
    /// Named, but defined nowhere.
    Missing,
    /// `storageClassName: ""`: static binding only.
    Empty,
    /// No class written: the default class applies.
    Unset,
    /// A placeholder (`${CLASS}`): unknown until rendered.
    Placeholder,
}

/// A pod volume that names a claim, as [`Index::claim_volumes`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimVolume<'a> {
    /// The volume's position in the pod's `volumes`.
    pub at: usize,
    /// The `claimName` value.
    pub name: Spanned<&'a str>,
    pub claim: ClaimId,
}

/// What a claim's data source resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    /// A clone of this claim.
    Claim(ClaimId),
    /// A restore of this VolumeSnapshot.
    Snapshot(ObjectId),
    /// A claim or snapshot that is not in the manifests.
    Missing,
    /// Another kind: a volume populator fills it.
    Populator,
    /// A placeholder name.
    Unknown,
}

/// Something that uses a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimUse {
    /// A pod volume of a workload (`volume` indexes its pod's `volumes`).
    Volume { workload: ObjectId, volume: usize },
    /// The StatefulSet that owns a claim template.
    Template { workload: ObjectId },
    /// A VolumeSnapshot's source.
    Snapshot { snapshot: ObjectId },
    /// Another claim's `dataSource`/`dataSourceRef` (a clone).
    Clone { claim: ClaimId },
    /// Named in another object the model does not read (a Helm release's values, a backup job).
    Mentioned { object: ObjectId },
    /// Named in a kustomize patch (a patched Deployment that mounts the claim).
    Patch,
}

impl ClaimUse {
    /// The workload whose pods use the claim: of a pod volume or a claim template.
    #[must_use]
    pub fn workload(self) -> Option<ObjectId> {
        match self {
            Self::Volume { workload, .. } | Self::Template { workload } => Some(workload),
            _ => None,
        }
    }
}

/// Kinds whose objects a cluster or a chart often provides instead of the repository, so
/// that a name the manifests do not define proves nothing unless they manage the kind
/// ([`Index::defines_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provided {
    StorageClass,
    /// Claims, including StatefulSet claim templates: operators and charts create many.
    PersistentVolumeClaim,
    VolumeSnapshotClass,
    VolumeSnapshot,
}

impl Provided {
    /// The kind of definitions an object holds, if it is one of these.
    fn defined_by(kind: &ObjectKind<'_>) -> Option<Self> {
        match kind {
            ObjectKind::StorageClass(_) => Some(Self::StorageClass),
            ObjectKind::Claim(_) => Some(Self::PersistentVolumeClaim),
            ObjectKind::Workload(workload) if !workload.claim_templates.is_empty() => {
                Some(Self::PersistentVolumeClaim)
            }
            ObjectKind::VolumeSnapshotClass(_) => Some(Self::VolumeSnapshotClass),
            ObjectKind::VolumeSnapshot(_) => Some(Self::VolumeSnapshot),
            _ => None,
        }
    }
}

/// Objects and claims with every reference resolved.
#[derive(Debug)]
pub struct Index<'a> {
    model: Model<'a>,
    proximity: Proximity,
    cluster_classes: Vec<ClusterClass>,
    by_key: HashMap<crate::model::ObjectKey, Vec<ObjectId>>,
    classes: HashMap<&'a str, Vec<ObjectId>>,
    volumes: HashMap<&'a str, Vec<ObjectId>>,
    claims_by_name: HashMap<(String, String), Vec<ClaimId>>,
    claims_by_bare_name: HashMap<String, Vec<ClaimId>>,
    /// StatefulSet claim templates by `<template>-<statefulset>`, the name of their claims
    /// without the ordinal, in claim order.
    templates_by_stem: HashMap<String, Vec<ClaimId>>,
    /// The claim names of each namespace, sorted; built on the first suggestion asked for.
    names_by_namespace: std::sync::OnceLock<HashMap<String, Vec<String>>>,
    volume_claims: HashMap<(ObjectId, usize), ClaimId>,
    claim_uses: Vec<Vec<ClaimUse>>,
    claim_classes: Vec<ClassResolution>,
    pv_classes: HashSet<&'a str>,
    /// Per kind that a cluster or a chart may provide instead of the repository: the
    /// directories holding definitions of it (see [`Index::defines_for`]).
    definition_directories: HashMap<Provided, HashSet<Vec<String>>>,
    snapshot_classes: HashMap<&'a str, Vec<ObjectId>>,
    snapshots: HashMap<(String, String), Vec<ObjectId>>,
    /// Claim name → PVs whose `claimRef` names it, with or without a namespace.
    volumes_by_claim_ref_name: HashMap<&'a str, Vec<ObjectId>>,
    /// Namespace → claim name → PVs whose `claimRef` names it.
    volumes_by_claim_ref: HashMap<&'a str, HashMap<&'a str, Vec<ObjectId>>>,
}

/// Upper bound on StatefulSet replicas expanded into claim names.
const MAX_EXPANDED_REPLICAS: u64 = 10_000;

impl<'a> Index<'a> {
    /// Builds the index; `sources` gives file paths for proximity.
    #[must_use]
    pub fn build(
        model: Model<'a>,
        sources: &SourceMap,
        cluster_classes: Vec<ClusterClass>,
    ) -> Self {
        let mut index = Self {
            proximity: Proximity::new(sources),
            cluster_classes,
            by_key: HashMap::new(),
            classes: HashMap::new(),
            volumes: HashMap::new(),
            claims_by_name: HashMap::new(),
            claims_by_bare_name: HashMap::new(),
            templates_by_stem: HashMap::new(),
            names_by_namespace: std::sync::OnceLock::new(),
            volume_claims: HashMap::new(),
            claim_uses: vec![Vec::new(); model.claims.len()],
            claim_classes: Vec::new(),
            pv_classes: HashSet::new(),
            definition_directories: HashMap::new(),
            snapshot_classes: HashMap::new(),
            snapshots: HashMap::new(),
            volumes_by_claim_ref: HashMap::new(),
            volumes_by_claim_ref_name: HashMap::new(),
            model,
        };
        index.index_objects();
        index.index_claim_names();
        index.index_claim_refs();
        index.claim_classes = index
            .model
            .claims
            .iter()
            .map(|claim| index.resolve_class(claim))
            .collect();
        index.resolve_uses();
        index
    }

    fn index_objects(&mut self) {
        for object in &self.model.objects {
            self.by_key
                .entry(object.key.clone())
                .or_default()
                .push(object.id);
            let Some(name) = object.meta.name.map(|name| name.value) else {
                continue;
            };
            if let Some(kind) = Provided::defined_by(&object.kind) {
                self.definition_directories
                    .entry(kind)
                    .or_default()
                    .insert(self.proximity.directory(object.file()).to_vec());
            }
            match &object.kind {
                ObjectKind::StorageClass(_) => {
                    self.classes.entry(name).or_default().push(object.id);
                }
                ObjectKind::Volume(volume) => {
                    self.volumes.entry(name).or_default().push(object.id);
                    self.pv_classes.insert(volume.class());
                }
                ObjectKind::VolumeSnapshotClass(_) => {
                    self.snapshot_classes
                        .entry(name)
                        .or_default()
                        .push(object.id);
                }
                ObjectKind::VolumeSnapshot(_) => {
                    let namespace = object.key.namespace.clone().unwrap_or_default();
                    self.snapshots
                        .entry((namespace, name.to_owned()))
                        .or_default()
                        .push(object.id);
                }
                _ => {}
            }
        }
    }

    fn index_claim_names(&mut self) {
        for claim in &self.model.claims {
            if let ClaimOrigin::StatefulSetTemplate { statefulset, .. } = &claim.origin
                && let Some(template) = claim.name
            {
                self.templates_by_stem
                    .entry(format!("{}-{statefulset}", template.value))
                    .or_default()
                    .push(claim.id);
            }
            for name in claim.cluster_names(MAX_EXPANDED_REPLICAS) {
                self.claims_by_bare_name
                    .entry(name.clone())
                    .or_default()
                    .push(claim.id);
                self.claims_by_name
                    .entry((claim.namespace.clone(), name))
                    .or_default()
                    .push(claim.id);
            }
        }
    }

    fn resolve_class(&self, claim: &Claim<'a>) -> ClassResolution {
        match claim.class() {
            ClaimClass::Unset => ClassResolution::Unset,
            ClaimClass::Named(name) if name.value.is_empty() => ClassResolution::Empty,
            ClaimClass::Named(name) if is_placeholder(name.value) => ClassResolution::Placeholder,
            ClaimClass::Named(name) => {
                let from = self.object(claim.owner).file();
                if let Some(class) = self.closest(self.classes.get(name.value), from) {
                    ClassResolution::Object(class)
                } else if let Some(at) = self
                    .cluster_classes
                    .iter()
                    .position(|class| class.name == name.value)
                {
                    ClassResolution::Cluster(at)
                } else {
                    ClassResolution::Missing
                }
            }
        }
    }

    fn resolve_uses(&mut self) {
        let mut uses: Vec<(ClaimId, ClaimUse)> = Vec::new();
        let mut volume_claims = HashMap::new();
        for object in &self.model.objects {
            match &object.kind {
                ObjectKind::Workload(workload) => {
                    self.workload_uses(object, workload, &mut uses, &mut volume_claims);
                }
                ObjectKind::VolumeSnapshot(snapshot) => {
                    let namespace = object.key.namespace.as_deref().unwrap_or_default();
                    if let Some(source) = snapshot.source_claim
                        && let Some(claim) =
                            self.claim_named(namespace, source.value, object.file())
                    {
                        uses.push((
                            claim,
                            ClaimUse::Snapshot {
                                snapshot: object.id,
                            },
                        ));
                    }
                }
                ObjectKind::Other => self.mentions(object, &mut uses),
                _ => {}
            }
        }
        for root in &self.model.patches {
            self.patch_mentions(root, &mut uses);
        }
        for claim in &self.model.claims {
            let file = self.object(claim.owner).file();
            for source in [claim.spec.data_source, claim.spec.data_source_ref]
                .into_iter()
                .flatten()
            {
                let is_claim = source
                    .kind
                    .is_some_and(|kind| kind.value == "PersistentVolumeClaim")
                    && source.api_group.is_none_or(|group| group.value.is_empty());
                if is_claim
                    && let Some(name) = source.name
                    && let Some(target) = self.claim_named(&claim.namespace, name.value, file)
                {
                    uses.push((target, ClaimUse::Clone { claim: claim.id }));
                }
            }
        }
        for (claim, usage) in uses {
            if let Some(list) = self.claim_uses.get_mut(claim.index())
                && !list.contains(&usage)
            {
                list.push(usage);
            }
        }
        self.volume_claims = volume_claims;
    }

    fn workload_uses(
        &self,
        object: &Object<'a>,
        workload: &Workload<'a>,
        uses: &mut Vec<(ClaimId, ClaimUse)>,
        volume_claims: &mut HashMap<(ObjectId, usize), ClaimId>,
    ) {
        for &template in &workload.claim_templates {
            uses.push((
                template,
                ClaimUse::Template {
                    workload: object.id,
                },
            ));
        }
        let Some(pod) = &workload.pod else {
            return;
        };
        let namespace = object.key.namespace.as_deref().unwrap_or_default();
        for (at, volume) in pod.volumes.iter().enumerate() {
            let claim = match volume.source {
                VolumeSource::Claim {
                    claim_name: Some(name),
                    ..
                } => self.claim_named(namespace, name.value, object.file()),
                VolumeSource::Ephemeral { claim } => Some(claim),
                _ => None,
            };
            if let Some(claim) = claim {
                uses.push((
                    claim,
                    ClaimUse::Volume {
                        workload: object.id,
                        volume: at,
                    },
                ));
                volume_claims.insert((object.id, at), claim);
            }
        }
    }

    /// A kustomize patch that names a claim in some string value uses it.
    fn patch_mentions(&self, root: &Node, uses: &mut Vec<(ClaimId, ClaimUse)>) {
        root.walk(&mut |node| {
            if let NodeKind::Scalar(scalar) = &node.kind
                && scalar.is_string()
                && let Some(claims) = self.claims_by_bare_name.get(scalar.text.as_str())
            {
                uses.extend(claims.iter().map(|&claim| (claim, ClaimUse::Patch)));
            }
        });
    }

    /// Objects the model does not read that name a claim in some string value
    /// (`existingClaim: data` in a Helm release's values) count as users of it. Namespaces are
    /// not compared: such objects often deploy into another namespace than their own.
    fn mentions(&self, object: &Object<'a>, uses: &mut Vec<(ClaimId, ClaimUse)>) {
        object.meta.root.walk(&mut |node| {
            if let NodeKind::Scalar(scalar) = &node.kind
                && scalar.is_string()
                && let Some(claims) = self.claims_by_bare_name.get(scalar.text.as_str())
            {
                let usage = ClaimUse::Mentioned { object: object.id };
                uses.extend(claims.iter().map(|&claim| (claim, usage)));
            }
        });
    }

    fn closest(&self, candidates: Option<&Vec<ObjectId>>, from: FileId) -> Option<ObjectId> {
        let candidates = candidates?;
        candidates.iter().copied().max_by_key(|id| {
            let file = self.object(*id).file();
            (self.proximity.closeness(from, file), std::cmp::Reverse(*id))
        })
    }

    // ----- queries -------------------------------------------------------------------------

    /// All objects, in load order.
    #[must_use]
    pub fn objects(&self) -> &[Object<'a>] {
        &self.model.objects
    }

    #[must_use]
    pub fn object(&self, id: ObjectId) -> &Object<'a> {
        // Ids only come from this model, so the index is in range.
        &self.model.objects[id.index()]
    }

    /// All claims: PVC objects, StatefulSet templates and ephemeral volume templates.
    #[must_use]
    pub fn claims(&self) -> &[Claim<'a>] {
        &self.model.claims
    }

    #[must_use]
    pub fn claim(&self, id: ClaimId) -> &Claim<'a> {
        &self.model.claims[id.index()]
    }

    /// Objects with the same key, in load order.
    pub fn objects_with_key(&self, key: &crate::model::ObjectKey) -> &[ObjectId] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }

    /// How a claim's class resolves.
    #[must_use]
    pub fn claim_class(&self, claim: ClaimId) -> ClassResolution {
        self.claim_classes
            .get(claim.index())
            .copied()
            .unwrap_or(ClassResolution::Unset)
    }

    /// The StorageClass object named `name` closest to `from`.
    #[must_use]
    pub fn storage_class(
        &self,
        name: &str,
        from: FileId,
    ) -> Option<(&Object<'a>, &StorageClass<'a>)> {
        let id = self.closest(self.classes.get(name), from)?;
        let object = self.object(id);
        match &object.kind {
            ObjectKind::StorageClass(class) => Some((object, class)),
            _ => None,
        }
    }

    #[must_use]
    pub fn cluster_class(&self, at: usize) -> Option<&ClusterClass> {
        self.cluster_classes.get(at)
    }

    #[must_use]
    pub fn cluster_classes(&self) -> &[ClusterClass] {
        &self.cluster_classes
    }

    /// A defined class name (manifests or cluster) within typo distance of `name`.
    #[must_use]
    pub fn similar_storage_class(&self, name: &str) -> Option<&str> {
        let names = self
            .classes
            .keys()
            .copied()
            .chain(self.cluster_classes.iter().map(|class| class.name.as_str()));
        let mut names: Vec<&str> = names.collect();
        names.sort_unstable();
        crate::suggest::closest(name, names)
    }

    /// Whether some PV in the manifests carries this class name (static binding needs no
    /// StorageClass object).
    #[must_use]
    pub fn has_volume_with_class(&self, class: &str) -> bool {
        self.pv_classes.contains(class)
    }

    /// StorageClass objects marked default, in load order.
    pub fn default_classes(&self) -> impl Iterator<Item = &Object<'a>> {
        self.model.objects.iter().filter(|object| {
            matches!(object.kind, ObjectKind::StorageClass(_)) && is_default(&object.meta)
        })
    }

    /// The PV named `name` closest to `from`.
    #[must_use]
    pub fn volume(&self, name: &str, from: FileId) -> Option<&Object<'a>> {
        Some(self.object(self.closest(self.volumes.get(name), from)?))
    }

    /// The claim a pod in `namespace` gets for `name`, closest to `from`: a PVC, a
    /// StatefulSet-generated claim, or a named ephemeral claim.
    #[must_use]
    pub fn claim_named(&self, namespace: &str, name: &str, from: FileId) -> Option<ClaimId> {
        let candidates = self
            .claims_by_name
            .get(&(namespace.to_owned(), name.to_owned()))?;
        candidates.iter().copied().max_by_key(|id| {
            let file = self.object(self.claim(*id).owner).file();
            (self.proximity.closeness(from, file), std::cmp::Reverse(*id))
        })
    }

    /// Who uses a claim.
    #[must_use]
    pub fn claim_uses(&self, claim: ClaimId) -> &[ClaimUse] {
        self.claim_uses
            .get(claim.index())
            .map_or(&[], Vec::as_slice)
    }

    /// The claim a pod volume resolves to.
    #[must_use]
    pub fn volume_claim(&self, workload: ObjectId, volume: usize) -> Option<ClaimId> {
        self.volume_claims.get(&(workload, volume)).copied()
    }

    /// Whether a claim is a StatefulSet template.
    #[must_use]
    pub fn is_template(&self, claim: ClaimId) -> bool {
        matches!(
            self.claim(claim).origin,
            ClaimOrigin::StatefulSetTemplate { .. }
        )
    }

    /// Whether the manifests are the authority on which classes exist for a claim in `file`:
    /// StorageClasses are defined in its directory or an ancestor of it, or the config lists
    /// the cluster's classes. Otherwise classes come from the cluster or from charts the
    /// repository does not hold, and a name pvlint does not know proves nothing.
    #[must_use]
    pub fn knows_classes_for(&self, file: FileId) -> bool {
        !self.cluster_classes.is_empty() || self.defines_for(Provided::StorageClass, file)
    }

    /// Whether the manifests define objects of `kind` in the directory of `file` or in one of
    /// its ancestors: the repository then manages that kind for the file, and a name it does
    /// not define is missing rather than provided by the cluster or a chart.
    #[must_use]
    pub fn defines_for(&self, kind: Provided, file: FileId) -> bool {
        let Some(directories) = self.definition_directories.get(&kind) else {
            return false;
        };
        let directory = self.proximity.directory(file);
        (0..=directory.len()).any(|depth| {
            directory
                .get(..depth)
                .is_some_and(|ancestor| directories.contains(ancestor))
        })
    }

    /// The VolumeSnapshotClass named `name` closest to `from`.
    #[must_use]
    pub fn snapshot_class(&self, name: &str, from: FileId) -> Option<&Object<'a>> {
        Some(self.object(self.closest(self.snapshot_classes.get(name), from)?))
    }

    /// The VolumeSnapshot `namespace`/`name` closest to `from`.
    #[must_use]
    pub fn snapshot_named(&self, namespace: &str, name: &str, from: FileId) -> Option<&Object<'a>> {
        let candidates = self.snapshots.get(&(namespace.to_owned(), name.to_owned()));
        Some(self.object(self.closest(candidates, from)?))
    }

    /// What a claim's `dataSourceRef` (else `dataSource`) points at (SEMANTICS §3.2, §6). A
    /// `dataSourceRef` into another namespace (§6.4) is [`DataSource::Unknown`].
    #[must_use]
    pub fn data_source(&self, claim: &Claim<'a>) -> Option<DataSource> {
        let source = claim.spec.data_source_ref.or(claim.spec.data_source)?;
        let kind = source.kind.map_or("", |kind| kind.value);
        let group = source.api_group.map_or("", |group| group.value);
        let name = source.name.map_or("", |name| name.value);
        let namespace = source.namespace.map_or("", |namespace| namespace.value);
        let from = self.object(claim.owner).file();
        Some(match (group, kind) {
            _ if [name, kind, group, namespace]
                .into_iter()
                .any(is_placeholder) =>
            {
                DataSource::Unknown
            }
            _ if !namespace.is_empty() && namespace != claim.namespace => DataSource::Unknown,
            ("", "PersistentVolumeClaim") => self
                .claim_named(&claim.namespace, name, from)
                .map_or(DataSource::Missing, DataSource::Claim),
            ("snapshot.storage.k8s.io", "VolumeSnapshot") => self
                .snapshot_named(&claim.namespace, name, from)
                .map_or(DataSource::Missing, |snapshot| {
                    DataSource::Snapshot(snapshot.id)
                }),
            _ => DataSource::Populator,
        })
    }

    /// A PersistentVolume name in the manifests within typo distance of `name`.
    #[must_use]
    pub fn similar_volume(&self, name: &str) -> Option<&str> {
        let mut names: Vec<&str> = self.volumes.keys().copied().collect();
        names.sort_unstable();
        crate::suggest::closest(name, names)
    }

    /// PersistentVolumes whose `spec.claimRef` names `namespace`/`name` (both written), in load
    /// order.
    #[must_use]
    pub fn volumes_reserving(&self, namespace: &str, name: &str) -> &[ObjectId] {
        self.volumes_by_claim_ref
            .get(namespace)
            .and_then(|names| names.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Claims named `name` in any namespace (PVCs, StatefulSet-generated and named ephemeral
    /// claims), in load order.
    #[must_use]
    pub fn claims_with_name(&self, name: &str) -> &[ClaimId] {
        self.claims_by_bare_name
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// A claim name in `namespace` within typo distance of `name` (but not `name` itself), with
    /// the claim of that name closest to `from`.
    #[must_use]
    pub fn similar_claim(
        &self,
        namespace: &str,
        name: &str,
        from: FileId,
    ) -> Option<(&str, ClaimId)> {
        // Grouped by namespace once, so that a suggestion costs the size of its namespace,
        // not of the repository.
        let by_namespace = self.names_by_namespace.get_or_init(|| {
            let mut pairs: Vec<&(String, String)> = self.claims_by_name.keys().collect();
            pairs.sort_unstable();
            let mut by_namespace: HashMap<String, Vec<String>> = HashMap::new();
            for (ns, candidate) in pairs {
                by_namespace
                    .entry(ns.clone())
                    .or_default()
                    .push(candidate.clone());
            }
            by_namespace
        });
        let names: Vec<&str> = by_namespace
            .get(namespace)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(String::as_str)
            .filter(|candidate| *candidate != name)
            .collect();
        let similar = crate::suggest::closest(name, names)?;
        Some((similar, self.claim_named(namespace, similar, from)?))
    }

    fn index_claim_refs(&mut self) {
        for object in &self.model.objects {
            if let ObjectKind::Volume(volume) = &object.kind
                && let Some(name) = volume.claim_ref.and_then(|claim_ref| claim_ref.name)
            {
                self.volumes_by_claim_ref_name
                    .entry(name.value)
                    .or_default()
                    .push(object.id);
            }
            if let ObjectKind::Volume(volume) = &object.kind
                && let Some(claim_ref) = volume.claim_ref
                && let (Some(namespace), Some(name)) = (claim_ref.namespace, claim_ref.name)
            {
                self.volumes_by_claim_ref
                    .entry(namespace.value)
                    .or_default()
                    .entry(name.value)
                    .or_default()
                    .push(object.id);
            }
        }
    }

    /// A CSIDriver object (`storage.k8s.io`) named `name` in the manifests or cluster objects.
    #[must_use]
    pub fn csi_driver(&self, name: &str) -> Option<&Object<'a>> {
        self.model.objects.iter().find(|object| {
            object.key.group == "storage.k8s.io"
                && object.key.kind == "CSIDriver"
                && object.key.name == name
        })
    }

    /// Where the provisioner of the class `name` is written, for labels: the `provisioner` of
    /// the StorageClass object of that name closest to `from` (its name when it has none),
    /// else the config's declaration of a cluster class of that name.
    #[must_use]
    pub fn class_provisioner_span(&self, name: &str, from: FileId) -> Option<Span> {
        if let Some((object, class)) = self.storage_class(name, from) {
            return Some(
                class
                    .provisioner
                    .map_or_else(|| object.meta.name_span(), |provisioner| provisioner.span),
            );
        }
        self.cluster_classes
            .iter()
            .find(|class| class.name == name)
            .map(|class| class.span)
    }
}
