//! Schemas a user supplies (`schemas:` in the config): CustomResourceDefinitions, or JSON
//! Schema files, so that custom resources are validated too.
//!
//! A CRD gives one schema per served version, converted as the embedded snapshot CRDs are
//! (strict, with ObjectMeta for `metadata`). A JSON Schema file names the kinds it is for with
//! `x-kubernetes-group-version-kind` (as Kubernetes' own OpenAPI definitions do), or with a
//! `const` or `enum` on its `apiVersion` and `kind` properties; it is used as written. A user's
//! schema wins over an embedded one for the same kind and API version.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::load::tree::Node;
use crate::schema::Validator;
use crate::schema::builtin;
use crate::schema::generate::{self, KindSchema};
use crate::schema::instance::to_value;
use crate::source::{FileId, SourceMap, Span};
use crate::spanned_yaml::{self, InputError};

/// The compiled user schemas, cheap to clone.
#[derive(Clone, Default)]
pub struct UserSchemas {
    schemas: Arc<Vec<UserSchema>>,
}

struct UserSchema {
    group: String,
    version: String,
    kind: String,
    validator: Validator,
}

impl std::fmt::Debug for UserSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.schemas.iter().map(|schema| {
                format!(
                    "{} {}",
                    generate::api_version(&schema.group, &schema.version),
                    schema.kind
                )
            }))
            .finish()
    }
}

impl UserSchemas {
    /// Reads and compiles the schema files `ids` of `sources`. `kube_minor` picks the
    /// ObjectMeta that custom resources' `metadata` is validated against.
    pub fn load(sources: &SourceMap, ids: &[FileId], kube_minor: u32) -> Result<Self, InputError> {
        let meta = builtin::object_meta_defs(kube_minor);
        let mut schemas = Vec::new();
        for &id in ids {
            for root in spanned_yaml::documents(sources, id)? {
                read_document(&root, &meta, &mut schemas)?;
            }
        }
        Ok(Self {
            schemas: Arc::new(schemas),
        })
    }

    /// The user's schema for a kind in an API version.
    #[must_use]
    pub fn get(&self, api_version: &str, kind: &str) -> Option<&Validator> {
        let (group, version) = builtin::split_api_version(api_version);
        self.schemas
            .iter()
            .rev()
            .find(|schema| {
                schema.group == group && schema.version == version && schema.kind == kind
            })
            .map(|schema| &schema.validator)
    }

    /// How many kind schemas were supplied.
    #[must_use]
    pub fn len(&self) -> usize {
        self.schemas.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty()
    }
}

fn read_document(
    root: &Node,
    meta: &Map<String, Value>,
    out: &mut Vec<UserSchema>,
) -> Result<(), InputError> {
    let kind = root.get("kind").and_then(Node::as_str);
    match kind {
        Some("CustomResourceDefinition") => {
            let value = to_value(root);
            let schemas = generate::crd_schemas(&value, meta)
                .map_err(|error| InputError::new(root.span, error.0))?;
            for schema in schemas {
                out.push(compile(schema, root.span)?);
            }
            Ok(())
        }
        Some(list) if list.ends_with("List") && root.get("items").is_some() => {
            for item in root.items("items") {
                read_document(item, meta, out)?;
            }
            Ok(())
        }
        _ if is_json_schema(root) => {
            let value = to_value(root);
            let kinds = json_schema_kinds(&value);
            if kinds.is_empty() {
                return Err(InputError::new(
                    root.span,
                    "cannot tell which kind this JSON Schema is for",
                )
                .with_help(
                    "add `x-kubernetes-group-version-kind: [{group, version, kind}]`, or a `const` \
                     on the `apiVersion` and `kind` properties",
                ));
            }
            for (group, version, kind) in kinds {
                out.push(compile(
                    KindSchema {
                        group,
                        version,
                        kind,
                        schema: value.clone(),
                    },
                    root.span,
                )?);
            }
            Ok(())
        }
        _ => Err(InputError::new(
            root.get("kind").map_or(root.span, |kind| kind.span),
            "expected a CustomResourceDefinition or a JSON Schema",
        )),
    }
}

fn compile(schema: KindSchema, span: Span) -> Result<UserSchema, InputError> {
    let validator = Validator::new(schema.schema).map_err(|error| {
        InputError::new(
            span,
            format!(
                "the schema of `{}` `{}` is not a valid JSON Schema: {error}",
                generate::api_version(&schema.group, &schema.version),
                schema.kind
            ),
        )
    })?;
    Ok(UserSchema {
        group: schema.group,
        version: schema.version,
        kind: schema.kind,
        validator,
    })
}

fn is_json_schema(root: &Node) -> bool {
    [
        "$schema",
        "properties",
        "type",
        "$defs",
        "definitions",
        "allOf",
        "oneOf",
        "anyOf",
    ]
    .iter()
    .any(|key| root.get(key).is_some())
}

/// The group, version and kind a JSON Schema document is for.
fn json_schema_kinds(schema: &Value) -> Vec<(String, String, String)> {
    let mut kinds = Vec::new();
    if let Some(list) = schema
        .get("x-kubernetes-group-version-kind")
        .and_then(Value::as_array)
    {
        for gvk in list {
            let text = |key| gvk.get(key).and_then(Value::as_str).map(str::to_owned);
            if let (Some(group), Some(version), Some(kind)) =
                (text("group"), text("version"), text("kind"))
            {
                kinds.push((group, version, kind));
            }
        }
    }
    if kinds.is_empty() {
        let values = |property: &str| -> Vec<String> {
            let Some(node) = schema.pointer(&format!("/properties/{property}")) else {
                return Vec::new();
            };
            if let Some(value) = node.get("const").and_then(Value::as_str) {
                return vec![value.to_owned()];
            }
            node.get("enum")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        for api_version in values("apiVersion") {
            for kind in values("kind") {
                let (group, version) = builtin::split_api_version(&api_version);
                kinds.push((group.to_owned(), version.to_owned(), kind));
            }
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileRole;

    fn load(text: &str) -> Result<UserSchemas, InputError> {
        let mut sources = SourceMap::default();
        let id = sources.add("schemas.yaml".to_owned(), Arc::from(text), FileRole::Config);
        UserSchemas::load(&sources, &[id], builtin::DEFAULT_KUBE_MINOR)
    }

    #[test]
    fn json_schemas_name_their_kind() {
        let schemas = load(
            "{\"type\": \"object\", \"properties\": {\"apiVersion\": {\"const\": \"example.com/v1\"}, \"kind\": {\"enum\": [\"Widget\"]}}}",
        )
        .unwrap();
        assert!(schemas.get("example.com/v1", "Widget").is_some());
        assert!(schemas.get("example.com/v2", "Widget").is_none());
        let error = load("{\"type\": \"object\"}").unwrap_err();
        assert_eq!(
            error.message,
            "cannot tell which kind this JSON Schema is for"
        );
        assert!(load("a: b\n").is_err());
    }
}
