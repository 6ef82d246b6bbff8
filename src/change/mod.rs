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
use crate::source::{FileId, FileRole, SourceMap};

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
/// side (independent examples in several directories, kustomize overlays) pairs the objects
/// written in the same file first (a base file is named `<revision>:<path>`), then the rest in
/// load order, one to one; the leftovers are additions or removals.
#[must_use]
pub fn pair<'r, 'a>(
    head: &'r Index<'a>,
    base: &'r Index<'a>,
    sources: &SourceMap,
) -> Vec<ObjectChange<'r, 'a>> {
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
    for (key, (mut before, mut after)) in keys {
        if before.len() > 1 || after.len() > 1 {
            let path = |object: &Object<'_>| revision_path(sources, object.file());
            let mut same_file = Vec::new();
            before.retain(|old| {
                let Some(at) = after.iter().position(|new| path(new) == path(old)) else {
                    return true;
                };
                same_file.push(ObjectChange {
                    key,
                    before: Some(*old),
                    after: Some(after.remove(at)),
                });
                false
            });
            changes.extend(same_file);
        }
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

/// A file's path as both revisions name it: without the `<revision>:` of base files and
/// without a leading `./`.
#[must_use]
pub fn revision_path(sources: &SourceMap, file: FileId) -> &str {
    let name = sources.name(file);
    let name = match sources.get(file) {
        Some(source) if source.role == FileRole::Base => {
            name.split_once(':').map_or(name, |(_, path)| path)
        }
        _ => name,
    };
    name.strip_prefix("./").unwrap_or(name)
}
