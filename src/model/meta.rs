//! Object identity and metadata: `apiVersion`, `kind`, `metadata`, and the [`ObjectKey`].

use crate::load::tree::{Entry, Node};
use crate::model::kinds::kind_info;
use crate::source::{Span, Spanned};

/// Identifies an object the way the API server does: group, kind, namespace, name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub group: String,
    pub kind: String,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    pub name: String,
}

/// `apiVersion`, `kind` and `metadata` of one object, with spans.
#[derive(Debug, Clone)]
pub struct ObjectMeta<'a> {
    pub root: &'a Node,
    /// The whole object.
    pub span: Span,
    pub api_version: Spanned<&'a str>,
    pub kind: Spanned<&'a str>,
    /// The `metadata` mapping, if any.
    pub metadata: Option<&'a Node>,
    pub name: Option<Spanned<&'a str>>,
    pub namespace: Option<Spanned<&'a str>>,
}

impl<'a> ObjectMeta<'a> {
    /// Reads the identity of a document; `None` unless it has both `apiVersion` and `kind`.
    #[must_use]
    pub fn read(root: &'a Node, span: Span) -> Option<Self> {
        let api_version = spanned_str(root.get("apiVersion")?)?;
        let kind = spanned_str(root.get("kind")?)?;
        let metadata = root
            .get("metadata")
            .filter(|node| node.as_mapping().is_some());
        let field = |key| {
            metadata
                .and_then(|metadata| metadata.get(key))
                .and_then(spanned_str)
        };
        Some(Self {
            root,
            span,
            api_version,
            kind,
            metadata,
            name: field("name"),
            namespace: field("namespace"),
        })
    }

    /// The API group (`""` for the core group).
    #[must_use]
    pub fn group(&self) -> &'a str {
        self.api_version
            .value
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    /// `kind: List` and the typed `*List` kinds carry objects in `items`.
    #[must_use]
    pub fn is_list(&self) -> bool {
        self.kind.value.ends_with("List") && self.root.get("items").is_some()
    }

    /// A strategic-merge patch with a `$patch` directive is not an object to create.
    #[must_use]
    pub fn is_kustomize_patch(&self) -> bool {
        self.root.get("$patch").is_some()
    }

    /// The object's key; namespaced kinds without a namespace get `default_namespace`.
    #[must_use]
    pub fn key(&self, default_namespace: Option<&str>) -> ObjectKey {
        let group = self.group();
        let namespaced = kind_info(group, self.kind.value).map(|info| info.namespaced);
        let namespace = match (namespaced, self.namespace) {
            (Some(false), _) | (None, None) => None,
            (_, Some(namespace)) => Some(namespace.value.to_owned()),
            (Some(true), None) => Some(default_namespace.unwrap_or("default").to_owned()),
        };
        ObjectKey {
            group: group.to_owned(),
            kind: self.kind.value.to_owned(),
            namespace,
            name: self
                .name
                .map(|name| name.value.to_owned())
                .unwrap_or_default(),
        }
    }

    /// The `metadata.annotations` entry for `key`.
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<&'a Entry> {
        self.metadata?.get("annotations")?.entry(key)
    }

    /// The span to point at for the object as a whole: its name, else its kind.
    #[must_use]
    pub fn name_span(&self) -> Span {
        self.name.map_or(self.kind.span, |name| name.span)
    }
}

/// A scalar node's text with its span (nulls and collections give `None`).
#[must_use]
pub fn spanned_str(node: &Node) -> Option<Spanned<&str>> {
    Some(Spanned::new(node.as_str()?, node.span))
}
