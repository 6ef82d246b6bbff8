//! [`Settings`]: the resolved options of one run, from the config file and the command line.

use std::path::PathBuf;

use globset::GlobSet;

use crate::diagnostic::Severity;
use crate::index::ClusterClass;
use crate::load::LoadOptions;
use crate::model::{KubeVersion, ModelOptions};
use crate::provision::Backends;
use crate::rules::selector::Selector;
use crate::rules::{Registry, Rule};
use crate::schema::UserSchemas;
use crate::source::Span;

/// A config `ignore:` entry: these rules are suppressed in these files.
#[derive(Debug, Clone)]
pub struct ConfigIgnore {
    /// Rule codes.
    pub rules: Vec<&'static str>,
    /// Files it applies to (all when `None`), matched against paths relative to the config.
    pub paths: Option<GlobSet>,
    /// The entry in the config file, for `unused-suppression`.
    pub span: Span,
}

/// Everything a run needs to know besides its inputs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub load: LoadOptions,
    pub model: ModelOptions,
    /// Every rule this run knows: the built-in rules and the loaded packs' rules.
    pub registry: Registry,
    /// Which rules were asked for (config and command line), before resolution.
    pub selection: RuleSelection,
    /// The enabled rules with their severities, ordered by code.
    pub rules: Vec<(&'static Rule, Severity)>,
    /// Findings at or above this severity make the run fail.
    pub fail_level: Severity,
    pub cluster_classes: Vec<ClusterClass>,
    /// Files with objects exported from the cluster (`cluster.objects`).
    pub cluster_objects: Vec<PathBuf>,
    pub ignores: Vec<ConfigIgnore>,
    /// The directory config paths are relative to.
    pub root: PathBuf,
    /// With a base revision: report only the findings the change introduces (`--new-only`).
    pub new_only: bool,
    /// The backend models: the embedded ones, plus `--backend` files and config `backends:`.
    pub backends: Backends,
    /// The Kubernetes release the manifests are checked against (`--kube-version`, config
    /// `kube-version:`): removals of APIs and in-tree plugins are errors from it on.
    pub kube_version: KubeVersion,
    /// Schemas for custom resources from config `schemas:` (CRDs or JSON Schema files).
    pub schemas: UserSchemas,
    /// A test hook (the hidden `--debug-panic-in RULE`): this rule panics on everything it
    /// checks, to exercise the engine's panic safety net. `None` in every real run.
    pub debug_panic_in: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        let registry = Registry::with_packs(crate::policy::shipped().to_vec());
        Self {
            load: LoadOptions {
                max_file_bytes: DEFAULT_MAX_FILE_BYTES,
                ..LoadOptions::default()
            },
            model: ModelOptions::default(),
            selection: RuleSelection::default(),
            rules: RuleSelection::default().resolve(&registry),
            registry,
            fail_level: Severity::Error,
            cluster_classes: Vec::new(),
            cluster_objects: Vec::new(),
            ignores: Vec::new(),
            root: PathBuf::from("."),
            new_only: false,
            backends: Backends::embedded(),
            kube_version: KubeVersion::default(),
            schemas: UserSchemas::default(),
            debug_panic_in: None,
        }
    }
}

/// Files larger than this are not parsed unless `max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl Settings {
    /// Settings with exactly one rule enabled at its default severity (used by rule tests).
    #[must_use]
    pub fn for_rule(rule: &'static Rule) -> Self {
        Self {
            rules: vec![(rule, rule.default_severity())],
            ..Self::default()
        }
    }

    /// The severity of an enabled rule.
    #[must_use]
    pub fn severity_of(&self, code: &str) -> Option<Severity> {
        self.rules
            .iter()
            .find(|(rule, _)| rule.code == code)
            .map(|(_, severity)| *severity)
    }
}

/// Which rules run, before resolution: `select` replaces the default set, `ignore` removes,
/// and `severities` overrides (or, with `None`, turns off) matching rules, most specific last.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub severities: Vec<(Selector, Option<Severity>)>,
}

impl RuleSelection {
    /// The enabled rules of `registry` and their severities.
    #[must_use]
    pub fn resolve(&self, registry: &Registry) -> Vec<(&'static Rule, Severity)> {
        let mut severities = self.severities.clone();
        severities.sort_by_key(|(selector, _)| selector.specificity());
        registry
            .all()
            .filter_map(|rule| {
                let selected = match &self.select {
                    Some(select) => select.iter().any(|selector| selector.matches(rule)),
                    None => rule.category.enabled_by_default(),
                };
                let ignored = self.ignore.iter().any(|selector| selector.matches(rule));
                let mut state = (selected && !ignored).then(|| rule.default_severity());
                for (selector, severity) in &severities {
                    if selector.matches(rule) && (state.is_some() || !ignored) {
                        state = *severity;
                    }
                }
                state.map(|severity| (rule, severity))
            })
            .collect()
    }
}
