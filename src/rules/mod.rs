//! Rules: what is wrong.
//!
//! Each built-in rule is one file holding its documentation, its [`Rule`] metadata and its
//! `check` function. The [`rules!`] list below is the registry: one line per rule, kept
//! alphabetical. Rules only read the index and report through [`RuleContext`]; they never
//! touch the filesystem or print.

#![warn(clippy::disallowed_methods)]

mod context;
pub mod prelude;
pub mod selector;

pub use context::{DiagnosticGuard, RuleContext};

use crate::change::ObjectChange;
use crate::load::LoadedFile;
use crate::model::{Claim, Object, PersistentVolume, StorageClass, VolumeSnapshot, Workload};

/// What kind of problem a rule finds; sets the default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Will break: error.
    Correctness,
    /// Probably wrong: warning.
    Suspicious,
    /// Works, but a better way exists: warning.
    BestPractice,
    /// Worth knowing: info.
    Info,
    /// An organisation's choice: off unless selected.
    Policy,
    /// New and opt-in: off unless selected.
    Preview,
}

impl Category {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::BestPractice => "best-practice",
            Category::Info => "info",
            Category::Policy => "policy",
            Category::Preview => "preview",
        }
    }

    /// The severity a rule of this category reports at unless configured otherwise.
    #[must_use]
    pub fn default_severity(self) -> crate::diagnostic::Severity {
        use crate::diagnostic::Severity;
        match self {
            Category::Correctness => Severity::Error,
            Category::Suspicious
            | Category::BestPractice
            | Category::Policy
            | Category::Preview => Severity::Warning,
            Category::Info => Severity::Info,
        }
    }

    /// Whether rules of this category run without being selected.
    #[must_use]
    pub fn enabled_by_default(self) -> bool {
        !matches!(self, Category::Policy | Category::Preview)
    }

    pub const ALL: [Category; 6] = [
        Category::Correctness,
        Category::Suspicious,
        Category::BestPractice,
        Category::Info,
        Category::Policy,
        Category::Preview,
    ];
}

