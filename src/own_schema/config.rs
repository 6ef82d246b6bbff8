//! The schema of `.pvlint.yaml`: schema-only types mirroring what [`crate::config::parse`]
//! accepts. Every key is optional and none takes `null`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::model::KubeVersion;
use crate::own_schema::{Quantity, Text};

/// pvlint's configuration file, `.pvlint.yaml` (or `.pvlint.yml`), found from the current
/// directory upward to the repository root, or given with `--config`. Paths in it are relative
/// to its directory. Command-line options override it.
#[derive(Debug, Default, JsonSchema)]
#[schemars(
    title = "pvlint configuration",
    default,
    deny_unknown_fields,
    rename_all = "kebab-case"
)]
pub struct ConfigFile {
    /// Globs of files and directories not to read (`charts/**`), relative to this file.
    pub exclude: Vec<Text>,
    /// The namespace of namespaced objects that name none, as `kubectl -n` would give
    /// (default `default`).
    pub default_namespace: Text,
    /// The rules to run, replacing the default set: codes (`PVL201`), code prefixes (`PVL2`),
    /// names (`dangling-pvc`), categories (`suspicious`) or `ALL`. Policy and preview rules run
    /// only when selected.
    pub select: Vec<RuleSelector>,
    /// Severity overrides by selector (a code, a prefix, a name, a category or `ALL`); `off`
    /// (or `false`) turns rules off. The most specific selector wins.
    #[schemars(extend("propertyNames" = { "pattern": SELECTOR_PATTERN }))]
    #[expect(
        clippy::zero_sized_map_values,
        reason = "schema-only types hold no data"
    )]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Findings at or above this severity make the run fail, exit status 1 (default `error`).
    pub fail_level: SeverityName,
    /// Files larger than this are not parsed: a byte count or a quantity (default `64Mi`).
    pub max_file_size: Quantity,
    /// The deepest nesting of mappings and sequences a document may have; a deeper document
    /// is reported and not read (default 200; the parser stops at 255 in any case).
    #[schemars(range(min = 1, max = 255))]
    pub max_depth: u32,
    /// How many nodes anchors and aliases may copy in one document (an anchored node is copied
    /// once, and again for each alias); a document over it, such as a "billion laughs"
    /// document, is reported and not read (default 100000).
    pub max_alias_nodes: u32,
    /// What exists only in the cluster, not in the manifests.
    pub cluster: Cluster,
    /// Rules to suppress in some files.
    pub ignore: Vec<IgnoreEntry>,
    /// Backend model files, relative to this file (as `--backend`).
    pub backends: Vec<Text>,
    /// The Kubernetes release the manifests are checked against: APIs and in-tree volume
    /// plugins removed by then are errors (default: the newest known release). Quote it
    /// (`"1.30"`) so that other YAML tools do not read `1.30` as the number 1.3; pvlint reads
    /// it as written.
    pub kube_version: KubeVersionSchema,
    /// Schema files for custom resources, relative to this file: CustomResourceDefinitions
    /// (every served version) or JSON Schemas naming their kind with
    /// `x-kubernetes-group-version-kind` or a `const` on `apiVersion` and `kind`. Objects of
    /// those kinds are validated too (PVL005 schema-violation); a schema given here replaces
    /// the embedded one for its kind and API version.
    pub schemas: Vec<Text>,
    /// Rule pack files (`pack.yaml`) or pack directories, relative to this file, loaded besides
    /// the packs shipped with pvlint and those under the repository's `rules/`. A pack with
    /// the id of a shipped pack replaces it.
    pub packs: Vec<Text>,
    /// Params of pack rules by rule code (`policy/max-claim-size: {max: 500Gi}`), merged over
    /// the params the rule's pack gives; validated against the rule's template.
    #[schemars(extend("propertyNames" = { "pattern": PACK_RULE_PATTERN }))]
    pub params: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// A pack rule's code: `<pack>/<rule-id>`.
pub const PACK_RULE_PATTERN: &str = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*/[a-z][a-z0-9]*(-[a-z0-9]+)*$";

/// `cluster:`.
#[derive(Debug, Default, JsonSchema)]
#[schemars(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Cluster {
    /// StorageClasses that exist in the cluster: a name, or a mapping with the provisioner and
    /// whether the class is the default one.
    pub storage_classes: Vec<ClusterClass>,
    /// Files with objects exported from the cluster (`kubectl get sc,pv,pvc -A -o yaml`),
    /// relative to this file: they resolve references but are never reported on.
    pub objects: Vec<Text>,
}

/// A StorageClass of the cluster.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum ClusterClass {
    /// Its name.
    Name(Text),
    Class(ClusterClassMapping),
}

