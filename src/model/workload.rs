//! Pods and every pod-template owner, normalised into one [`Workload`] shape: the pod spec,
//! how many pods run it, and the claims it brings (StatefulSet templates, ephemeral volumes).

use crate::load::tree::Node;
use crate::model::claim::{Claim, ClaimId, ClaimOrigin};
use crate::model::meta::{ObjectMeta, spanned_str};
use crate::model::{ObjectId, is_placeholder};
use crate::source::{Span, Spanned};

/// The kinds that run pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
}

impl WorkloadKind {
    /// The workload kind of a `kind` in its API group.
    #[must_use]
    pub fn from_kind(kind: &str, group: &str) -> Option<Self> {
        Some(match (group, kind) {
            ("", "Pod") => Self::Pod,
            ("", "ReplicationController") => Self::ReplicationController,
            ("apps" | "extensions", "Deployment") => Self::Deployment,
            ("apps", "StatefulSet") => Self::StatefulSet,
            ("apps" | "extensions", "DaemonSet") => Self::DaemonSet,
            ("apps" | "extensions", "ReplicaSet") => Self::ReplicaSet,
            ("batch", "Job") => Self::Job,
            ("batch", "CronJob") => Self::CronJob,
            _ => return None,
        })
    }

    /// The path from the object root to its pod spec.
    #[must_use]
    pub fn pod_spec_path(self) -> &'static [&'static str] {
        match self {
            Self::Pod => &["spec"],
            Self::CronJob => &["spec", "jobTemplate", "spec", "template", "spec"],
            _ => &["spec", "template", "spec"],
        }
    }

    /// The path from the object root to the field that sets how many pods run at once
    /// (`replicas`, `parallelism`); `None` for a Pod and a DaemonSet.
    #[must_use]
    pub fn pod_count_path(self) -> Option<&'static [&'static str]> {
        match self {
            Self::Pod | Self::DaemonSet => None,
            Self::Job => Some(&["spec", "parallelism"]),
            Self::CronJob => Some(&["spec", "jobTemplate", "spec", "parallelism"]),
            _ => Some(&["spec", "replicas"]),
        }
    }
}

/// How many pods a workload runs at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodCount {
    Exactly(u64),
    /// One per node (DaemonSet).
    PerNode,
    /// Not known from the manifest (a placeholder).
    Unknown,
}

impl PodCount {
    /// Whether more than one pod may run at once.
    #[must_use]
    pub fn is_several(self) -> bool {
        match self {
            Self::Exactly(count) => count > 1,
            Self::PerNode => true,
            Self::Unknown => false,
        }
    }
}

/// Which list a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    App,
    Ephemeral,
}

/// A `volumeMounts` entry.
#[derive(Debug, Clone, Copy)]
pub struct VolumeMount<'a> {
    pub name: Spanned<&'a str>,
    pub mount_path: Option<Spanned<&'a str>>,
    pub read_only: bool,
}

/// A `volumeDevices` entry.
#[derive(Debug, Clone, Copy)]
pub struct VolumeDevice<'a> {
    pub name: Spanned<&'a str>,
    pub device_path: Option<Spanned<&'a str>>,
}

/// A container's volume usage.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    pub name: Option<Spanned<&'a str>>,
    pub kind: ContainerKind,
    pub mounts: Vec<VolumeMount<'a>>,
    pub devices: Vec<VolumeDevice<'a>>,
}

/// What a pod volume is backed by.
#[derive(Debug, Clone, Copy)]
pub enum VolumeSource<'a> {
    /// `persistentVolumeClaim.claimName`.
    Claim {
        claim_name: Option<Spanned<&'a str>>,
        read_only: bool,
    },
    /// `ephemeral.volumeClaimTemplate`: the claim in the model's arena.
    Ephemeral { claim: ClaimId },
    /// Any other source, by its key (`configMap`, `hostPath`, …).
    Other(Option<&'a str>),
}

/// An entry of `volumes`.
#[derive(Debug, Clone, Copy)]
pub struct PodVolume<'a> {
    pub name: Spanned<&'a str>,
    pub node: &'a Node,
    pub source: VolumeSource<'a>,
}

