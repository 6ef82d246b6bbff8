//! Which objects a pack rule looks at: its `match` selectors, and the [`Subject`]s the engine
//! hands to a template.
//!
//! Two kinds reach further than their own objects, so that a policy written once covers every
//! way Kubernetes spells the same thing:
//! - `Pod` also matches every pod-template owner (Deployment, StatefulSet, DaemonSet,
//!   ReplicaSet, ReplicationController, Job, CronJob) not listed itself; a path starting with
//!   `spec.` then starts at the template's pod spec;
//! - `PersistentVolumeClaim` also matches StatefulSet `volumeClaimTemplates` and ephemeral
//!   volume claim templates; paths start at the template (its `metadata` and `spec`).
//!
//! "Resolved" selectors look at what the manifests mean, not only at what they say:
//! `provisioners` matches a claim by the driver of the class it resolves to (named, cluster or
//! default), a StorageClass by its `provisioner`, a PersistentVolume by `spec.csi.driver`.

use globset::GlobMatcher;
use regex::Regex;

use crate::index::{ClassResolution, Index};
use crate::load::tree::Node;
use crate::model::{Claim, ClaimOrigin, Object, ObjectKind};
use crate::policy::path::{FieldPath, Reach, Start};
use crate::provision::Plan;
use crate::source::Span;

/// A compiled `match:`.
#[derive(Debug, Default)]
pub struct Match {
    pub kinds: Vec<String>,
    pub api_groups: Vec<String>,
    pub namespaces: Vec<GlobMatcher>,
    pub names: Vec<GlobMatcher>,
    pub labels: Vec<LabelRequirement>,
    pub provisioners: Vec<Regex>,
    /// Paths that must each reach a value (`has:`).
    pub has: Vec<FieldPath>,
}

/// One requirement of a label selector.
#[derive(Debug)]
pub enum LabelRequirement {
    Equals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// One thing a rule looks at: an object, a workload seen as its pod template, or a claim
/// (template).
#[derive(Debug)]
pub struct Subject<'s> {
    pub object: &'s Object<'s>,
    /// Where paths start.
    pub root: &'s Node,
    /// The path of `root` within the object (`""` for the object itself).
    pub prefix: String,
    /// For a workload matched as a Pod: its pod spec, where `spec.` paths start.
    pub pod_spec: Option<(&'s Node, String)>,
    pub claim: Option<&'s Claim<'s>>,
    pub name: &'s str,
    pub namespace: Option<&'s str>,
    pub labels: Option<&'s Node>,
    /// Where a field missing right at the root is reported.
    pub anchor: Span,
}

/// A scalar a field path reached: its node, its concrete path and its text.
#[derive(Debug)]
pub struct Value<'s> {
    pub node: &'s Node,
    pub path: String,
    pub text: String,
}

impl<'s> Subject<'s> {
    /// What `path` reaches in this subject.
    #[must_use]
    pub fn reach(&self, path: &FieldPath) -> Vec<Reach<'s>> {
        if path.first_key() == Some("spec")
            && let Some((spec, prefix)) = &self.pod_spec
        {
            let start = Start {
                node: spec,
                key: None,
                path: prefix.clone(),
                anchor: self.anchor,
            };
            return path.eval(start, 1);
        }
        let start = Start {
            node: self.root,
            key: None,
            path: self.prefix.clone(),
            anchor: self.anchor,
        };
        path.eval(start, 0)
    }

    /// The scalar values `path` reaches, as text: nulls, collections and placeholders
    /// (`${VAR}`, `{{ }}`: unknown until rendered) are left out.
    #[must_use]
    pub fn values(&self, path: &FieldPath) -> Vec<Value<'s>> {
        self.reach(path)
            .into_iter()
            .filter_map(|reach| {
                let Reach::Found { node, path } = reach else {
                    return None;
                };
                let text = crate::policy::templates::scalar_text(node)?;
                (!crate::model::is_placeholder(&text)).then_some(Value { node, path, text })
            })
            .collect()
    }

    /// The kind as the object writes it.
    #[must_use]
    pub fn kind(&self) -> &'s str {
        self.object.meta.kind.value
    }
}

