//! The engine: runs the enabled rules over the index in parallel, attaches each finding to
//! its object, drops findings outside the checked files, applies suppressions and sorts. A rule
//! that panics becomes an [`InternalError`] (see [`guard`]).

mod guard;

pub use guard::InternalError;

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::change::{self, Base, ObjectChange};
use crate::diagnostic::{Diagnostic, ObjectRef};
use crate::index::Index;
use crate::load::Workspace;
use crate::model::{Object, ObjectKind};
use crate::provision::Plan;
use crate::rules::{Check, Rule, RuleContext};
use crate::settings::Settings;
use crate::source::{FileRole, Span};
use crate::suppress::Suppressions;
use crate::timings::Timings;

/// Runs every enabled rule and returns the findings to report, sorted, and the rules that
/// failed (panicked) on an object; their findings on the other objects are kept.
#[must_use]
pub fn run<'r, 'a>(
    index: &'r Index<'a>,
    plan: &'r Plan,
    base: Option<&'r Base<'r, 'a>>,
    workspace: &'r Workspace,
    settings: &'r Settings,
    timings: &mut Timings,
) -> (Vec<Diagnostic>, Vec<InternalError>) {
    let start = Instant::now();
    let changes = base
        .map(|base| change::pair(index, base.index, &workspace.sources))
        .unwrap_or_default();
    let per_rule: Vec<(Vec<Diagnostic>, Vec<InternalError>, &'static str, Duration)> = settings
        .rules
        .par_iter()
        .map(|&(rule, severity)| {
            let rule_start = Instant::now();
            let mut cx = RuleContext::new(index, plan, base, workspace, settings, rule, severity);
            let mut failures = Vec::new();
            let mut guard = Guard {
                rule,
                panic_in: settings.debug_panic_in.as_deref(),
                failures: &mut failures,
            };
            dispatch(rule.check, index, &changes, workspace, &mut cx, &mut guard);
            (
                cx.into_diagnostics(),
                failures,
                rule.code,
                rule_start.elapsed(),
            )
        })
        .collect();
    let mut found = Vec::new();
    let mut internal_errors = Vec::new();
    for (diagnostics, failures, code, elapsed) in per_rule {
        found.extend(diagnostics);
        internal_errors.extend(failures);
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
    internal_errors.sort_by(|a, b| (a.rule, &a.object).cmp(&(b.rule, &b.object)));
    timings.add("findings", start.elapsed());
    (diagnostics, internal_errors)
}

/// Runs one rule's checks one object at a time under [`guard::guarded`], so that a panic
/// names the object and spares the others.
struct Guard<'g> {
    rule: &'static Rule,
    /// The hidden `--debug-panic-in` option.
    panic_in: Option<&'g str>,
    failures: &'g mut Vec<InternalError>,
}

impl Guard<'_> {
    fn run(&mut self, object: impl FnOnce() -> Option<String>, check: impl FnOnce()) {
        let rule = self.rule;
        let panic_in = self.panic_in;
        let outcome = guard::guarded(
            || {
                guard::debug_panic(rule.code, panic_in);
                check();
            },
            |message| InternalError {
                rule: rule.code,
                name: rule.name,
                object: object(),
                message,
            },
        );
        if let Err(failure) = outcome {
            self.failures.push(failure);
        }
    }
}

fn describe(object: &Object<'_>) -> String {
    let key = &object.key;
    match &key.namespace {
        Some(namespace) => format!("{} `{namespace}/{}`", key.kind, key.name),
        None => format!("{} `{}`", key.kind, key.name),
    }
}

fn dispatch(
    check: Check,
    index: &Index<'_>,
    changes: &[ObjectChange<'_, '_>],
    workspace: &Workspace,
    cx: &mut RuleContext<'_, '_>,
    guard: &mut Guard<'_>,
) {
    match check {
        Check::File(check) => {
            for file in &workspace.files {
                let name = || Some(format!("`{}`", workspace.sources.name(file.id)));
                guard.run(name, || check(file, cx));
            }
        }
        Check::Claim(check) => {
            for claim in index.claims() {
                let owner = || Some(describe(index.object(claim.owner)));
                guard.run(owner, || check(claim, cx));
            }
        }
        Check::Object(check) => {
            for object in index.objects() {
                guard.run(|| Some(describe(object)), || check(object, cx));
            }
        }
        Check::Workspace(check) => guard.run(|| None, || check(cx)),
        Check::Engine => {}
        Check::Pack(rule) => guard.run(|| None, || crate::policy::run(rule, cx)),
        Check::Change(check) => {
            for change in changes {
                let object = || change.after.or(change.before).map(describe);
                guard.run(object, || check(change, cx));
            }
        }
        Check::StorageClass(check) => {
            for object in index.objects() {
                if let ObjectKind::StorageClass(class) = &object.kind {
                    guard.run(|| Some(describe(object)), || check(object, class, cx));
                }
            }
        }
        Check::Volume(check) => {
            for object in index.objects() {
                if let ObjectKind::Volume(volume) = &object.kind {
                    guard.run(|| Some(describe(object)), || check(object, volume, cx));
                }
            }
        }
        Check::Workload(check) => {
            for object in index.objects() {
                if let ObjectKind::Workload(workload) = &object.kind {
                    guard.run(|| Some(describe(object)), || check(object, workload, cx));
                }
            }
        }
        Check::Snapshot(check) => {
            for object in index.objects() {
                if let ObjectKind::VolumeSnapshot(snapshot) = &object.kind {
                    guard.run(|| Some(describe(object)), || check(object, snapshot, cx));
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
