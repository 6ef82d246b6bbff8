//! The plans of every PersistentVolume and of every pod once the claims are planned: which
//! claim binds each PV, and whether a pod's volumes can meet on one node.

use std::collections::HashMap;

use super::Run;
use crate::index::Index;
use crate::model::{ClaimId, ObjectKind, VolumeSource};
use crate::provision::plan::{ClaimPlan, Outcome, Plan, PodPlan, Reason, VolumePlan};
use crate::provision::topology::{self, Mounted};

impl Run<'_, '_> {
    pub(super) fn volume_plans(&mut self) {
        let bound: std::collections::HashMap<_, _> = self
            .plan
            .claims
            .iter()
            .filter_map(|claim| {
                Some((
                    claim.volume_object?,
                    format!("{}/{}", claim.namespace, claim.name),
                ))
            })
            .collect();
        for (_, candidate) in self.volumes.candidates() {
            let claim = bound.get(&candidate.object).cloned();
            let phase = if claim.is_some() {
                "Bound"
            } else if candidate.available {
                "Available"
            } else {
                "Released"
            };
            self.plan.volumes.push(VolumePlan {
                object: candidate.object,
                name: candidate.name.to_owned(),
                phase,
                claim,
            });
        }
    }

    pub(super) fn pod_plans(&mut self) {
        let mut plans_of: HashMap<ClaimId, Vec<usize>> = HashMap::new();
        for (at, planned) in self.plan.claims.iter().enumerate() {
            plans_of.entry(planned.claim).or_default().push(at);
        }
        let mut pods = Vec::new();
        for object in self.index.objects() {
            let ObjectKind::Workload(workload) = &object.kind else {
                continue;
            };
            let mut claims = Vec::new();
            let mut reasons = Vec::new();
            let templates = workload
                .claim_templates
                .iter()
                .chain(&workload.ephemeral_claims)
                .map(|&id| {
                    let span = self
                        .index
                        .claim(id)
                        .name
                        .map_or(object.meta.name_span(), |n| n.span);
                    Mounted {
                        claim: id,
                        at: span,
                    }
                });
            let volumes = self
                .index
                .claim_volumes(object)
                .into_iter()
                .map(|volume| Mounted {
                    claim: volume.claim,
                    at: volume.name.span,
                });
            let mounted: Vec<Mounted> = templates.chain(volumes).collect();
            for id in mounted.iter().map(|mounted| mounted.claim) {
                let Some(planned) = plans_of
                    .get(&id)
                    .and_then(|plans| plans.first())
                    .and_then(|&at| self.plan.claims.get(at))
                else {
                    continue;
                };
                claims.push(format!("{}/{}", planned.namespace, planned.name));
                if matches!(planned.outcome, Outcome::Pending | Outcome::Rejected) {
                    reasons.push(Reason::new(
                        "unbound-claim",
                        format!(
                            "claim `{}` stays {}",
                            planned.name,
                            planned.outcome.as_str()
                        ),
                    ));
                }
            }
            if claims.is_empty() {
                continue;
            }
            if let Some(pod) = &workload.pod {
                let instances = instances(&mounted, &plans_of, &self.plan);
                reasons.extend(topology::conflicts(
                    self.index, object, pod.node, &mounted, &instances,
                ));
            }
            pods.push(PodPlan {
                object: object.id,
                workload: format!(
                    "{}/{}/{}",
                    object.key.kind,
                    object.key.namespace.as_deref().unwrap_or_default(),
                    object.key.name
                ),
                claims,
                schedulable: reasons.is_empty(),
                reasons,
            });
        }
        self.plan.pods = pods;
    }
}

/// For each pod of a workload (one per StatefulSet replica, at most the planned replicas), the
/// plan of each mounted claim, in `mounted` order.
pub(super) fn instances<'p>(
    mounted: &[Mounted],
    plans_of: &HashMap<ClaimId, Vec<usize>>,
    plan: &'p Plan,
) -> Vec<Vec<Option<&'p ClaimPlan>>> {
    let replicas = mounted
        .iter()
        .filter_map(|mounted| plans_of.get(&mounted.claim))
        .map(Vec::len)
        .max()
        .unwrap_or(1);
    (0..replicas)
        .map(|replica| {
            mounted
                .iter()
                .map(|mounted| {
                    let plans = plans_of.get(&mounted.claim)?;
                    let at = plans.get(replica).or_else(|| plans.first())?;
                    plan.claims.get(*at)
                })
                .collect()
        })
        .collect()
}

/// Every pod volume's `claimName`, with whether its workload writes its namespace.
pub(super) fn pod_references<'a>(index: &Index<'a>) -> HashMap<&'a str, Vec<bool>> {
    let mut references: HashMap<&'a str, Vec<bool>> = HashMap::new();
    for object in index.objects() {
        let ObjectKind::Workload(workload) = &object.kind else {
            continue;
        };
        for volume in workload.pod.iter().flat_map(|pod| &pod.volumes) {
            if let VolumeSource::Claim {
                claim_name: Some(name),
                ..
            } = volume.source
            {
                references
                    .entry(name.value)
                    .or_default()
                    .push(object.meta.namespace.is_some());
            }
        }
    }
    references
}
