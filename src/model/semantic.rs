//! Semantic comparison of two spanned YAML values, as the API server compares the decoded
//! objects of an update: the order of mapping keys and flow or block style do not matter,
//! `null` and empty collections are absent, scalars compare by what Kubernetes reads (`yes` is
//! `true`, `"3"` and `3` are the same text), resource quantities by value (`1Gi` is
//! `1073741824`), and a field the server defaults equals its default when absent. Lists
//! compare item by item, in order, as `DeepEqual` does.
//!
//! The change rules (PVL7xx) use it to tell a real change of an immutable field from a
//! rewrite of the same value. It compares and locates; it reports nothing.

use crate::load::tree::{Entry, Node, NodeKind};
use crate::model::Quantity;
use crate::source::Span;

/// How to compare one field. Paths are relative to the compared field: keys joined by `.`,
/// `[]` for any list item and `*` for any key (`[].spec.volumeMode`, `requests.*`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Compare {
    /// Values the API server fills in when a field is absent: `(path, value)`.
    pub defaults: &'static [(&'static str, &'static str)],
    /// Paths of resource quantities, compared by value.
    pub quantities: &'static [&'static str],
    /// Paths left out of the comparison (fields that may change, or that decoding drops).
    pub ignored: &'static [&'static str],
    /// Go value fields: `false`, `0` and `""` equal an absent field (they are their zero
    /// value, which `omitempty` leaves out). Entries of string maps (`maps`) and pointer
    /// fields (`pointers`) keep them.
    pub zero_is_absent: bool,
    /// Paths of string maps (`parameters`, `labels`): their entries are kept even when empty.
    pub maps: &'static [&'static str],
    /// Paths of pointer fields, where `""` is not the same as absent (`storageClassName`).
    pub pointers: &'static [&'static str],
}

/// One value on one side of a [`Difference`].
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The value as written; `None` when absent.
    pub node: Option<&'a Node>,
    /// The value the server fills in when the field is absent, if it has one.
    pub default: Option<&'static str>,
    /// Where to point: a scalar value itself, the key of a mapping or list value (the item
    /// for list items), or, when the value is absent, the key of the nearest enclosing entry
    /// that is present.
    pub at: Span,
}

impl Side<'_> {
    /// The value for messages: compact flow text (`[ReadWriteOnce]`), the default followed by
    /// `(the default)`, or `None` when absent without a default.
    #[must_use]
    pub fn describe(&self) -> Option<String> {
        match (self.node, self.default) {
            (Some(node), _) => Some(format!("`{}`", compact(node))),
            (None, Some(default)) => Some(format!("`{default}` (the default)")),
            (None, None) => None,
        }
    }
}

/// A place where two values differ.
#[derive(Debug, Clone)]
pub struct Difference<'a> {
    /// Where, below the compared field (`accessModes[1]`, `csi.volumeHandle`); empty for the
    /// field itself.
    pub path: String,
    pub before: Side<'a>,
    pub after: Side<'a>,
}

/// The differences between the values at `path` below two roots, in the order of the `after`
/// side. `anchors` are where to point on each side when even the first key of `path` is
/// absent (the objects' names, say).
#[must_use]
pub fn differences<'a>(
    before: &'a Node,
    after: &'a Node,
    path: &[&str],
    anchors: (Span, Span),
    compare: &Compare,
) -> Vec<Difference<'a>> {
    let before = descend(before, path, anchors.0);
    let after = descend(after, path, anchors.1);
    let mut out = Vec::new();
    let mut walker = Walker {
        compare,
        path: Vec::new(),
        out: &mut out,
    };
    walker.compare(before, after);
    out
}

/// The differences between two mapping entries' values (`dataSource` against the
/// `dataSourceRef` it mirrors, say); `None` is an absent entry, located at its side's anchor.
#[must_use]
pub fn entry_differences<'a>(
    before: Option<&'a Entry>,
    after: Option<&'a Entry>,
    anchors: (Span, Span),
    compare: &Compare,
) -> Vec<Difference<'a>> {
    let value = |entry: Option<&'a Entry>, anchor| Value {
        node: entry.map(|entry| &entry.value),
        key: entry.map(|entry| entry.key.span),
        anchor,
    };
    let mut out = Vec::new();
    let mut walker = Walker {
        compare,
        path: Vec::new(),
        out: &mut out,
    };
    walker.compare(value(before, anchors.0), value(after, anchors.1));
    out
}

