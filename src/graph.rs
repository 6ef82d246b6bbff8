//! The storage graph: which workloads mount which claims, which class or volume each claim
//! gets, which driver provisions it, and which objects have findings.
//!
//! Built once per check from the index and the plan ([`StorageGraph::build`]), then marked
//! with the worst severity of the findings inside each object ([`StorageGraph::mark`]).
//! `report::graph` draws it (Mermaid, DOT); the Markdown summary embeds the Mermaid drawing.
//!
//! Edges point from the object that refers to the one it refers to: workload → claim
//! (`mounts`), claim → class (`class`, `default class`), claim → volume (`binds`), claim →
//! snapshot or claim (`restores`, `clones`), snapshot → claim (`source`), class and volume →
//! driver (`provisioner`, `driver`). A reference the manifests do not resolve (a class or claim
//! defined nowhere) ends at a node marked `missing`.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::index::{ClassResolution, DataSource, Index};
use crate::model::{ClaimClass, ClaimId, ClaimOrigin, Object, ObjectId, ObjectKind, VolumeSource};
use crate::model::{Workload, is_placeholder};
use crate::provision::Plan;
use crate::source::Span;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A Pod or a pod-template owner that uses claims.
    Workload,
    /// A PVC, a StatefulSet claim template or a generic ephemeral volume's claim.
    Claim,
    /// A PersistentVolume.
    Volume,
    /// A StorageClass (an object, or a class the config declares in the cluster).
    StorageClass,
    /// A VolumeSnapshot.
    Snapshot,
    /// A provisioner or CSI driver, by name.
    Driver,
}

/// One object (or driver) of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    pub kind: NodeKind,
    /// What the node shows as its type: the object's kind (`Deployment`, `PVC`, `PV`,
    /// `StorageClass`, `VolumeSnapshot`), `PVC template`, `ephemeral PVC`, or `driver`.
    pub type_name: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Referenced but defined nowhere in the manifests (a missing class or claim), or a class
    /// known only from the config (`cluster`).
    pub origin: NodeOrigin,
    /// The worst severity of the findings inside the object.
    pub severity: Option<Severity>,
    /// Where the object (or claim template) is written: findings inside count for it.
    pub span: Option<Span>,
}

impl GraphNode {
    /// `namespace/name`, or `name` for cluster-scoped objects and drivers.
    #[must_use]
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(namespace) if !namespace.is_empty() => format!("{namespace}/{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// `PVC web/data`, `StorageClass gp3 (missing)`: what a drawing writes in the node.
    #[must_use]
    pub fn label(&self) -> String {
        let suffix = match self.origin {
            NodeOrigin::Manifests => "",
            NodeOrigin::Missing => " (missing)",
            NodeOrigin::Cluster => " (cluster)",
        };
        format!("{} {}{suffix}", self.type_name, self.qualified_name())
    }
}

/// Where a node comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeOrigin {
    /// Written in the manifests (or a driver they name).
    Manifests,
    /// Referenced, but defined nowhere.
    Missing,
    /// Declared in the config as a class of the cluster.
    Cluster,
}

/// A reference from one node to another; `from` and `to` index [`StorageGraph::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    /// `mounts`, `class`, `default class`, `binds`, `restores`, `clones`, `source`,
    /// `provisioner` or `driver`.
    pub label: &'static str,
}

/// The storage graph of a check: nodes in load order (a workload's claim templates right
/// after it, drivers where first named), edges without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorageGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

impl StorageGraph {
    /// Builds the graph of the objects of an index, with the plan's bindings and default
    /// classes. Workloads that use no claim are left out; every other storage object is in.
    #[must_use]
    pub fn build(index: &Index<'_>, plan: &Plan) -> Self {
        let mut builder = Builder {
            index,
            plan,
            graph: StorageGraph::default(),
            objects: HashMap::new(),
            claims: HashMap::new(),
            named: HashMap::new(),
            edges: std::collections::HashSet::new(),
        };
        for object in index.objects() {
            builder.add_object(object);
        }
        for object in index.objects() {
            builder.link_object(object);
        }
        for claim in index.claims() {
            builder.link_claim(claim.id);
        }
        builder.graph
    }

