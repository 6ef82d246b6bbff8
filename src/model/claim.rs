//! Claims: PersistentVolumeClaims, StatefulSet `volumeClaimTemplates` and generic ephemeral
//! volume templates, all read into one [`Claim`] shape so that every claim rule covers all three.

use crate::load::scalar::PlainValue;
use crate::load::tree::Node;
use crate::model::meta::{ObjectMeta, spanned_str};
use crate::model::quantity::{Quantity, QuantityError};
use crate::model::{ObjectId, is_placeholder};
use crate::source::{Span, Spanned};

/// Index of a claim in the model's claim arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClaimId(pub(crate) u32);

impl ClaimId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a claim comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOrigin {
    /// A PersistentVolumeClaim object.
    Object,
    /// A StatefulSet `volumeClaimTemplates` entry: one claim per replica, named
    /// `<template>-<statefulset>-<ordinal>`.
    StatefulSetTemplate {
        statefulset: String,
        /// Ordinals run from `start` for `replicas` pods.
        start: u64,
        replicas: u64,
    },
    /// A generic ephemeral volume: the pod creates `<pod>-<volume>`. `pod` is `None` when the
    /// pod name is generated (workloads), so the claim name is not known in advance.
    Ephemeral { pod: Option<String>, volume: String },
}

/// One claim of any origin.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    pub id: ClaimId,
    /// The object the claim is written in (the PVC itself, or the workload holding a template).
    pub owner: ObjectId,
    pub origin: ClaimOrigin,
    /// The claim's own name: the PVC name, the template name, or the ephemeral volume name.
    pub name: Option<Spanned<&'a str>>,
    pub namespace: String,
    /// The claim (or template) mapping.
    pub node: &'a Node,
    /// The claim's `metadata` mapping.
    pub metadata: Option<&'a Node>,
    pub spec: ClaimSpec<'a>,
}

impl<'a> Claim<'a> {
    /// Reads a PersistentVolumeClaim object.
    #[must_use]
    pub fn from_object(
        owner: ObjectId,
        meta: &ObjectMeta<'a>,
        root: &'a Node,
        namespace: String,
    ) -> Self {
        Self {
            id: ClaimId::default(),
            owner,
            origin: ClaimOrigin::Object,
            name: meta.name,
            namespace,
            node: root,
            metadata: meta.metadata,
            spec: ClaimSpec::read(root, meta.kind.span),
        }
    }

    /// Reads a claim template (`volumeClaimTemplates[i]` or `ephemeral.volumeClaimTemplate`).
    #[must_use]
    pub fn from_template(
        owner: ObjectId,
        origin: ClaimOrigin,
        node: &'a Node,
        name: Option<Spanned<&'a str>>,
        namespace: &str,
    ) -> Self {
        let metadata = node.get("metadata");
        Self {
            id: ClaimId::default(),
            owner,
            origin,
            name,
            namespace: namespace.to_owned(),
            node,
            metadata,
            spec: ClaimSpec::read(node, node.span),
        }
    }

    /// The names the claim will have in the cluster, when they can be known.
    /// StatefulSet templates give one name per replica (at most `limit`).
    #[must_use]
    pub fn cluster_names(&self, limit: u64) -> Vec<String> {
        let Some(name) = self.name else {
            return Vec::new();
        };
        match &self.origin {
            ClaimOrigin::Object => vec![name.value.to_owned()],
            ClaimOrigin::StatefulSetTemplate {
                statefulset,
                start,
                replicas,
            } => (0..(*replicas).min(limit))
                .map(|offset| format!("{}-{statefulset}-{}", name.value, start + offset))
                .collect(),
            ClaimOrigin::Ephemeral { pod, volume } => {
                pod.iter().map(|pod| format!("{pod}-{volume}")).collect()
            }
        }
    }