/// A value and where it is.
#[derive(Debug, Clone, Copy)]
struct Value<'a> {
    node: Option<&'a Node>,
    /// The key of its entry, when it has one and is present.
    key: Option<Span>,
    /// Where to point when it is absent.
    anchor: Span,
}

impl<'a> Value<'a> {
    fn at(&self) -> Span {
        match self.node {
            Some(node) if node.as_scalar().is_some() => node.span,
            Some(node) => self.key.unwrap_or(node.span),
            None => self.anchor,
        }
    }

    /// The anchor for the children of this value.
    fn child_anchor(&self) -> Span {
        match self.node {
            Some(node) => self.key.unwrap_or(node.span),
            None => self.anchor,
        }
    }

    /// The value at `key` of this mapping value.
    fn child(&self, key: &str) -> Value<'a> {
        let entry = self.node.and_then(|node| node.entry(key));
        Value {
            node: entry.map(|entry| &entry.value),
            key: entry.map(|entry| entry.key.span),
            anchor: self.child_anchor(),
        }
    }
}

fn descend<'a>(root: &'a Node, path: &[&str], anchor: Span) -> Value<'a> {
    path.iter().fold(
        Value {
            node: Some(root),
            key: None,
            anchor,
        },
        |value, key| {
            let child = value.child(key);
            match value.node {
                // The root has no key: point at the caller's anchor, not the whole document.
                Some(_) if value.key.is_none() => Value { anchor, ..child },
                _ => child,
            }
        },
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step<'p> {
    Key(&'p str),
    Item(usize),
}

struct Walker<'c, 'a, 'o> {
    compare: &'c Compare,
    path: Vec<Step<'a>>,
    out: &'o mut Vec<Difference<'a>>,
}

impl<'a> Walker<'_, 'a, '_> {
    fn compare(&mut self, before: Value<'a>, after: Value<'a>) {
        let before = Value {
            node: before.node.filter(|node| !self.is_absent(node)),
            ..before
        };
        let after = Value {
            node: after.node.filter(|node| !self.is_absent(node)),
            ..after
        };
        match (
            before.node.map(|node| &node.kind),
            after.node.map(|node| &node.kind),
        ) {
            (None, None) => {}
            (Some(NodeKind::Mapping(_)), Some(NodeKind::Mapping(_))) => {
                self.compare_mappings(before, after);
            }
            // An absent mapping compares as an empty one, so that defaults inside apply; what
            // differs is then the mapping as a whole.
            (None, Some(NodeKind::Mapping(_))) | (Some(NodeKind::Mapping(_)), None) => {
                let mark = self.out.len();
                self.compare_mappings(before, after);
                if self.out.len() > mark {
                    self.out.truncate(mark);
                    self.push(before, after);
                }
            }
            (Some(NodeKind::Sequence(old)), Some(NodeKind::Sequence(new)))
                if old.len() == new.len() =>
            {
                for (at, (old, new)) in old.iter().zip(new).enumerate() {
                    self.path.push(Step::Item(at));
                    let item = |node: &'a Node, parent: &Value<'a>| Value {
                        node: Some(node),
                        key: None,
                        anchor: parent.child_anchor(),
                    };
                    self.compare(item(old, &before), item(new, &after));
                    self.path.pop();
                }
            }
            _ => {
                if !self.same_leaf(before.node, after.node) {
                    self.push(before, after);
                }
            }
        }
    }

    fn compare_mappings(&mut self, before: Value<'a>, after: Value<'a>) {
        let mut keys: Vec<&'a str> = Vec::new();
        for node in [after.node, before.node].into_iter().flatten() {
            for entry in node.as_mapping().unwrap_or_default() {
                if let Some(key) = entry.key_text()
                    && !keys.contains(&key)
                {
                    keys.push(key);
                }
            }
        }
        for key in keys {
            self.path.push(Step::Key(key));
            if !self.matches_any(self.compare.ignored) {
                self.compare(before.child(key), after.child(key));
            }
            self.path.pop();
        }
    }

