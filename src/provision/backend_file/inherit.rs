//! `base:` inheritance: a model's tree merged onto its base's, with cycles and unknown bases
//! reported at the `base:` value.

use crate::load::tree::{Entry, Node, NodeKind};
use crate::provision::backend_file::{BackendError, Draft, Resolved};
use crate::source::Span;

/// The tree of draft `index` with its base merged in. `chain` holds the drafts whose base is
/// being resolved, to detect cycles.
pub(super) fn merged_root(
    drafts: &[Draft],
    lower: &[Resolved],
    index: usize,
    memo: &mut [Option<Node>],
    chain: &mut Vec<usize>,
) -> Result<Node, BackendError> {
    if let Some(Some(root)) = memo.get(index) {
        return Ok(root.clone());
    }
    let Some(draft) = drafts.get(index) else {
        return Err(BackendError::new(Span::default(), "no such backend model"));
    };
    let root = match &draft.base {
        None => draft.root.clone(),
        Some((base, span)) => {
            chain.push(index);
            let sibling = drafts
                .iter()
                .enumerate()
                .position(|(other, model)| other != index && model.name == *base);
            let base_root = if let Some(other) = sibling {
                if chain.contains(&other) {
                    return Err(cycle(drafts, chain, other, *span));
                }
                merged_root(drafts, lower, other, memo, chain)?
            } else if let Some(model) = lower.iter().find(|model| model.name == *base) {
                // Errors in inherited embedded keys cannot be shown in the user's file: they
                // point at the user's `base:` instead.
                relocate(&model.root, *span)
            } else {
                return Err(unknown_base(drafts, lower, base, *span));
            };
            chain.pop();
            merge(&without_identity(&base_root), &draft.root)
        }
    };
    if let Some(slot) = memo.get_mut(index) {
        *slot = Some(root.clone());
    }
    Ok(root)
}

pub(super) fn cycle(drafts: &[Draft], chain: &[usize], back_to: usize, span: Span) -> BackendError {
    let start = chain
        .iter()
        .position(|&index| index == back_to)
        .unwrap_or(0);
    let names: Vec<&str> = chain
        .iter()
        .skip(start)
        .chain(std::iter::once(&back_to))
        .filter_map(|&index| drafts.get(index).map(|draft| draft.name.as_str()))
        .collect();
    BackendError::new(
        span,
        format!("`base:` makes a cycle: {}", names.join(" → ")),
    )
    .with_help("a model cannot inherit from itself, directly or through other models")
}

pub(super) fn unknown_base(
    drafts: &[Draft],
    lower: &[Resolved],
    base: &str,
    span: Span,
) -> BackendError {
    let names = drafts
        .iter()
        .map(|draft| draft.name.as_str())
        .chain(lower.iter().map(|model| model.name.as_str()));
    let error = BackendError::new(span, format!("no backend model is named `{base}`"));
    match crate::suggest::closest(base, names) {
        Some(close) => error.with_help(format!("did you mean `{close}`?")),
        None => error.with_help("`base:` names another model: an embedded one or one of yours"),
    }
}

/// A base model's tree without the keys that are never inherited.
pub(super) fn without_identity(root: &Node) -> Node {
    let entries = root.as_mapping().unwrap_or_default();
    Node {
        span: root.span,
        kind: NodeKind::Mapping(
            entries
                .iter()
                .filter(|entry| !matches!(entry.key_text(), Some("name" | "base" | "abstract")))
                .cloned()
                .collect(),
        ),
    }
}

/// `over` on top of `base`: mappings merge key by key, anything else replaces.
pub(super) fn merge(base: &Node, over: &Node) -> Node {
    let (Some(base_entries), Some(over_entries)) = (base.as_mapping(), over.as_mapping()) else {
        return over.clone();
    };
    let mut entries = base_entries.to_vec();
    for entry in over_entries {
        match entries
            .iter_mut()
            .find(|existing| existing.key_text() == entry.key_text())
        {
            Some(existing) => {
                existing.value = merge(&existing.value, &entry.value);
                existing.key = entry.key.clone();
            }
            None => entries.push(entry.clone()),
        }
    }
    Node {
        span: over.span,
        kind: NodeKind::Mapping(entries),
    }
}

/// A copy of `node` with every span replaced by `span`.
pub(super) fn relocate(node: &Node, span: Span) -> Node {
    let kind = match &node.kind {
        NodeKind::Scalar(scalar) => NodeKind::Scalar(scalar.clone()),
        NodeKind::Sequence(items) => {
            NodeKind::Sequence(items.iter().map(|item| relocate(item, span)).collect())
        }
        NodeKind::Mapping(entries) => NodeKind::Mapping(
            entries
                .iter()
                .map(|entry| Entry {
                    key: relocate(&entry.key, span),
                    value: relocate(&entry.value, span),
                })
                .collect(),
        ),
    };
    Node { span, kind }
}
