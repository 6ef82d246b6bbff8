//! The Plan: what the cluster would do with every claim, volume and pod of the manifests.
//!
//! Pure data, serialisable as the `pvlint plan --format json` contract. It says what happens
//! and why, never whether that is a problem: the PVL6xx rules judge.

use schemars::JsonSchema;
use serde::Serialize;

use crate::index::Index;
use crate::model::{ClaimId, ObjectId};
use crate::source::{FileId, Span};

/// What happens to one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum Outcome {
    /// Bound to an existing PersistentVolume of the manifests.
    Bound,
    /// A driver creates a new volume for it.
    Provisioned,
    /// `WaitForFirstConsumer`: nothing happens until a pod uses it.
    WaitingForConsumer,
    /// Stays `Pending`: see the reasons.
    Pending,
    /// Refused at admission (quota, limit range).
    Rejected,
}

impl Outcome {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Bound => "Bound",
            Outcome::Provisioned => "Provisioned",
            Outcome::WaitingForConsumer => "WaitingForConsumer",
            Outcome::Pending => "Pending",
            Outcome::Rejected => "Rejected",
        }
    }
}

/// Why a claim ends where it does; the code is stable, the text explains. Some codes carry
/// the facts a rule points at as data:
/// - `access-mode-unsupported`: `value` is the access mode the driver refuses;
/// - `size-below-minimum`, `size-raised`: `value` is the minimum, `size-above-maximum` the
///   maximum, as the backend model writes it; `parameter` is the class parameter whose value
///   chose that limit (EBS `type`), when one did;
/// - `data-source-unsupported`: `value` is the data source's kind (`PersistentVolumeClaim`
///   for a clone, `VolumeSnapshot` for a restore);
/// - `capacity-exceeded`: `value` is the pool's capacity as the model writes it;
/// - `topology-conflict`: `object` is the pod (workload) whose node selector or affinity
///   excludes the zones, when a pod's constraint is the cause.
///
/// `kind`, `at` and `related` are optional facts for the rules that turn reasons into
/// findings: which check of a code failed, where in the claim or pod the reason applies, and
/// which nodes of other objects it is about (the quota entry, the PV field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(
    description = "Why a claim or pod ends where it does: a stable `code` and a `text` \
    that explains. Some codes carry data: `access-mode-unsupported`: `value` is the access mode \
    the driver refuses; `size-below-minimum`, `size-raised`: `value` is the minimum, \
    `size-above-maximum` the maximum, as the backend model writes it, and `parameter` the \
    class parameter whose value chose that limit, when one did; `data-source-unsupported`: \
    `value` is the data source's kind; `capacity-exceeded`: `value` is the pool's capacity."
)]
pub struct Reason {
    pub code: &'static str,
    /// A finer kind within the code, as stable as the code. `volume-mismatch`: `claimed` (the
    /// PV's `claimRef` names another claim), `capacity`, `class`, `volume-mode`,
    /// `access-modes`, `taken` (another claim of the manifests binds the PV first, so the
    /// outcome depends on creation order), `shared` (that other claim names the PV in its
    /// `volumeName` too). `limit-range`: `min` or `max`. `quota-exceeded`: `storage` (a
    /// `requests.storage` key) or `count` (a `persistentvolumeclaims` key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub text: String,
    /// Where in the claim or pod the reason applies (a pod's `claimName` value).
    #[serde(skip)]
    pub at: Option<Span>,
    /// Nodes of other objects the reason is about.
    #[serde(skip)]
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<Box<ParameterChoice>>,
    #[serde(skip)]
    pub object: Option<ObjectId>,
}

impl Reason {
    pub fn new(code: &'static str, text: impl Into<String>) -> Self {
        Self {
            code,
            kind: None,
            text: text.into(),
            at: None,
            related: Vec::new(),
            value: None,
            parameter: None,
            object: None,
        }
    }

    /// Sets the finer kind within the code.
    #[must_use]
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Sets where in the claim or pod the reason applies.
    #[must_use]
    pub fn at(mut self, span: Span) -> Self {
        self.at = Some(span);
        self
    }

    /// Adds a node of another object the reason is about, with what it shows.
    #[must_use]
    pub fn related(mut self, object: ObjectId, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            object,
            span,
            label: label.into(),
        });
        self
    }

    /// Sets the value the reason is about (see [`Reason`] for which codes carry one).
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the class parameter that decided.
    #[must_use]
    pub fn parameter(mut self, parameter: Option<Box<ParameterChoice>>) -> Self {
        self.parameter = parameter;
        self
    }

    /// Sets the object the reason is about.
    #[must_use]
    pub fn object(mut self, object: Option<ObjectId>) -> Self {
        self.object = object;
        self
    }
}

/// How the PV controller's `VolumeMismatch` event starts; `volume-mismatch` reason texts start
/// with it, then `: ` and the mismatch.
pub const VOLUME_MISMATCH_EVENT: &str = "Cannot bind to requested volume";

/// A node of another object that a [`Reason`] is about: a ResourceQuota's `hard` entry, a
/// LimitRange's `min`/`max`, the field of a PersistentVolume a claim does not match, a PV's
/// node affinity. Rules show it as a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub object: ObjectId,
    pub span: Span,
    /// What the node shows, as a label text.
    pub label: String,
}

