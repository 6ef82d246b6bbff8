//! Snapshots and clones: how a name that an object gives for a claim resolves (allowing for
//! namespaces and StatefulSet ordinals decided at deploy time), the CSI driver behind a claim,
//! VolumeSnapshotClasses by driver, and the claim a VolumeSnapshot is taken from.

use crate::index::{ClassResolution, Index};
use crate::model::workload::PodCount;
use crate::model::{
    ClaimId, ClaimOrigin, Object, ObjectId, ObjectKey, ObjectKind, VolumeSnapshot,
    VolumeSnapshotClass, Workload, is_placeholder,
};
use crate::source::{FileId, Span, Spanned};

/// The snapshot API group.
const SNAPSHOT_GROUP: &str = "snapshot.storage.k8s.io";

/// How a claim name that a namespaced object gives resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimLookup<'s> {
    /// A claim of the manifests in the object's namespace.
    Found(ClaimId),
    /// Possibly a claim: one of that name exists where the namespace of the object or of the
    /// claim is not written (set at deploy time), or a StatefulSet that may run that ordinal
    /// generates it.
    Possible,
    /// `<template>-<statefulset>-<ordinal>` of a template whose StatefulSet runs only the
    /// ordinals `first..=last`.
    OutOfRange {
        template: ClaimId,
        first: u64,
        last: u64,
    },
    /// Only a claim in another written namespace has that name: its `metadata.namespace`.
    OtherNamespace(Spanned<&'s str>),
    /// No claim of that name.
    Missing,
}

/// How a VolumeSnapshot name that a namespaced object gives resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotLookup<'s> {
    /// A VolumeSnapshot of the manifests in the object's namespace.
    Found(ObjectId),
    /// One of that name exists where a namespace is not written (set at deploy time).
    Possible,
    /// Only a snapshot in another written namespace has that name: its `metadata.namespace`.
    OtherNamespace(Spanned<&'s str>),
    /// No snapshot of that name.
    Missing,
}

/// How a name of the StatefulSet-generated shape relates to the sets in the object's
/// namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordinal {
    /// The set may run this ordinal (replicas unwritten or a placeholder).
    Possible,
    /// The set runs ordinals `first..=last` only; the template claim.
    OutOfRange(ClaimId, u64, u64),
}

/// Where the driver of a claim was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverOrigin {
    /// `spec.csi.driver` of the PersistentVolume the claim is pre-bound or reserved to.
    Volume,
    /// The `provisioner` of the class the claim names.
    Class,
    /// The `provisioner` of the default class a claim without `storageClassName` gets.
    DefaultClass,
    /// A class declared under `cluster.storage-classes`.
    ClusterClass,
}

/// The CSI driver (or provisioner) behind a claim, with where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Driver<'s> {
    pub name: &'s str,
    /// The provisioner or `csi.driver` value, or the config entry of a cluster class.
    pub span: Span,
    pub origin: DriverOrigin,
}

impl Driver<'_> {
    /// An in-tree `kubernetes.io/…` provisioner (or `no-provisioner`): its volumes are not CSI
    /// volumes, or only through CSI migration, so driver comparisons say nothing.
    #[must_use]
    pub fn is_in_tree(&self) -> bool {
        self.name.starts_with("kubernetes.io/")
    }

    /// A label for the driver's span, about the claim described by `whose` (`"the claim"`,
    /// `"the source claim"`).
    #[must_use]
    pub fn label(&self, whose: &str) -> String {
        match self.origin {
            DriverOrigin::Volume => {
                format!("{whose} is bound to a volume of driver `{}`", self.name)
            }
            DriverOrigin::Class => format!("{whose}'s class provisions with `{}`", self.name),
            DriverOrigin::DefaultClass => {
                format!(
                    "{whose} gets the default class, which provisions with `{}`",
                    self.name
                )
            }
            DriverOrigin::ClusterClass => format!(
                "{whose}'s class (in the cluster, per the config) provisions with `{}`",
                self.name
            ),
        }
    }
}