    /// The `metadata.annotations` entry for `key`.
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<Spanned<&'a str>> {
        let value = &self.metadata?.get("annotations")?.entry(key)?.value;
        Some(Spanned::new(value.as_str().unwrap_or(""), value.span))
    }

    /// The class the claim asks for (SEMANTICS §1.4): the beta annotation wins, even empty.
    #[must_use]
    pub fn class(&self) -> ClaimClass<'a> {
        if let Some(annotation) = self.annotation(BETA_CLASS_ANNOTATION) {
            return ClaimClass::Named(annotation);
        }
        match self.spec.storage_class_name {
            Some(name) => ClaimClass::Named(name),
            None => ClaimClass::Unset,
        }
    }

    /// A short description for messages: ``claim `data` `` or ``claim template `data` ``.
    #[must_use]
    pub fn describe(&self) -> String {
        let name = self.name.map_or("<unnamed>", |name| name.value);
        match self.origin {
            ClaimOrigin::Object => format!("claim `{name}`"),
            ClaimOrigin::StatefulSetTemplate { .. } => format!("claim template `{name}`"),
            ClaimOrigin::Ephemeral { .. } => format!("ephemeral volume `{name}`"),
        }
    }
}

/// The deprecated annotation that overrides `storageClassName` (SEMANTICS §1.4).
pub const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// What a claim asks for as its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimClass<'a> {
    /// No class written: the default class applies at admission.
    Unset,
    /// A class name, possibly `""` (static binding only).
    Named(Spanned<&'a str>),
}

/// A quantity as written, with its parse result.
#[derive(Debug, Clone)]
pub struct QuantityField<'a> {
    pub span: Span,
    pub text: &'a str,
    pub value: QuantityValue,
}

/// The meaning of a quantity field.
#[derive(Debug, Clone)]
pub enum QuantityValue {
    Valid(Quantity),
    Invalid(QuantityError),
    /// A `${VAR}` or `{{ }}` placeholder: unknown until rendered.
    Placeholder,
    /// A value that is not a string or a number (a mapping, a list, a boolean).
    WrongType,
}

impl<'a> QuantityField<'a> {
    /// Reads a quantity from a scalar; `None` for null.
    #[must_use]
    pub fn read(node: &'a Node) -> Option<Self> {
        if node.is_null() {
            return None;
        }
        let Some(scalar) = node.as_scalar() else {
            return Some(Self {
                span: node.span,
                text: "",
                value: QuantityValue::WrongType,
            });
        };
        let text = scalar.text.as_str();
        let value = if is_placeholder(text) {
            QuantityValue::Placeholder
        } else {
            match &scalar.value {
                PlainValue::Bool(_) => QuantityValue::WrongType,
                // Numbers reach the API as JSON numbers: `017` is 15, `0x10` is 16.
                PlainValue::Int(_) | PlainValue::Float(_) => match scalar.value.json_text() {
                    Some(json) => parse(&json),
                    None => QuantityValue::WrongType,
                },
                _ => parse(text),
            }
        };
        Some(Self {
            span: node.span,
            text,
            value,
        })
    }

    #[must_use]
    pub fn quantity(&self) -> Option<&Quantity> {
        match &self.value {
            QuantityValue::Valid(quantity) => Some(quantity),
            _ => None,
        }
    }
}

/// Parses like `Quantity.UnmarshalJSON`, which trims surrounding whitespace first.
fn parse(text: &str) -> QuantityValue {
    match Quantity::parse(text.trim()) {
        Ok(quantity) => QuantityValue::Valid(quantity),
        Err(error) => QuantityValue::Invalid(error),
    }
}

/// A list of access modes as written.
#[derive(Debug, Clone)]
pub struct AccessModes<'a> {
    /// The `accessModes` key, for findings about the list as a whole.
    pub key: Span,
    pub modes: Vec<Spanned<&'a str>>,
}

impl<'a> AccessModes<'a> {
    /// Reads `accessModes` from a spec; `None` when the key is absent.
    #[must_use]
    pub fn read(spec: &'a Node) -> Option<Self> {
        let entry = spec.entry("accessModes")?;
        let modes = entry
            .value
            .as_sequence()
            .unwrap_or_default()
            .iter()
            .map(|item| Spanned::new(item.as_str().unwrap_or(""), item.span))
            .collect();
        Some(Self {
            key: entry.key.span,
            modes,
        })
    }

