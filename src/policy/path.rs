//! Field paths: the one syntax pack rules use to name fields, and its evaluation over the
//! spanned tree.
//!
//! ```text
//! spec.resources.requests.storage        keys, separated by dots
//! spec.containers[*].image               `[*]`: every element of a list
//! spec.containers[0].image               `[N]`: one element
//! metadata.labels["app.kubernetes.io/name"]   a key with dots or slashes, quoted
//! metadata.labels.*                      `*`: every value of a mapping
//! metadata.labels.@keys                  `@keys` (last): the keys of a mapping themselves
//! spec.containers[name=driver].image     a filter: the elements whose field is `driver`
//! spec.containers[image!~"csi-"]         filters: `=`, `!=`, `~=` (regex), `!~` (no match)
//! ```
//!
//! A filter's field is a dotted key path inside the element (`[securityContext.privileged=true]`);
//! its value is bare (up to `]` or `,`) or double-quoted. Conditions separated by `,` must all
//! hold (`[name!=a, image~="csi-"]`). When the field is a list (`args`), `=` and `~=` hold if
//! an item equals or matches, `!=` and `!~` if none does; an element without the field fails
//! `=` and `~=` and passes `!=` and `!~`.
//!
//! Evaluation yields every node the path reaches ([`Reach::Found`]) and, for each branch that
//! stops at a missing key, where it stopped ([`Reach::Missing`]): the key of the deepest
//! existing ancestor, so a "required field" finding points at the container or the `spec`
//! that lacks it. A value of the wrong shape (a scalar where a list is expected) ends its
//! branch silently: that is the schema's business, not the policy's.

use std::fmt::Write as _;

use regex::Regex;

use crate::load::tree::{Node, NodeKind};
use crate::source::Span;

/// A parsed field path.
#[derive(Debug, Clone)]
pub struct FieldPath {
    text: String,
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
struct Step {
    kind: StepKind,
    /// The step as written (`.image`, `[*]`), for the path of a missing field.
    text: String,
}

#[derive(Debug, Clone)]
enum StepKind {
    Key(String),
    Values,
    Keys,
    Each,
    Index(usize),
    Filter(Filter),
}

/// Conditions on a list's elements, all of which must hold.
#[derive(Debug, Clone)]
struct Filter {
    conditions: Vec<Condition>,
}

#[derive(Debug, Clone)]
struct Condition {
    field: Vec<String>,
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    Equals(String, bool),
    Matches(Regex, bool),
}

/// What a path reaches from one starting node.
#[derive(Debug, Clone)]
pub enum Reach<'a> {
    /// A node the path names (a value, or a key for `@keys`), with its concrete path.
    Found { node: &'a Node, path: String },
    /// A key the path needs is absent: `anchor` is the key of the deepest existing ancestor,
    /// `path` the full path that is missing.
    Missing { anchor: Span, path: String },
}

/// A starting point: the node, the key it is the value of (if any), and its path.
#[derive(Debug, Clone)]
pub struct Start<'a> {
    pub node: &'a Node,
    pub key: Option<&'a Node>,
    pub path: String,
    /// Where a field missing right at the start is reported (the object's name).
    pub anchor: Span,
}

/// A path error: the message and the byte range within the path text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub message: String,
    pub at: std::ops::Range<usize>,
}