/// A StatefulSet claim template's range of claim names, for findings.
#[derive(Debug, Clone)]
pub struct OrdinalRange<'s> {
    pub statefulset: &'s str,
    /// The template's name (else the StatefulSet's).
    pub template: Span,
    pub first: String,
    pub last: String,
}

impl OrdinalRange<'_> {
    /// `` this template creates `data-db-0` to `data-db-2` ``.
    #[must_use]
    pub fn label(&self) -> String {
        format!("this template creates `{}` to `{}`", self.first, self.last)
    }
}

impl<'a> Index<'a> {
    /// How the claim `name`, given by `referrer` (a pod, a VolumeSnapshot, a clone), resolves
    /// in the referrer's namespace (SEMANTICS §5.1, §6.1, §6.3). A namespace that is not
    /// written is set at deploy time (`kubectl -n`, kustomize `namespace:`), so a claim of the
    /// same name in another namespace counts as possible when either side leaves its namespace
    /// unwritten.
    #[must_use]
    pub fn lookup_claim(&self, referrer: &Object<'a>, name: &str) -> ClaimLookup<'_> {
        let namespace = referrer.key.namespace.as_deref().unwrap_or_default();
        if let Some(claim) = self.claim_named(namespace, name, referrer.file()) {
            return ClaimLookup::Found(claim);
        }
        let mut other_namespace = None;
        for &candidate in self.claims_with_name(name) {
            let owner = self.object(self.claim(candidate).owner);
            if referrer.meta.namespace.is_none() || owner.meta.namespace.is_none() {
                return ClaimLookup::Possible;
            }
            other_namespace = other_namespace.or(owner.meta.namespace);
        }
        match self.statefulset_ordinal(referrer, name) {
            Some(Ordinal::Possible) => return ClaimLookup::Possible,
            Some(Ordinal::OutOfRange(template, first, last)) => {
                return ClaimLookup::OutOfRange {
                    template,
                    first,
                    last,
                };
            }
            None => {}
        }
        other_namespace.map_or(ClaimLookup::Missing, ClaimLookup::OtherNamespace)
    }

    /// What a finding says about a name beyond a StatefulSet's replicas
    /// ([`ClaimLookup::OutOfRange`]): the StatefulSet, where its template is written, and the
    /// first and last claim names the template creates.
    #[must_use]
    pub fn ordinal_range(&self, template: ClaimId, first: u64, last: u64) -> OrdinalRange<'_> {
        let claim = self.claim(template);
        let statefulset = self.object(claim.owner);
        let set = statefulset.meta.name.map_or("", |name| name.value);
        let name = claim.name.map_or("", |name| name.value);
        OrdinalRange {
            statefulset: set,
            template: claim
                .name
                .map_or(statefulset.meta.name_span(), |name| name.span),
            first: format!("{name}-{set}-{first}"),
            last: format!("{name}-{set}-{last}"),
        }
    }

