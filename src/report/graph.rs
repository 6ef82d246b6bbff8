//! The storage graph drawn as Mermaid (GitHub renders it in Markdown) or as DOT (Graphviz).
//!
//! Mermaid drawings are bounded: GitHub refuses a diagram over 50,000 characters and Mermaid
//! one over 500 edges, so at most [`MERMAID_MAX_NODES`] nodes and [`MERMAID_MAX_EDGES`] edges
//! are drawn (objects with findings and their neighbours first), labels are cut at
//! [`MERMAID_MAX_LABEL`] characters, and a last node says how many were left out. DOT has no
//! such limits and draws everything.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::graph::{GraphNode, NodeKind, NodeOrigin, StorageGraph};

/// How `pvlint graph` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

/// At most this many nodes in a Mermaid drawing.
pub const MERMAID_MAX_NODES: usize = 200;
/// At most this many edges in a Mermaid drawing (Mermaid's own limit is 500).
pub const MERMAID_MAX_EDGES: usize = 400;
/// Labels longer than this many characters (after escaping) are cut with `…`.
pub const MERMAID_MAX_LABEL: usize = 80;

/// Writes the graph in one format.
pub fn write(graph: &StorageGraph, format: GraphFormat, out: &mut impl Write) -> io::Result<()> {
    let text = match format {
        GraphFormat::Mermaid => mermaid(graph),
        GraphFormat::Dot => dot(graph),
    };
    out.write_all(text.as_bytes())
}

/// Style of each severity: GitHub's Primer colours for danger, attention and accent.
const CLASS_DEFS: [(&str, &str); 4] = [
    (
        "error",
        "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,color:#1f2328",
    ),
    (
        "warning",
        "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328",
    ),
    ("info", "fill:#ddf4ff,stroke:#0969da,color:#1f2328"),
    ("missing", "stroke-dasharray: 5 5"),
];

/// The Mermaid flowchart of the graph (no code fence), ending with a newline.
#[must_use]
pub fn mermaid(graph: &StorageGraph) -> String {
    let shown = shown_nodes(graph, MERMAID_MAX_NODES);
    let mut id = vec![None; graph.nodes.len()];
    for (number, &at) in shown.iter().enumerate() {
        if let Some(slot) = id.get_mut(at) {
            *slot = Some(number);
        }
    }
    let mut text = String::from("flowchart LR\n");
    for (number, &at) in shown.iter().enumerate() {
        if let Some(node) = graph.nodes.get(at) {
            let label = mermaid_label(&node.label(), MERMAID_MAX_LABEL);
            let (open, close) = mermaid_shape(node.kind);
            let _ = writeln!(text, "  n{number}{open}\"{label}\"{close}");
        }
    }
    let mut edges = 0;
    let mut hidden_edges = 0;
    for edge in &graph.edges {
        let ends = id
            .get(edge.from)
            .copied()
            .flatten()
            .zip(id.get(edge.to).copied().flatten());
        let Some((from, to)) = ends else {
            hidden_edges += 1;
            continue;
        };
        if edges == MERMAID_MAX_EDGES {
            hidden_edges += 1;
            continue;
        }
        edges += 1;
        let _ = writeln!(text, "  n{from} -->|{}| n{to}", edge.label);
    }
    let hidden_nodes = graph.nodes.len() - shown.len();
    if hidden_nodes > 0 || hidden_edges > 0 {
        let _ = writeln!(
            text,
            "  more[\"{}\"]",
            mermaid_label(&more_text(hidden_nodes, hidden_edges), MERMAID_MAX_LABEL)
        );
    }
    for (class, style) in CLASS_DEFS {
        let members: Vec<String> = shown
            .iter()
            .enumerate()
            .filter(|&(_, &at)| {
                graph
                    .nodes
                    .get(at)
                    .is_some_and(|node| node_class(node) == Some(class))
            })
            .map(|(number, _)| format!("n{number}"))
            .collect();
        let more = class == "missing" && (hidden_nodes > 0 || hidden_edges > 0);
        if members.is_empty() && !more {
            continue;
        }
        let _ = writeln!(text, "  classDef {class} {style}");
        let mut members = members;
        if more {
            members.push("more".to_owned());
        }
        let _ = writeln!(text, "  class {} {class}", members.join(","));
    }
    text
}

/// `… and 3 more objects and 5 more links`.
fn more_text(nodes: usize, edges: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} more {word}")
        } else {
            format!("{n} more {word}s")
        }
    };
    match (nodes, edges) {
        (0, edges) => format!("… and {} not drawn", plural(edges, "link")),
        (nodes, 0) => format!("… and {} not drawn", plural(nodes, "object")),
        (nodes, edges) => format!(
            "… and {} and {} not drawn",
            plural(nodes, "object"),
            plural(edges, "link")
        ),
    }
}

/// The class a node is drawn with: its worst severity, else `missing` for unresolved
/// references.
fn node_class(node: &GraphNode) -> Option<&'static str> {
    match (node.severity, node.origin) {
        (Some(severity), _) => Some(severity.as_str()),
        (None, NodeOrigin::Missing) => Some("missing"),
        (None, _) => None,
    }
}