impl Match {
    /// The kinds the rule applies to, for its documentation.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.kinds.is_empty() {
            return "every object".to_owned();
        }
        let mut kinds = self.kinds.clone();
        if kinds.iter().any(|kind| kind == "Pod") {
            kinds.push("every pod template".to_owned());
        }
        if kinds.iter().any(|kind| kind == "PersistentVolumeClaim") {
            kinds.push("claim templates".to_owned());
        }
        kinds.join(", ")
    }

    /// Every subject of the index this rule's kinds select, before the other selectors.
    pub fn subjects<'s>(&self, index: &'s Index<'s>) -> Vec<Subject<'s>> {
        let wants = |kind: &str| self.kinds.is_empty() || self.kinds.iter().any(|k| k == kind);
        let claims = self
            .kinds
            .iter()
            .any(|kind| kind == "PersistentVolumeClaim");
        let pods = self.kinds.iter().any(|kind| kind == "Pod");
        let mut subjects = Vec::new();
        for object in index.objects() {
            let kind = object.meta.kind.value;
            if claims && matches!(object.kind, ObjectKind::Claim(_)) {
                continue;
            }
            if wants(kind) {
                let pod_spec = (kind == "Pod")
                    .then(|| object.meta.root.get("spec"))
                    .flatten()
                    .map(|spec| (spec, "spec".to_owned()));
                subjects.push(object_subject(object, pod_spec));
            } else if pods
                && let ObjectKind::Workload(workload) = &object.kind
                && let Some(pod) = &workload.pod
            {
                let prefix = workload.kind.pod_spec_path().join(".");
                subjects.push(object_subject(object, Some((pod.node, prefix))));
            }
        }
        if claims {
            for claim in index.claims() {
                let object = index.object(claim.owner);
                let prefix = match claim.origin {
                    ClaimOrigin::Object => String::new(),
                    _ => object
                        .meta
                        .root
                        .field_path(claim.node.span)
                        .unwrap_or_default(),
                };
                subjects.push(Subject {
                    object,
                    root: claim.node,
                    prefix,
                    pod_spec: None,
                    claim: Some(claim),
                    name: claim.name.map_or("", |name| name.value),
                    namespace: Some(claim.namespace.as_str()),
                    labels: claim.metadata.and_then(|metadata| metadata.get("labels")),
                    anchor: claim.name.map_or(claim.node.span, |name| name.span),
                });
            }
        }
        subjects
    }

    /// Whether a subject passes every selector besides its kind.
    #[must_use]
    pub fn selects(&self, subject: &Subject<'_>, index: &Index<'_>, plan: &Plan) -> bool {
        let group = subject.object.key.group.as_str();
        if !self.api_groups.is_empty() && !self.api_groups.iter().any(|g| g == group) {
            return false;
        }
        if !self.namespaces.is_empty()
            && !subject.namespace.is_some_and(|namespace| {
                self.namespaces.iter().any(|glob| glob.is_match(namespace))
            })
        {
            return false;
        }
        if !self.names.is_empty() && !self.names.iter().any(|glob| glob.is_match(subject.name)) {
            return false;
        }
        if !self
            .labels
            .iter()
            .all(|requirement| requirement.holds(subject.labels))
        {
            return false;
        }
        if !self.provisioners.is_empty() {
            let Some(driver) = provisioner(subject, index, plan) else {
                return false;
            };
            if !self
                .provisioners
                .iter()
                .any(|regex| regex.is_match(&driver))
            {
                return false;
            }
        }
        self.has.iter().all(|path| {
            subject
                .reach(path)
                .iter()
                .any(|reach| matches!(reach, Reach::Found { .. }))
        })
    }
}

fn object_subject<'s>(object: &'s Object<'s>, pod_spec: Option<(&'s Node, String)>) -> Subject<'s> {
    Subject {
        object,
        root: object.meta.root,
        prefix: String::new(),
        pod_spec,
        claim: None,
        name: object.key.name.as_str(),
        namespace: object.key.namespace.as_deref(),
        labels: object
            .meta
            .metadata
            .and_then(|metadata| metadata.get("labels")),
        anchor: object
            .meta
            .name
            .map_or(object.meta.kind.span, |name| name.span),
    }
}

impl LabelRequirement {
    fn holds(&self, labels: Option<&Node>) -> bool {
        let value = |key: &str| {
            labels
                .and_then(|labels| labels.get(key))
                .and_then(Node::as_scalar)
                .map(crate::load::tree::Scalar::as_json_string)
        };
        match self {
            LabelRequirement::Equals(key, expected) => value(key).as_ref() == Some(expected),
            LabelRequirement::In(key, values) => value(key).is_some_and(|v| values.contains(&v)),
            LabelRequirement::NotIn(key, values) => {
                !value(key).is_some_and(|v| values.contains(&v))
            }
            LabelRequirement::Exists(key) => value(key).is_some(),
            LabelRequirement::DoesNotExist(key) => value(key).is_none(),
        }
    }
}

/// The driver that provisions (or backs) a subject: a claim's resolved class, a class's
/// `provisioner`, a volume's CSI driver.
fn provisioner(subject: &Subject<'_>, index: &Index<'_>, plan: &Plan) -> Option<String> {
    if let Some(claim) = subject.claim {
        if let Some(driver) = plan
            .for_claim(claim.id)
            .find_map(|plan| plan.driver.clone())
        {
            return Some(driver);
        }
        return match index.claim_class(claim.id) {
            ClassResolution::Object(id) => match &index.object(id).kind {
                ObjectKind::StorageClass(class) => class.provisioner.map(|p| p.value.to_owned()),
                _ => None,
            },
            ClassResolution::Cluster(at) => index.cluster_class(at)?.provisioner.clone(),
            _ => None,
        };
    }
    match &subject.object.kind {
        ObjectKind::StorageClass(class) => class.provisioner.map(|p| p.value.to_owned()),
        ObjectKind::Volume(_) => subject
            .root
            .path(&["spec", "csi", "driver"])
            .and_then(Node::as_str)
            .map(str::to_owned),
        _ => None,
    }
}
