//! The Plan: what the cluster would do with every claim, volume and pod of the manifests.
//!
//! Pure data, serialisable as the `pvlint plan --format json` contract. It says what happens
//! and why, never whether that is a problem: the PVL6xx rules judge.

use serde::Serialize;

use crate::model::{ClaimId, ObjectId};

/// What happens to one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// Why a claim ends where it does; the code is stable, the text explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub text: String,
}

impl Reason {
    pub fn new(code: &'static str, text: impl Into<String>) -> Self {
        Self {
            code,
            text: text.into(),
        }
    }
}

/// Where a claim comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimSource {
    /// `pvc`, `statefulset` or `ephemeral`.
    pub kind: &'static str,
    /// The object it is written in: `Kind/name`.
    pub owner: String,
}

/// How the class of a claim was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassChoice {
    /// The class name; `None` when the claim has none (`""` or unset without a default).
    pub name: Option<String>,
    /// `explicit` (written in the claim), `default` (admission or retroactive assignment),
    /// or `none`.
    pub how: &'static str,
}

/// The fate of one claim (one per replica for StatefulSet templates).
#[derive(Debug, Clone, Serialize)]
pub struct ClaimPlan {
    #[serde(skip)]
    pub claim: ClaimId,
    pub namespace: String,
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
    pub reasons: Vec<Reason>,
}

/// The fate of one PersistentVolume.
#[derive(Debug, Clone, Serialize)]
pub struct VolumePlan {
    #[serde(skip)]
    pub object: ObjectId,
    pub name: String,
    /// `Available`, `Bound` or `Released`.
    pub phase: &'static str,
    /// `namespace/name` of the claim it binds.
    pub claim: Option<String>,
}

/// Whether one pod (or the pods of a workload) can start as far as storage goes.
#[derive(Debug, Clone, Serialize)]
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

/// Everything the dry run decided.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub version: u32,
    pub claims: Vec<ClaimPlan>,
    pub volumes: Vec<VolumePlan>,
    pub pods: Vec<PodPlan>,
}

impl Plan {
    /// The plans of the claims that come from one claim (several for a StatefulSet template).
    pub fn for_claim(&self, claim: ClaimId) -> impl Iterator<Item = &ClaimPlan> {
        self.claims.iter().filter(move |plan| plan.claim == claim)
    }
}