/// The nodes to draw, in graph order: all of them when they fit, else, until `limit`: nodes
/// with findings (worst first) filling half of it, then their neighbours (so that they are
/// drawn in context), then the other nodes with findings, then the rest in graph order.
fn shown_nodes(graph: &StorageGraph, limit: usize) -> Vec<usize> {
    if graph.nodes.len() <= limit {
        return (0..graph.nodes.len()).collect();
    }
    let neighbours = graph.neighbours();
    let mut flagged: Vec<usize> = (0..graph.nodes.len())
        .filter(|&at| {
            graph
                .nodes
                .get(at)
                .is_some_and(|node| node.severity.is_some())
        })
        .collect();
    flagged.sort_by_key(|&at| {
        let severity = graph.nodes.get(at).and_then(|node| node.severity);
        (std::cmp::Reverse(severity), at)
    });
    let first = flagged.get(..limit / 2).unwrap_or(&flagged);
    let around = first
        .iter()
        .flat_map(|&at| neighbours.get(at).into_iter().flatten().copied());
    let order = first
        .iter()
        .copied()
        .chain(around)
        .chain(flagged.iter().copied())
        .chain(0..graph.nodes.len());
    let mut chosen = vec![false; graph.nodes.len()];
    let mut shown = Vec::with_capacity(limit);
    for at in order {
        if shown.len() == limit {
            break;
        }
        if let Some(slot) = chosen.get_mut(at)
            && !*slot
        {
            *slot = true;
            shown.push(at);
        }
    }
    shown.sort_unstable();
    shown
}

fn mermaid_shape(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Workload => ("[", "]"),
        NodeKind::Claim => ("([", "])"),
        NodeKind::Volume => ("[(", ")]"),
        NodeKind::StorageClass => ("{{", "}}"),
        NodeKind::Snapshot => ("[/", "/]"),
        NodeKind::Driver => ("[[", "]]"),
    }
}

/// A label for inside a quoted Mermaid node text (`n0["…"]`): characters that end the string
/// or that Mermaid or HTML read specially become entity codes (`#quot;`, `#35;`), controls
/// become spaces, and a label over `max` characters (counted after escaping) is cut with `…`
/// at a character boundary, never inside an entity code.
#[must_use]
pub fn mermaid_label(text: &str, max: usize) -> String {
    let mut label = String::new();
    let mut length = 0;
    for character in text.chars() {
        let escaped: String = match character {
            '"' => "#quot;".to_owned(),
            '#' => "#35;".to_owned(),
            '&' => "#amp;".to_owned(),
            '<' => "#lt;".to_owned(),
            '>' => "#gt;".to_owned(),
            '`' => "#96;".to_owned(),
            // A raw colon could make Mermaid's `style …:…#…;` preprocessing eat a character.
            ':' => "#58;".to_owned(),
            character if character.is_control() => " ".to_owned(),
            character => character.to_string(),
        };
        let added = escaped.chars().count();
        if length + added > max {
            label.push('…');
            return label;
        }
        length += added;
        label.push_str(&escaped);
    }
    label
}

/// The DOT digraph of the graph, ending with a newline.
#[must_use]
pub fn dot(graph: &StorageGraph) -> String {
    let mut text = String::from(
        "digraph storage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (at, node) in graph.nodes.iter().enumerate() {
        let mut attributes = vec![
            format!("label={}", dot_string(&node.label())),
            format!("shape={}", dot_shape(node.kind)),
        ];
        let mut styles = Vec::new();
        if node.kind == NodeKind::Claim {
            styles.push("rounded");
        }
        if node.origin == NodeOrigin::Missing {
            styles.push("dashed");
        }
        if let Some(severity) = node.severity {
            let (fill, stroke) = dot_colours(severity);
            styles.push("filled");
            attributes.push(format!("fillcolor=\"{fill}\""));
            attributes.push(format!("color=\"{stroke}\""));
            attributes.push("penwidth=2".to_owned());
        }
        if !styles.is_empty() {
            attributes.push(format!("style=\"{}\"", styles.join(",")));
        }
        let _ = writeln!(text, "  n{at} [{}];", attributes.join(", "));
    }
    for edge in &graph.edges {
        let _ = writeln!(
            text,
            "  n{} -> n{} [label={}];",
            edge.from,
            edge.to,
            dot_string(edge.label)
        );
    }
    text.push_str("}\n");
    text
}

fn dot_shape(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Workload | NodeKind::Claim => "box",
        NodeKind::Volume => "cylinder",
        NodeKind::StorageClass => "hexagon",
        NodeKind::Snapshot => "parallelogram",
        NodeKind::Driver => "component",
    }
}

fn dot_colours(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("#ffebe9", "#cf222e"),
        Severity::Warning => ("#fff8c5", "#9a6700"),
        Severity::Info => ("#ddf4ff", "#0969da"),
    }
}