    /// Whether `name` is `<template>-<statefulset>-<ordinal>` for a claim template in a
    /// namespace `referrer` may share.
    #[must_use]
    pub fn statefulset_ordinal(&self, referrer: &Object<'a>, name: &str) -> Option<Ordinal> {
        let namespace = referrer.key.namespace.as_deref().unwrap_or_default();
        let mut out_of_range = None;
        // Only the templates whose claims share the name without its ordinal can match: a
        // lookup, not a scan of every claim per name.
        let stem = name.rsplit_once('-').map_or("", |(stem, _)| stem);
        let templates = self
            .templates_by_stem
            .get(stem)
            .map_or(&[][..], Vec::as_slice);
        for &id in templates {
            let claim = self.claim(id);
            let ClaimOrigin::StatefulSetTemplate {
                statefulset,
                start,
                replicas,
            } = &claim.origin
            else {
                continue;
            };
            let owner = self.object(claim.owner);
            let same_namespace = claim.namespace == namespace
                || referrer.meta.namespace.is_none()
                || owner.meta.namespace.is_none();
            let Some(template) = claim.name else {
                continue;
            };
            let Some(ordinal) = name
                .strip_prefix(template.value)
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|rest| rest.strip_prefix(statefulset.as_str()))
                .and_then(|rest| rest.strip_prefix('-'))
                .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse::<u64>().ok())
            else {
                continue;
            };
            if !same_namespace {
                continue;
            }
            let scaled_elsewhere = owner.meta.root.path(&["spec", "replicas"]).is_none()
                || matches!(
                    owner.kind,
                    ObjectKind::Workload(Workload {
                        pods: PodCount::Unknown,
                        ..
                    })
                );
            let last = start.saturating_add(replicas.saturating_sub(1));
            if ordinal >= *start && (scaled_elsewhere || (*replicas > 0 && ordinal <= last)) {
                return Some(Ordinal::Possible);
            }
            if *replicas > 0 && !scaled_elsewhere {
                out_of_range = out_of_range.or(Some(Ordinal::OutOfRange(claim.id, *start, last)));
            }
        }
        out_of_range
    }

    /// The provisioner of the class a claim gets, as far as the manifests tell: the class it
    /// names (an object or a `cluster.storage-classes` entry), or for a claim without
    /// `storageClassName` the default class (SEMANTICS §2.2) when every default the claim may
    /// get (in the manifests applied with it, or declared in the config) has the same
    /// provisioner. `None` for `storageClassName: ""`, unknown classes and placeholders.
    #[must_use]
    pub fn class_provisioner(&self, claim: ClaimId) -> Option<Driver<'_>> {
        let driver = match self.claim_class(claim) {
            ClassResolution::Object(class) => class_driver(self.object(class), DriverOrigin::Class),
            ClassResolution::Cluster(at) => {
                let class = self.cluster_class(at)?;
                Some(Driver {
                    name: class.provisioner.as_deref()?,
                    span: class.span,
                    origin: DriverOrigin::ClusterClass,
                })
            }
            ClassResolution::Unset => {
                self.default_provisioner(self.object(self.claim(claim).owner).file())
            }
            ClassResolution::Missing | ClassResolution::Empty | ClassResolution::Placeholder => {
                None
            }
        }?;
        (!is_placeholder(driver.name)).then_some(driver)
    }

    /// The CSI driver that holds a claim's data: `spec.csi.driver` of the PersistentVolume it
    /// is pre-bound or reserved to in the manifests, else its class's provisioner
    /// ([`Index::class_provisioner`]). `None` when unknown, or when that PV is not a CSI
    /// volume.
    #[must_use]
    pub fn claim_driver(&self, claim: ClaimId) -> Option<Driver<'_>> {
        let prebound = self
            .claim(claim)
            .spec
            .volume_name
            .is_some_and(|name| !name.value.is_empty());
        if let Some((_, volume)) = self.claim_volume(claim) {
            let driver = volume.csi_driver()?;
            return (!is_placeholder(driver.value)).then_some(Driver {
                name: driver.value,
                span: driver.span,
                origin: DriverOrigin::Volume,
            });
        }
        if prebound {
            return None;
        }
        self.class_provisioner(claim)
    }

    /// The provisioner of the default class for a claim in `from`: every default class in
    /// the manifests applied with it (same directory tree) and in the config must agree.
    fn default_provisioner(&self, from: FileId) -> Option<Driver<'_>> {
        let mut defaults = self
            .default_classes()
            .filter(|object| self.same_tree(from, object.file()))
            .map(|object| class_driver(object, DriverOrigin::DefaultClass))
            .chain(
                self.cluster_classes()
                    .iter()
                    .filter(|class| class.default)
                    .map(|class| {
                        Some(Driver {
                            name: class.provisioner.as_deref()?,
                            span: class.span,
                            origin: DriverOrigin::ClusterClass,
                        })
                    }),
            );
        let first = defaults.next()??;
        defaults
            .all(|other| other.is_some_and(|other| other.name == first.name))
            .then_some(first)
    }

    /// Whether any default StorageClass exists: in the manifests or declared in the config.
    #[must_use]
    pub fn has_default_class(&self) -> bool {
        self.default_classes().next().is_some()
            || self.cluster_classes().iter().any(|class| class.default)
    }

    /// Every VolumeSnapshotClass of the manifests, in load order.
    pub fn snapshot_classes(
        &self,
    ) -> impl Iterator<Item = (&Object<'a>, &VolumeSnapshotClass<'a>)> {
        self.objects()
            .iter()
            .filter_map(|object| match &object.kind {
                ObjectKind::VolumeSnapshotClass(class) => Some((object, class)),
                _ => None,
            })
    }

    /// The VolumeSnapshotClasses for `driver`, in load order.
    pub fn snapshot_classes_for<'s>(
        &'s self,
        driver: &'s str,
    ) -> impl Iterator<Item = &'s Object<'a>> {
        self.snapshot_classes()
            .filter(move |(_, class)| class.driver.is_some_and(|name| name.value == driver))
            .map(|(object, _)| object)
    }

    /// A VolumeSnapshotClass name in the manifests within typo distance of `name`.
    #[must_use]
    pub fn similar_snapshot_class(&self, name: &str) -> Option<&str> {
        let mut names: Vec<&str> = self.snapshot_classes.keys().copied().collect();
        names.sort_unstable();
        crate::suggest::closest(name, names)
    }

    /// A VolumeSnapshot name in `namespace` within typo distance of `name` (but not `name`).
    #[must_use]
    pub fn similar_snapshot(&self, namespace: &str, name: &str) -> Option<&str> {
        let mut names: Vec<&str> = self
            .snapshots
            .keys()
            .filter(|(ns, candidate)| ns == namespace && candidate != name)
            .map(|(_, candidate)| candidate.as_str())
            .collect();
        names.sort_unstable();
        crate::suggest::closest(name, names)
    }

    /// The claim a VolumeSnapshot object is taken from
    /// (`spec.source.persistentVolumeClaimName`), when it is in the manifests.
    #[must_use]
    pub fn snapshot_source(&self, snapshot: &Object<'a>) -> Option<ClaimId> {
        let ObjectKind::VolumeSnapshot(VolumeSnapshot {
            source_claim: Some(name),
            ..
        }) = &snapshot.kind
        else {
            return None;
        };
        let namespace = snapshot.key.namespace.as_deref().unwrap_or_default();
        self.claim_named(namespace, name.value, snapshot.file())
    }

    /// The VolumeSnapshotContent named `name` closest to `from`.
    #[must_use]
    pub fn snapshot_content(&self, name: &str, from: FileId) -> Option<&Object<'a>> {
        let key = ObjectKey {
            group: SNAPSHOT_GROUP.to_owned(),
            kind: "VolumeSnapshotContent".to_owned(),
            namespace: None,
            name: name.to_owned(),
        };
        let candidates = self.objects_with_key(&key).to_vec();
        Some(self.object(self.closest(Some(&candidates), from)?))
    }

    /// How the VolumeSnapshot `name`, given by `referrer` (a restored claim), resolves in the
    /// referrer's namespace, allowing for namespaces set at deploy time as
    /// [`Index::lookup_claim`] does.
    #[must_use]
    pub fn lookup_snapshot(&self, referrer: &Object<'a>, name: &str) -> SnapshotLookup<'_> {
        let namespace = referrer.key.namespace.as_deref().unwrap_or_default();
        if let Some(snapshot) = self.snapshot_named(namespace, name, referrer.file()) {
            return SnapshotLookup::Found(snapshot.id);
        }
        let mut other_namespace = None;
        for object in self.objects() {
            if !matches!(object.kind, ObjectKind::VolumeSnapshot(_)) || object.key.name != name {
                continue;
            }
            if referrer.meta.namespace.is_none() || object.meta.namespace.is_none() {
                return SnapshotLookup::Possible;
            }
            other_namespace = other_namespace.or(object.meta.namespace);
        }
        other_namespace.map_or(SnapshotLookup::Missing, SnapshotLookup::OtherNamespace)
    }
}