    fn push(&mut self, before: Value<'a>, after: Value<'a>) {
        let default = self.default();
        let side = |value: Value<'a>| Side {
            node: value.node,
            default: if value.node.is_none() { default } else { None },
            at: value.at(),
        };
        self.out.push(Difference {
            path: display(&self.path),
            before: side(before),
            after: side(after),
        });
    }

    /// Null, an empty collection, or a zero value of a Go value field.
    fn is_absent(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Mapping(entries) => entries.is_empty(),
            NodeKind::Sequence(items) => items.is_empty(),
            NodeKind::Scalar(scalar) => {
                node.is_null()
                    || (self.compare.zero_is_absent
                        && matches!(scalar.as_json_string().as_str(), "" | "false" | "0")
                        && !self.in_map()
                        && !self.matches_any(self.compare.pointers))
            }
        }
    }

    /// Whether the current path is an entry of a string map.
    fn in_map(&self) -> bool {
        let Some((_, parent)) = self.path.split_last() else {
            return false;
        };
        self.compare
            .maps
            .iter()
            .any(|pattern| matches(pattern, parent))
    }

    fn matches_any(&self, patterns: &[&str]) -> bool {
        patterns.iter().any(|pattern| matches(pattern, &self.path))
    }

    fn default(&self) -> Option<&'static str> {
        self.compare
            .defaults
            .iter()
            .find(|(pattern, _)| matches(pattern, &self.path))
            .map(|(_, value)| *value)
    }

    /// Two leaves (scalars, defaults, or a scalar and a collection) as the server sees them.
    fn same_leaf(&self, before: Option<&Node>, after: Option<&Node>) -> bool {
        let default = self.default();
        // A list against its default (`[Persistent]`) compares by its one-line rendering.
        let against_default = before.is_none() || after.is_none();
        let text = |node: Option<&Node>| match node {
            Some(node) => match node.as_scalar() {
                Some(scalar) => Some(scalar.as_json_string()),
                None => against_default.then(|| compact(node)),
            },
            None => default.map(str::to_owned),
        };
        let (Some(old), Some(new)) = (text(before), text(after)) else {
            // A collection against a scalar, or a value against nothing.
            return false;
        };
        if old == new {
            return true;
        }
        self.matches_any(self.compare.quantities)
            && matches!(
                (Quantity::parse(old.trim()), Quantity::parse(new.trim())),
                (Ok(old), Ok(new)) if old == new
            )
    }
}

/// Whether a path matches a pattern (`[]` any item, `*` any key).
fn matches(pattern: &str, path: &[Step<'_>]) -> bool {
    let mut segments = pattern.split('.').filter(|segment| !segment.is_empty());
    for step in path {
        let Some(segment) = segments.next() else {
            return false;
        };
        let ok = match step {
            Step::Item(_) => segment == "[]",
            Step::Key(key) => segment == "*" || segment == *key,
        };
        if !ok {
            return false;
        }
    }
    segments.next().is_none()
}

fn display(path: &[Step<'_>]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Step::Item(at) => {
                text.push('[');
                text.push_str(&at.to_string());
                text.push(']');
            }
        }
    }
    text
}

/// Longest compact rendering before it is cut with `…`.
const MAX_COMPACT: usize = 60;

/// A value as one line of flow YAML (`[ReadWriteOnce]`, `{matchLabels: {app: db}}`), cut
/// after 60 characters.
#[must_use]
pub fn compact(node: &Node) -> String {
    let mut text = String::new();
    write_compact(node, &mut text);
    if text.chars().count() > MAX_COMPACT {
        let cut: String = text.chars().take(MAX_COMPACT - 1).collect();
        return format!("{cut}…");
    }
    text
}

