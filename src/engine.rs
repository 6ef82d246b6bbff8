//! The engine: runs the enabled rules over the index in parallel, attaches each finding to
//! its object, drops findings outside the checked files, applies suppressions and sorts.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::change::{self, Base, ObjectChange};
use crate::diagnostic::{Diagnostic, ObjectRef};
use crate::index::Index;
use crate::load::Workspace;
use crate::model::{Object, ObjectKind};
use crate::provision::Plan;
use crate::rules::{Check, RuleContext};
use crate::settings::Settings;
use crate::source::{FileRole, Span};
use crate::suppress::Suppressions;
use crate::timings::Timings;

/// Runs every enabled rule and returns the findings to report, sorted.
#[must_use]
pub fn run<'r, 'a>(
    index: &'r Index<'a>,
    plan: &'r Plan,
    base: Option<&'r Base<'r, 'a>>,
    workspace: &'r Workspace,
    settings: &'r Settings,
    timings: &mut Timings,
) -> Vec<Diagnostic> {
    let start = Instant::now();
    let changes = base
        .map(|base| change::pair(index, base.index, &workspace.sources))
        .unwrap_or_default();
    let per_rule: Vec<(Vec<Diagnostic>, &'static str, Duration)> = settings
        .rules
        .par_iter()
        .map(|&(rule, severity)| {
            let rule_start = Instant::now();
            let mut cx = RuleContext::new(index, plan, base, workspace, settings, rule, severity);
            dispatch(rule.check, index, &changes, workspace, &mut cx);
            (cx.into_diagnostics(), rule.code, rule_start.elapsed())
        })
        .collect();
    let mut found = Vec::new();
    for (diagnostics, code, elapsed) in per_rule {
        found.extend(diagnostics);
        timings.rules.push((code, elapsed));
    }
    timings.add("rules", start.elapsed());
    let start = Instant::now();
    let base_objects = base.map_or(&[][..], |base| base.index.objects());
    let locator = ObjectLocator::new(index.objects().iter().chain(base_objects));
    let mut diagnostics: Vec<Diagnostic> = found
        .into_iter()
        .filter(|diagnostic| {
            workspace
                .sources
                .get(diagnostic.span.file)
                .is_some_and(|file| matches!(file.role, FileRole::Checked | FileRole::Base))
        })
        .map(|diagnostic| locator.attach(diagnostic))
        .collect();
    let mut suppressions = Suppressions::collect(workspace, index.objects(), settings);
    diagnostics = suppressions.apply(diagnostics, &workspace.sources, settings);
    diagnostics.extend(
        suppressions
            .unused(settings)
            .into_iter()
            .map(|diagnostic| locator.attach(diagnostic)),
    );
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    timings.add("findings", start.elapsed());
    diagnostics
}

fn dispatch(
    check: Check,
    index: &Index<'_>,
    changes: &[ObjectChange<'_, '_>],
    workspace: &Workspace,
    cx: &mut RuleContext<'_, '_>,
) {
    match check {
        Check::File(check) => workspace.files.iter().for_each(|file| check(file, cx)),
        Check::Claim(check) => index.claims().iter().for_each(|claim| check(claim, cx)),
        Check::Object(check) => index.objects().iter().for_each(|object| check(object, cx)),
        Check::Workspace(check) => check(cx),
        Check::Engine => {}
        Check::Change(check) => changes.iter().for_each(|change| check(change, cx)),
        Check::StorageClass(check) => {
            for object in index.objects() {
                if let ObjectKind::StorageClass(class) = &object.kind {
                    check(object, class, cx);
                }
            }
        }
        Check::Volume(check) => {
            for object in index.objects() {
                if let ObjectKind::Volume(volume) = &object.kind {
                    check(object, volume, cx);
                }
            }
        }
        Check::Workload(check) => {
            for object in index.objects() {
                if let ObjectKind::Workload(workload) = &object.kind {
                    check(object, workload, cx);
                }
            }
        }
        Check::Snapshot(check) => {
            for object in index.objects() {
                if let ObjectKind::VolumeSnapshot(snapshot) = &object.kind {
                    check(object, snapshot, cx);
                }
            }
        }
    }
}

fn object_ref(object: &Object<'_>) -> ObjectRef {
    ObjectRef {
        api_version: object.meta.api_version.value.to_owned(),
        kind: object.key.kind.clone(),
        namespace: object.key.namespace.clone(),
        name: object.key.name.clone(),
    }
}

/// Finds the object whose span holds a position, by binary search over object spans.
struct ObjectLocator<'o, 'a> {
    sorted: Vec<&'o Object<'a>>,
}

impl<'o, 'a> ObjectLocator<'o, 'a> {
    fn new(objects: impl Iterator<Item = &'o Object<'a>>) -> Self {
        let mut sorted: Vec<&Object<'a>> = objects.collect();
        sorted.sort_by_key(|object| (object.span().file, object.span().start));
        Self { sorted }
    }

    /// Attaches the object a finding is about, and the field path within it.
    fn attach(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        if let Some(object) = self.object_at(diagnostic.span) {
            diagnostic.object = Some(object_ref(object));
            diagnostic.path = object.meta.root.field_path(diagnostic.span);
        }
        diagnostic
    }

    fn object_at(&self, span: Span) -> Option<&'o Object<'a>> {
        let after = self.sorted.partition_point(|object| {
            (object.span().file, object.span().start) <= (span.file, span.start)
        });
        self.sorted[..after]
            .iter()
            .rev()
            .take_while(|object| object.span().file == span.file)
            .find(|object| object.span().contains(span))
            .copied()
    }
}