/// The provisioner of a StorageClass object.
fn class_driver<'s>(object: &'s Object<'_>, origin: DriverOrigin) -> Option<Driver<'s>> {
    let ObjectKind::StorageClass(class) = &object.kind else {
        return None;
    };
    let provisioner = class.provisioner?;
    Some(Driver {
        name: provisioner.value,
        span: provisioner.span,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{self, Inputs};
    use crate::model::{Model, ModelOptions};
    use crate::settings::Settings;
    use crate::source::SourceMap;

    /// Runs `test` on the index of `yaml`, read as stdin.
    fn with_index(yaml: &str, test: impl FnOnce(&Index<'_>)) {
        let inputs = Inputs {
            stdin: Some(yaml.to_owned()),
            ..Inputs::default()
        };
        let workspace = load::load(&inputs, &Settings::default().load, SourceMap::default());
        let model = Model::build(workspace.documents(), &ModelOptions::default());
        let index = Index::build(model, &workspace.sources, Vec::new());
        test(&index);
    }

    fn snapshot<'i, 'a>(index: &'i Index<'a>, name: &str) -> &'i Object<'a> {
        index
            .objects()
            .iter()
            .find(|object| object.key.kind == "VolumeSnapshot" && object.key.name == name)
            .expect("the snapshot is in the test input")
    }

    const CLAIM_AND_SNAPSHOTS: &str = "\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: db }
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: { name: same, namespace: db }
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: { name: other, namespace: backup }
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: { name: unwritten }
";

    #[test]
    fn claims_resolve_in_the_namespace_or_where_it_is_not_written() {
        with_index(CLAIM_AND_SNAPSHOTS, |index| {
            assert!(matches!(
                index.lookup_claim(snapshot(index, "same"), "data"),
                ClaimLookup::Found(_)
            ));
            assert!(matches!(
                index.lookup_claim(snapshot(index, "other"), "data"),
                ClaimLookup::OtherNamespace(namespace) if namespace.value == "db"
            ));
            assert_eq!(
                index.lookup_claim(snapshot(index, "unwritten"), "data"),
                ClaimLookup::Possible
            );
            assert_eq!(
                index.lookup_claim(snapshot(index, "same"), "logs"),
                ClaimLookup::Missing
            );
        });
    }

    const DEFAULTS: &str = "\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
  annotations: { storageclass.kubernetes.io/is-default-class: \"true\" }
provisioner: ebs.csi.aws.com
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
";

    #[test]
    fn a_claim_without_class_gets_the_provisioner_of_the_default_class() {
        with_index(DEFAULTS, |index| {
            let driver = index.class_provisioner(ClaimId(0));
            assert_eq!(driver.map(|driver| driver.name), Some("ebs.csi.aws.com"));
            assert_eq!(
                driver.map(|driver| driver.origin),
                Some(DriverOrigin::DefaultClass)
            );
        });
        let disagreeing = format!(
            "{DEFAULTS}---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  \
             name: efs\n  annotations: {{ storageclass.kubernetes.io/is-default-class: \"true\" }}\n\
             provisioner: efs.csi.aws.com\n"
        );
        with_index(&disagreeing, |index| {
            assert_eq!(index.class_provisioner(ClaimId(0)), None);
        });
    }

    #[test]
    fn in_tree_provisioners_are_recognised() {
        let driver = |name| Driver {
            name,
            span: Span::default(),
            origin: DriverOrigin::Class,
        };
        assert!(driver("kubernetes.io/aws-ebs").is_in_tree());
        assert!(!driver("ebs.csi.aws.com").is_in_tree());
    }
}