/// A DOT double-quoted string: `"` and `\` escaped, line breaks as `\n`.
#[must_use]
pub fn dot_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            character if character.is_control() => quoted.push(' '),
            character => quoted.push(character),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::GraphEdge;

    fn node(kind: NodeKind, name: &str) -> GraphNode {
        GraphNode {
            kind,
            type_name: "PVC".to_owned(),
            namespace: Some("ns".to_owned()),
            name: name.to_owned(),
            origin: NodeOrigin::Manifests,
            severity: None,
            span: None,
        }
    }

    #[test]
    fn labels_escape_what_ends_or_breaks_a_quoted_mermaid_string() {
        assert_eq!(
            mermaid_label(r#"a "b" #c <d> & `e` f:g"#, 200),
            "a #quot;b#quot; #35;c #lt;d#gt; #amp; #96;e#96; f#58;g"
        );
        assert_eq!(mermaid_label("x\ny\tz", 200), "x y z");
        assert_eq!(mermaid_label("[a]{b}(c)|d;e%f", 200), "[a]{b}(c)|d;e%f");
    }

    #[test]
    fn long_labels_are_cut_outside_entity_codes() {
        assert_eq!(mermaid_label("abcdef", 4), "abcd…");
        // `#quot;` would pass the limit: cut before it, not inside it.
        assert_eq!(mermaid_label("ab\"c", 6), "ab…");
        assert_eq!(
            mermaid_label(&"é".repeat(10), 5),
            format!("{}…", "é".repeat(5))
        );
    }

    #[test]
    fn dot_strings_escape_quotes_and_backslashes() {
        assert_eq!(dot_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(dot_string("a\nb"), r#""a\nb""#);
    }

    #[test]
    fn nodes_get_the_class_of_their_worst_finding() {
        let mut graph = StorageGraph {
            nodes: vec![node(NodeKind::Claim, "a"), node(NodeKind::Claim, "b")],
            edges: vec![GraphEdge {
                from: 0,
                to: 1,
                label: "clones",
            }],
        };
        if let Some(first) = graph.nodes.first_mut() {
            first.severity = Some(Severity::Warning);
        }
        if let Some(second) = graph.nodes.get_mut(1) {
            second.origin = NodeOrigin::Missing;
        }
        let text = mermaid(&graph);
        assert!(
            text.starts_with("flowchart LR\n  n0([\"PVC ns/a\"])\n"),
            "{text}"
        );
        assert!(text.contains("  n0 -->|clones| n1\n"), "{text}");
        assert!(text.contains("  class n0 warning\n"), "{text}");
        assert!(text.contains("  class n1 missing\n"), "{text}");
        assert!(!text.contains("classDef error"), "{text}");
    }

    /// A graph far over every limit: `n` claims in a chain, names at the length limit.
    fn huge(n: usize) -> StorageGraph {
        let name = "\"x#".repeat(100);
        StorageGraph {
            nodes: (0..n)
                .map(|at| GraphNode {
                    severity: (at % 97 == 0).then_some(Severity::Error),
                    ..node(NodeKind::Claim, &format!("{at}{name}"))
                })
                .collect(),
            edges: (1..n)
                .flat_map(|at| {
                    [
                        GraphEdge {
                            from: at - 1,
                            to: at,
                            label: "clones",
                        },
                        GraphEdge {
                            from: at,
                            to: 0,
                            label: "source",
                        },
                    ]
                })
                .collect(),
        }
    }

    #[test]
    fn mermaid_drawings_stay_within_github_limits() {
        let graph = huge(5000);
        let text = mermaid(&graph);
        // GitHub (Mermaid's `maxTextSize`) refuses diagrams over 50,000 characters.
        assert!(text.chars().count() < 50_000, "{} characters", text.len());
        let nodes = text.lines().filter(|line| line.contains("([\"")).count();
        let edges = text.lines().filter(|line| line.contains(" -->|")).count();
        assert_eq!(nodes, MERMAID_MAX_NODES);
        assert!(edges <= MERMAID_MAX_EDGES, "{edges} edges");
        assert!(
            text.contains("  more[\"… and 4800 more objects and "),
            "{}",
            text.lines().rev().take(10).collect::<Vec<_>>().join("\n")
        );
        // Objects with findings are drawn first: every flagged node is in.
        let flagged = graph
            .nodes
            .iter()
            .filter(|node| node.severity.is_some())
            .count();
        let error_line = text
            .lines()
            .find(|line| line.starts_with("  class ") && line.ends_with(" error"))
            .unwrap_or_default();
        assert_eq!(error_line.matches('n').count(), flagged, "{error_line}");
        // DOT draws everything.
        let dot = dot(&graph);
        assert_eq!(
            dot.lines().filter(|line| line.contains(" -> ")).count(),
            graph.edges.len()
        );
    }

    #[test]
    fn small_graphs_are_drawn_whole() {
        let graph = huge(MERMAID_MAX_NODES);
        let text = mermaid(&graph);
        assert!(!text.contains("more["), "{text}");
    }
}