impl FieldPath {
    /// Parses a path.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        Parser { text, at: 0 }.path()
    }

    /// The path as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first key, when the path starts with one (`spec` in `spec.containers`).
    #[must_use]
    pub fn first_key(&self) -> Option<&str> {
        match &self.steps.first()?.kind {
            StepKind::Key(key) => Some(key),
            _ => None,
        }
    }

    /// Evaluates the path from `start`, skipping its first `skip` steps.
    #[must_use]
    pub fn eval<'a>(&self, start: Start<'a>, skip: usize) -> Vec<Reach<'a>> {
        let mut reached = Vec::new();
        let mut states = vec![(start.node, start.key, start.path)];
        let steps = self.steps.get(skip..).unwrap_or_default();
        for (at, step) in steps.iter().enumerate() {
            let mut next = Vec::new();
            for (node, key, path) in states {
                let missing = |reached: &mut Vec<Reach<'a>>| {
                    let anchor = anchor(node, key).unwrap_or(start.anchor);
                    let rest: String = steps
                        .get(at..)
                        .unwrap_or_default()
                        .iter()
                        .map(|step| step.text.as_str())
                        .collect();
                    let full = format!("{path}{rest}");
                    reached.push(Reach::Missing {
                        anchor,
                        path: full.trim_start_matches('.').to_owned(),
                    });
                };
                match (&step.kind, &node.kind) {
                    (StepKind::Key(name), NodeKind::Mapping(_)) => {
                        match node.entry(name).filter(|entry| !entry.value.is_null()) {
                            Some(entry) => {
                                next.push((&entry.value, Some(&entry.key), join(&path, name)));
                            }
                            None => missing(&mut reached),
                        }
                    }
                    (StepKind::Values, NodeKind::Mapping(entries)) => {
                        for entry in entries.iter().filter(|entry| !entry.value.is_null()) {
                            let name = entry.key_text().unwrap_or("?");
                            next.push((&entry.value, Some(&entry.key), join(&path, name)));
                        }
                    }
                    (StepKind::Keys, NodeKind::Mapping(entries)) => {
                        for entry in entries {
                            let name = entry.key_text().unwrap_or("?");
                            next.push((&entry.key, None, join(&path, name)));
                        }
                    }
                    (StepKind::Each, NodeKind::Sequence(items)) => {
                        for (index, item) in items.iter().enumerate() {
                            next.push((item, None, element(&path, index, item)));
                        }
                    }
                    (StepKind::Index(index), NodeKind::Sequence(items)) => {
                        match items.get(*index) {
                            Some(item) => next.push((item, None, element(&path, *index, item))),
                            None => missing(&mut reached),
                        }
                    }
                    (StepKind::Filter(filter), NodeKind::Sequence(items)) => {
                        for (index, item) in items.iter().enumerate() {
                            if filter.keeps(item) {
                                next.push((item, None, element(&path, index, item)));
                            }
                        }
                    }
                    _ => {}
                }
            }
            states = next;
        }
        reached.extend(
            states
                .into_iter()
                .map(|(node, _, path)| Reach::Found { node, path }),
        );
        reached
    }

    /// Whether the path reaches at least one node from `start`.
    #[must_use]
    pub fn reaches(&self, start: Start<'_>, skip: usize) -> bool {
        self.eval(start, skip)
            .iter()
            .any(|reach| matches!(reach, Reach::Found { .. }))
    }
}

fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        _ => format!("{path}[{key:?}]"),
    }
}

fn element(path: &str, index: usize, item: &Node) -> String {
    let mut path = path.to_owned();
    let _ = match item.get("name").and_then(Node::as_str) {
        Some(name) => write!(path, "[name={name}]"),
        None => write!(path, "[{index}]"),
    };
    path
}

/// Where a field missing under `node` is reported: the key `node` is the value of, else the
/// node's `name` entry (a container), else its first key.
fn anchor(node: &Node, key: Option<&Node>) -> Option<Span> {
    if let Some(key) = key {
        return Some(key.span);
    }
    if let Some(entry) = node.entry("name") {
        return Some(entry.span());
    }
    node.as_mapping()?.first().map(|entry| entry.key.span)
}

impl Filter {
    fn keeps(&self, item: &Node) -> bool {
        self.conditions
            .iter()
            .all(|condition| condition.holds(item))
    }
}

impl Condition {
    /// `=` and `~=` hold when the field (or, for a list, any of its items) equals or matches;
    /// `!=` and `!~` when none does.
    fn holds(&self, item: &Node) -> bool {
        let keys: Vec<&str> = self.field.iter().map(String::as_str).collect();
        let values: Vec<String> = match item.path(&keys) {
            Some(node) => match node.as_sequence() {
                Some(items) => items.iter().filter_map(Self::text).collect(),
                None => Self::text(node).into_iter().collect(),
            },
            None => Vec::new(),
        };
        let (any, want) = match &self.test {
            Test::Equals(expected, want) => (values.iter().any(|value| value == expected), *want),
            Test::Matches(regex, want) => (values.iter().any(|value| regex.is_match(value)), *want),
        };
        any == want
    }

