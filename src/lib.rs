//! pvlint lints and validates the Kubernetes storage manifests of a repository.
//!
//! Data flows one way; each stage answers one question:
//!
//! ```text
//! files/stdin
//!    → load     what text did the user write, and where (spanned YAML trees)
//!    → model    what does it mean (typed objects with spanned fields, quantities)
//!    → index    what refers to what (references resolved once, reverse edges)
//!    → rules    what is wrong (built-in rules and rule packs, in parallel)
//!    → report   how do we say it (human, json, sarif, github, markdown, graph drawings)
//! ```
//!
//! Dependencies point one way too: `source ← load ← model ← index ← rules/policy ← engine ← cli`,
//! with `diagnostic` used by everyone and `report` only by the CLI. Only `load` and the CLI's
//! config discovery touch the filesystem; the library never prints and never exits.
//!
//! The entry point is [`check`].

pub mod change;
pub mod cli;
pub mod config;
pub mod diagnostic;
mod engine;
pub mod fixture;
pub mod graph;
pub mod index;
pub mod load;
pub mod model;
pub mod own_schema;
pub mod policy;
pub mod provision;
pub mod report;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod source;
pub mod spanned_yaml;
pub mod suggest;
pub mod suppress;
pub mod timings;
pub mod unread;

use diagnostic::{Diagnostic, Severity};
pub use engine::InternalError;
use load::{InputError, Inputs};
use settings::Settings;
use source::SourceMap;

/// What a check produced.
#[derive(Debug)]
pub struct CheckResult {
    /// Every text read, for rendering.
    pub sources: SourceMap,
    /// Findings, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
    /// Files and directories that could not be read, and files that could not be parsed
    /// without a finding saying so (see [`unread`]).
    pub errors: Vec<InputError>,
    /// Checked files that could not be fully parsed, reported by a finding: the run fails even
    /// when the finding is below the fail level.
    pub unparsed_files: usize,
    /// Rules that panicked, with the object they were checking (exit 2).
    pub internal_errors: Vec<InternalError>,
    /// How many files were checked (context files excluded).
    pub files_checked: usize,
    /// What the cluster would do with the claims (the dry run).
    pub plan: provision::Plan,
    /// The rules that ran, with their severities, ordered by code (SARIF describes them).
    pub rules: Vec<(&'static rules::Rule, Severity)>,
    /// Which objects refer to which, marked with their findings (`pvlint graph`).
    pub graph: graph::StorageGraph,
    /// How long each stage took.
    pub timings: timings::Timings,
}

impl CheckResult {
    /// Whether a finding reaches the fail level.
    #[must_use]
    pub fn fails(&self, level: Severity) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity >= level)
    }
}

/// Loads the inputs and runs every enabled rule. `sources` may already hold the config file,
/// so that findings can point into it.
#[must_use]
pub fn check(inputs: &Inputs, settings: &Settings, sources: SourceMap) -> CheckResult {
    let mut inputs = inputs.clone();
    inputs
        .context
        .extend(settings.cluster_objects.iter().cloned());
    let workspace = load::load(&inputs, &settings.load, sources);
    let mut timings = workspace.timings.clone();
    let (diagnostics, plan, mut graph, internal_errors, dropped) = {
        let model = timings.time("model", || {
            model::Model::build(workspace.documents(), &settings.model)
        });
        let index = timings.time("index", || {
            index::Index::build(model, &workspace.sources, settings.cluster_classes.clone())
        });
        let plan = timings.time("plan", || provision::simulate(&index, &settings.backends));
        let graph = timings.time("graph", || graph::StorageGraph::build(&index, &plan));
        let base_model = inputs.base.as_ref().map(|_| {
            timings.time("model", || {
                model::Model::build(workspace.base_documents(), &settings.model)
            })
        });
        let base_index = base_model.map(|model| {
            timings.time("index", || {
                index::Index::build(model, &workspace.sources, settings.cluster_classes.clone())
            })
        });
        let base_plan = base_index
            .as_ref()
            .map(|index| timings.time("plan", || provision::simulate(index, &settings.backends)));
        let base = match (&inputs.base, &base_index, &base_plan) {
            (Some(revision), Some(index), Some(plan)) => Some(change::Base {
                revision: &revision.name,
                index,
                plan,
            }),
            _ => None,
        };
        let (mut diagnostics, mut internal_errors) = engine::run(
            &index,
            &plan,
            base.as_ref(),
            &workspace,
            settings,
            &mut timings,
        );
        let mut dropped = std::collections::BTreeSet::new();
        if settings.new_only
            && let Some(base) = &base
        {
            let (old, old_errors) = engine::run(
                base.index,
                base.plan,
                None,
                &workspace,
                settings,
                &mut timings,
            );
            internal_errors.extend(old_errors);
            dropped = unread::reported(&workspace, &diagnostics);
            diagnostics = change::retain_new(diagnostics, &old, &workspace.sources, base.revision);
        }
        (diagnostics, plan, graph, internal_errors, dropped)
    };
    let shown = unread::reported(&workspace, &diagnostics);
    let unreported = unread::unreported(&workspace, settings, &shown, &dropped);
    graph.mark(&diagnostics);
    let files_checked = workspace
        .files
        .iter()
        .filter(|file| {
            workspace
                .sources
                .get(file.id)
                .is_some_and(|source| source.role == source::FileRole::Checked)
        })
        .count();
    let mut errors = workspace.errors;
    errors.extend(unreported);
    CheckResult {
        sources: workspace.sources,
        diagnostics,
        errors,
        unparsed_files: shown.len(),
        internal_errors,
        files_checked,
        plan,
        rules: settings.rules.clone(),
        graph,
        timings,
    }
}
