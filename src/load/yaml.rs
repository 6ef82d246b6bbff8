//! YAML text → spanned [`Node`] trees, one per document. The only file that names the YAML crate.
//!
//! granit-parser produces events with byte spans (and comments, for suppressions); this module
//! stacks them into trees, expands aliases within a budget, applies merge keys the way go-yaml v2
//! does, records duplicate keys, and resumes at the next document after a syntax error. It
//! reports problems as [`ParseProblem`] facts; turning them into findings is the rules' job.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScanError};

use crate::load::scalar::{PlainValue, resolve_json_plain, resolve_plain};
use crate::load::tree::{Entry, Node, NodeKind, Scalar, ScalarStyle};
use crate::source::{FileId, Span};

/// Bounds that keep hostile input from exhausting time or memory (config `max-alias-nodes`,
/// `max-depth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most nodes that anchors and aliases may copy in one document: an anchored node is
    /// copied once to be available to its aliases, and each alias copies it again.
    pub max_alias_nodes: usize,
    /// Deepest nesting of collections (after alias expansion).
    pub max_depth: usize,
}

impl Limits {
    /// The default of [`Limits::max_alias_nodes`].
    pub const DEFAULT_ALIAS_NODES: usize = 100_000;
    /// The default of [`Limits::max_depth`].
    pub const DEFAULT_DEPTH: usize = 200;
    /// The largest [`Limits::max_depth`] that means anything: the parser itself stops at this
    /// nesting, and the recursive walks over a tree stay far from the end of a thread's stack.
    pub const PARSER_DEPTH: usize = 255;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_alias_nodes: Self::DEFAULT_ALIAS_NODES,
            max_depth: Self::DEFAULT_DEPTH,
        }
    }
}

/// Which scalar rules apply: YAML 1.1 (go-yaml v2) for YAML files, JSON rules for JSON files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Yaml,
    Json,
}

/// One document of a stream. `root` is `None` for an empty document or one that failed to parse.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    pub span: Span,
    pub root: Option<Node>,
}

/// A `#` comment, kept for suppression directives.
#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
    /// The text after `#`.
    pub text: String,
}

/// Something wrong with the YAML text itself.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseProblem {
    Syntax {
        span: Span,
        message: String,
    },
    DuplicateKey {
        key: String,
        span: Span,
        first: Span,
    },
    AliasBudget {
        span: Span,
        limit: usize,
    },
    TooDeep {
        span: Span,
        limit: usize,
    },
}

/// Everything read from one file.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    pub documents: Vec<ParsedDocument>,
    pub comments: Vec<Comment>,
    pub problems: Vec<ParseProblem>,
}

/// Parses a whole stream. Never fails: problems are recorded and parsing resumes at the next
/// document.
#[must_use]
pub fn parse(file: FileId, text: &str, dialect: Dialect, limits: Limits) -> ParsedFile {
    let options = granit_parser::options! { emit_comments: true };
    let mut builder = Builder::new(file, text.len(), dialect, limits);
    let mut parser = Parser::new_from_str_with_options(text, options);
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                let range = span.byte_range().unwrap_or(0..0);
                builder.event(event, Span::new(file, range.start, range.end));
            }
            Some(Err(error)) => {
                builder.syntax_error(&error);
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) | Err(_) => break,
                }
            }
        }
    }
    builder.finish()
}

enum Frame {
    Sequence {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        start: Span,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
    },
}

struct Builder {
    file: FileId,
    text_len: usize,
    dialect: Dialect,
    limits: Limits,
    out: ParsedFile,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    document: Option<DocumentState>,
}

struct DocumentState {
    start: usize,
    root: Option<Node>,
    /// Set once the document hit a limit; its events are then ignored.
    abandoned: bool,
}

