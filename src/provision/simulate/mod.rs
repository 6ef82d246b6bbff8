//! The dry run itself: every claim in creation order through admission, static binding and
//! dynamic provisioning, then every PV and pod from the result (SEMANTICS §1, §2, §8, §13).

mod defaults;
mod pods;
mod pools;
mod prebound;

use std::collections::{BTreeMap, HashMap};

use crate::index::{ClaimUse, Index};
use crate::load::tree::Node;
use crate::model::{
    Claim, ClaimClass, ClaimId, ClaimOrigin, ObjectId, ObjectKind, Quantity, is_placeholder,
};
use crate::provision::admission::Admission;
use crate::provision::backend::{Backend, Backends};
use crate::provision::binding::{ModeSet, Request, Volumes};
use crate::provision::dynamic::{self, Answer, Ask};
use crate::provision::plan::{ClaimPlan, ClaimSource, ClassChoice, Outcome, Plan, Reason};
use crate::provision::topology;
use crate::source::FileId;
use defaults::DefaultClass;
use pods::pod_references;
use pools::Pools;

/// Most claims planned for one StatefulSet template (one per replica).
const MAX_REPLICAS_PLANNED: u64 = 1_000;

/// Runs the dry run.
#[must_use]
pub fn simulate(index: &Index<'_>, backends: &Backends) -> Plan {
    let mut run = Run {
        index,
        classes: HashMap::new(),
        pools: Pools::default(),
        backends,
        volumes: Volumes::new(index),
        admission: Admission::new(index),
        taken_by: HashMap::new(),
        pod_references: pod_references(index),
        default: DefaultClass::find(index),
        plan: Plan {
            version: 1,
            ..Plan::default()
        },
    };
    for claim in index.claims() {
        for name in instance_names(claim, index) {
            let planned = run.claim(claim, name);
            run.plan.claims.push(planned);
        }
    }
    run.volume_plans();
    run.pod_plans();
    run.plan
}

/// A class as provisioning reads it.
#[derive(Debug, Clone)]
struct ClassFacts {
    provisioner: Option<String>,
    parameters: BTreeMap<String, String>,
    waits: bool,
    reclaim: String,
    /// Zones `allowedTopologies` allows; `None` when unrestricted.
    zones: Option<Vec<String>>,
}

/// Which class: an object of the manifests, or one the config declares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ClassKey {
    Object(ObjectId),
    Cluster(String),
}

struct Run<'i, 'a> {
    index: &'i Index<'a>,
    /// Class facts, read once per class.
    classes: HashMap<ClassKey, Option<ClassFacts>>,
    pools: Pools,
    backends: &'i Backends,
    volumes: Volumes<'a>,
    admission: Admission,
    default: DefaultClass,
    /// `claimName` of every pod volume → whether each workload naming it writes its namespace.
    pod_references: HashMap<&'a str, Vec<bool>>,
    /// Which claim (and which of its instances) bound each PV candidate.
    taken_by: HashMap<usize, (ClaimId, String)>,
    plan: Plan,
}