    /// Marks each node with the worst severity of the findings whose primary span lies inside
    /// it (the innermost node: a claim template rather than its StatefulSet).
    pub fn mark(&mut self, diagnostics: &[Diagnostic]) {
        let mut located: Vec<(Span, usize)> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(at, node)| Some((node.span?, at)))
            .collect();
        located.sort_by_key(|(span, at)| (span.file, span.start, std::cmp::Reverse(span.end), *at));
        for diagnostic in diagnostics {
            let span = diagnostic.span;
            let after = located
                .partition_point(|(node, _)| (node.file, node.start) <= (span.file, span.start));
            let inner = located
                .get(..after)
                .unwrap_or_default()
                .iter()
                .rev()
                .take_while(|(node, _)| node.file == span.file)
                .find(|(node, _)| node.contains(span));
            if let Some(&(_, at)) = inner
                && let Some(node) = self.nodes.get_mut(at)
            {
                node.severity = node.severity.max(Some(diagnostic.severity));
            }
        }
    }

    /// The nodes an edge touches, by index, in both directions.
    #[must_use]
    pub fn neighbours(&self) -> Vec<Vec<usize>> {
        let mut neighbours = vec![Vec::new(); self.nodes.len()];
        for edge in &self.edges {
            if let Some(list) = neighbours.get_mut(edge.from) {
                list.push(edge.to);
            }
            if let Some(list) = neighbours.get_mut(edge.to) {
                list.push(edge.from);
            }
        }
        neighbours
    }
}

/// A node found by name rather than by object: a driver, a missing class or claim, a cluster
/// class.
type NamedKey = (NodeKind, NodeOrigin, Option<String>, String);

struct Builder<'i, 'a> {
    index: &'i Index<'a>,
    plan: &'i Plan,
    graph: StorageGraph,
    objects: HashMap<ObjectId, usize>,
    claims: HashMap<ClaimId, usize>,
    named: HashMap<NamedKey, usize>,
    edges: std::collections::HashSet<GraphEdge>,
}