impl Builder {
    fn new(file: FileId, text_len: usize, dialect: Dialect, limits: Limits) -> Self {
        Self {
            file,
            text_len,
            dialect,
            limits,
            out: ParsedFile::default(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            document: None,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::Comment(text, _) => self.out.comments.push(Comment {
                span,
                text: text.into_owned(),
            }),
            Event::DocumentStart(..) => self.start_document(span.start as usize),
            Event::DocumentEnd => self.end_document(span.end as usize),
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag
                    .as_ref()
                    .is_some_and(|tag| tag.is_yaml_core_schema_tag("str"));
                let scalar = self.scalar(text.into_owned(), style, is_str_tag);
                self.push_node(
                    Node {
                        span,
                        kind: NodeKind::Scalar(scalar),
                    },
                    anchor,
                );
            }
            Event::SequenceStart(_, anchor, _) => self.open(Frame::Sequence {
                start: span,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(_, anchor, _) => self.open(Frame::Mapping {
                start: span,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::Alias(id) => self.alias(id, span),
            Event::UnresolvedAlias(name) => self.out.problems.push(ParseProblem::Syntax {
                span,
                message: format!("unknown anchor `{name}`"),
            }),
            // Stream boundaries and anchor metadata carry no data; events added by later parser
            // versions carry no data nodes we know of.
            _ => {}
        }
    }

    fn scalar(&self, text: String, style: granit_parser::ScalarStyle, is_str_tag: bool) -> Scalar {
        let style = match style {
            granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
            granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
            granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
        };
        let value = match (style, self.dialect) {
            (ScalarStyle::Plain, _) if is_str_tag => PlainValue::String,
            (ScalarStyle::Plain, Dialect::Yaml) => resolve_plain(&text),
            (ScalarStyle::Plain, Dialect::Json) => resolve_json_plain(&text),
            _ => PlainValue::String,
        };
        Scalar { text, style, value }
    }

    fn start_document(&mut self, start: usize) {
        if self.document.is_some() {
            self.end_document(start);
        }
        self.stack.clear();
        self.anchors.clear();
        self.alias_nodes = 0;
        self.document = Some(DocumentState {
            start,
            root: None,
            abandoned: false,
        });
    }

    fn end_document(&mut self, end: usize) {
        let Some(document) = self.document.take() else {
            return;
        };
        self.stack.clear();
        let end = document
            .root
            .as_ref()
            .map_or(end, |root| end.max(root.span.end as usize));
        self.out.documents.push(ParsedDocument {
            span: Span::new(self.file, document.start, end),
            root: if document.abandoned {
                None
            } else {
                document.root
            },
        });
    }

    fn abandoned(&self) -> bool {
        self.document
            .as_ref()
            .is_none_or(|document| document.abandoned)
    }

    fn abandon(&mut self, problem: ParseProblem) {
        self.out.problems.push(problem);
        if let Some(document) = &mut self.document {
            document.abandoned = true;
        }
        self.stack.clear();
    }

    fn open(&mut self, frame: Frame) {
        if self.abandoned() {
            return;
        }
        if self.stack.len() >= self.limits.max_depth {
            let span = match &frame {
                Frame::Sequence { start, .. } | Frame::Mapping { start, .. } => *start,
            };
            self.abandon(ParseProblem::TooDeep {
                span,
                limit: self.limits.max_depth,
            });
            return;
        }
        self.stack.push(frame);
    }

    fn close(&mut self, end: Span) {
        if self.abandoned() {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Sequence {
                start,
                anchor,
                items,
            } => {
                let span = collection_span(start, end, items.last().map(|item| item.span));
                let mut items = items;
                items.shrink_to_fit();
                (
                    Node {
                        span,
                        kind: NodeKind::Sequence(items),
                    },
                    anchor,
                )
            }
            Frame::Mapping {
                start,
                anchor,
                entries,
                ..
            } => {
                let last = entries.last().map(|entry| entry.value.span);
                let span = collection_span(start, end, last);
                let entries = self.merge_and_dedupe(entries);
                (
                    Node {
                        span,
                        kind: NodeKind::Mapping(entries),
                    },
                    anchor,
                )
            }
        };
        self.push_node(node, anchor);
    }

    fn alias(&mut self, id: usize, span: Span) {
        if self.abandoned() {
            return;
        }
        let Some(target) = self.anchors.get(&id) else {
            self.out.problems.push(ParseProblem::Syntax {
                span,
                message: "alias refers to an anchor that encloses it".to_owned(),
            });
            return;
        };
        let copied = node_count(target, self.limits.max_alias_nodes);
        let depth = node_depth(target);
        if !self.charge(copied, span) {
            return;
        }
        if self.stack.len() + depth > self.limits.max_depth {
            self.abandon(ParseProblem::TooDeep {
                span,
                limit: self.limits.max_depth,
            });
            return;
        }
        if let Some(node) = self.anchors.get(&id).cloned() {
            self.push_node(node, 0);
        }
    }

    fn push_node(&mut self, node: Node, anchor: usize) {
        if self.abandoned() {
            return;
        }
        // Nested anchors copy every level of a tree again: without a charge, a small file of
        // anchors nested 200 deep over a long list costs gigabytes.
        if anchor != 0 && self.charge(node_count(&node, self.limits.max_alias_nodes), node.span) {
            self.anchors.insert(anchor, node.clone());
        }
        if self.abandoned() {
            return;
        }
        match self.stack.last_mut() {
            None => {
                if let Some(document) = &mut self.document {
                    document.root = Some(node);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
    }

    /// Charges a copy of `copied` nodes to the document's budget; over it, the document is
    /// abandoned and `false` returned.
    fn charge(&mut self, copied: usize, span: Span) -> bool {
        self.alias_nodes = self.alias_nodes.saturating_add(copied);
        if self.alias_nodes > self.limits.max_alias_nodes {
            self.abandon(ParseProblem::AliasBudget {
                span,
                limit: self.limits.max_alias_nodes,
            });
            return false;
        }
        true
    }

    /// Applies `<<` merge keys as go-yaml v2 does (entries are set in order, so a merge
    /// overrides keys written before it) and records explicit duplicate keys.
    fn merge_and_dedupe(&mut self, entries: Vec<Entry>) -> Vec<Entry> {
        if entries.len() <= SMALL_MAPPING && !entries.iter().any(|entry| is_merge_key(&entry.key)) {
            self.record_duplicates_small(&entries);
            let mut entries = entries;
            entries.shrink_to_fit();
            return entries;
        }
        let mut merged = MergedEntries::with_capacity(entries.len());
        let mut explicit: HashMap<String, Span> = HashMap::new();
        for entry in entries {
            if is_merge_key(&entry.key) {
                for source in merge_sources(&entry.value) {
                    for inherited in source {
                        merged.set(inherited.clone());
                    }
                }
                continue;
            }
            if let Some(key) = entry.key.as_scalar().map(|scalar| scalar.text.clone()) {
                if let Some(first) = explicit.get(&key) {
                    self.out.problems.push(ParseProblem::DuplicateKey {
                        key: key.clone(),
                        span: entry.key.span,
                        first: *first,
                    });
                }
                explicit.insert(key, entry.key.span);
            }
            merged.set(entry);
        }
        merged.entries
    }

    /// The common case, without hashing or copying keys: a small mapping with no merge key.
    /// Duplicates are kept in place; lookups take the last one, as Kubernetes does.
    fn record_duplicates_small(&mut self, entries: &[Entry]) {
        for (at, entry) in entries.iter().enumerate() {
            let Some(key) = entry.key.as_scalar() else {
                continue;
            };
            let first = entries
                .get(..at)
                .unwrap_or_default()
                .iter()
                .find(|earlier| {
                    earlier
                        .key
                        .as_scalar()
                        .is_some_and(|earlier| earlier.text == key.text)
                });
            if let Some(first) = first {
                self.out.problems.push(ParseProblem::DuplicateKey {
                    key: key.text.clone(),
                    span: entry.key.span,
                    first: first.key.span,
                });
            }
        }
    }

    fn syntax_error(&mut self, error: &ScanError) {
        let offset = error
            .marker()
            .byte_offset()
            .unwrap_or(self.text_len)
            .min(self.text_len);
        self.out.problems.push(ParseProblem::Syntax {
            span: Span::new(self.file, offset, offset),
            message: error.info(),
        });
        if let Some(document) = &mut self.document {
            document.abandoned = true;
        }
        self.end_document(offset);
        self.stack.clear();
    }

    fn finish(mut self) -> ParsedFile {
        self.end_document(self.text_len);
        self.out
    }
}

/// Mappings up to this size are checked for duplicate keys by comparison, not hashing, and
/// keep their duplicates; larger ones keep only the last value of a key, at its first place.
pub(crate) const SMALL_MAPPING: usize = 16;

/// A mapping or sequence spans from its start event to its closing bracket (flow) or its last
/// child (block; the end event of a block collection sits at the next token).
fn collection_span(start: Span, end: Span, last_child: Option<Span>) -> Span {
    let end = if end.start > start.start && !end.is_empty() {
        end
    } else {
        last_child.unwrap_or(start)
    };
    start.to(end)
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar(Scalar { text, style: ScalarStyle::Plain, .. }) if text == "<<")
}

/// The mappings a merge value brings in, in the order that makes earlier ones win.
fn merge_sources(value: &Node) -> Vec<&[Entry]> {
    match &value.kind {
        NodeKind::Mapping(entries) => vec![entries.as_slice()],
        NodeKind::Sequence(items) => items.iter().rev().filter_map(Node::as_mapping).collect(),
        NodeKind::Scalar(_) => Vec::new(),
    }
}

/// Mapping entries in first-seen order, where setting a key again replaces its value.
struct MergedEntries {
    entries: Vec<Entry>,
    positions: HashMap<String, usize>,
}

impl MergedEntries {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
            positions: HashMap::with_capacity(capacity),
        }
    }

    fn set(&mut self, entry: Entry) {
        let key = entry.key.as_scalar().map(|scalar| scalar.text.clone());
        let slot = key
            .as_ref()
            .and_then(|key| self.positions.get(key))
            .and_then(|&at| self.entries.get_mut(at));
        if let Some(slot) = slot {
            *slot = entry;
            return;
        }
        if let Some(key) = key {
            self.positions.insert(key, self.entries.len());
        }
        self.entries.push(entry);
    }
}

/// The nodes of a tree, counted up to just past `limit` (the count of a huge tree is not
/// needed to know that it is over the limit).
fn node_count(node: &Node, limit: usize) -> usize {
    let mut count = 0usize;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        count += 1;
        if count > limit {
            break;
        }
        match &node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Sequence(items) => pending.extend(items),
            NodeKind::Mapping(entries) => {
                pending.extend(entries.iter().flat_map(|entry| [&entry.key, &entry.value]));
            }
        }
    }
    count
}

fn node_depth(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 0,
        NodeKind::Sequence(items) => 1 + items.iter().map(node_depth).max().unwrap_or(0),
        NodeKind::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|entry| node_depth(&entry.value).max(node_depth(&entry.key)))
                .max()
                .unwrap_or(0)
        }
    }
}