/// A pod spec with its volumes and containers.
#[derive(Debug, Clone)]
pub struct PodSpec<'a> {
    pub node: &'a Node,
    pub volumes: Vec<PodVolume<'a>>,
    pub containers: Vec<Container<'a>>,
}

impl PodSpec<'_> {
    /// The volume declared under `name`.
    #[must_use]
    pub fn volume(&self, name: &str) -> Option<&PodVolume<'_>> {
        self.volumes.iter().find(|volume| volume.name.value == name)
    }
}

/// A Pod or a pod-template owner.
#[derive(Debug, Clone)]
pub struct Workload<'a> {
    pub kind: WorkloadKind,
    /// `None` for a partial object without a pod template (a kustomize patch).
    pub pod: Option<PodSpec<'a>>,
    pub pods: PodCount,
    /// StatefulSet claim templates, in order.
    pub claim_templates: Vec<ClaimId>,
    /// Ephemeral volume claims, in order.
    pub ephemeral_claims: Vec<ClaimId>,
}

impl<'a> Workload<'a> {
    /// Reads a workload and the claims it defines. Claim ids are provisional (0-based within
    /// this workload) until [`Workload::with_claims`] rebases them.
    #[must_use]
    pub fn read(
        id: ObjectId,
        kind: WorkloadKind,
        meta: &ObjectMeta<'a>,
        root: &'a Node,
        namespace: &str,
    ) -> (Self, Vec<Claim<'a>>) {
        let mut claims = Vec::new();
        let mut claim_templates = Vec::new();
        let pods = pod_count(kind, root);
        if kind == WorkloadKind::StatefulSet {
            let statefulset = meta.name.map_or("", |name| name.value);
            let start = root
                .path(&["spec", "ordinals", "start"])
                .and_then(Node::as_int)
                .and_then(|start| u64::try_from(start).ok())
                .unwrap_or(0);
            let replicas = match pods {
                PodCount::Exactly(count) => count,
                PodCount::PerNode | PodCount::Unknown => 1,
            };
            for template in root
                .path(&["spec"])
                .into_iter()
                .flat_map(|spec| spec.items("volumeClaimTemplates"))
            {
                let name = template.path(&["metadata", "name"]).and_then(spanned_str);
                let origin = ClaimOrigin::StatefulSetTemplate {
                    statefulset: statefulset.to_owned(),
                    start,
                    replicas,
                };
                claim_templates.push(provisional_id(claims.len()));
                claims.push(Claim::from_template(id, origin, template, name, namespace));
            }
        }
        let pod_name = (kind == WorkloadKind::Pod)
            .then(|| meta.name.map(|name| name.value.to_owned()))
            .flatten();
        let mut ephemeral_claims = Vec::new();
        let pod = root.path(kind.pod_spec_path()).map(|node| {
            let volumes = node
                .items("volumes")
                .filter_map(|volume| {
                    let name = volume.get("name").and_then(spanned_str)?;
                    let source = match volume.path(&["ephemeral", "volumeClaimTemplate"]) {
                        Some(template) => {
                            let origin = ClaimOrigin::Ephemeral {
                                pod: pod_name.clone(),
                                volume: name.value.to_owned(),
                            };
                            let claim = provisional_id(claims.len());
                            ephemeral_claims.push(claim);
                            claims.push(Claim::from_template(
                                id,
                                origin,
                                template,
                                Some(name),
                                namespace,
                            ));
                            VolumeSource::Ephemeral { claim }
                        }
                        None => volume_source(volume),
                    };
                    Some(PodVolume {
                        name,
                        node: volume,
                        source,
                    })
                })
                .collect();
            PodSpec {
                node,
                volumes,
                containers: containers(node),
            }
        });
        let workload = Self {
            kind,
            pod,
            pods,
            claim_templates,
            ephemeral_claims,
        };
        (workload, claims)
    }

    /// Rebases provisional claim ids onto the arena range `first..`.
    #[must_use]
    pub fn with_claims(mut self, first: usize) -> Self {
        let rebase = |id: &mut ClaimId| {
            *id = provisional_id(first + id.index());
        };
        self.claim_templates.iter_mut().for_each(rebase);
        self.ephemeral_claims.iter_mut().for_each(rebase);
        if let Some(pod) = &mut self.pod {
            for volume in &mut pod.volumes {
                if let VolumeSource::Ephemeral { claim } = &mut volume.source {
                    rebase(claim);
                }
            }
        }
        self
    }

