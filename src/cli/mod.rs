//! The command line: one function per subcommand. The only place (with `main.rs`) that
//! prints, and, for config discovery and stdin, touches the outside world besides `load`.

pub mod args;
mod graph;
mod packs;
mod rules;
mod test_rules;

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};

pub use args::Args;
use args::{CheckArgs, ColorChoice, Command, FailLevel, SchemaName};

use crate::config;
use crate::diagnostic::Severity;
use crate::load::Inputs;
use crate::own_schema::OwnSchema;
use crate::provision::Outcome;
use crate::provision::{BackendError, Backends};
use crate::report::plan::PlanFormat;
use crate::report::{self, Format, HumanStyle};
use crate::rules::Registry;
use crate::rules::selector::Selector;
use crate::schema::UserSchemas;
use crate::settings::Settings;
use crate::source::{FileRole, SourceMap};
use crate::spanned_yaml::InputError;
use crate::timings::Timings;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No findings at or above the fail level.
    Success,
    /// Findings at or above the fail level.
    Failure,
    /// Usage, configuration or input error.
    Error,
}

impl ExitStatus {
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Runs the command line.
pub fn run(args: Args) -> Result<ExitStatus> {
    match args.command {
        Some(Command::Check(check_args)) => check(&check_args),
        Some(Command::Rules(list)) => match registry()? {
            Some(registry) => rules::list(list.format, &registry),
            None => Ok(ExitStatus::Error),
        },
        Some(Command::Rule(rule)) => match registry()? {
            Some(registry) => rules::show(&rule.rule, &registry),
            None => Ok(ExitStatus::Error),
        },
        Some(Command::TestRules(test)) => test_rules::run(&test),
        Some(Command::Plan(plan_args)) => plan(&plan_args),
        Some(Command::Graph(graph_args)) => graph::graph(&graph_args),
        Some(Command::Schema(schema_args)) => schema(schema_args.schema),
        None => check(&args.check),
    }
}

/// The rules `pvlint rules` and `pvlint rule` describe: the built-in ones and those of the
/// packs a check from here would load. `None` after reporting a config or pack error.
fn registry() -> Result<Option<Registry>> {
    let mut sources = SourceMap::default();
    let config_path = config::discover(Path::new("."));
    Ok(
        load_config(config_path.as_deref(), &mut sources, ColorChoice::Auto)?
            .map(|loaded| loaded.registry),
    )
}

/// `pvlint schema NAME`: prints one of the schemas of pvlint's own files.
fn schema(name: SchemaName) -> Result<ExitStatus> {
    let schema = match name {
        SchemaName::Config => OwnSchema::Config,
        SchemaName::Backend => OwnSchema::Backend,
        SchemaName::CheckOutput => OwnSchema::CheckOutput,
        SchemaName::PlanOutput => OwnSchema::PlanOutput,
        SchemaName::RulePack => OwnSchema::RulePack,
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(schema.text().as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn check(args: &CheckArgs) -> Result<ExitStatus> {
    let mut sources = SourceMap::default();
    let Some(mut settings) = settings(args, &mut sources)? else {
        return Ok(ExitStatus::Error);
    };
    let mut inputs = inputs(args, settings.load.max_file_bytes)?;
    if let Some(revision) = &args.base {
        match crate::load::git::read_revision(
            Path::new("."),
            revision,
            &inputs.paths,
            &settings.load.excludes,
        ) {
            Ok(files) => inputs.base = Some(files),
            Err(error) => {
                let stderr = io::stderr();
                let mut err = stderr.lock();
                writeln!(err, "error: {}", error.message)?;
                if let Some(hint) = &error.hint {
                    writeln!(err, "  hint: {hint}")?;
                }
                return Ok(ExitStatus::Error);
            }
        }
        settings.new_only = args.new_only;
    }
    if args.parse_only {
        return parse_only(&inputs, &settings, sources, args.timings);
    }
    let mut result = crate::check(&inputs, &settings, sources);
    let report_start = Instant::now();
    let style = HumanStyle {
        color: use_color(args.color),
        width: 100,
    };
    let links = report::markdown::LinkBase::from_github(|name| std::env::var(name).ok());
    for (format, path) in formats(&args.format)? {
        if let Some(path) = path {
            let mut file = File::create(&path)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            let plain = HumanStyle {
                color: false,
                ..style
            };
            report::write(&result, format, plain, &links, &mut file)?;
        } else {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            report::write(&result, format, style, &links, &mut out)?;
            out.flush()?;
        }
    }
    if args.timings {
        result.timings.add("report", report_start.elapsed());
        print_timings(&result.timings)?;
    }
    report_internal_errors(&result)?;
    Ok(
        if !result.errors.is_empty() || !result.internal_errors.is_empty() {
            ExitStatus::Error
        } else if result.fails(settings.fail_level) || result.unparsed_files > 0 {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        },
    )
}

/// The hidden `--parse-only`: discovers, reads and parses the inputs as `check` does, and
/// stops there. Benchmarks measure a check against it.
fn parse_only(
    inputs: &Inputs,
    settings: &Settings,
    sources: SourceMap,
    timings: bool,
) -> Result<ExitStatus> {
    let workspace = crate::load::load(inputs, &settings.load, sources);
    if timings {
        print_timings(&workspace.timings)?;
    }
    std::hint::black_box(&workspace);
    Ok(ExitStatus::Success)
}

/// The hidden `--timings`: one line per stage on stderr, in milliseconds.
fn print_timings(timings: &Timings) -> Result<()> {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for (stage, elapsed) in &timings.stages {
        writeln!(
            err,
            "timing {stage:<24} {:>10.1} ms",
            elapsed.as_secs_f64() * 1e3
        )?;
    }
    let mut rules = timings.rules.clone();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let total: std::time::Duration = rules.iter().map(|(_, elapsed)| *elapsed).sum();
    writeln!(
        err,
        "timing rules, summed over threads {:>10.1} ms",
        total.as_secs_f64() * 1e3
    )?;
    for (code, elapsed) in rules.iter().take(8) {
        writeln!(
            err,
            "timing   rule {code:<19} {:>10.1} ms",
            elapsed.as_secs_f64() * 1e3
        )?;
    }
    Ok(())
}

/// `pvlint plan`: the dry run's outcome for every claim. Exits 1 when a claim stays Pending or
/// is Rejected, so it can gate a pipeline.
fn plan(args: &CheckArgs) -> Result<ExitStatus> {
    let mut sources = SourceMap::default();
    let Some(mut settings) = settings(args, &mut sources)? else {
        return Ok(ExitStatus::Error);
    };
    settings.rules.clear();
    let inputs = inputs(args, settings.load.max_file_bytes)?;
    let result = crate::check(&inputs, &settings, sources);
    let color = use_color(args.color);
    let outputs = outputs(&args.format, PlanFormat::Table, |name| {
        Ok(match name {
            "table" | "human" => PlanFormat::Table,
            "json" => PlanFormat::Json,
            "markdown" => PlanFormat::Markdown,
            other => bail!("unknown plan format `{other}` (use `table`, `json` or `markdown`)"),
        })
    })?;
    for (format, path) in outputs {
        if let Some(path) = path {
            let mut file = File::create(&path)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            report::plan::write(&result.plan, format, false, &mut file)?;
        } else {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            report::plan::write(&result.plan, format, color, &mut out)?;
            out.flush()?;
        }
    }
    for error in &result.errors {
        let stderr = io::stderr();
        writeln!(stderr.lock(), "error: {}: {}", error.path, error.message)?;
    }
    report_internal_errors(&result)?;
    let stuck = result
        .plan
        .claims
        .iter()
        .any(|claim| matches!(claim.outcome, Outcome::Pending | Outcome::Rejected));
    Ok(
        if !result.errors.is_empty() || !result.internal_errors.is_empty() {
            ExitStatus::Error
        } else if stuck {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        },
    )
}

/// Prints the rules that panicked on stderr (the findings of the other rules are printed
/// already).
pub(crate) fn report_internal_errors(result: &crate::CheckResult) -> Result<()> {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for error in &result.internal_errors {
        writeln!(err, "error: internal error: {error}")?;
    }
    if !result.internal_errors.is_empty() {
        writeln!(
            err,
            "  hint: this is a bug in pvlint; the other rules' findings are complete. Please \
             report it with the input that caused it"
        )?;
    }
    Ok(())
}

/// Reads the config and the backend model files (reporting their errors with snippets on
/// stderr) and applies the options.
fn settings(args: &CheckArgs, sources: &mut SourceMap) -> Result<Option<Settings>> {
    let mut settings = Settings::default();
    let config_path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => config::discover(Path::new(".")),
    };
    let mut backend_files = Vec::new();
    let mut schema_files = Vec::new();
    let Some(loaded) = load_config(config_path.as_deref(), sources, args.color)? else {
        return Ok(None);
    };
    if let Some((mut config, root)) = loaded.config {
        backend_files = std::mem::take(&mut config.backends);
        schema_files = std::mem::take(&mut config.schemas);
        settings.registry = loaded.registry;
        if let Err(error) = config.apply(&mut settings, &root) {
            report_input_error(sources, error, args.color)?;
            return Ok(None);
        }
    } else {
        settings.registry = loaded.registry;
        settings.rules = settings.selection.resolve(&settings.registry);
    }
    settings.load.excludes.exclude_dirs(loaded.pack_dirs);
    backend_files.extend(args.backend.iter().cloned());
    if !backend_files.is_empty() {
        match load_backends(sources, &backend_files)? {
            Ok(backends) => settings.backends = backends,
            Err(error) => {
                report_input_error(sources, error, args.color)?;
                return Ok(None);
            }
        }
    }
    let mut selection = settings.selection.clone();
    if !args.select.is_empty() {
        selection.select = Some(parse_selectors(&args.select, &settings.registry)?);
    }
    selection
        .ignore
        .extend(parse_selectors(&args.ignore, &settings.registry)?);
    settings.rules = selection.resolve(&settings.registry);
    if let Some(level) = args.fail_level {
        settings.fail_level = match level {
            FailLevel::Error => Severity::Error,
            FailLevel::Warning => Severity::Warning,
            FailLevel::Info => Severity::Info,
        };
    }
    if let Some(namespace) = &args.default_namespace {
        settings.model.default_namespace = Some(namespace.clone());
    }
    if let Some(version) = args.kube_version {
        settings.kube_version = version;
    }
    settings.load.follow_symlinks = args.follow_symlinks;
    settings.debug_panic_in.clone_from(&args.debug_panic_in);
    if !schema_files.is_empty() {
        match load_schemas(sources, &schema_files, settings.kube_version)? {
            Ok(schemas) => settings.schemas = schemas,
            Err(error) => {
                report_input_error(sources, error, args.color)?;
                return Ok(None);
            }
        }
    }
    Ok(Some(settings))
}

/// Reads backend model files into `sources` (as [`FileRole::Config`]) and loads them over the
/// embedded models. The outer error is a file that cannot be read; the inner one a problem in
/// a model, located in `sources`.
pub fn load_backends(
    sources: &mut SourceMap,
    paths: &[PathBuf],
) -> Result<Result<Backends, BackendError>> {
    let mut ids = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read backend model `{}`", path.display()))?;
        let name = crate::load::display_path(path);
        ids.push(sources.add(name, Arc::from(text), FileRole::Config));
    }
    Ok(Backends::load(sources, &ids))
}

/// Reads schema files (config `schemas:`: CRDs or JSON Schemas) into `sources` (as
/// [`FileRole::Config`]) and compiles them for the target release (whose ObjectMeta custom
/// resources' `metadata` is validated against). The outer error is a file that cannot be read;
/// the inner one a problem in a schema, located in `sources`.
pub fn load_schemas(
    sources: &mut SourceMap,
    paths: &[PathBuf],
    kube_version: crate::model::KubeVersion,
) -> Result<Result<UserSchemas, InputError>> {
    let mut ids = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read schema file `{}`", path.display()))?;
        let name = crate::load::display_path(path);
        ids.push(sources.add(name, Arc::from(text), FileRole::Config));
    }
    Ok(UserSchemas::load(sources, &ids, kube_version.minor))
}

/// Renders a problem in one of our own inputs (config, backend models) with a snippet on
/// stderr.
pub(crate) fn report_input_error(
    sources: &SourceMap,
    error: InputError,
    color: ColorChoice,
) -> Result<()> {
    let snippet = report::human::Snippet::error(sources, error.span, error.message, error.help);
    let handler = report::human::handler(HumanStyle {
        color: use_color_stderr(color),
        width: 100,
    });
    let stderr = io::stderr();
    report::human::write_report(&handler, &snippet, &mut stderr.lock())?;
    Ok(())
}

fn parse_selectors(texts: &[String], registry: &Registry) -> Result<Vec<Selector>> {
    texts
        .iter()
        .filter(|text| !text.trim().is_empty())
        .map(|text| {
            Selector::parse(text, registry).with_context(|| {
                format!(
                    "`{text}` selects no rule (use a code, a code prefix, a pack `name/`, a \
                     name or a category)"
                )
            })
        })
        .collect()
}

/// The config (parsed, not yet applied) with its directory, and the rules of every pack the
/// run loads.
pub(crate) struct Loaded {
    pub config: Option<(config::Config, PathBuf)>,
    pub registry: Registry,
    /// The directories of the repository's and the config's packs (never linted).
    pub pack_dirs: Vec<PathBuf>,
}

/// Reads the config (if any) and loads the packs: the shipped ones, the repository's
/// `rules/*/pack.yaml` and the config's `packs:`. A problem in the config or a pack is
/// reported with a snippet on stderr (`None`).
pub(crate) fn load_config(
    config_path: Option<&Path>,
    sources: &mut SourceMap,
    color: ColorChoice,
) -> Result<Option<Loaded>> {
    let mut config = None;
    if let Some(path) = config_path {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config `{}`", path.display()))?;
        let name = crate::load::display_path(path);
        let id = sources.add(name, Arc::from(text), FileRole::Config);
        let root = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        match config::parse(sources, id, &root) {
            Ok(parsed) => config = Some((parsed, root)),
            Err(error) => {
                report_input_error(sources, error, color)?;
                return Ok(None);
            }
        }
    }
    let repo_root = match &config {
        Some((_, root)) => Some(root.clone()),
        None => config::repository_root(Path::new(".")),
    };
    let named = config
        .as_ref()
        .map(|(config, _)| config.packs.as_slice())
        .unwrap_or_default();
    let (files, pack_dirs) = packs::files(sources, repo_root.as_deref(), named)?;
    let overrides = config
        .as_ref()
        .map(|(config, _)| config.params.as_slice())
        .unwrap_or_default();
    match crate::policy::compile(sources, &files, overrides) {
        Ok(rules) => Ok(Some(Loaded {
            config,
            registry: Registry::with_packs(rules),
            pack_dirs,
        })),
        Err(error) => {
            report_input_error(sources, error, color)?;
            Ok(None)
        }
    }
}

/// The inputs the arguments name; stdin is read here, up to `max_bytes` (`max-file-size`) like
/// any file.
fn inputs(args: &CheckArgs, max_bytes: u64) -> Result<Inputs> {
    let mut inputs = Inputs {
        context: args.context.clone(),
        ..Inputs::default()
    };
    for path in &args.paths {
        if path.as_os_str() == "-" {
            let limit = if max_bytes == 0 { u64::MAX } else { max_bytes };
            let mut bytes = Vec::new();
            io::stdin()
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .context("cannot read stdin")?;
            if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
                inputs.errors.push(crate::load::InputError {
                    path: "-".to_owned(),
                    message: format!(
                        "stdin is larger than the limit of {limit} bytes (`max-file-size`)"
                    ),
                });
                continue;
            }
            let (text, invalid_utf8_at) = crate::load::decode(bytes);
            inputs.stdin = Some(text);
            inputs.stdin_invalid_utf8_at = invalid_utf8_at;
        } else {
            inputs.paths.push(path.clone());
        }
    }
    Ok(inputs)
}