    #[must_use]
    pub fn contains(&self, mode: &str) -> bool {
        self.modes.iter().any(|m| m.value == mode)
    }

    /// The entry for `mode`, to point at it.
    #[must_use]
    pub fn find(&self, mode: &str) -> Option<Spanned<&'a str>> {
        self.modes.iter().copied().find(|m| m.value == mode)
    }
}

/// A `dataSource` or `dataSourceRef`.
#[derive(Debug, Clone, Copy)]
pub struct TypedReference<'a> {
    pub span: Span,
    pub api_group: Option<Spanned<&'a str>>,
    pub kind: Option<Spanned<&'a str>>,
    pub name: Option<Spanned<&'a str>>,
    pub namespace: Option<Spanned<&'a str>>,
}

impl<'a> TypedReference<'a> {
    fn read(node: &'a Node) -> Self {
        let field = |key| node.get(key).and_then(spanned_str);
        Self {
            span: node.span,
            api_group: field("apiGroup"),
            kind: field("kind"),
            name: field("name"),
            namespace: field("namespace"),
        }
    }
}

/// The `spec` of a claim.
#[derive(Debug, Clone)]
pub struct ClaimSpec<'a> {
    pub node: Option<&'a Node>,
    /// Where to point when a required field is missing: the `spec` key, else the object.
    pub anchor: Span,
    pub access_modes: Option<AccessModes<'a>>,
    pub storage_class_name: Option<Spanned<&'a str>>,
    pub volume_name: Option<Spanned<&'a str>>,
    pub volume_mode: Option<Spanned<&'a str>>,
    /// The `resources` key, when present.
    pub resources: Option<Span>,
    pub request: Option<QuantityField<'a>>,
    pub limit: Option<QuantityField<'a>>,
    pub selector: Option<&'a Node>,
    pub data_source: Option<TypedReference<'a>>,
    pub data_source_ref: Option<TypedReference<'a>>,
}

impl<'a> ClaimSpec<'a> {
    /// Reads `spec` of a claim-shaped mapping; `fallback` is pointed at when there is no spec.
    #[must_use]
    pub fn read(object: &'a Node, fallback: Span) -> Self {
        let spec_entry = object.entry("spec");
        let node = object
            .get("spec")
            .filter(|spec| spec.as_mapping().is_some());
        let anchor = spec_entry.map_or(fallback, |entry| entry.key.span);
        let Some(spec) = node else {
            return Self::empty(anchor);
        };
        let field = |key| spec.get(key).and_then(spanned_str);
        let quantity = |section| {
            spec.path(&["resources", section, "storage"])
                .and_then(QuantityField::read)
        };
        Self {
            node,
            anchor,
            access_modes: AccessModes::read(spec),
            storage_class_name: spec
                .entry("storageClassName")
                .filter(|entry| !entry.value.is_null())
                .map(|entry| Spanned::new(entry.value.as_str().unwrap_or(""), entry.value.span)),
            volume_name: field("volumeName"),
            volume_mode: field("volumeMode"),
            resources: spec.entry("resources").map(|entry| entry.key.span),
            request: quantity("requests"),
            limit: quantity("limits"),
            selector: spec.get("selector"),
            data_source: spec.get("dataSource").map(TypedReference::read),
            data_source_ref: spec.get("dataSourceRef").map(TypedReference::read),
        }
    }

    fn empty(anchor: Span) -> Self {
        Self {
            node: None,
            anchor,
            access_modes: None,
            storage_class_name: None,
            volume_name: None,
            volume_mode: None,
            resources: None,
            request: None,
            limit: None,
            selector: None,
            data_source: None,
            data_source_ref: None,
        }
    }

    /// `Block` or `Filesystem` (the default).
    #[must_use]
    pub fn is_block(&self) -> bool {
        self.volume_mode.is_some_and(|mode| mode.value == "Block")
    }
}