impl<'a> Run<'_, 'a> {
    fn claim(&mut self, claim: &Claim<'a>, name: String) -> ClaimPlan {
        let owner = self.index.object(claim.owner);
        let mut plan = ClaimPlan {
            claim: claim.id,
            namespace: claim.namespace.clone(),
            name,
            source: ClaimSource {
                kind: match claim.origin {
                    ClaimOrigin::Object => "pvc",
                    ClaimOrigin::StatefulSetTemplate { .. } => "statefulset",
                    ClaimOrigin::Ephemeral { .. } => "ephemeral",
                },
                owner: format!("{}/{}", owner.key.kind, owner.key.name),
            },
            class: ClassChoice {
                name: None,
                how: "none",
            },
            outcome: Outcome::Pending,
            volume: None,
            volume_object: None,
            driver: None,
            size: None,
            zone: None,
            reclaim_policy: None,
            reasons: Vec::new(),
            follows_pod: false,
        };
        let observed = claim.node.get("status").is_some() && claim.origin == ClaimOrigin::Object;
        self.choose_class(claim, observed, &mut plan);
        let bytes = claim
            .spec
            .request
            .as_ref()
            .and_then(|request| request.quantity())
            .and_then(Quantity::ceil_integer);
        let Some(bytes) = bytes else {
            plan.reasons.push(Reason::new(
                "unknown-request",
                "the storage request is missing, invalid or a placeholder",
            ));
            return plan;
        };
        if !observed
            && let Err(refusal) =
                self.admission
                    .admit(&plan.namespace, plan.class.name.as_deref(), bytes)
        {
            plan.outcome = Outcome::Rejected;
            plan.reasons.push(refusal);
            return plan;
        }
        self.bind_or_provision(claim, observed, bytes, &mut plan);
        plan
    }

    /// Class by §1.4, with admission's default for new class-less claims (§2.2, §13).
    fn choose_class(&self, claim: &Claim<'a>, observed: bool, plan: &mut ClaimPlan) {
        match claim.class() {
            ClaimClass::Named(name) => {
                plan.class = ClassChoice {
                    name: (!name.value.is_empty()).then(|| name.value.to_owned()),
                    how: "explicit",
                };
            }
            ClaimClass::Unset if !observed => {
                if let Some(name) = &self.default.name {
                    plan.class = ClassChoice {
                        name: Some(name.clone()),
                        how: "default",
                    };
                    plan.reasons.extend(self.default.reason());
                }
            }
            ClaimClass::Unset => {}
        }
    }

    fn bind_or_provision(
        &mut self,
        claim: &Claim<'a>,
        observed: bool,
        bytes: i128,
        plan: &mut ClaimPlan,
    ) {
        let class = plan.class.name.clone().unwrap_or_default();
        let modes = claim
            .spec
            .access_modes
            .as_ref()
            .map(|modes| ModeSet::of(modes.modes.iter().map(|mode| mode.value)))
            .unwrap_or_default();
        let uid = claim
            .metadata
            .and_then(|metadata| metadata.get("uid"))
            .and_then(Node::as_str);
        let namespace = plan.namespace.clone();
        let name = plan.name.clone();
        let request = Request {
            namespace: &namespace,
            name: &name,
            uid,
            class: &class,
            bytes,
            modes,
            block: claim.spec.is_block(),
            selector: claim.spec.selector,
        };
        if let Some(volume) = claim.spec.volume_name.filter(|name| !name.value.is_empty()) {
            let found = self.prebound_by_claim(claim, volume, &request, plan);
            if let Some(at) = found {
                self.bind(at, plan);
            }
            return;
        }
        let waits = self.waits_for_consumer(claim, &class);
        let consumed = self.is_consumed(claim);
        let prebound = self.volumes.prebound(&request);
        let found = prebound.or_else(|| {
            if !waits {
                self.volumes.controller_match(&request)
            } else if consumed {
                self.volumes.scheduler_match(&request)
            } else {
                None
            }
        });
        if let Some(at) = found {
            self.bind(at, plan);
            plan.follows_pod = waits && prebound.is_none();
            return;
        }
        if observed
            && plan.class.name.is_none()
            && !matches!(claim.class(), ClaimClass::Named(_))
            && let Some(default) = &self.default.name
        {
            {
                plan.class = ClassChoice {
                    name: Some(default.clone()),
                    how: "default",
                };
                plan.reasons.push(Reason::new(
                    "retroactive-default",
                    format!(
                        "no PV matches, so the controller assigns the default class `{default}`"
                    ),
                ));
            }
        }
        if waits && !consumed {
            plan.driver = self.class_driver(claim, &class);
            plan.outcome = Outcome::WaitingForConsumer;
            plan.reasons.push(Reason::new(
                "waiting-for-consumer",
                "the class binds `WaitForFirstConsumer` and no pod in the manifests uses the claim",
            ));
            return;
        }
        plan.follows_pod = waits;
        self.provision(claim, bytes, modes, plan);
    }

    fn waits_for_consumer(&mut self, claim: &Claim<'a>, class: &str) -> bool {
        if class.is_empty() {
            return false;
        }
        let from = self.index.object(claim.owner).file();
        self.class_facts(class, from)
            .is_some_and(|facts| facts.waits)
    }

    /// What provisioning needs from a class, read once per class object.
    fn class_facts(&mut self, name: &str, from: FileId) -> Option<&ClassFacts> {
        let key = match self.index.storage_class(name, from) {
            Some((object, _)) => ClassKey::Object(object.id),
            None => ClassKey::Cluster(name.to_owned()),
        };
        if !self.classes.contains_key(&key) {
            let facts = match &key {
                ClassKey::Object(id) => match &self.index.object(*id).kind {
                    ObjectKind::StorageClass(class) => Some(ClassFacts {
                        provisioner: class.provisioner.map(|p| p.value.to_owned()),
                        parameters: dynamic::parameters(class.parameters),
                        waits: class.waits_for_first_consumer(),
                        reclaim: class
                            .reclaim_policy
                            .map_or("Delete", |policy| policy.value)
                            .to_owned(),
                        zones: topology::class_zones(class.allowed_topologies),
                    }),
                    _ => None,
                },
                ClassKey::Cluster(name) => self
                    .index
                    .cluster_classes()
                    .iter()
                    .find(|class| &class.name == name)
                    .map(|class| ClassFacts {
                        provisioner: class.provisioner.clone(),
                        parameters: BTreeMap::new(),
                        waits: false,
                        reclaim: "Delete".to_owned(),
                        zones: None,
                    }),
            };
            self.classes.insert(key.clone(), facts);
        }
        self.classes.get(&key).and_then(Option::as_ref)
    }

    /// The driver that will provision a claim of `class`: its backend model's name, else the
    /// class's provisioner.
    fn class_driver(&mut self, claim: &Claim<'a>, class: &str) -> Option<String> {
        let from = self.index.object(claim.owner).file();
        let provisioner = self.class_facts(class, from)?.provisioner.clone()?;
        Some(
            self.backends
                .find(&provisioner)
                .map_or(provisioner, |backend| backend.name.clone()),
        )
    }

    /// The first pod (workload) that uses the claim, and the zones it can run in, when it
    /// restricts them.
    fn consumer_zones(&self, claim: &Claim<'a>) -> Option<(ObjectId, Vec<String>)> {
        let owner = match claim.origin {
            ClaimOrigin::Ephemeral { .. } | ClaimOrigin::StatefulSetTemplate { .. } => {
                Some(claim.owner)
            }
            ClaimOrigin::Object => self
                .index
                .claim_uses(claim.id)
                .iter()
                .find_map(|usage| usage.workload()),
        }?;
        let ObjectKind::Workload(workload) = &self.index.object(owner).kind else {
            return None;
        };
        Some((owner, topology::pod_zones(workload.pod.as_ref()?.node)?))
    }

    /// Whether a pod will use the claim, which a `WaitForFirstConsumer` class waits for: the
    /// pod of an ephemeral volume, the StatefulSet of a claim template, a pod volume naming it.
    /// Uses the manifests only hint at count too, because the pod exists once they are
    /// applied: a kustomize patch mounting it, another object naming it (a Helm release's
    /// `existingClaim`, a backup job; the chart or operator creates the pod), and a pod volume
    /// naming it from a workload whose namespace, or the claim's, is not written (it is chosen
    /// when applying: `kubectl -n`, kustomize's `namespace:`).
    fn is_consumed(&self, claim: &Claim<'a>) -> bool {
        if matches!(claim.origin, ClaimOrigin::Ephemeral { .. }) {
            return true;
        }
        let used = self.index.claim_uses(claim.id).iter().any(|usage| {
            matches!(
                usage,
                ClaimUse::Volume { .. }
                    | ClaimUse::Template { .. }
                    | ClaimUse::Mentioned { .. }
                    | ClaimUse::Patch
            )
        });
        if used || claim.origin != ClaimOrigin::Object {
            return used;
        }
        let Some(name) = claim.name else {
            return false;
        };
        let written = self.index.object(claim.owner).meta.namespace.is_some();
        self.pod_references
            .get(name.value)
            .is_some_and(|namespaces| namespaces.iter().any(|ns| !written || !ns))
    }

    /// Dynamic provisioning once no PV matched (§2.1).
    fn provision(&mut self, claim: &Claim<'a>, bytes: i128, modes: ModeSet, plan: &mut ClaimPlan) {
        let Some(class_name) = plan.class.name.clone() else {
            let text = if matches!(claim.class(), ClaimClass::Named(_)) {
                "`storageClassName: \"\"` binds only a PV without a class, and none matches"
            } else {
                "no persistent volumes available for this claim and no storage class is set"
            };
            plan.reasons.push(Reason::new("no-class", text));
            return;
        };
        if is_placeholder(&class_name) {
            plan.reasons
                .push(Reason::new("unknown-class", "the class is a placeholder"));
            return;
        }
        let from = self.index.object(claim.owner).file();
        let Some(facts) = self.class_facts(&class_name, from).cloned() else {
            plan.reasons.push(Reason::new(
                "class-not-found",
                format!(
                    "storageclass.storage.k8s.io `{class_name}` not found, and no PV of that class matches"
                ),
            ));
            return;
        };
        let ClassFacts {
            provisioner,
            parameters,
            waits,
            reclaim,
            zones,
        } = facts;
        let Some(provisioner) = provisioner else {
            plan.outcome = Outcome::Provisioned;
            plan.reasons.push(Reason::new(
                "provisioner-unknown",
                format!("class `{class_name}` lives in the cluster; its provisioner is not known"),
            ));
            return;
        };
        let names = modes.names();
        let ask = Ask {
            provisioner: &provisioner,
            parameters: &parameters,
            modes: &names,
            block: claim.spec.is_block(),
            bytes,
            waits_for_consumer: waits,
            has_selector: claim.spec.selector.is_some(),
            data_source: claim
                .spec
                .data_source_ref
                .or(claim.spec.data_source)
                .map(|source| source.kind.map_or("", |kind| kind.value)),
        };
        let backend = self.backends.find(&provisioner);
        plan.driver = Some(backend.map_or(provisioner.clone(), |backend| backend.name.clone()));
        match dynamic::decide(&ask, backend) {
            Answer::Refused(reason) => plan.reasons.push(reason),
            Answer::Volume { bytes, notes } => {
                match self.zone(claim, zones, backend, waits) {
                    Ok(zone) => plan.zone = zone,
                    Err(reason) => {
                        plan.reasons.push(reason);
                        return;
                    }
                }
                if let Some(backend) = backend
                    && let Err(reason) = self.pools.take(backend, plan.zone.as_deref(), bytes)
                {
                    plan.reasons.push(reason);
                    return;
                }
                plan.outcome = Outcome::Provisioned;
                plan.volume = Some("pvc-<uid>".to_owned());
                plan.size = u128::try_from(bytes).ok();
                plan.reclaim_policy = Some(reclaim);
                plan.reasons.extend(notes);
            }
        }
    }

    /// The zone of a new volume (`None` when several are possible or zones are not
    /// restricted): the class's zones, within those the backend model offers, and for a
    /// waiting claim within the zones of its first pod. A `topology-conflict` when none is left.
    #[expect(
        clippy::result_large_err,
        reason = "the refusal is the Plan's own reason, moved into it once per refused claim"
    )]
    fn zone(
        &self,
        claim: &Claim<'a>,
        class_zones: Option<Vec<String>>,
        backend: Option<&Backend>,
        waits: bool,
    ) -> Result<Option<String>, Reason> {
        let offered = backend.filter(|backend| !backend.zones.is_empty());
        let class_allows_some = class_zones.as_ref().is_some_and(|zones| !zones.is_empty());
        let zones = topology::intersect(class_zones, offered.map(|backend| backend.zones.clone()));
        if let Some(backend) = offered
            && class_allows_some
            && zones.as_ref().is_some_and(Vec::is_empty)
        {
            return Err(Reason::new(
                "topology-conflict",
                format!("the class allows no zone that `{}` offers", backend.name),
            ));
        }
        let consumer = if waits {
            self.consumer_zones(claim)
        } else {
            None
        };
        let pod = consumer.as_ref().map(|(pod, _)| *pod);
        let zones = topology::intersect(zones, consumer.map(|(_, zones)| zones));
        match zones.as_deref() {
            Some([]) => Err(Reason::new(
                "topology-conflict",
                "the pod's node selector or affinity excludes every zone the volume can be provisioned in",
            )
            .object(pod)),
            Some([zone]) => Ok(Some(zone.clone())),
            _ => Ok(None),
        }
    }
}

/// ``class `x` `` or `no class`, for reason texts.
fn show_class(class: &str) -> String {
    if class.is_empty() {
        "no class".to_owned()
    } else {
        format!("class `{class}`")
    }
}

/// Bytes in the largest binary unit that divides them (`8Gi`), else plain bytes.
fn show_bytes(bytes: i128) -> String {
    if bytes > 0 && bytes % 1024 == 0 {
        let kibibytes = bytes / 1024;
        if let Ok(quantity) = Quantity::parse(&format!("{kibibytes}Ki")) {
            return quantity.to_canonical_string();
        }
    }
    bytes.to_string()
}

/// The cluster names of a claim's instances: one per replica for StatefulSet templates.
fn instance_names(claim: &Claim<'_>, index: &Index<'_>) -> Vec<String> {
    let names = claim.cluster_names(MAX_REPLICAS_PLANNED);
    if !names.is_empty() {
        return names;
    }
    let volume = claim.name.map_or("volume", |name| name.value);
    match &claim.origin {
        ClaimOrigin::Ephemeral { .. } => {
            vec![format!("{}-*-{volume}", index.object(claim.owner).key.name)]
        }
        _ => vec![format!("<unnamed {}>", index.object(claim.owner).key.kind)],
    }
}
