//! A [`Document`]: one YAML document (or one item of a `kind: List`) ready to be modelled.

use crate::load::tree::Node;
use crate::source::{FileId, Span};

/// A parsed document that has a root node.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub file: FileId,
    /// The whole document, from its first to its last byte.
    pub span: Span,
    pub root: &'a Node,
    /// The file is a kustomize patch: its objects are partial.
    pub is_patch: bool,
}