fn write_compact(node: &Node, out: &mut String) {
    if out.len() > MAX_COMPACT * 4 {
        return;
    }
    match &node.kind {
        NodeKind::Scalar(scalar) if node.is_null() => out.push_str(if scalar.text.is_empty() {
            "null"
        } else {
            &scalar.text
        }),
        NodeKind::Scalar(scalar) if scalar.text.is_empty() => out.push_str("\"\""),
        NodeKind::Scalar(scalar) => out.push_str(scalar.text.trim_end()),
        NodeKind::Sequence(items) => {
            out.push('[');
            for (at, item) in items.iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        NodeKind::Mapping(entries) => {
            out.push('{');
            for (at, entry) in entries.iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                write_compact(&entry.key, out);
                out.push_str(": ");
                write_compact(&entry.value, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::load::yaml::{Dialect, Limits, parse};
    use crate::source::FileId;

    fn root(text: &str) -> Node {
        let parsed = parse(FileId::default(), text, Dialect::Yaml, Limits::default());
        parsed.documents[0].root.clone().unwrap()
    }

    fn paths(before: &str, after: &str, compare: &Compare) -> Vec<String> {
        let (before, after) = (root(before), root(after));
        let anchor = Span::new(FileId::default(), 0, 0);
        differences(&before, &after, &["spec"], (anchor, anchor), compare)
            .into_iter()
            .map(|difference| difference.path)
            .collect()
    }

    #[test]
    fn style_and_key_order_do_not_matter() {
        let before =
            "spec:\n  accessModes:\n  - ReadWriteOnce\n  selector: {matchLabels: {a: b}, x: 1}\n";
        let after = "spec:\n  selector:\n    x: 1\n    matchLabels:\n      a: b\n  accessModes: [ReadWriteOnce]\n";
        assert!(paths(before, after, &Compare::default()).is_empty());
    }

    #[test]
    fn list_items_compare_in_order() {
        let before = "spec: {accessModes: [ReadWriteOnce, ReadOnlyMany]}\n";
        let after = "spec: {accessModes: [ReadOnlyMany, ReadWriteOnce]}\n";
        assert_eq!(
            paths(before, after, &Compare::default()),
            ["accessModes[0]", "accessModes[1]"]
        );
        let shorter = "spec: {accessModes: [ReadWriteOnce]}\n";
        assert_eq!(paths(before, shorter, &Compare::default()), ["accessModes"]);
    }

    #[test]
    fn defaults_fill_absent_fields() {
        const COMPARE: Compare = Compare {
            defaults: &[("reclaimPolicy", "Delete")],
            ..NONE
        };
        let unset = "spec: {provisioner: x}\n";
        let delete = "spec: {provisioner: x, reclaimPolicy: Delete}\n";
        let retain = "spec: {provisioner: x, reclaimPolicy: Retain}\n";
        assert!(paths(unset, delete, &COMPARE).is_empty());
        assert!(paths(delete, unset, &COMPARE).is_empty());
        assert_eq!(paths(unset, retain, &COMPARE), ["reclaimPolicy"]);
        // A mapping that only holds defaults equals an absent one; otherwise it differs whole.
        assert!(paths("spec: {}\n", "spec: {reclaimPolicy: Delete}\n", &COMPARE).is_empty());
        assert_eq!(paths("spec: {}\n", retain, &COMPARE), [""]);
    }

    const NONE: Compare = Compare {
        defaults: &[],
        quantities: &[],
        ignored: &[],
        zero_is_absent: false,
        maps: &[],
        pointers: &[],
    };

    #[test]
    fn quantities_compare_by_value_only_where_marked() {
        const COMPARE: Compare = Compare {
            quantities: &["limits.*"],
            ..NONE
        };
        let before = "spec: {limits: {storage: 1Gi}, size: 1Gi}\n";
        let after = "spec: {limits: {storage: '1073741824'}, size: 1073741824}\n";
        assert_eq!(paths(before, after, &COMPARE), ["size"]);
    }

    #[test]
    fn zero_values_are_absent_except_in_maps_and_pointers() {
        const COMPARE: Compare = Compare {
            zero_is_absent: true,
            maps: &["attributes"],
            pointers: &["className"],
            ..NONE
        };
        let before = "spec: {readOnly: false, fsType: '', attributes: {a: ''}}\n";
        let after = "spec: {className: ''}\n";
        assert_eq!(paths(before, after, &COMPARE), ["className", "attributes"]);
    }

    #[test]
    fn scalars_compare_as_kubernetes_reads_them() {
        let before = "spec: {readOnly: yes, iops: '3000', name: null}\n";
        let after = "spec: {readOnly: true, iops: 3000}\n";
        assert!(paths(before, after, &NONE).is_empty());
    }

    #[test]
    fn compact_renders_one_line() {
        let node = root("a:\n  - x\n  - {b: c}\nd: ''\n");
        assert_eq!(compact(&node), "{a: [x, {b: c}], d: \"\"}");
    }
}
