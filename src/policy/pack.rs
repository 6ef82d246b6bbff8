//! The rule pack format, as Rust types: the JSON Schema of `pack.yaml`
//! (`schemas/pvlint/rule-pack.schema.json`, `pvlint schema rule-pack`) is generated from them,
//! with each template's params schema attached to the rules that name it.
//!
//! These types mirror what the reader in [`crate::policy::read`] accepts; the reader works on
//! the spanned tree (so each error points at the bad key or value) and the schema check runs
//! after it, like the config's.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::own_schema::Text;
use crate::policy::templates::TEMPLATES;

/// The `apiVersion` of a rule pack.
pub const API_VERSION: &str = "pvlint.dev/v1";
/// The `kind` of a rule pack.
pub const KIND: &str = "RulePack";
/// What pack and rule ids look like: kebab-case.
pub const ID_PATTERN: &str = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

/// A pvlint rule pack (`<dir>/<pack-id>/pack.yaml`): declarative rules, each a template with
/// params, a match, a message and docs. Its rules' codes are `<id>/<rule-id>`.
#[derive(Debug, JsonSchema)]
#[schemars(
    title = "pvlint rule pack",
    deny_unknown_fields,
    rename_all = "camelCase"
)]
pub struct RulePack {
    /// `pvlint.dev/v1`.
    #[schemars(extend("const" = API_VERSION))]
    pub api_version: String,
    /// `RulePack`.
    #[schemars(extend("const" = KIND))]
    pub kind: String,
    /// The pack's id: the namespace of its rule codes (`acme` → `acme/claim-size-limit`).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// The rules.
    pub rules: Vec<PackRuleSchema>,
}

/// One rule of a pack.
#[derive(Debug)]
pub struct PackRuleSchema;

/// The fields of a rule, without the per-template params.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RuleFields {
    /// The rule's id, unique in its pack (kebab-case, naming the problem).
    #[schemars(regex(pattern = ID_PATTERN))]
    pub id: String,
    /// One line, for lists.
    pub summary: String,
    /// Sets the default severity and whether the rule runs unless selected (`policy` and
    /// `preview` rules do not).
    pub category: CategoryName,
    /// Overrides the category's default severity.
    pub severity: Option<SeverityName>,
    /// Markdown documentation with the sections of built-in rules: `## What it does`,
    /// `## Why is this bad?` (`## Why restrict this?` for policy rules) and `## Example`.
    pub docs: Option<String>,
    /// Which objects the rule looks at (default: every object).
    #[serde(rename = "match")]
    pub matcher: Option<MatchSchema>,
    /// The template the rule instantiates.
    pub template: TemplateName,
    /// The template's params.
    pub params: Option<BTreeMap<String, Value>>,
    /// The finding's message, with `{placeholders}`.
    pub message: String,
    /// How to fix it (imperative), with `{placeholders}`.
    pub help: Option<String>,
}

impl JsonSchema for PackRuleSchema {
    fn schema_name() -> Cow<'static, str> {
        "PackRule".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = RuleFields::json_schema(generator);
        let branches: Vec<Value> = TEMPLATES
            .iter()
            .map(|template| {
                let params = (template.schema)(generator).to_value();
                serde_json::json!({
                    "if": { "properties": { "template": { "const": template.name } } },
                    "then": { "properties": { "params": params } }
                })
            })
            .collect();
        schema.insert("allOf".to_owned(), Value::Array(branches));
        schema
    }
}

/// `match:`.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "camelCase")]
pub struct MatchSchema {
    /// Kinds (`PersistentVolumeClaim`); `Pod` also matches every pod template, and
    /// `PersistentVolumeClaim` every claim template.
    pub kinds: Option<Vec<Text>>,
    /// API groups (`""` for the core group, `apps`).
    pub api_groups: Option<Vec<String>>,
    /// Globs of namespaces.
    pub namespaces: Option<Vec<Text>>,
    /// Globs of object names.
    pub names: Option<Vec<Text>>,
    /// A label selector on the object's (or claim template's) labels.
    pub labels: Option<LabelSelector>,
    /// Regular expressions of the driver a claim resolves to (through its class, named or
    /// default), a class's `provisioner`, or a volume's `spec.csi.driver`.
    pub provisioners: Option<Vec<Text>>,
    /// Field paths that must each reach a value.
    pub has: Option<Vec<Text>>,
}

/// A Kubernetes label selector.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "camelCase")]
#[expect(
    clippy::zero_sized_map_values,
    reason = "schema-only types hold no data"
)]
pub struct LabelSelector {
    pub match_labels: Option<BTreeMap<String, Text>>,
    pub match_expressions: Option<Vec<LabelExpression>>,
}

/// A label selector requirement.
#[derive(Debug, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LabelExpression {
    pub key: String,
    #[schemars(extend("enum" = ["In", "NotIn", "Exists", "DoesNotExist"]))]
    pub operator: String,
    pub values: Option<Vec<Text>>,
}

/// A rule category.
#[derive(Debug)]
pub struct CategoryName;

impl JsonSchema for CategoryName {
    fn schema_name() -> Cow<'static, str> {
        "Category".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = crate::rules::Category::ALL
            .iter()
            .map(|category| category.as_str())
            .collect();
        json_schema!({ "type": "string", "enum": names })
    }
}

/// A severity.
#[derive(Debug)]
pub struct SeverityName;

impl JsonSchema for SeverityName {
    fn schema_name() -> Cow<'static, str> {
        "Severity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": ["error", "warning", "info"] })
    }
}

/// A template name.
#[derive(Debug)]
pub struct TemplateName;

impl JsonSchema for TemplateName {
    fn schema_name() -> Cow<'static, str> {
        "Template".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = TEMPLATES.iter().map(|template| template.name).collect();
        json_schema!({ "type": "string", "enum": names })
    }
}