    fn text(node: &Node) -> Option<String> {
        node.as_scalar()
            .map(crate::load::tree::Scalar::as_json_string)
    }
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>, from: usize) -> PathError {
        PathError {
            message: message.into(),
            at: from..self.at.max(from + 1).min(self.text.len().max(from + 1)),
        }
    }

    fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or("")
    }

    fn path(mut self) -> Result<FieldPath, PathError> {
        let mut steps = Vec::new();
        if self.text.trim().is_empty() {
            return Err(self.error("the path is empty", 0));
        }
        let mut first = true;
        while self.at < self.text.len() {
            let start = self.at;
            let step = if self.rest().starts_with('[') {
                self.bracket()?
            } else {
                if !first {
                    if !self.rest().starts_with('.') {
                        return Err(self.error("expected `.` or `[` here", start));
                    }
                    self.at += 1;
                }
                self.dotted(start)?
            };
            if matches!(
                steps.last(),
                Some(Step {
                    kind: StepKind::Keys,
                    ..
                })
            ) {
                return Err(self.error("`@keys` must be the last step", start));
            }
            steps.push(Step {
                text: if first && !self.text.starts_with('[') {
                    format!(".{}", self.text.get(start..self.at).unwrap_or(""))
                } else {
                    self.text.get(start..self.at).unwrap_or("").to_owned()
                },
                kind: step,
            });
            first = false;
        }
        Ok(FieldPath {
            text: self.text.to_owned(),
            steps,
        })
    }

    fn dotted(&mut self, start: usize) -> Result<StepKind, PathError> {
        let from = self.at;
        let length = self
            .rest()
            .find(|c: char| c == '.' || c == '[' || c == ']' || c.is_whitespace() || c == '"')
            .unwrap_or(self.rest().len());
        self.at += length;
        let word = self.text.get(from..self.at).unwrap_or("");
        match word {
            "" => Err(self.error("expected a key here", start)),
            "*" => Ok(StepKind::Values),
            "@keys" => Ok(StepKind::Keys),
            word if word.starts_with('@') => {
                Err(self.error(format!("unknown step `{word}` (only `@keys` exists)"), from))
            }
            word => Ok(StepKind::Key(word.to_owned())),
        }
    }

    fn bracket(&mut self) -> Result<StepKind, PathError> {
        let start = self.at;
        self.at += 1;
        if self.rest().starts_with('"') {
            let key = self.quoted(start)?;
            self.close(start)?;
            return Ok(StepKind::Key(key));
        }
        let Some(end) = self.rest().find(']') else {
            self.at = self.text.len();
            return Err(self.error("`[` is never closed", start));
        };
        let inner = self.rest().get(..end).unwrap_or("").trim().to_owned();
        if inner == "*" {
            self.at += end + 1;
            return Ok(StepKind::Each);
        }
        if let Ok(index) = inner.parse::<usize>() {
            self.at += end + 1;
            return Ok(StepKind::Index(index));
        }
        let mut conditions = vec![self.condition(start)?];
        loop {
            while self.rest().starts_with(' ') {
                self.at += 1;
            }
            if !self.rest().starts_with(',') {
                break;
            }
            self.at += 1;
            while self.rest().starts_with(' ') {
                self.at += 1;
            }
            conditions.push(self.condition(start)?);
        }
        self.close(start)?;
        Ok(StepKind::Filter(Filter { conditions }))
    }

    fn close(&mut self, start: usize) -> Result<(), PathError> {
        if self.rest().starts_with(']') {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error("expected `]` here", start))
        }
    }

    fn quoted(&mut self, start: usize) -> Result<String, PathError> {
        self.at += 1;
        let Some(end) = self.rest().find('"') else {
            self.at = self.text.len();
            return Err(self.error("the quoted key is never closed", start));
        };
        let key = self.rest().get(..end).unwrap_or("").to_owned();
        self.at += end + 1;
        Ok(key)
    }

    fn condition(&mut self, start: usize) -> Result<Condition, PathError> {
        let body = self.rest();
        let Some(op_at) = body
            .find(['=', '!', '~'])
            .filter(|at| !body.get(..*at).unwrap_or("").contains([']', ',']))
        else {
            return Err(self.error(
                "expected `*`, an index, a quoted key, or a filter such as `[name=app]`",
                start,
            ));
        };
        let field_text = body.get(..op_at).unwrap_or("").trim();
        let after = body.get(op_at..).unwrap_or("");
        let (op, op_len) = ["!=", "!~", "~=", "="]
            .into_iter()
            .find(|op| after.starts_with(op))
            .map(|op| (op, op.len()))
            .ok_or_else(|| {
                self.error(
                    "unknown filter operator (use `=`, `!=`, `~=` or `!~`)",
                    start,
                )
            })?;
        if field_text.is_empty()
            || field_text
                .split('.')
                .any(|key| key.is_empty() || key.contains(['[', ']', '"', ' ']))
        {
            return Err(self.error("a filter starts with a dotted field name", start));
        }
        let field = field_text.split('.').map(str::to_owned).collect();
        self.at += op_at + op_len;
        while self.rest().starts_with(' ') {
            self.at += 1;
        }
        let value_at = self.at;
        let value = if self.rest().starts_with('"') {
            self.quoted(start)?
        } else {
            let end = self.rest().find([']', ',']).unwrap_or(self.rest().len());
            let value = self.rest().get(..end).unwrap_or("").trim().to_owned();
            self.at += end;
            value
        };
        let test = match op {
            "=" => Test::Equals(value, true),
            "!=" => Test::Equals(value, false),
            _ => {
                let regex = Regex::new(&value).map_err(|error| PathError {
                    message: format!(
                        "invalid regular expression: {}",
                        one_line(&error.to_string())
                    ),
                    at: value_at..self.at,
                })?;
                Test::Matches(regex, op == "~=")
            }
        };
        Ok(Condition { field, test })
    }
}