fn formats(specs: &[String]) -> Result<Vec<(Format, Option<PathBuf>)>> {
    outputs(specs, Format::Human, |name| {
        Ok(match name {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" => Format::Github,
            "markdown" => Format::Markdown,
            other => bail!(
                "unknown format `{other}` (use `human`, `json`, `sarif`, `github` or `markdown`)"
            ),
        })
    })
    .and_then(one_document_on_stdout)
}

/// Parses `--format FORMAT[=FILE]` values: each format, with the file it goes to (stdout when
/// `None`); `default` when none is given.
pub(crate) fn outputs<F>(
    specs: &[String],
    default: F,
    format: impl Fn(&str) -> Result<F>,
) -> Result<Vec<(F, Option<PathBuf>)>> {
    if specs.is_empty() {
        return Ok(vec![(default, None)]);
    }
    specs
        .iter()
        .map(|spec| {
            let (name, path) = match spec.split_once('=') {
                Some((name, path)) => (name, Some(PathBuf::from(path))),
                None => (spec.as_str(), None),
            };
            Ok((format(name)?, path))
        })
        .collect()
}

/// Two JSON documents on stdout make neither readable: all but one must go to files.
fn one_document_on_stdout(
    formats: Vec<(Format, Option<PathBuf>)>,
) -> Result<Vec<(Format, Option<PathBuf>)>> {
    let documents = formats
        .iter()
        .filter(|(format, path)| path.is_none() && matches!(format, Format::Json | Format::Sarif))
        .count();
    if documents > 1 {
        bail!("`json` and `sarif` cannot both print to stdout: write one to a file (`sarif=FILE`)");
    }
    Ok(formats)
}

fn use_color(choice: ColorChoice) -> bool {
    color_for(choice, io::stdout().is_terminal())
}

fn use_color_stderr(choice: ColorChoice) -> bool {
    color_for(choice, io::stderr().is_terminal())
}

fn color_for(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}
