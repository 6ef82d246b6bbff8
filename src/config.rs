//! `.pvlint.yaml`: finding it, reading it with spans, and validating every key and value.
//!
//! The file is parsed into the same spanned tree as manifests, so each error points at the
//! offending key or value. Unknown keys are errors with a did-you-mean. The result is applied
//! onto [`Settings`]; command-line options are applied afterwards by the CLI.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSetBuilder};

use crate::diagnostic::Severity;
use crate::index::ClusterClass;
use crate::load::Excludes;
use crate::load::tree::Node;
use crate::load::yaml::Limits;
use crate::model::KubeVersion;
use crate::own_schema::OwnSchema;
use crate::rules::Registry;
use crate::rules::selector::Selector;
use crate::settings::{ConfigIgnore, RuleSelection, Settings};
use crate::source::{FileId, SourceMap, Span};
use crate::spanned_yaml::{self, InputError, boolean, known_key, mapping, string, strings};

/// The names pvlint looks for, in order.
pub const CONFIG_NAMES: [&str; 2] = [".pvlint.yaml", ".pvlint.yml"];

/// A problem in the config file, located at a span of it.
pub type ConfigError = InputError;

/// Looks for a config file from `start` upward, stopping at the repository root (a directory
/// holding `.git`).
#[must_use]
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// A rule selector as the config writes it; it is resolved once the packs are loaded.
pub type RawSelector = (String, Span);

/// `select:` and `rules:` as written, before the packs that define their rules are loaded.
#[derive(Debug, Clone, Default)]
pub struct RawSelection {
    pub select: Option<Vec<RawSelector>>,
    pub severities: Vec<(RawSelector, Option<Severity>)>,
}

/// An `ignore:` entry as written.
#[derive(Debug, Clone)]
pub struct RawIgnore {
    pub rules: Vec<RawSelector>,
    pub paths: Option<globset::GlobSet>,
    pub span: Span,
}

/// A `params:` entry: a pack rule's code and the params that override the rule's own.
#[derive(Debug, Clone)]
pub struct ParamsOverride {
    pub rule: RawSelector,
    pub params: Node,
}

/// The repository `start` is in: the nearest directory upward holding `.git`.
#[must_use]
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// What the config sets, read and validated.
#[derive(Debug, Default)]
pub struct Config {
    pub excludes: Vec<String>,
    pub default_namespace: Option<String>,
    pub selection: RawSelection,
    pub fail_level: Option<Severity>,
    pub max_file_bytes: Option<u64>,
    /// `max-depth`: the deepest nesting a document may have.
    pub max_depth: Option<usize>,
    /// `max-alias-nodes`: how many nodes anchors and aliases may copy in one document.
    pub max_alias_nodes: Option<usize>,
    pub cluster_classes: Vec<ClusterClass>,
    pub cluster_objects: Vec<PathBuf>,
    pub ignores: Vec<RawIgnore>,
    /// Rule pack files or directories (`packs:`), relative to the config's directory, with
    /// where the config names them. The CLI reads them; [`Config::apply`] leaves them alone.
    pub packs: Vec<(PathBuf, Span)>,
    /// Params of pack rules (`params:`), merged over the rules' own when the packs compile.
    pub params: Vec<ParamsOverride>,
    /// Backend model files (`backends:`), relative to the config's directory. The CLI reads
    /// them; [`Config::apply`] leaves them alone.
    pub backends: Vec<PathBuf>,
    /// The target Kubernetes release (`kube-version:`).
    pub kube_version: Option<KubeVersion>,
    /// Schema files for custom resources (`schemas:`: CRDs or JSON Schemas), relative to the
    /// config's directory. The CLI reads them; [`Config::apply`] leaves them alone.
    pub schemas: Vec<PathBuf>,
}