/// A class parameter whose value chose a backend's facts (EBS `type: io1` its size limits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ParameterChoice {
    /// The key as the backend model names it.
    pub key: String,
    /// The value that applied: the class's, or the model's default.
    pub value: String,
    /// The class leaves the parameter out, so the default applied.
    pub defaulted: bool,
}

/// Where a claim comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ClaimSource {
    /// `pvc`, `statefulset` or `ephemeral`.
    #[schemars(extend("enum" = ["pvc", "statefulset", "ephemeral"]))]
    pub kind: &'static str,
    /// The object it is written in: `Kind/name`.
    pub owner: String,
}

/// How the class of a claim was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ClassChoice {
    /// The class name; `None` when the claim has none (`""` or unset without a default).
    pub name: Option<String>,
    /// `explicit` (written in the claim), `default` (admission or retroactive assignment),
    /// or `none`.
    #[schemars(extend("enum" = ["explicit", "default", "none"]))]
    pub how: &'static str,
}

impl ClassChoice {
    /// For messages: ``class `gp3` `` or ``the default class `gp3` ``; `None` without a class.
    #[must_use]
    pub fn describe(&self) -> Option<String> {
        let name = self.name.as_deref()?;
        Some(if self.how == "default" {
            format!("the default class `{name}`")
        } else {
            format!("class `{name}`")
        })
    }
}

/// The fate of one claim (one per replica for StatefulSet templates).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClaimPlan {
    #[serde(skip)]
    pub claim: ClaimId,
    pub namespace: String,
    /// The claim's name, as the cluster would name it (one per replica of a StatefulSet
    /// template).
    pub name: String,
    pub source: ClaimSource,
    pub class: ClassChoice,
    pub outcome: Outcome,
    /// The bound PV, or the name the provisioner would give (`pvc-<uid>`).
    pub volume: Option<String>,
    #[serde(skip)]
    pub volume_object: Option<ObjectId>,
    pub driver: Option<String>,
    /// Bytes, after the driver's rounding (or the PV's capacity when bound).
    pub size: Option<u128>,
    pub zone: Option<String>,
    #[serde(rename = "reclaimPolicy")]
    pub reclaim_policy: Option<String>,
    /// Why the claim ends where it does.
    pub reasons: Vec<Reason>,
    /// The volume is chosen by the scheduler together with the pod's node
    /// (`WaitForFirstConsumer`), so it follows the pod instead of pinning it to a node.
    #[serde(skip)]
    pub follows_pod: bool,
}

impl ClaimPlan {
    /// A label for findings on the claim: where the provisioner of the chosen class is written
    /// (the class object closest to `from`, or the config's cluster class), saying which class
    /// it is and that it chose the driver.
    #[must_use]
    pub fn class_label(&self, index: &Index<'_>, from: FileId) -> Option<(Span, String)> {
        let span = index.class_provisioner_span(self.class.name.as_deref()?, from)?;
        Some((
            span,
            format!("{} provisions with this driver", self.class.describe()?),
        ))
    }
}

/// The fate of one PersistentVolume.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VolumePlan {
    #[serde(skip)]
    pub object: ObjectId,
    pub name: String,
    /// `Available`, `Bound` or `Released`.
    #[schemars(extend("enum" = ["Available", "Bound", "Released"]))]
    pub phase: &'static str,
    /// `namespace/name` of the claim it binds.
    pub claim: Option<String>,
}

/// Whether one pod (or the pods of a workload) can start as far as storage goes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PodPlan {
    #[serde(skip)]
    pub object: ObjectId,
    /// `Kind/namespace/name`.
    pub workload: String,
    /// `namespace/name` of each claim it mounts, in volume order.
    pub claims: Vec<String>,
    /// Whether every claim can be reached from one node.
    pub schedulable: bool,
    pub reasons: Vec<Reason>,
}

/// Everything the dry run decided: the document `pvlint plan --format json` prints. Fields are
/// only ever added, never renamed or removed.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
#[schemars(title = "pvlint plan output")]
pub struct Plan {
    /// The version of this document's shape (1).
    pub version: u32,
    /// In claim order (the instances of one claim side by side).
    pub claims: Vec<ClaimPlan>,
    pub volumes: Vec<VolumePlan>,
    /// In object order.
    pub pods: Vec<PodPlan>,
}

impl Plan {
    /// The plans of the claims that come from one claim (several for a StatefulSet template).
    /// `claims` is in claim order, so this is a binary search.
    pub fn for_claim(&self, claim: ClaimId) -> impl Iterator<Item = &ClaimPlan> {
        let start = self.claims.partition_point(|plan| plan.claim < claim);
        self.claims
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |plan| plan.claim == claim)
    }

    /// The plan of the pods of one workload (`pods` is in object order).
    #[must_use]
    pub fn pod(&self, object: ObjectId) -> Option<&PodPlan> {
        self.pods
            .binary_search_by_key(&object, |pod| pod.object)
            .ok()
            .and_then(|at| self.pods.get(at))
    }

    /// The first plan of a claim (the first replica, for a StatefulSet template) whose reasons
    /// hold `code`, with that reason.
    #[must_use]
    pub fn claim_reason(&self, claim: ClaimId, code: &str) -> Option<(&ClaimPlan, &Reason)> {
        self.for_claim(claim).find_map(|plan| {
            let reason = plan.reasons.iter().find(|reason| reason.code == code)?;
            Some((plan, reason))
        })
    }
}
