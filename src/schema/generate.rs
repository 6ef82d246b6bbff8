//! Generation of pvlint's Kubernetes JSON Schemas from the upstream API documents.
//!
//! Input: the Kubernetes OpenAPI v3 documents of one release (`api/v1.json`,
//! `apis/<group>/<version>.json`) and CustomResourceDefinitions (the snapshot CRDs). Output: one
//! standalone JSON Schema (draft 2020-12) per kind and API version, for every kind in
//! [`KINDS`], with the definitions it reaches under `$defs`. Pure functions over
//! `serde_json::Value`s: the `gen-schemas` example reads the files and writes `schemas/`, and
//! the same conversion turns a user's CRD into a schema at run time.
//!
//! What the conversion does, and why:
//!
//! - `$ref: #/components/schemas/X` becomes `$ref: #/$defs/X`; the `allOf: [{$ref}]` wrapper
//!   that OpenAPI v3 puts around every reference (to attach a `description` or `default`) is
//!   reduced to the reference.
//! - Strict by default, as the API server's strict field validation is: an object schema with
//!   `properties` gets `additionalProperties: false`, unless it gives `additionalProperties`
//!   itself or says `x-kubernetes-preserve-unknown-fields`.
//! - `apiVersion` and `kind` are constants of the kind's group, version and kind, and required.
//! - Kept as upstream defines them: `type`, `required`, `enum`, `pattern`, bounds, `oneOf` /
//!   `anyOf` / `allOf` / `not`. Quantity stays `oneOf: [string, number]` and IntOrString
//!   `oneOf: [integer, string]`, as in the OpenAPI documents; the grammar of a quantity string
//!   is not part of the schema (the API server checks it while decoding; pvlint's `PVL010`).
//! - `format` is kept as an annotation (`int32`, `date-time`, `byte`, `int-or-string`);
//!   nothing validates it, as kubectl-validate and kubeconform do not.
//! - CRD extensions: `nullable: true` adds `null` to the type; `x-kubernetes-int-or-string`
//!   becomes `anyOf: [integer, string]`; `x-kubernetes-embedded-resource` admits
//!   `apiVersion`, `kind` and `metadata`. The root `metadata` of a custom resource is the
//!   built-in ObjectMeta, as the API server validates it.
//! - Dropped: `description`, `default`, `example`, `x-kubernetes-validations` (CEL rules, not
//!   evaluated), list and map types, patch strategies, unions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value, json};

/// The Kubernetes release of the data pvlint's schemas are generated from (the newest one).
pub const KUBERNETES_VERSION: &str = "1.35";

