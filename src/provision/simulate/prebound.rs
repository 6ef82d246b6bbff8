//! Static binding of one claim: a PV its `volumeName` names (checked as the PV controller's
//! `checkVolumeSatisfyClaim` does, §1.6 case B), and binding a chosen PV.

use super::{Run, show_class};
use crate::model::{Claim, ObjectKind};
use crate::provision::binding::{Candidate, ModeSet, Request};
use crate::provision::plan::{ClaimPlan, Outcome, Reason, VOLUME_MISMATCH_EVENT};
use crate::source::{Span, Spanned};

impl<'a> Run<'_, 'a> {
    /// A claim with `volumeName` (§1.6 case B): only that PV, checked, never provisioning.
    /// A PV whose `claimRef` already names the claim binds without checks; otherwise the
    /// checks that hold whatever the creation order (the PV's `claimRef`, capacity, class,
    /// volume mode, access modes) come before "another claim of the manifests took it first",
    /// so the reason names the mismatch that would remain in any order.
    pub(super) fn prebound_by_claim(
        &self,
        claim: &Claim<'a>,
        volume: Spanned<&str>,
        request: &Request<'_>,
        plan: &mut ClaimPlan,
    ) -> Option<usize> {
        let from = self.index.object(claim.owner).file();
        let Some(at) = self
            .index
            .volume(volume.value, from)
            .and_then(|object| self.volumes.of_object(object.id))
        else {
            plan.reasons.push(Reason::new(
                "prebound-volume-missing",
                format!("`volumeName` names PV `{}`, which is not in the manifests; a claim with `volumeName` is never provisioned", volume.value),
            ).at(volume.span));
            return None;
        };
        let candidate = self.volumes.candidate(at)?;
        let reserved_here = candidate.claim_ref.is_some_and(|(namespace, name, uid)| {
            namespace == request.namespace
                && name == request.name
                && uid.is_none_or(|uid| request.uid == Some(uid))
        });
        let mismatch = if reserved_here {
            self.volumes.is_taken(at).then(|| self.taken(at, candidate))
        } else {
            let request_text = claim.spec.request.as_ref().map(|request| request.text);
            self.static_mismatch(candidate, request, request_text)
                .or_else(|| self.volumes.is_taken(at).then(|| self.taken(at, candidate)))
        };
        match mismatch {
            Some(reason) => {
                let text = format!("{VOLUME_MISMATCH_EVENT}: {}", reason.text);
                plan.reasons.push(Reason { text, ..reason }.at(volume.span));
                None
            }
            None => Some(at),
        }
    }

    /// Why a PV can never satisfy a claim that names it in `volumeName`
    /// (`checkVolumeSatisfyClaim`, and a `claimRef` naming another claim), with the PV's field.
    pub(super) fn static_mismatch(
        &self,
        candidate: &Candidate<'a>,
        request: &Request<'_>,
        request_text: Option<&str>,
    ) -> Option<Reason> {
        let object = self.index.object(candidate.object);
        let ObjectKind::Volume(pv) = &object.kind else {
            return None;
        };
        let name = candidate.name;
        let mismatch = |kind, text: String, span: Option<Span>, label: String| {
            Some(Reason::new("volume-mismatch", text).kind(kind).related(
                object.id,
                span.unwrap_or_else(|| object.meta.name_span()),
                label,
            ))
        };
        if let Some((namespace, claimed, uid)) = candidate.claim_ref {
            let other = if namespace == request.namespace && claimed == request.name {
                format!(
                    "an earlier `{namespace}/{claimed}`, uid `{}`",
                    uid.unwrap_or_default()
                )
            } else {
                format!("`{namespace}/{claimed}`")
            };
            return mismatch(
                "claimed",
                format!("volume `{name}` is already bound to a different claim ({other})"),
                pv.claim_ref.map(|claim_ref| claim_ref.key),
                format!("`claimRef` reserves it for {other}"),
            );
        }
        if candidate
            .capacity
            .is_none_or(|capacity| capacity < request.bytes)
        {
            let capacity = pv.capacity.as_ref().map_or("", |capacity| capacity.text);
            return mismatch(
                "capacity",
                format!(
                    "volume `{name}` is smaller than the request (`{capacity}` < `{}`)",
                    request_text.unwrap_or_default()
                ),
                pv.capacity.as_ref().map(|capacity| capacity.span),
                format!("capacity `{capacity}` is less than the request"),
            );
        }
        if candidate.class != request.class {
            let span = pv
                .beta_class
                .or(pv.storage_class_name)
                .map(|class| class.span);
            return mismatch(
                "class",
                format!(
                    "volume `{name}` has {}, the claim {}",
                    show_class(candidate.class),
                    show_class(request.class)
                ),
                span,
                if candidate.class.is_empty() {
                    "the volume has no class".to_owned()
                } else {
                    format!("the volume has class `{}`", candidate.class)
                },
            );
        }
        if candidate.block != request.block {
            let (mode, wanted) = if candidate.block {
                ("Block", "Filesystem")
            } else {
                ("Filesystem", "Block")
            };
            return mismatch(
                "volume-mode",
                format!("volume `{name}` has volume mode `{mode}`, the claim `{wanted}`"),
                pv.volume_mode.map(|mode| mode.span),
                format!("the volume mode is `{mode}`"),
            );
        }
        if !candidate.modes.contains_all(request.modes) {
            let missing: Vec<&str> = request
                .modes
                .names()
                .into_iter()
                .filter(|mode| !candidate.modes.contains_all(ModeSet::of([*mode])))
                .collect();
            let missing = missing.join("`, `");
            return mismatch(
                "access-modes",
                format!("volume `{name}` lacks the claim's access modes (`{missing}`)"),
                pv.access_modes.as_ref().map(|modes| modes.key),
                format!("the volume does not offer `{missing}`"),
            );
        }
        None
    }

    /// A PV another claim of the manifests bound before this one.
    pub(super) fn taken(&self, at: usize, candidate: &Candidate<'a>) -> Reason {
        let object = self.index.object(candidate.object);
        let mut reason = Reason::new(
            "volume-mismatch",
            format!(
                "volume `{}` is already bound to another claim",
                candidate.name
            ),
        )
        .kind("taken");
        if let Some(&(taker, ref name)) = self.taken_by.get(&at) {
            let taker = self.index.claim(taker);
            if taker
                .spec
                .volume_name
                .is_some_and(|volume| volume.value == candidate.name)
            {
                reason = Reason::new(
                    "volume-mismatch",
                    format!(
                        "claim `{name}` names volume `{}` too, and binds it first",
                        candidate.name
                    ),
                )
                .kind("shared");
            }
            let span = taker.spec.volume_name.or(taker.name).map_or_else(
                || self.index.object(taker.owner).meta.name_span(),
                |n| n.span,
            );
            reason = reason.related(
                self.index.object(taker.owner).id,
                span,
                format!("claim `{name}` binds it first"),
            );
        }
        reason.related(
            object.id,
            object.meta.name_span(),
            "the volume is defined here",
        )
    }

    pub(super) fn bind(&mut self, at: usize, plan: &mut ClaimPlan) {
        self.volumes.take(at);
        self.taken_by.insert(at, (plan.claim, plan.name.clone()));
        let Some(candidate) = self.volumes.candidate(at) else {
            return;
        };
        plan.outcome = Outcome::Bound;
        plan.volume = Some(candidate.name.to_owned());
        plan.volume_object = Some(candidate.object);
        plan.size = candidate
            .capacity
            .and_then(|bytes| u128::try_from(bytes).ok());
        if let ObjectKind::Volume(volume) = &self.index.object(candidate.object).kind {
            plan.reclaim_policy = Some(
                volume
                    .reclaim_policy
                    .map_or("Retain", |policy| policy.value)
                    .to_owned(),
            );
            plan.driver = volume.csi_driver().map(|driver| driver.value.to_owned());
        }
    }
}