/// A multi-line error message (the regex crate draws a caret diagram) on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty() && !line.starts_with('^') && !line.starts_with("regex parse error")
        })
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{self, Dialect, Limits};
    use crate::source::FileId;

    fn tree(text: &str) -> Node {
        let parsed = yaml::parse(FileId::default(), text, Dialect::Yaml, Limits::default());
        parsed.documents.into_iter().next().unwrap().root.unwrap()
    }

    fn found(path: &str, text: &str) -> Vec<String> {
        let root = tree(text);
        let start = Start {
            node: &root,
            key: None,
            path: String::new(),
            anchor: root.span,
        };
        FieldPath::parse(path)
            .unwrap()
            .eval(start, 0)
            .into_iter()
            .map(|reach| match reach {
                Reach::Found { node, path } => {
                    format!("{path}={}", node.as_str().unwrap_or("{..}"))
                }
                Reach::Missing { path, .. } => format!("missing {path}"),
            })
            .collect()
    }

    const POD: &str = "spec:\n  containers:\n  - name: a\n    image: x:1\n  - name: b\n    image: y\n    livenessProbe: {}\nmetadata:\n  labels: {app.kubernetes.io/name: z, tier: gold}\n";

    #[test]
    fn keys_lists_and_filters() {
        assert_eq!(
            found("spec.containers[*].image", POD),
            [
                "spec.containers[name=a].image=x:1",
                "spec.containers[name=b].image=y"
            ]
        );
        assert_eq!(
            found("spec.containers[1].name", POD),
            ["spec.containers[name=b].name=b"]
        );
        assert_eq!(
            found("spec.containers[name=b].image", POD),
            ["spec.containers[name=b].image=y"]
        );
        assert_eq!(
            found(r#"spec.containers[image~="^x"].name"#, POD),
            ["spec.containers[name=a].name=a"]
        );
        assert_eq!(
            found("spec.containers[image!~x].name", POD),
            ["spec.containers[name=b].name=b"]
        );
        assert_eq!(
            found("spec.containers[image!~x, name=a].name", POD),
            Vec::<String>::new()
        );
        assert_eq!(
            found("spec.containers[image~=., name!=a].name", POD),
            ["spec.containers[name=b].name=b"]
        );
        assert_eq!(
            found(r#"metadata.labels["app.kubernetes.io/name"]"#, POD),
            [r#"metadata.labels["app.kubernetes.io/name"]=z"#]
        );
        assert_eq!(found("metadata.labels.@keys", POD).len(), 2);
        assert_eq!(found("metadata.labels.*", POD).len(), 2);
    }

    #[test]
    fn missing_fields_name_the_whole_path() {
        assert_eq!(
            found("spec.containers[*].livenessProbe", POD),
            [
                "missing spec.containers[name=a].livenessProbe",
                "spec.containers[name=b].livenessProbe={..}"
            ]
        );
        assert_eq!(
            found("spec.volumes[*].name", POD),
            ["missing spec.volumes[*].name"]
        );
    }

    #[test]
    fn bad_paths_are_errors() {
        for bad in [
            "",
            "spec..a",
            "spec[",
            "a[x]",
            "a.@keys.b",
            "a[name~=(]",
            "a.@foo",
            "a[\"b]",
        ] {
            assert!(FieldPath::parse(bad).is_err(), "{bad}");
        }
    }
}