/// The kinds pvlint reads, by API group (`""` for the core group).
pub const KINDS: &[(&str, &str)] = &[
    ("", "LimitRange"),
    ("", "List"),
    ("", "Namespace"),
    ("", "PersistentVolume"),
    ("", "PersistentVolumeClaim"),
    ("", "Pod"),
    ("", "ReplicationController"),
    ("", "ResourceQuota"),
    ("apps", "DaemonSet"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("batch", "CronJob"),
    ("batch", "Job"),
    ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshot"),
    ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshotClass"),
    ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshotContent"),
    ("snapshot.storage.k8s.io", "VolumeSnapshot"),
    ("snapshot.storage.k8s.io", "VolumeSnapshotClass"),
    ("snapshot.storage.k8s.io", "VolumeSnapshotContent"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "CSIStorageCapacity"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
];

/// The JSON Schema dialect of every generated schema.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The definition of ObjectMeta in the OpenAPI documents.
pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const OPENAPI_REF: &str = "#/components/schemas/";
const DEFS_REF: &str = "#/$defs/";

/// The upstream documents of one Kubernetes release.
#[derive(Debug, Default)]
pub struct Upstream {
    /// OpenAPI v3 documents (`api/v1.json`, `apis/<group>/<version>.json`).
    pub openapi: Vec<Value>,
    /// CustomResourceDefinitions.
    pub crds: Vec<Value>,
}

impl Upstream {
    /// Parses the upstream files: OpenAPI documents (JSON) and CRD files (YAML, possibly with
    /// several documents). Each text comes with its name, for error messages.
    pub fn parse(
        openapi: &[(String, String)],
        crds: &[(String, String)],
    ) -> Result<Self, GenerateError> {
        let mut upstream = Upstream::default();
        for (name, text) in openapi {
            let document = serde_json::from_str(text)
                .map_err(|error| GenerateError(format!("{name}: {error}")))?;
            upstream.openapi.push(document);
        }
        for (name, text) in crds {
            upstream.crds.extend(yaml_documents(name, text)?);
        }
        Ok(upstream)
    }
}

/// The documents of a YAML stream as JSON values, read the way Kubernetes reads them.
pub fn yaml_documents(name: &str, text: &str) -> Result<Vec<Value>, GenerateError> {
    let parsed = crate::load::yaml::parse(
        crate::source::FileId::default(),
        text,
        crate::load::yaml::Dialect::Yaml,
        crate::load::yaml::Limits::default(),
    );
    if let Some(problem) = parsed.problems.first() {
        return Err(GenerateError(format!("{name}: {problem:?}")));
    }
    Ok(parsed
        .documents
        .iter()
        .filter_map(|document| document.root.as_ref())
        .map(crate::schema::instance::to_value)
        .collect())
}

/// The schema of one kind in one API version.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSchema {
    /// API group, `""` for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    pub schema: Value,
}

impl KindSchema {
    /// The `apiVersion` of objects of this schema (`v1`, `apps/v1`).
    #[must_use]
    pub fn api_version(&self) -> String {
        api_version(&self.group, &self.version)
    }

    /// Where the schema lives under `schemas/kubernetes/<release>/`:
    /// `<group>/<version>/<Kind>.json`, with `core` for the core group.
    #[must_use]
    pub fn relative_path(&self) -> String {
        format!(
            "{}/{}/{}.json",
            group_directory(&self.group),
            self.version,
            self.kind
        )
    }
}

/// The directory of an API group under a release (`core` for the core group).
#[must_use]
pub fn group_directory(group: &str) -> &str {
    if group.is_empty() { "core" } else { group }
}

/// `v1` for the core group, `<group>/<version>` otherwise.
#[must_use]
pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

/// Why the upstream documents could not be turned into schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateError(pub String);

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GenerateError {}

/// The schemas of every kind of [`KINDS`] in every API version the upstream documents serve,
/// sorted by group, version and kind.
pub fn generate(upstream: &Upstream) -> Result<Vec<KindSchema>, GenerateError> {
    let definitions = definitions(&upstream.openapi);
    let mut schemas = Vec::new();
    for (name, definition) in &definitions {
        for (group, version, kind) in group_version_kinds(definition) {
            if KINDS.contains(&(group.as_str(), kind.as_str())) {
                let schema = builtin_schema(name, &group, &version, &kind, &definitions)?;
                schemas.push(KindSchema {
                    group,
                    version,
                    kind,
                    schema,
                });
            }
        }
    }
    if definitions.contains_key(LIST_META) {
        schemas.push(list_schema(&definitions)?);
    }
    let meta = object_meta_defs(&definitions)?;
    for crd in &upstream.crds {
        for schema in crd_schemas(crd, &meta)? {
            if KINDS.contains(&(schema.group.as_str(), schema.kind.as_str())) {
                schemas.push(schema);
            }
        }
    }
    schemas.sort_by(|a, b| (&a.group, &a.version, &a.kind).cmp(&(&b.group, &b.version, &b.kind)));
    schemas.dedup_by(|a, b| (&a.group, &a.version, &a.kind) == (&b.group, &b.version, &b.kind));
    for (group, kind) in KINDS {
        if !schemas.iter().any(|s| s.group == *group && s.kind == *kind) {
            return Err(GenerateError(format!(
                "no upstream definition of `{kind}` in group `{}`",
                group_directory(group)
            )));
        }
    }
    Ok(schemas)
}

/// A schema as written to `schemas/`: pretty-printed with sorted keys and a final newline.
#[must_use]
pub fn to_pretty_json(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Every `components.schemas` entry of the OpenAPI documents.
fn definitions(openapi: &[Value]) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for document in openapi {
        if let Some(schemas) = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in schemas {
                all.entry(name.clone()).or_insert_with(|| schema.clone());
            }
        }
    }
    all
}