/// A StorageClass of the cluster, with what pvlint should know of it.
#[derive(Debug, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ClusterClassMapping {
    /// The class name.
    #[schemars(length(min = 1))]
    pub name: Text,
    /// Its provisioner (CSI driver), for the capability checks.
    #[schemars(default)]
    pub provisioner: Text,
    /// Whether it is the cluster's default class.
    #[schemars(default)]
    pub default: bool,
}

/// An `ignore:` entry: these rules are suppressed in these files. It names `rule` or `rules`.
#[derive(Debug, Default, JsonSchema)]
#[schemars(
    default,
    deny_unknown_fields,
    extend("anyOf" = [
        { "required": ["rule"] },
        { "required": ["rules"], "properties": { "rules": { "minItems": 1 } } }
    ])
)]
pub struct IgnoreEntry {
    /// A rule code or name.
    pub rule: Text,
    /// Rule codes or names.
    pub rules: Vec<Text>,
    /// Globs of the files it applies to, relative to this file (default: every file).
    pub paths: Vec<Text>,
    /// Why the rules are ignored.
    pub reason: Text,
}

/// Selects rules: a code (`PVL201`, `acme/claim-size-limit`), a code prefix (`PVL2`, `PVL`), a
/// whole pack (`acme/`), a name
/// (`pvc-storage-class-not-found`), a category (`correctness`, `suspicious`, `best-practice`,
/// `info`, `policy`, `preview`) or `ALL`. It must select at least one rule.
#[derive(Debug, Default)]
pub struct RuleSelector;

/// A selector: `ALL` (any case), a code or code prefix (any case), or a kebab-case name or
/// category. Spaces around it are ignored.
pub const SELECTOR_PATTERN: &str = r"^\s*([Aa][Ll][Ll]|[Pp][Vv][Ll][0-9]{0,3}|[a-z][a-z0-9]*(-[a-z0-9]+)*(/([a-z][a-z0-9]*(-[a-z0-9]+)*)?)?)\s*$";

impl JsonSchema for RuleSelector {
    fn schema_name() -> Cow<'static, str> {
        "RuleSelector".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A rule code (`PVL201`, `acme/claim-size-limit`), a code prefix \
                (`PVL2`), a pack (`acme/`), a name \
                (`pvc-storage-class-not-found`), a category (`correctness`, `suspicious`, \
                `best-practice`, `info`, `policy`, `preview`) or `ALL`.",
            "type": "string",
            "pattern": SELECTOR_PATTERN
        })
    }
}

/// A severity: `error`, `warning` (or `warn`) or `info` (or `note`).
#[derive(Debug, Default)]
pub struct SeverityName;

const SEVERITIES: [&str; 5] = ["error", "warning", "warn", "info", "note"];

impl JsonSchema for SeverityName {
    fn schema_name() -> Cow<'static, str> {
        "Severity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`error`, `warning` (or `warn`) or `info` (or `note`).",
            "type": "string",
            "enum": SEVERITIES
        })
    }
}

/// A rule's severity under `rules:`, or `off`.
#[derive(Debug, Default)]
pub struct RuleLevel;

impl JsonSchema for RuleLevel {
    fn schema_name() -> Cow<'static, str> {
        "RuleLevel".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut levels = SEVERITIES.to_vec();
        levels.push("off");
        json_schema!({
            "description": "A severity (`error`, `warning`, `info`), or `off` (also `false`) to \
                turn the rules off.",
            "anyOf": [
                { "type": "string", "enum": levels },
                { "const": false }
            ]
        })
    }
}

/// `kube-version:`: `1.MINOR`, optionally with a `v` and a patch release.
#[derive(Debug, Default)]
pub struct KubeVersionSchema;

impl JsonSchema for KubeVersionSchema {
    fn schema_name() -> Cow<'static, str> {
        "KubeVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let minors: Vec<String> = KubeVersion::supported()
            .map(|version| version.minor.to_string())
            .collect();
        let pattern = format!(r"^\s*v?1\.({})(\.[0-9]+)?\s*$", minors.join("|"));
        let names: Vec<String> = KubeVersion::supported()
            .map(|version| version.to_string())
            .collect();
        // Unquoted, `1.30` is a number to other YAML tools: accept the numbers of the
        // supported releases (1.3 for 1.30).
        let numbers: Vec<f64> = names
            .iter()
            .filter_map(|name| name.parse::<f64>().ok())
            .collect();
        json_schema!({
            "description": format!(
                "A Kubernetes release from {} to {}: `1.MINOR`, `v1.MINOR` or `1.MINOR.PATCH` \
                 (the patch is ignored).",
                KubeVersion::OLDEST,
                KubeVersion::NEWEST
            ),
            "anyOf": [
                { "type": "string", "pattern": pattern, "examples": names },
                { "type": "number", "enum": numbers }
            ]
        })
    }
}