pub(crate) const KEYS: &[&str] = &[
    "exclude",
    "default-namespace",
    "select",
    "rules",
    "fail-level",
    "max-file-size",
    "max-depth",
    "max-alias-nodes",
    "cluster",
    "ignore",
    "backends",
    "kube-version",
    "schemas",
    "packs",
    "params",
];

/// Parses the config file `id` of `sources`. Paths in it are relative to `root`.
pub fn parse(sources: &SourceMap, id: FileId, root: &Path) -> Result<Config, ConfigError> {
    let Some(root_node) = spanned_yaml::documents(sources, id)?.into_iter().next() else {
        return Ok(Config::default());
    };
    let entries = mapping(&root_node, "the config")?;
    let mut config = Config::default();
    for entry in entries {
        let key = known_key(entry, KEYS)?;
        let value = &entry.value;
        match key {
            "exclude" => {
                config.excludes = strings(value)?.into_iter().map(|(text, _)| text).collect();
            }
            "default-namespace" => config.default_namespace = Some(string(value)?.0),
            "select" => config.selection.select = Some(strings(value)?),
            "rules" => config.selection.severities = severities(value)?,
            "fail-level" => config.fail_level = Some(severity(value)?),
            "max-file-size" => config.max_file_bytes = Some(byte_size(value)?),
            "max-depth" => config.max_depth = Some(count(value, 1, Limits::PARSER_DEPTH)?),
            "max-alias-nodes" => config.max_alias_nodes = Some(count(value, 0, MOST_ALIAS_NODES)?),
            "cluster" => cluster(value, root, &mut config)?,
            "ignore" => config.ignores = ignores(value)?,
            "backends" => {
                config.backends = strings(value)?
                    .into_iter()
                    .map(|(path, _)| root.join(path))
                    .collect();
            }
            "kube-version" => config.kube_version = Some(kube_version(value)?),
            "packs" => {
                config.packs = strings(value)?
                    .into_iter()
                    .map(|(path, span)| (root.join(path), span))
                    .collect();
            }
            "params" => config.params = params(value)?,
            "schemas" => {
                config.schemas = strings(value)?
                    .into_iter()
                    .map(|(path, _)| root.join(path))
                    .collect();
            }
            _ => {}
        }
    }
    if let Err((pattern, message)) = Excludes::new(config.excludes.iter().map(String::as_str), root)
    {
        let span = root_node
            .get("exclude")
            .map_or(root_node.span, |node| node.span);
        return Err(ConfigError::new(
            span,
            format!("invalid glob `{pattern}`: {message}"),
        ));
    }
    OwnSchema::Config.check(&root_node)?;
    Ok(config)
}

impl Config {
    /// Applies the config onto settings. Rule selectors resolve against `settings.registry`,
    /// so the packs must be loaded first; a selector that selects nothing is an error there.
    pub fn apply(self, settings: &mut Settings, root: &Path) -> Result<(), ConfigError> {
        let selection = self.selection.resolve(&settings.registry)?;
        let ignores = self
            .ignores
            .into_iter()
            .map(|ignore| ignore.resolve(&settings.registry))
            .collect::<Result<_, _>>()?;
        if let Ok(excludes) = Excludes::new(self.excludes.iter().map(String::as_str), root) {
            settings.load.excludes = excludes;
        }
        settings.model.default_namespace = self.default_namespace;
        if let Some(level) = self.fail_level {
            settings.fail_level = level;
        }
        if let Some(bytes) = self.max_file_bytes {
            settings.load.max_file_bytes = bytes;
        }
        if let Some(depth) = self.max_depth {
            settings.load.limits.max_depth = depth;
        }
        if let Some(nodes) = self.max_alias_nodes {
            settings.load.limits.max_alias_nodes = nodes;
        }
        settings.cluster_classes = self.cluster_classes;
        settings.cluster_objects = self.cluster_objects;
        settings.ignores = ignores;
        settings.root = root.to_path_buf();
        settings.rules = selection.resolve(&settings.registry);
        settings.selection = selection;
        if let Some(version) = self.kube_version {
            settings.kube_version = version;
        }
        Ok(())
    }
}