    /// Whether the object is a fragment rather than a whole workload, typically the body of a
    /// kustomize strategic-merge patch that is merged into a base: an `apps/v1` controller
    /// without `selector` or pod-template labels (both required), or a pod spec without
    /// `containers` or with a container that has no `image`. None of these can run as
    /// written, so volume-wiring checks that need the whole pod skip them.
    #[must_use]
    pub fn looks_partial(&self, meta: &ObjectMeta<'_>) -> bool {
        let Some(pod) = &self.pod else {
            return true;
        };
        let strict_apps = matches!(meta.api_version.value, "apps/v1" | "apps/v1beta2")
            && matches!(
                self.kind,
                WorkloadKind::Deployment
                    | WorkloadKind::StatefulSet
                    | WorkloadKind::DaemonSet
                    | WorkloadKind::ReplicaSet
            );
        if strict_apps
            && (meta.root.path(&["spec", "selector"]).is_none()
                || meta
                    .root
                    .path(&["spec", "template", "metadata", "labels"])
                    .is_none())
        {
            return true;
        }
        if pod.node.items("containers").next().is_none() {
            return true;
        }
        ["initContainers", "containers"]
            .into_iter()
            .flat_map(|key| pod.node.items(key))
            .any(|container| container.get("image").is_none())
    }
}

fn provisional_id(index: usize) -> ClaimId {
    ClaimId(u32::try_from(index).unwrap_or(u32::MAX))
}

fn pod_count(kind: WorkloadKind, root: &Node) -> PodCount {
    let field: &[&str] = match kind {
        WorkloadKind::Pod => return PodCount::Exactly(1),
        WorkloadKind::DaemonSet => return PodCount::PerNode,
        WorkloadKind::Job => &["spec", "parallelism"],
        WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "parallelism"],
        _ => &["spec", "replicas"],
    };
    match root.path(field) {
        None => PodCount::Exactly(1),
        Some(node) => match node.as_int().and_then(|count| u64::try_from(count).ok()) {
            Some(count) => PodCount::Exactly(count),
            None if node.as_str().is_some_and(is_placeholder) => PodCount::Unknown,
            None => PodCount::Unknown,
        },
    }
}

fn volume_source(volume: &Node) -> VolumeSource<'_> {
    if let Some(claim) = volume.get("persistentVolumeClaim") {
        return VolumeSource::Claim {
            claim_name: claim.get("claimName").and_then(spanned_str),
            read_only: claim
                .get("readOnly")
                .and_then(Node::as_bool)
                .unwrap_or(false),
        };
    }
    let key = volume
        .as_mapping()
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| entry.key_text())
        .find(|key| *key != "name");
    VolumeSource::Other(key)
}

fn containers(pod: &Node) -> Vec<Container<'_>> {
    [
        ("initContainers", ContainerKind::Init),
        ("containers", ContainerKind::App),
        ("ephemeralContainers", ContainerKind::Ephemeral),
    ]
    .into_iter()
    .flat_map(|(key, kind)| pod.items(key).map(move |node| container(node, kind)))
    .collect()
}

fn container(node: &Node, kind: ContainerKind) -> Container<'_> {
    let mounts = node
        .items("volumeMounts")
        .filter_map(|mount| {
            Some(VolumeMount {
                name: mount.get("name").and_then(spanned_str)?,
                mount_path: mount.get("mountPath").and_then(spanned_str),
                read_only: mount
                    .get("readOnly")
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect();
    let devices = node
        .items("volumeDevices")
        .filter_map(|device| {
            Some(VolumeDevice {
                name: device.get("name").and_then(spanned_str)?,
                device_path: device.get("devicePath").and_then(spanned_str),
            })
        })
        .collect();
    Container {
        name: node.get("name").and_then(spanned_str),
        kind,
        mounts,
        devices,
    }
}

/// The span of a container's name, or of the container itself.
#[must_use]
pub fn container_span(container: &Container<'_>, fallback: Span) -> Span {
    container.name.map_or(fallback, |name| name.span)
}
