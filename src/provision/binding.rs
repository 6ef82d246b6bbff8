//! Static binding: which existing PersistentVolume a claim binds, exactly as the PV controller
//! and the scheduler's volume binder choose (SEMANTICS §1.2–§1.5, §10).
//!
//! PVs are indexed once by class, then by access-mode set, each set sorted by capacity, so a
//! claim finds its smallest fitting PV by binary search; PVs already taken are skipped through
//! a path-compressed "next free" table. Matching never scans claims × volumes.

use std::collections::HashMap;

use crate::index::Index;
use crate::load::tree::Node;
use crate::model::{ObjectId, ObjectKind, PersistentVolume};

/// Access modes as a bit set: RWO, ROX, RWX, RWOP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModeSet(u8);

impl ModeSet {
    /// The set of the Kubernetes modes among `modes` (unknown names are ignored).
    pub fn of<'m>(modes: impl IntoIterator<Item = &'m str>) -> Self {
        Self(modes.into_iter().fold(0, |bits, mode| {
            bits | match mode {
                "ReadWriteOnce" => 1,
                "ReadOnlyMany" => 2,
                "ReadWriteMany" => 4,
                "ReadWriteOncePod" => 8,
                _ => 0,
            }
        }))
    }

    /// Whether every mode of `other` is in this set.
    #[must_use]
    pub fn contains_all(self, other: ModeSet) -> bool {
        self.0 & other.0 == other.0
    }

    #[must_use]
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The modes in Kubernetes' canonical order.
    #[must_use]
    pub fn names(self) -> Vec<&'static str> {
        [
            (1, "ReadWriteOnce"),
            (2, "ReadOnlyMany"),
            (4, "ReadWriteMany"),
            (8, "ReadWriteOncePod"),
        ]
        .into_iter()
        .filter(|(bit, _)| self.0 & bit != 0)
        .map(|(_, name)| name)
        .collect()
    }
}

/// A PersistentVolume as matching sees it.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub object: ObjectId,
    pub name: &'a str,
    pub class: &'a str,
    /// Capacity in bytes, rounded up; `None` when missing or invalid (never matches).
    pub capacity: Option<i128>,
    pub modes: ModeSet,
    pub block: bool,
    pub labels: Option<&'a Node>,
    /// `Available` for matching (new PVs become Available; observed ones keep their phase).
    pub available: bool,
    pub deleting: bool,
    /// `(namespace, name, uid)` of a `claimRef`.
    pub claim_ref: Option<(&'a str, &'a str, Option<&'a str>)>,
}

impl<'a> Candidate<'a> {
    fn read(id: ObjectId, index: &Index<'a>) -> Option<Self> {
        let object = index.object(id);
        let ObjectKind::Volume(volume) = &object.kind else {
            return None;
        };
        Some(Self {
            object: id,
            name: object.meta.name.map_or("", |name| name.value),
            class: volume.class(),
            capacity: volume
                .capacity
                .as_ref()
                .and_then(|capacity| capacity.quantity())
                .and_then(crate::model::Quantity::ceil_integer),
            modes: volume
                .access_modes
                .as_ref()
                .map(|modes| ModeSet::of(modes.modes.iter().map(|mode| mode.value)))
                .unwrap_or_default(),
            block: volume.volume_mode.is_some_and(|mode| mode.value == "Block"),
            labels: object
                .meta
                .metadata
                .and_then(|metadata| metadata.get("labels")),
            available: is_available(volume),
            deleting: object
                .meta
                .metadata
                .is_some_and(|metadata| metadata.get("deletionTimestamp").is_some()),
            claim_ref: volume.claim_ref.map(|claim_ref| {
                (
                    claim_ref.namespace.map_or("", |namespace| namespace.value),
                    claim_ref.name.map_or("", |name| name.value),
                    claim_ref.uid.map(|uid| uid.value),
                )
            }),
        })
    }
}

/// New PVs become `Available`; an exported PV keeps the phase it reports.
fn is_available(volume: &PersistentVolume<'_>) -> bool {
    volume.phase.is_none_or(|phase| phase == "Available")
}

/// The claim as matching sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'r> {
    pub namespace: &'r str,
    pub name: &'r str,
    pub uid: Option<&'r str>,
    pub class: &'r str,
    /// Requested bytes, rounded up.
    pub bytes: i128,
    pub modes: ModeSet,
    pub block: bool,
    pub selector: Option<&'r Node>,
}

/// PVs of one class with one access-mode set, by capacity.
#[derive(Debug)]
struct Group {
    modes: ModeSet,
    /// Candidate indices sorted by (capacity, load order).
    members: Vec<usize>,
    /// `next[i]`: the first position ≥ i whose PV is still free (path-compressed).
    next: Vec<usize>,
}