fn group_version_kinds(definition: &Value) -> Vec<(String, String, String)> {
    let text = |gvk: &Value, key| gvk.get(key).and_then(Value::as_str).map(str::to_owned);
    definition
        .get("x-kubernetes-group-version-kind")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|gvk| {
                    Some((
                        text(gvk, "group")?,
                        text(gvk, "version")?,
                        text(gvk, "kind")?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Converts one schema node, collecting the definitions it references.
fn convert(node: &Value, refs: &mut BTreeSet<String>) -> Value {
    let Some(object) = node.as_object() else {
        return node.clone();
    };
    if let Some(target) = object.get("$ref").and_then(Value::as_str) {
        return reference(target, refs);
    }
    if let Some([single]) = object
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        && let Some(target) = single.get("$ref").and_then(Value::as_str)
    {
        return reference(target, refs);
    }
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "type" | "format" | "enum" | "const" | "required" | "pattern" | "minimum"
            | "maximum" | "minLength" | "maxLength" | "minItems" | "maxItems" | "uniqueItems"
            | "minProperties" | "maxProperties" | "multipleOf" => {
                out.insert(key.clone(), value.clone());
            }
            // OpenAPI 3.0: a boolean modifying `minimum`/`maximum`; 2020-12: a number.
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_number() => {
                out.insert(key.clone(), value.clone());
            }
            "properties" => {
                if let Some(properties) = value.as_object() {
                    let converted = properties
                        .iter()
                        .map(|(name, property)| (name.clone(), convert(property, refs)))
                        .collect();
                    out.insert(key.clone(), Value::Object(converted));
                }
            }
            "additionalProperties" | "items" | "not" => {
                out.insert(key.clone(), convert(value, refs));
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Some(items) = value.as_array() {
                    let converted = items.iter().map(|item| convert(item, refs)).collect();
                    out.insert(key.clone(), Value::Array(converted));
                }
            }
            _ => {}
        }
    }
    exclusive_bounds(object, &mut out);
    let flag = |name: &str| object.get(name).and_then(Value::as_bool) == Some(true);
    if flag("x-kubernetes-int-or-string") && !out.contains_key("type") {
        out.insert(
            "anyOf".to_owned(),
            json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    if flag("x-kubernetes-embedded-resource")
        && let Some(Value::Object(properties)) = out.get_mut("properties")
    {
        for name in ["apiVersion", "kind"] {
            properties
                .entry(name)
                .or_insert_with(|| json!({"type": "string"}));
        }
        properties
            .entry("metadata")
            .or_insert_with(|| json!({"type": "object"}));
    }
    if flag("nullable")
        && let Some(Value::String(kind)) = out.get("type")
    {
        let kind = kind.clone();
        out.insert("type".to_owned(), json!([kind, "null"]));
    }
    let preserve = flag("x-kubernetes-preserve-unknown-fields");
    if out.contains_key("properties") && !out.contains_key("additionalProperties") && !preserve {
        out.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    Value::Object(out)
}

/// OpenAPI 3.0's `exclusiveMinimum: true` next to `minimum: m` is 2020-12's
/// `exclusiveMinimum: m`.
fn exclusive_bounds(object: &Map<String, Value>, out: &mut Map<String, Value>) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if object.get(flag).and_then(Value::as_bool) == Some(true)
            && let Some(limit) = out.remove(bound)
        {
            out.insert(flag.to_owned(), limit);
        }
    }
}

fn reference(target: &str, refs: &mut BTreeSet<String>) -> Value {
    let name = target
        .strip_prefix(OPENAPI_REF)
        .or_else(|| target.strip_prefix(DEFS_REF))
        .unwrap_or(target);
    refs.insert(name.to_owned());
    json!({ "$ref": format!("{DEFS_REF}{name}") })
}

/// The converted definitions reachable from `refs`, under their upstream names.
fn reachable(
    mut pending: BTreeSet<String>,
    definitions: &BTreeMap<String, Value>,
) -> Result<Map<String, Value>, GenerateError> {
    let mut defs = Map::new();
    while let Some(name) = pending.pop_first() {
        if defs.contains_key(&name) {
            continue;
        }
        let Some(definition) = definitions.get(&name) else {
            return Err(GenerateError(format!("unresolved reference to `{name}`")));
        };
        let mut refs = BTreeSet::new();
        let converted = convert(definition, &mut refs);
        defs.insert(name, converted);
        pending.extend(refs.into_iter().filter(|name| !defs.contains_key(name)));
    }
    Ok(defs)
}

/// Makes `apiVersion` and `kind` constants of the kind, required, and adds `$schema`/`$defs`.
fn finish(
    mut root: Value,
    group: &str,
    version: &str,
    kind: &str,
    defs: Map<String, Value>,
) -> Value {
    if let Some(object) = root.as_object_mut() {
        object.insert("type".to_owned(), json!("object"));
        let properties = object
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(properties) = properties.as_object_mut() {
            properties.insert(
                "apiVersion".to_owned(),
                json!({"type": "string", "const": api_version(group, version)}),
            );
            properties.insert("kind".to_owned(), json!({"type": "string", "const": kind}));
        }
        let mut required: Vec<String> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        for name in ["apiVersion", "kind"] {
            if !required.iter().any(|present| present == name) {
                required.push(name.to_owned());
            }
        }
        required.sort();
        object.insert("required".to_owned(), json!(required));
        object.insert("$schema".to_owned(), json!(DRAFT));
        object.insert(
            "title".to_owned(),
            json!(format!("{kind} ({})", api_version(group, version))),
        );
        if !defs.is_empty() {
            object.insert("$defs".to_owned(), Value::Object(defs));
        }
    }
    root
}

fn builtin_schema(
    name: &str,
    group: &str,
    version: &str,
    kind: &str,
    definitions: &BTreeMap<String, Value>,
) -> Result<Value, GenerateError> {
    let definition = definitions
        .get(name)
        .ok_or_else(|| GenerateError(format!("no definition `{name}`")))?;
    let mut refs = BTreeSet::new();
    let root = convert(definition, &mut refs);
    let defs = reachable(refs, definitions)?;
    Ok(finish(root, group, version, kind, defs))
}

/// `kind: List` (kubectl's client-side list): `metadata` is a ListMeta, `items` are objects
/// (each item is validated against its own kind's schema).
fn list_schema(definitions: &BTreeMap<String, Value>) -> Result<KindSchema, GenerateError> {
    let mut refs = BTreeSet::new();
    let root = json!({
        "type": "object",
        "properties": {
            "metadata": reference(&format!("{OPENAPI_REF}{LIST_META}"), &mut refs),
            "items": {"type": "array", "items": {"type": "object"}}
        },
        "required": ["items"],
        "additionalProperties": false
    });
    let defs = reachable(refs, definitions)?;
    Ok(KindSchema {
        group: String::new(),
        version: "v1".to_owned(),
        kind: "List".to_owned(),
        schema: finish(root, "", "v1", "List", defs),
    })
}

/// ObjectMeta and the definitions it reaches, converted: what the root `metadata` of a custom
/// resource refers to.
pub fn object_meta_defs(
    definitions: &BTreeMap<String, Value>,
) -> Result<Map<String, Value>, GenerateError> {
    reachable(BTreeSet::from([OBJECT_META.to_owned()]), definitions)
}

/// ObjectMeta and what it reaches, taken from the `$defs` of a generated schema (any kind's
/// schema holds them).
#[must_use]
pub fn object_meta_defs_of(schema: &Value) -> Map<String, Value> {
    let Some(defs) = schema.get("$defs").and_then(Value::as_object) else {
        return Map::new();
    };
    let definitions: BTreeMap<String, Value> = defs
        .iter()
        .map(|(name, def)| (name.clone(), def.clone()))
        .collect();
    object_meta_defs(&definitions).unwrap_or_default()
}

/// The schemas of every served version of a CustomResourceDefinition
/// (`apiextensions.k8s.io/v1`, or the `spec.validation` of `v1beta1`). `meta` holds ObjectMeta
/// and what it reaches (see [`object_meta_defs`]); without it, `metadata` is any object.
pub fn crd_schemas(
    crd: &Value,
    meta: &Map<String, Value>,
) -> Result<Vec<KindSchema>, GenerateError> {
    let spec = crd
        .get("spec")
        .ok_or_else(|| GenerateError("the CustomResourceDefinition has no `spec`".to_owned()))?;
    let text = |pointer: &str| spec.pointer(pointer).and_then(Value::as_str);
    let (Some(group), Some(kind)) = (text("/group"), text("/names/kind")) else {
        return Err(GenerateError(
            "the CustomResourceDefinition has no `spec.group` or `spec.names.kind`".to_owned(),
        ));
    };
    let shared = spec.pointer("/validation/openAPIV3Schema");
    let mut versions: Vec<(&str, &Value)> = Vec::new();
    if let Some(list) = spec.get("versions").and_then(Value::as_array) {
        for version in list {
            if version.get("served").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            let Some(name) = version.get("name").and_then(Value::as_str) else {
                continue;
            };
            let schema = version.pointer("/schema/openAPIV3Schema").or(shared);
            if let Some(schema) = schema {
                versions.push((name, schema));
            }
        }
    } else if let (Some(name), Some(schema)) = (text("/version"), shared) {
        versions.push((name, schema));
    }
    let mut schemas = Vec::new();
    for (version, structural) in versions {
        let mut refs = BTreeSet::new();
        let mut root = convert(structural, &mut refs);
        if !meta.is_empty()
            && let Some(Value::Object(properties)) = root.get_mut("properties")
        {
            let own = properties.get("metadata").cloned();
            let object_meta = json!({ "$ref": format!("{DEFS_REF}{OBJECT_META}") });
            let metadata = match own {
                // Only `name` and `generateName` may be restricted further by a CRD.
                Some(Value::Object(own)) if own.contains_key("properties") => {
                    let mut own = own;
                    own.remove("additionalProperties");
                    json!({ "allOf": [object_meta, Value::Object(own)] })
                }
                _ => object_meta,
            };
            properties.insert("metadata".to_owned(), metadata);
        }
        let mut defs = Map::new();
        if !meta.is_empty() {
            defs.extend(meta.iter().map(|(name, def)| (name.clone(), def.clone())));
        }
        schemas.push(KindSchema {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
            schema: finish(root, group, version, kind, defs),
        });
    }
    Ok(schemas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_strictness() {
        let definitions = BTreeMap::from([
            (
                "A".to_owned(),
                json!({
                    "description": "dropped",
                    "type": "object",
                    "properties": {
                        "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "default": {}},
                        "map": {"type": "object", "additionalProperties": {"type": "string"}}
                    },
                    "required": ["b"]
                }),
            ),
            ("B".to_owned(), json!({"type": "string", "format": "int32"})),
            ("C".to_owned(), json!({"type": "string"})),
        ]);
        let schema = builtin_schema("A", "apps", "v1", "Thing", &definitions).unwrap();
        assert_eq!(
            schema,
            json!({
                "$schema": DRAFT,
                "title": "Thing (apps/v1)",
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string", "const": "apps/v1"},
                    "kind": {"type": "string", "const": "Thing"},
                    "b": {"$ref": "#/$defs/B"},
                    "map": {"type": "object", "additionalProperties": {"type": "string"}}
                },
                "required": ["apiVersion", "b", "kind"],
                "additionalProperties": false,
                "$defs": {"B": {"type": "string", "format": "int32"}}
            })
        );
    }

    #[test]
    fn crd_extensions() {
        let crd = json!({
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget"},
                "versions": [
                    {"name": "v1", "served": true, "schema": {"openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {"type": "object", "properties": {
                                "size": {"x-kubernetes-int-or-string": true},
                                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"a": {"type": "string"}}},
                                "maybe": {"type": "string", "nullable": true},
                                "count": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}
                            }}
                        }
                    }}},
                    {"name": "v0", "served": false}
                ]
            }
        });
        let schemas = crd_schemas(&crd, &Map::new()).unwrap();
        assert_eq!(schemas.len(), 1);
        let spec = &schemas[0].schema["properties"]["spec"];
        assert_eq!(spec["additionalProperties"], json!(false));
        assert_eq!(
            spec["properties"]["size"],
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
        assert!(
            spec["properties"]["free"]
                .get("additionalProperties")
                .is_none()
        );
        assert_eq!(
            spec["properties"]["maybe"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            spec["properties"]["count"],
            json!({"type": "integer", "exclusiveMinimum": 0})
        );
    }
}
