//! Change: the objects of the head revision paired with those of a base revision, by group,
//! kind, namespace and name, so that change rules (PVL7xx) see each object as (before, after).
//!
//! The base side is loaded, modelled, indexed and planned exactly like the head; this module
//! only pairs. It reads no git and reports nothing.

#![warn(clippy::disallowed_methods)]

mod new_only;

use std::collections::BTreeMap;

pub use new_only::retain_new;

use crate::index::Index;
use crate::model::{Object, ObjectKey};
use crate::provision::Plan;

/// The base revision as the change rules see it.
pub struct Base<'r, 'a> {
    /// The revision as the user named it (`origin/main`).
    pub revision: &'r str,
    pub index: &'r Index<'a>,
    pub plan: &'r Plan,
}

/// One object key at both revisions. At least one side is present.
#[derive(Debug, Clone, Copy)]
pub struct ObjectChange<'r, 'a> {
    pub key: &'r ObjectKey,
    /// The object at the base revision; `None` when the change adds it.
    pub before: Option<&'r Object<'a>>,
    /// The object at the head revision; `None` when the change removes it.
    pub after: Option<&'r Object<'a>>,
}

impl ObjectChange<'_, '_> {
    /// Whether the object exists at both revisions.
    #[must_use]
    pub fn is_update(&self) -> bool {
        self.before.is_some() && self.after.is_some()
    }
}

/// Pairs the objects of both revisions by key, in key order. A key defined more than once on a
/// side (independent examples in several directories) pairs its objects in load order, one to
/// one; the leftovers are additions or removals.
#[must_use]
pub fn pair<'r, 'a>(head: &'r Index<'a>, base: &'r Index<'a>) -> Vec<ObjectChange<'r, 'a>> {
    let mut keys: BTreeMap<&'r ObjectKey, (Vec<&'r Object<'a>>, Vec<&'r Object<'a>>)> =
        BTreeMap::new();
    for object in base.objects() {
        if !object.key.name.is_empty() {
            keys.entry(&object.key).or_default().0.push(object);
        }
    }
    for object in head.objects() {
        if !object.key.name.is_empty() {
            keys.entry(&object.key).or_default().1.push(object);
        }
    }
    let mut changes = Vec::new();
    for (key, (before, after)) in keys {
        let count = before.len().max(after.len());
        for at in 0..count {
            changes.push(ObjectChange {
                key,
                before: before.get(at).copied(),
                after: after.get(at).copied(),
            });
        }
    }
    changes
}