impl<'a> Builder<'_, 'a> {
    fn push(&mut self, node: GraphNode) -> usize {
        self.graph.nodes.push(node);
        self.graph.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, label: &'static str) {
        let edge = GraphEdge { from, to, label };
        if from != to && self.edges.insert(edge) {
            self.graph.edges.push(edge);
        }
    }

    /// The node of a driver, missing object or cluster class, made when first named.
    fn named(
        &mut self,
        kind: NodeKind,
        origin: NodeOrigin,
        type_name: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> usize {
        let key = (kind, origin, namespace.map(str::to_owned), name.to_owned());
        if let Some(&at) = self.named.get(&key) {
            return at;
        }
        let at = self.push(GraphNode {
            kind,
            type_name: type_name.to_owned(),
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
            origin,
            severity: None,
            span: None,
        });
        self.named.insert(key, at);
        at
    }

    fn driver(&mut self, name: &str) -> usize {
        self.named(
            NodeKind::Driver,
            NodeOrigin::Manifests,
            "driver",
            None,
            name,
        )
    }

    fn object_node(object: &Object<'a>, kind: NodeKind, type_name: &str) -> GraphNode {
        GraphNode {
            kind,
            type_name: type_name.to_owned(),
            namespace: object.key.namespace.clone(),
            name: object.key.name.clone(),
            origin: NodeOrigin::Manifests,
            severity: None,
            span: Some(object.span()),
        }
    }

    fn add_object(&mut self, object: &Object<'a>) {
        let (kind, type_name) = match &object.kind {
            ObjectKind::Claim(id) => {
                let node = Self::object_node(object, NodeKind::Claim, "PVC");
                let at = self.push(node);
                self.claims.insert(*id, at);
                return;
            }
            ObjectKind::Workload(workload) if uses_claims(workload) => {
                (NodeKind::Workload, object.key.kind.as_str())
            }
            ObjectKind::Volume(_) => (NodeKind::Volume, "PV"),
            ObjectKind::StorageClass(_) => (NodeKind::StorageClass, "StorageClass"),
            ObjectKind::VolumeSnapshot(_) => (NodeKind::Snapshot, "VolumeSnapshot"),
            _ => return,
        };
        let node = Self::object_node(object, kind, type_name);
        let at = self.push(node);
        self.objects.insert(object.id, at);
        if let ObjectKind::Workload(workload) = &object.kind {
            for &id in workload
                .claim_templates
                .iter()
                .chain(&workload.ephemeral_claims)
            {
                let claim = self.index.claim(id);
                let (type_name, name) = match &claim.origin {
                    ClaimOrigin::StatefulSetTemplate { .. } => (
                        "PVC template",
                        claim.name.map_or("", |name| name.value).to_owned(),
                    ),
                    ClaimOrigin::Ephemeral { .. } | ClaimOrigin::Object => (
                        "ephemeral PVC",
                        claim
                            .cluster_names(1)
                            .into_iter()
                            .next()
                            .or_else(|| claim.name.map(|name| name.value.to_owned()))
                            .unwrap_or_default(),
                    ),
                };
                let claim_at = self.push(GraphNode {
                    kind: NodeKind::Claim,
                    type_name: type_name.to_owned(),
                    namespace: Some(claim.namespace.clone()),
                    name,
                    origin: NodeOrigin::Manifests,
                    severity: None,
                    span: Some(claim.node.span),
                });
                self.claims.insert(id, claim_at);
            }
        }
    }

    fn link_object(&mut self, object: &Object<'a>) {
        let Some(&at) = self.objects.get(&object.id) else {
            return;
        };
        match &object.kind {
            ObjectKind::Workload(workload) => self.link_workload(object, workload, at),
            ObjectKind::StorageClass(class) => {
                if let Some(provisioner) = class.provisioner
                    && !provisioner.value.is_empty()
                    && !is_placeholder(provisioner.value)
                {
                    let driver = self.driver(provisioner.value);
                    self.edge(at, driver, "provisioner");
                }
            }
            ObjectKind::Volume(volume) => {
                if let Some(driver) = volume.csi_driver()
                    && !is_placeholder(driver.value)
                {
                    let driver = self.driver(driver.value);
                    self.edge(at, driver, "driver");
                }
            }
            ObjectKind::VolumeSnapshot(snapshot) => {
                if let Some(source) = snapshot.source_claim
                    && !is_placeholder(source.value)
                {
                    let namespace = object.key.namespace.as_deref().unwrap_or_default();
                    let claim = self
                        .index
                        .claim_named(namespace, source.value, object.file())
                        .and_then(|claim| self.claims.get(&claim).copied());
                    let to = claim.unwrap_or_else(|| {
                        self.named(
                            NodeKind::Claim,
                            NodeOrigin::Missing,
                            "PVC",
                            Some(namespace),
                            source.value,
                        )
                    });
                    self.edge(at, to, "source");
                }
            }
            _ => {}
        }
    }

    fn link_workload(&mut self, object: &Object<'a>, workload: &Workload<'a>, at: usize) {
        for &template in &workload.claim_templates {
            if let Some(&claim) = self.claims.get(&template) {
                self.edge(at, claim, "mounts");
            }
        }
        let Some(pod) = &workload.pod else {
            return;
        };
        let namespace = object.key.namespace.as_deref().unwrap_or_default();
        for (volume_at, volume) in pod.volumes.iter().enumerate() {
            match volume.source {
                VolumeSource::Claim {
                    claim_name: Some(name),
                    ..
                } if !is_placeholder(name.value)
                    && !name.value.is_empty()
                    && !self.index.replaced_by_template(object.id, volume_at) =>
                {
                    let claim = self
                        .index
                        .volume_claim(object.id, volume_at)
                        .and_then(|claim| self.claims.get(&claim).copied());
                    let to = claim.unwrap_or_else(|| {
                        self.named(
                            NodeKind::Claim,
                            NodeOrigin::Missing,
                            "PVC",
                            Some(namespace),
                            name.value,
                        )
                    });
                    self.edge(at, to, "mounts");
                }
                VolumeSource::Ephemeral { claim } => {
                    if let Some(&claim) = self.claims.get(&claim) {
                        self.edge(at, claim, "mounts");
                    }
                }
                _ => {}
            }
        }
    }

    fn link_claim(&mut self, id: ClaimId) {
        let Some(&at) = self.claims.get(&id) else {
            return;
        };
        let claim = self.index.claim(id);
        let from = self.index.object(claim.owner).file();
        match self.index.claim_class(id) {
            ClassResolution::Object(class) => {
                if let Some(&class) = self.objects.get(&class) {
                    self.edge(at, class, "class");
                }
            }
            ClassResolution::Cluster(class) => {
                if let Some(class) = self.index.cluster_class(class).cloned() {
                    let node = self.cluster_class(&class.name, class.provisioner.as_deref());
                    self.edge(at, node, "class");
                }
            }
            ClassResolution::Missing => {
                if let ClaimClass::Named(name) = claim.class() {
                    let node = self.named(
                        NodeKind::StorageClass,
                        NodeOrigin::Missing,
                        "StorageClass",
                        None,
                        name.value,
                    );
                    self.edge(at, node, "class");
                }
            }
            ClassResolution::Unset => {
                let default = self
                    .plan
                    .for_claim(id)
                    .find(|plan| plan.class.how == "default")
                    .and_then(|plan| plan.class.name.clone());
                if let Some(name) = default {
                    let node = match self.index.storage_class(&name, from) {
                        Some((object, _)) => self.objects.get(&object.id).copied(),
                        None => self
                            .index
                            .cluster_classes()
                            .iter()
                            .find(|class| class.name == name)
                            .cloned()
                            .map(|class| {
                                self.cluster_class(&class.name, class.provisioner.as_deref())
                            }),
                    };
                    if let Some(node) = node {
                        self.edge(at, node, "default class");
                    }
                }
            }
            ClassResolution::Empty | ClassResolution::Placeholder => {}
        }
        let volumes: Vec<ObjectId> = self
            .plan
            .for_claim(id)
            .filter_map(|plan| plan.volume_object)
            .collect();
        for volume in volumes {
            if let Some(&volume) = self.objects.get(&volume) {
                self.edge(at, volume, "binds");
            }
        }
        match self.index.data_source(claim) {
            Some(DataSource::Snapshot(snapshot)) => {
                if let Some(&snapshot) = self.objects.get(&snapshot) {
                    self.edge(at, snapshot, "restores");
                }
            }
            Some(DataSource::Claim(source)) => {
                if let Some(&source) = self.claims.get(&source) {
                    self.edge(at, source, "clones");
                }
            }
            _ => {}
        }
    }

    fn cluster_class(&mut self, name: &str, provisioner: Option<&str>) -> usize {
        let node = self.named(
            NodeKind::StorageClass,
            NodeOrigin::Cluster,
            "StorageClass",
            None,
            name,
        );
        if let Some(provisioner) = provisioner
            && !provisioner.is_empty()
        {
            let driver = self.driver(provisioner);
            self.edge(node, driver, "provisioner");
        }
        node
    }
}

/// Whether a workload writes or mounts any claim (else it is not part of the storage graph).
fn uses_claims(workload: &Workload<'_>) -> bool {
    !workload.claim_templates.is_empty()
        || !workload.ephemeral_claims.is_empty()
        || workload.pod.as_ref().is_some_and(|pod| {
            pod.volumes.iter().any(|volume| {
                matches!(
                    volume.source,
                    VolumeSource::Claim {
                        claim_name: Some(_),
                        ..
                    } | VolumeSource::Ephemeral { .. }
                )
            })
        })
}