impl RawSelection {
    /// The selection with every selector resolved against `registry`.
    pub fn resolve(&self, registry: &Registry) -> Result<RuleSelection, ConfigError> {
        let select = match &self.select {
            Some(selectors) => Some(
                selectors
                    .iter()
                    .map(|(text, span)| selector(text, *span, registry))
                    .collect::<Result<_, _>>()?,
            ),
            None => None,
        };
        let severities = self
            .severities
            .iter()
            .map(|((text, span), level)| Ok((selector(text, *span, registry)?, *level)))
            .collect::<Result<_, ConfigError>>()?;
        Ok(RuleSelection {
            select,
            ignore: Vec::new(),
            severities,
        })
    }
}

impl RawIgnore {
    fn resolve(self, registry: &Registry) -> Result<ConfigIgnore, ConfigError> {
        let rules = self
            .rules
            .into_iter()
            .map(|(text, span)| {
                registry
                    .find(&text)
                    .map(|rule| rule.code)
                    .ok_or_else(|| ConfigError::new(span, format!("unknown rule `{text}`")))
            })
            .collect::<Result<_, _>>()?;
        Ok(ConfigIgnore {
            rules,
            paths: self.paths,
            span: self.span,
        })
    }
}

/// `params: {policy/max-claim-size: {max: 500Gi}}`: which rule each mapping is for is checked
/// when the packs compile.
fn params(node: &Node) -> Result<Vec<ParamsOverride>, ConfigError> {
    mapping(node, "`params`")?
        .iter()
        .map(|entry| {
            mapping(&entry.value, "a rule's params")?;
            Ok(ParamsOverride {
                rule: string(&entry.key)?,
                params: entry.value.clone(),
            })
        })
        .collect()
}

/// `kube-version: 1.35`. An unquoted `1.30` is a float to YAML, but its text is kept, so it
/// reads as 1.30, not 1.3.
fn kube_version(node: &Node) -> Result<KubeVersion, ConfigError> {
    let (text, span) = string(node)?;
    KubeVersion::parse(&text).map_err(|message| {
        ConfigError::new(span, message).with_help(format!(
            "write a release from {} to {}, such as `kube-version: \"{}\"`",
            KubeVersion::OLDEST,
            KubeVersion::NEWEST,
            KubeVersion::NEWEST
        ))
    })
}

fn selector(text: &str, span: Span, registry: &Registry) -> Result<Selector, ConfigError> {
    Selector::parse(text, registry).ok_or_else(|| {
        ConfigError::new(span, format!("`{text}` selects no rule")).with_help(
            "use a code (PVL201, acme/rule-id), a code prefix (PVL2), a pack (acme/), a rule \
             name, or a category",
        )
    })
}

fn severity(node: &Node) -> Result<Severity, ConfigError> {
    let (text, span) = string(node)?;
    Severity::parse(&text).ok_or_else(|| {
        ConfigError::new(span, format!("unknown severity `{text}`"))
            .with_help("use `error`, `warning` or `info`")
    })
}

fn severities(node: &Node) -> Result<Vec<(RawSelector, Option<Severity>)>, ConfigError> {
    mapping(node, "`rules`")?
        .iter()
        .map(|entry| {
            let rule = string(&entry.key)?;
            let level =
                match entry.value.as_bool() {
                    Some(false) => None,
                    _ if entry.value.as_str() == Some("off") => None,
                    _ => Some(severity(&entry.value).map_err(|error| {
                        error.with_help("use `error`, `warning`, `info` or `off`")
                    })?),
                };
            Ok((rule, level))
        })
        .collect()
}

