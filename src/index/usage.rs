//! Who uses a claim, seen from the workloads: the claims a workload writes or mounts, which
//! pods share one, and where each use is written.

use crate::index::{ClaimUse, ClaimVolume, Index};
use crate::model::{Claim, ClaimId, Object, ObjectId, ObjectKind, VolumeSource, is_placeholder};
use crate::source::{FileId, Span};

impl<'a> Index<'a> {
    /// The claims written in an object: the PVC itself, or a workload's StatefulSet claim
    /// templates and ephemeral volume templates (in that order).
    pub fn claims_of<'s>(&'s self, object: &'s Object<'a>) -> impl Iterator<Item = &'s Claim<'a>> {
        let ids: &[ClaimId] = match &object.kind {
            ObjectKind::Claim(id) => std::slice::from_ref(id),
            _ => &[],
        };
        let (templates, ephemeral): (&[ClaimId], &[ClaimId]) = match &object.kind {
            ObjectKind::Workload(workload) => {
                (&workload.claim_templates, &workload.ephemeral_claims)
            }
            _ => (&[], &[]),
        };
        ids.iter()
            .chain(templates)
            .chain(ephemeral)
            .map(|id| self.claim(*id))
    }

    /// Whether a workload is a fragment (a kustomize patch body) rather than a whole object:
    /// see [`Workload::looks_partial`]. Files a kustomization lists as patches never reach the
    /// model (`load::kustomize`). Checks that need the whole pod (every volume and every
    /// mount) skip fragments.
    #[must_use]
    pub fn is_partial_workload(&self, object: &Object<'a>) -> bool {
        match &object.kind {
            ObjectKind::Workload(workload) => workload.looks_partial(&object.meta),
            _ => false,
        }
    }

    /// The pod volumes of a workload that name a claim in the manifests, once per claim (at its
    /// first volume), leaving out placeholders and the volumes a StatefulSet claim template of
    /// the same name replaces.
    #[must_use]
    pub fn claim_volumes(&self, object: &Object<'a>) -> Vec<ClaimVolume<'a>> {
        let ObjectKind::Workload(workload) = &object.kind else {
            return Vec::new();
        };
        let Some(pod) = &workload.pod else {
            return Vec::new();
        };
        let mut found: Vec<ClaimVolume<'a>> = Vec::new();
        for (at, volume) in pod.volumes.iter().enumerate() {
            let VolumeSource::Claim {
                claim_name: Some(name),
                ..
            } = volume.source
            else {
                continue;
            };
            if is_placeholder(name.value) || self.replaced_by_template(object.id, at) {
                continue;
            }
            if let Some(claim) = self.volume_claim(object.id, at)
                && !found.iter().any(|earlier| earlier.claim == claim)
            {
                found.push(ClaimVolume { at, name, claim });
            }
        }
        found
    }

    /// The claim a container's `volumeMounts`/`volumeDevices` entry named `name` uses in a
    /// workload: a StatefulSet claim template of that name (the controller replaces a
    /// same-named pod volume with it), else the claim of the pod volume of that name.
    #[must_use]
    pub fn mounted_claim(&self, workload: ObjectId, name: &str) -> Option<ClaimId> {
        let ObjectKind::Workload(spec) = &self.object(workload).kind else {
            return None;
        };
        if let Some(&template) = spec
            .claim_templates
            .iter()
            .find(|&&template| self.claim(template).name.is_some_and(|n| n.value == name))
        {
            return Some(template);
        }
        let at = spec
            .pod
            .as_ref()?
            .volumes
            .iter()
            .position(|volume| volume.name.value == name)?;
        self.volume_claim(workload, at)
    }

    /// The workloads whose pods mount a claim, one use per workload (objects with the same key
    /// are one workload written twice, e.g. a base and an overlay): a StatefulSet owning it as a
    /// claim template first, then pod volumes in load order. A StatefulSet pod volume that a
    /// claim template of the same name replaces is not a use.
    #[must_use]
    pub fn pod_users(&self, claim: ClaimId) -> Vec<ClaimUse> {
        let all = self.claim_uses(claim);
        let templates = all
            .iter()
            .filter(|usage| matches!(usage, ClaimUse::Template { .. }));
        let volumes = all.iter().filter(|usage| match usage {
            ClaimUse::Volume { workload, volume } => !self.replaced_by_template(*workload, *volume),
            _ => false,
        });
        let mut seen: Vec<&crate::model::ObjectKey> = Vec::new();
        let mut users = Vec::new();
        for &usage in templates.chain(volumes) {
            let Some(workload) = usage.workload() else {
                continue;
            };
            let key = &self.object(workload).key;
            if !seen.contains(&key) {
                seen.push(key);
                users.push(usage);
            }
        }
        users
    }

    /// Whether a StatefulSet pod volume is replaced by the claim template of the same name.
    #[must_use]
    pub fn replaced_by_template(&self, workload: ObjectId, volume: usize) -> bool {
        let ObjectKind::Workload(spec) = &self.object(workload).kind else {
            return false;
        };
        let Some(volume) = spec.pod.as_ref().and_then(|pod| pod.volumes.get(volume)) else {
            return false;
        };
        spec.claim_templates.iter().any(|&template| {
            self.claim(template)
                .name
                .is_some_and(|name| name.value == volume.name.value)
        })
    }

    /// Where a use of a claim is written: the `claimName` value of a pod volume (the volume's
    /// name for an ephemeral volume), or the name of a claim template.
    #[must_use]
    pub fn use_span(&self, claim: ClaimId, usage: ClaimUse) -> Option<Span> {
        match usage {
            ClaimUse::Volume { workload, volume } => {
                let ObjectKind::Workload(spec) = &self.object(workload).kind else {
                    return None;
                };
                let volume = spec.pod.as_ref()?.volumes.get(volume)?;
                match volume.source {
                    VolumeSource::Claim {
                        claim_name: Some(name),
                        ..
                    } => Some(name.span),
                    _ => Some(volume.name.span),
                }
            }
            ClaimUse::Template { .. } => self.claim(claim).name.map(|name| name.span),
            _ => None,
        }
    }

    /// Whether two files are likely applied together: the same directory, or one file's
    /// directory contains the other's. Rules that reason about objects deployed side by side
    /// (several users of one claim) use it to keep independent examples apart.
    #[must_use]
    pub fn same_tree(&self, a: FileId, b: FileId) -> bool {
        self.proximity.same_tree(a, b)
    }

    /// The workload that mounted `claim` before `workload` did: the first of
    /// [`Index::pod_users`] in the same tree as `workload` (see [`Index::same_tree`]), unless
    /// that is `workload` itself (compared by key). `None` when `workload` is the first user,
    /// or the claim is not in its tree.
    #[must_use]
    pub fn earlier_user(&self, claim: ClaimId, workload: ObjectId) -> Option<ClaimUse> {
        let this = self.object(workload);
        if !self.same_tree(this.file(), self.object(self.claim(claim).owner).file()) {
            return None;
        }
        let first = self.pod_users(claim).into_iter().find(|usage| {
            usage
                .workload()
                .is_some_and(|other| self.same_tree(this.file(), self.object(other).file()))
        })?;
        let other = first.workload()?;
        (self.object(other).key != this.key).then_some(first)
    }
}
