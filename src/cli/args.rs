//! Command-line arguments (clap derive). No logic lives here.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use crate::model::KubeVersion;

const EXIT_STATUS: &str = "\
Exit status:
  0  no findings at or above --fail-level (default: error)
  1  findings at or above --fail-level
  2  usage, configuration or internal error, or an input that could not be read";

/// Lint and validate the Kubernetes storage manifests of a repository.
#[derive(Debug, Parser)]
#[command(
    name = "pvlint",
    version,
    args_conflicts_with_subcommands = true,
    after_help = EXIT_STATUS
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `check` is the default subcommand.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests (the default).
    #[command(after_help = EXIT_STATUS)]
    Check(CheckArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show one rule's documentation.
    Rule(RuleArgs),
    /// Show what the cluster would do with every claim (a dry run of binding and provisioning).
    #[command(after_help = EXIT_STATUS)]
    Plan(CheckArgs),
    /// Draw the storage graph (workloads → claims → classes and volumes → drivers, objects
    /// with findings highlighted) as Mermaid or DOT.
    Graph(CheckArgs),
    /// Run the tests of rule packs: for each `<pack>/tests/<rule-id>/`, `fail.yaml` must produce
    /// exactly the findings its `# expect:` markers name, `pass.yaml` none.
    #[command(name = "test-rules", after_help = TEST_RULES_EXIT_STATUS)]
    TestRules(TestRulesArgs),
    /// Print the JSON Schema of one of pvlint's own files: the config, a backend model, or the
    /// JSON output of `check` or `plan`.
    Schema(SchemaArgs),
}

#[derive(Debug, Clone, ClapArgs)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent command-line switches, as clap reads them"
)]
pub struct CheckArgs {
    /// Files and directories to check; `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format: `human`, `json`, `sarif`, `github` or `markdown` for `check`; `table`,
    /// `json` or `markdown` for `plan`; `mermaid` or `dot` for `graph`; `FORMAT=FILE` writes to
    /// a file. Repeatable.
    #[arg(long, value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,
    /// Run only these rules: codes, code prefixes, names, categories or `ALL`.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Configuration file (default: `.pvlint.yaml` found upward from the current directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Fail (exit 1) on findings at or above this severity.
    #[arg(long, value_enum)]
    pub fail_level: Option<FailLevel>,
    /// Compare with this git revision (PR mode): read its manifests from git and run the change
    /// rules (PVL7xx). In a pull request, the merge base with the target branch.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// With `--base`: report only the findings the change introduces.
    #[arg(long, requires = "base")]
    pub new_only: bool,
    /// Load manifests under DIR to resolve references, but report only on PATHS.
    #[arg(long, value_name = "DIR")]
    pub context: Vec<PathBuf>,
    /// Backend model file (YAML), added to the embedded models; repeatable. A model named like
    /// an embedded one replaces it.
    #[arg(long, value_name = "FILE")]
    pub backend: Vec<PathBuf>,
    /// The Kubernetes release to check against (`1.25` to `1.35`; default: the config's
    /// `kube-version`, else `1.35`). APIs and in-tree plugins removed by then are errors.
    #[arg(long, value_name = "1.MINOR", value_parser = KubeVersion::parse)]
    pub kube_version: Option<KubeVersion>,
    /// Namespace of namespaced objects that name none (as `kubectl -n` would give).
    #[arg(long, value_name = "NAMESPACE")]
    pub default_namespace: Option<String>,
    /// When to use colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Follow symbolic links that lead outside the given paths (by default they are reported
    /// and not read).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Test hook: the named rule panics on everything it checks, to exercise the panic safety
    /// net (an internal error, exit 2). Hidden; never needed in a real run.
    #[arg(long, hide = true, value_name = "RULE")]
    pub debug_panic_in: Option<String>,
    /// Benchmarks: only discover, read and parse the inputs (the floor a check is measured
    /// against), then exit 0.
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Benchmarks: print how long each stage took on stderr.
    #[arg(long, hide = true)]
    pub timings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub schema: SchemaName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaName {
    /// `.pvlint.yaml`.
    Config,
    /// A backend model file.
    Backend,
    /// The output of `pvlint check --format json`.
    CheckOutput,
    /// The output of `pvlint plan --format json`.
    PlanOutput,
    /// A rule pack (`pack.yaml`).
    RulePack,
}

const TEST_RULES_EXIT_STATUS: &str = "\
Exit status:
  0  every case passed
  1  a case failed, or a rule has no tests
  2  a pack could not be loaded";

#[derive(Debug, Clone, ClapArgs)]
pub struct TestRulesArgs {
    /// A pack directory (holding `pack.yaml`), or a directory of pack directories (`rules/`).
    pub dir: PathBuf,
    /// When to use colour in error snippets.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, ClapArgs)]
pub struct RuleArgs {
    /// A rule code (`PVL201`, `csi/liveness-probe-missing`) or name
    /// (`pvc-storage-class-not-found`).
    pub rule: String,
}