fn byte_size(node: &Node) -> Result<u64, ConfigError> {
    let (text, span) = string(node)?;
    crate::model::Quantity::parse(&text)
        .ok()
        .and_then(|quantity| quantity.ceil_integer())
        .and_then(|bytes| u64::try_from(bytes).ok())
        .ok_or_else(|| {
            ConfigError::new(span, format!("`{text}` is not a size"))
                .with_help("write a byte count or a quantity such as `64Mi`")
        })
}

/// The largest `max-alias-nodes` (the schema's `uint32`).
const MOST_ALIAS_NODES: usize = 4_294_967_295;

/// A whole number from `min` to `max`, as a limit.
fn count(node: &Node, min: usize, max: usize) -> Result<usize, ConfigError> {
    let (text, span) = string(node)?;
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|number| (min..=max).contains(number))
        .ok_or_else(|| {
            ConfigError::new(
                span,
                format!("`{text}` is not a whole number from {min} to {max}"),
            )
        })
}

fn cluster(node: &Node, root: &Path, config: &mut Config) -> Result<(), ConfigError> {
    for entry in mapping(node, "`cluster`")? {
        match known_key(entry, &["storage-classes", "objects"])? {
            "storage-classes" => {
                let items = entry.value.as_sequence().ok_or_else(|| {
                    ConfigError::new(
                        entry.value.span,
                        "expected a list of class names or mappings",
                    )
                })?;
                for item in items {
                    config.cluster_classes.push(cluster_class(item)?);
                }
            }
            _ => {
                for (path, _) in strings(&entry.value)? {
                    config.cluster_objects.push(root.join(path));
                }
            }
        }
    }
    Ok(())
}

fn cluster_class(node: &Node) -> Result<ClusterClass, ConfigError> {
    if node.as_mapping().is_none() {
        let (name, span) = string(node)?;
        return Ok(ClusterClass {
            name,
            provisioner: None,
            default: false,
            span,
        });
    }
    let mut class = ClusterClass {
        name: String::new(),
        provisioner: None,
        default: false,
        span: node.span,
    };
    for entry in mapping(node, "a storage class")? {
        match known_key(entry, &["name", "provisioner", "default"])? {
            "name" => class.name = string(&entry.value)?.0,
            "provisioner" => class.provisioner = Some(string(&entry.value)?.0),
            _ => class.default = boolean(&entry.value)?,
        }
    }
    if class.name.is_empty() {
        return Err(ConfigError::new(
            node.span,
            "a cluster storage class needs a `name`",
        ));
    }
    Ok(class)
}

fn ignores(node: &Node) -> Result<Vec<RawIgnore>, ConfigError> {
    let items = node
        .as_sequence()
        .ok_or_else(|| ConfigError::new(node.span, "expected a list of `{rule, paths}` entries"))?;
    items.iter().map(ignore_entry).collect()
}

fn ignore_entry(node: &Node) -> Result<RawIgnore, ConfigError> {
    let mut rules = Vec::new();
    let mut paths = None;
    for entry in mapping(node, "an `ignore` entry")? {
        match known_key(entry, &["rule", "rules", "paths", "reason"])? {
            "rule" => rules.push(string(&entry.value)?),
            "rules" => rules.extend(strings(&entry.value)?),
            "paths" => {
                let mut builder = GlobSetBuilder::new();
                for (pattern, span) in strings(&entry.value)? {
                    let glob = Glob::new(&pattern).map_err(|error| {
                        ConfigError::new(span, format!("invalid glob `{pattern}`: {error}"))
                    })?;
                    builder.add(glob);
                }
                paths = Some(
                    builder
                        .build()
                        .map_err(|error| ConfigError::new(entry.value.span, error.to_string()))?,
                );
            }
            _ => {
                string(&entry.value)?;
            }
        }
    }
    if rules.is_empty() {
        return Err(ConfigError::new(
            node.span,
            "an `ignore` entry needs `rule` or `rules`",
        ));
    }
    Ok(RawIgnore {
        rules,
        paths,
        span: node.span,
    })
}