/// The typed entry point of a rule. The engine dispatches on the variant.
#[derive(Clone, Copy)]
pub enum Check {
    /// Once per loaded file (parse problems).
    File(fn(&LoadedFile, &mut RuleContext<'_, '_>)),
    StorageClass(fn(&Object<'_>, &StorageClass<'_>, &mut RuleContext<'_, '_>)),
    /// Once per claim: PVCs, StatefulSet claim templates and ephemeral volume templates.
    Claim(fn(&Claim<'_>, &mut RuleContext<'_, '_>)),
    Volume(fn(&Object<'_>, &PersistentVolume<'_>, &mut RuleContext<'_, '_>)),
    /// Once per Pod or pod-template owner.
    Workload(fn(&Object<'_>, &Workload<'_>, &mut RuleContext<'_, '_>)),
    /// Once per VolumeSnapshot.
    Snapshot(fn(&Object<'_>, &VolumeSnapshot<'_>, &mut RuleContext<'_, '_>)),
    /// Once per object key present at the base or the head revision; only with `--base`.
    /// `cx.base` holds the base revision.
    Change(fn(&ObjectChange<'_, '_>, &mut RuleContext<'_, '_>)),
    /// Once per object of any kind.
    Object(fn(&Object<'_>, &mut RuleContext<'_, '_>)),
    /// Once per run, over the whole index.
    Workspace(fn(&mut RuleContext<'_, '_>)),
    /// Findings the engine itself produces after all rules ran (unused suppressions); the
    /// rule exists for its code, documentation, selection and severity.
    Engine,
    /// A rule of a rule pack: its compiled match, template and message.
    Pack(&'static crate::policy::PackRule),
}

impl Check {
    /// What the rule applies to, for documentation.
    #[must_use]
    pub fn applies_to(&self) -> &'static str {
        match self {
            Check::File(_) => "files",
            Check::StorageClass(_) => "StorageClass",
            Check::Claim(_) => {
                "PersistentVolumeClaim, StatefulSet claim templates, ephemeral volumes"
            }
            Check::Volume(_) => "PersistentVolume",
            Check::Workload(_) => "Pod and every pod template",
            Check::Snapshot(_) => "VolumeSnapshot",
            Check::Change(_) => "objects changed against the base revision (`--base`)",
            Check::Object(_) => "every object",
            Check::Workspace(_) => "the whole input",
            Check::Engine => "suppression comments, annotations and config entries",
            Check::Pack(rule) => rule.applies_to(),
        }
    }
}

/// A built-in rule.
pub struct Rule {
    /// `PVL` and three digits; stable forever.
    pub code: &'static str,
    /// Kebab-case name of the problem.
    pub name: &'static str,
    pub category: Category,
    /// One line, for lists.
    pub summary: &'static str,
    pub check: Check,
    /// The Markdown documentation (the doc comment of the rule's `RULE`).
    pub docs: &'static str,
    /// `file#Lline` of the declaration.
    pub source: &'static str,
}

impl Rule {
    /// The severity the rule reports at unless configured otherwise: its category's, or the
    /// `severity:` a pack rule declares.
    #[must_use]
    pub fn default_severity(&self) -> crate::diagnostic::Severity {
        match self.check {
            Check::Pack(rule) => rule.severity.unwrap_or(self.category.default_severity()),
            _ => self.category.default_severity(),
        }
    }

    /// The pack a rule comes from (`csi` for `csi/sidecar-image-unpinned`); `None` for
    /// built-in rules.
    #[must_use]
    pub fn pack(&self) -> Option<&'static str> {
        match self.check {
            Check::Pack(rule) => Some(rule.pack),
            _ => None,
        }
    }

    /// The documentation as Markdown, with the doc comments' leading space removed.
    #[must_use]
    pub fn documentation(&self) -> String {
        self.docs
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("code", &self.code)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Declares a rule: the doc comment becomes [`Rule::docs`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $id:ident = Rule { $($field:ident : $value:expr),* $(,)? };
    ) => {
        $vis static $id: $crate::rules::Rule = $crate::rules::Rule {
            $($field: $value,)*
            docs: concat!($($doc, "\n"),*),
            source: concat!(file!(), "#L", line!()),
        };
    };
}
pub(crate) use declare_rule;

/// The registry: `mod` for each rule file and the [`ALL`] list.
macro_rules! rules {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every built-in rule, ordered by code.
        pub static ALL: std::sync::LazyLock<Vec<&'static Rule>> = std::sync::LazyLock::new(|| {
            let mut all: Vec<&'static Rule> = vec![$(&$module::RULE),*];
            all.sort_by_key(|rule| rule.code);
            all
        });
        /// The file name (without `.rs`) of each registered rule, for the completeness tests.
        pub const MODULES: &[&str] = &[$(stringify!($module)),*];
    };
}

rules! {
    access_mode_unsupported_by_backend,
    backend_capacity_exceeded,
    beta_storage_class_annotation,
    claim_never_binds,
    claim_removed_deletes_data,
    claim_waits_for_first_consumer,
    clone_driver_mismatch,
    clone_unsupported_by_backend,
    clone_volume_mode_mismatch,
    dangling_pvc,
    default_class_annotation_not_true,
    deprecated_api_version,
    duplicate_key,
    duplicate_mount_path,
    duplicate_object,
    ephemeral_claim_name_conflict,
    expansion_unsupported_by_backend,
    fractional_byte_quantity,
    hostpath_persistent_volume,
    immutable_field_changed,
    in_tree_provisioner,
    in_tree_volume_source,
    inline_cloud_volume,
    invalid_access_modes,
    invalid_class_parameter,
    invalid_object_name,
    invalid_quantity,
    invalid_reclaim_policy,
    invalid_volume_binding_mode,
    limit_range_violated,
    local_class_immediate_binding,
    local_pv_missing_node_affinity,
    missing_api_version_or_kind,
    mount_options_unsupported_by_backend,
    multiple_default_snapshot_classes,
    multiple_default_storage_classes,
    pod_claim_not_found,
    pod_volumes_unschedulable,
    pv_access_mode_unsupported_by_backend,
    pv_capacity_invalid,
    pv_claim_ref_conflict,
    pv_claim_ref_not_found,
    pv_volume_source_count,
    pvc_data_source_not_found,
    pvc_expansion_not_allowed,
    pvc_limit_below_request,
    pvc_prebound_volume_mismatch,
    pvc_selector_blocks_provisioning,
    pvc_shrink,
    pvc_storage_class_not_found,
    pvc_storage_request_missing,
    pvc_volume_not_found,
    read_only_claim_mounted_writable,
    reclaim_delete_unsupported,
    reclaim_policy_weakened,
    recycle_reclaim_policy,
    restore_smaller_than_source,
    rwo_claim_shared_by_replicas,
    rwo_claim_shared_by_workloads,
    rwop_claim_shared,
    schema_violation,
    size_out_of_backend_range,
    snapshot_class_driver_mismatch,
    snapshot_class_not_found,
    snapshot_default_class_missing,
    snapshot_source_not_found,
    snapshot_unsupported_by_backend,
    statefulset_claim_template_changed,
    storage_class_removed_while_referenced,
    storage_quota_exceeded,
    templated_file,
    unencrypted_storage_class,
    unknown_provisioner,
    unquoted_non_string_value,
    unused_suppression,
    volume_mode_mismatch,
    volume_mode_unsupported_by_backend,
    volume_mount_undeclared,
    volume_topology_conflict,
    volume_unused,
    yaml_syntax_error,
    zonal_class_immediate_binding,
}

/// The built-in rule with this code or name.
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

/// Every rule a run knows: the built-in rules and the rules of the loaded packs. Selectors,
/// suppressions and `pvlint rule` resolve against it.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Pack rules, ordered by code.
    packs: Vec<&'static Rule>,
}

impl Registry {
    /// The built-in rules plus these pack rules.
    #[must_use]
    pub fn with_packs(mut packs: Vec<&'static Rule>) -> Self {
        packs.sort_by_key(|rule| rule.code);
        Self { packs }
    }

    /// Built-in rules (by code), then pack rules (by code).
    pub fn all(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        ALL.iter().copied().chain(self.packs.iter().copied())
    }

    /// The pack rules.
    #[must_use]
    pub fn packs(&self) -> &[&'static Rule] {
        &self.packs
    }

    /// The rule with this code (`PVL201`, `acme/claim-size-limit`) or name; a built-in name
    /// wins over a pack rule's.
    #[must_use]
    pub fn find(&self, code_or_name: &str) -> Option<&'static Rule> {
        find(code_or_name).or_else(|| {
            self.packs
                .iter()
                .copied()
                .find(|rule| rule.code == code_or_name)
                .or_else(|| {
                    self.packs
                        .iter()
                        .copied()
                        .find(|rule| rule.name == code_or_name)
                })
        })
    }
}