impl Group {
    fn first_free(&mut self, mut at: usize) -> usize {
        let mut path = Vec::new();
        while let Some(&next) = self.next.get(at)
            && next != at
        {
            path.push(at);
            at = next;
        }
        for step in path {
            if let Some(slot) = self.next.get_mut(step) {
                *slot = at;
            }
        }
        at
    }

    fn take(&mut self, position: usize) {
        if let Some(slot) = self.next.get_mut(position) {
            *slot = position + 1;
        }
    }
}

/// Every PV of the manifests, indexed for matching, with what has been bound so far.
#[derive(Debug)]
pub struct Volumes<'a> {
    candidates: Vec<Candidate<'a>>,
    taken: Vec<bool>,
    /// Class → its groups, fewest modes first.
    by_class: HashMap<&'a str, Vec<Group>>,
    /// `(namespace, name)` → PVs whose `claimRef` reserves that claim.
    reserved: HashMap<(&'a str, &'a str), Vec<usize>>,
    by_name: HashMap<&'a str, usize>,
    /// Each candidate's (group, position) within its class's groups.
    slots: Vec<(usize, usize)>,
}

impl<'a> Volumes<'a> {
    #[must_use]
    pub fn new(index: &Index<'a>) -> Self {
        let candidates: Vec<Candidate<'a>> = index
            .objects()
            .iter()
            .filter_map(|object| Candidate::read(object.id, index))
            .collect();
        let mut grouped: HashMap<&'a str, HashMap<ModeSet, Vec<usize>>> = HashMap::new();
        let mut reserved: HashMap<(&'a str, &'a str), Vec<usize>> = HashMap::new();
        let mut by_name = HashMap::new();
        for (at, candidate) in candidates.iter().enumerate() {
            by_name.entry(candidate.name).or_insert(at);
            if let Some((namespace, name, _)) = candidate.claim_ref {
                reserved.entry((namespace, name)).or_default().push(at);
            }
            grouped
                .entry(candidate.class)
                .or_default()
                .entry(candidate.modes)
                .or_default()
                .push(at);
        }
        let by_class: HashMap<&'a str, Vec<Group>> = grouped
            .into_iter()
            .map(|(class, groups)| {
                let mut groups: Vec<Group> = groups
                    .into_iter()
                    .map(|(modes, mut members)| {
                        members
                            .sort_by_key(|&at| (candidates.get(at).and_then(|c| c.capacity), at));
                        let next = (0..=members.len()).collect();
                        Group {
                            modes,
                            members,
                            next,
                        }
                    })
                    .collect();
                groups.sort_by_key(|group| (group.modes.len(), group.modes));
                (class, groups)
            })
            .collect();
        let mut slots = vec![(usize::MAX, usize::MAX); candidates.len()];
        #[expect(
            clippy::iter_over_hash_type,
            reason = "each group is visited once to fill a table indexed by candidate; order does not matter"
        )]
        for groups in by_class.values() {
            for (group_at, group) in groups.iter().enumerate() {
                for (position, &member) in group.members.iter().enumerate() {
                    if let Some(slot) = slots.get_mut(member) {
                        *slot = (group_at, position);
                    }
                }
            }
        }
        Self {
            taken: vec![false; candidates.len()],
            candidates,
            by_class,
            reserved,
            by_name,
            slots,
        }
    }

    #[must_use]
    pub fn candidate(&self, at: usize) -> Option<&Candidate<'a>> {
        self.candidates.get(at)
    }

    pub fn candidates(&self) -> impl Iterator<Item = (usize, &Candidate<'a>)> {
        self.candidates.iter().enumerate()
    }

    #[must_use]
    pub fn is_taken(&self, at: usize) -> bool {
        self.taken.get(at).copied().unwrap_or(true)
    }

    /// The PV named `name`.
    #[must_use]
    pub fn named(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The candidate read from the PV object `id` (candidates are in object order).
    #[must_use]
    pub fn of_object(&self, id: ObjectId) -> Option<usize> {
        self.candidates
            .binary_search_by_key(&id, |candidate| candidate.object)
            .ok()
    }

    /// Marks a PV as bound.
    pub fn take(&mut self, at: usize) {
        if let Some(slot) = self.taken.get_mut(at) {
            *slot = true;
        }
        let Some(candidate) = self.candidates.get(at) else {
            return;
        };
        let Some(&(group_at, position)) = self.slots.get(at) else {
            return;
        };
        if let Some(group) = self
            .by_class
            .get_mut(candidate.class)
            .and_then(|groups| groups.get_mut(group_at))
        {
            group.take(position);
        }
    }

    /// A PV whose `claimRef` reserves this claim and that fits it (§1.2: pre-bound PVs skip the
    /// class, selector and phase checks; one that fails capacity, volume mode or deletion is
    /// skipped silently).
    #[must_use]
    pub fn prebound(&self, request: &Request<'_>) -> Option<usize> {
        self.reserved
            .get(&(request.namespace, request.name))?
            .iter()
            .copied()
            .find(|&at| {
                let Some(candidate) = self.candidates.get(at) else {
                    return false;
                };
                let uid_matches = match (candidate.claim_ref.and_then(|r| r.2), request.uid) {
                    (Some(reserved), Some(uid)) => reserved == uid,
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                uid_matches
                    && !self.is_taken(at)
                    && candidate
                        .capacity
                        .is_some_and(|capacity| capacity >= request.bytes)
                    && candidate.block == request.block
                    && !candidate.deleting
            })
    }

    /// The PV controller's choice (node = nil): within the first access-mode group, fewest
    /// modes first, that has any match, the smallest fitting PV.
    #[must_use]
    pub fn controller_match(&mut self, request: &Request<'_>) -> Option<usize> {
        let groups = self.by_class.get_mut(request.class)?;
        for group in groups.iter_mut() {
            if !group.modes.contains_all(request.modes) {
                continue;
            }
            if let Some(found) = first_fit(group, &self.candidates, request) {
                return Some(found);
            }
        }
        None
    }

    /// The scheduler's choice (WaitForFirstConsumer): the smallest fitting PV of the class
    /// whose modes contain the claim's, with no group preference.
    #[must_use]
    pub fn scheduler_match(&mut self, request: &Request<'_>) -> Option<usize> {
        let groups = self.by_class.get_mut(request.class)?;
        let candidates = &self.candidates;
        groups
            .iter_mut()
            .filter(|group| group.modes.contains_all(request.modes))
            .filter_map(|group| first_fit(group, candidates, request))
            .min_by_key(|&at| (candidates.get(at).and_then(|c| c.capacity), at))
    }
}

/// The smallest free PV of a group that fits the request (§1.2 steps 2–12).
fn first_fit(
    group: &mut Group,
    candidates: &[Candidate<'_>],
    request: &Request<'_>,
) -> Option<usize> {
    let start = group.members.partition_point(|&at| {
        candidates
            .get(at)
            .and_then(|c| c.capacity)
            .is_none_or(|capacity| capacity < request.bytes)
    });
    let mut position = group.first_free(start);
    while let Some(&at) = group.members.get(position) {
        if let Some(candidate) = candidates.get(at)
            && fits(candidate, request)
        {
            return Some(at);
        }
        position = group.first_free(position + 1);
    }
    None
}

fn fits(candidate: &Candidate<'_>, request: &Request<'_>) -> bool {
    candidate.claim_ref.is_none()
        && candidate.available
        && !candidate.deleting
        && candidate.block == request.block
        && request
            .selector
            .is_none_or(|selector| selector_matches(selector, candidate.labels))
}

/// Label-selector semantics over a PV's labels: `matchLabels` and `matchExpressions`
/// (`In`, `NotIn`, `Exists`, `DoesNotExist`), all ANDed.
#[must_use]
pub fn selector_matches(selector: &Node, labels: Option<&Node>) -> bool {
    let label = |key: &str| {
        labels
            .and_then(|labels| labels.get(key))
            .and_then(Node::as_str)
    };
    let labels_match = selector.entries("matchLabels").all(|entry| {
        entry
            .key_text()
            .is_some_and(|key| label(key) == entry.value.as_str())
    });
    let expressions_match = selector.items("matchExpressions").all(|expression| {
        let key = expression.get("key").and_then(Node::as_str).unwrap_or("");
        let values: Vec<&str> = expression
            .items("values")
            .filter_map(Node::as_str)
            .collect();
        match expression.get("operator").and_then(Node::as_str) {
            Some("In") => label(key).is_some_and(|value| values.contains(&value)),
            Some("NotIn") => label(key).is_none_or(|value| !values.contains(&value)),
            Some("Exists") => label(key).is_some(),
            Some("DoesNotExist") => label(key).is_none(),
            _ => false,
        }
    });
    labels_match && expressions_match
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_sets_compare_by_containment() {
        let rwo = ModeSet::of(["ReadWriteOnce"]);
        let rwo_rwx = ModeSet::of(["ReadWriteOnce", "ReadWriteMany"]);
        assert!(rwo_rwx.contains_all(rwo));
        assert!(!rwo.contains_all(rwo_rwx));
        assert_eq!(rwo_rwx.names(), ["ReadWriteOnce", "ReadWriteMany"]);
    }
}
