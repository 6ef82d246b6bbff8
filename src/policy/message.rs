//! Messages and help texts with `{placeholders}`: parsed once when a pack compiles (an unknown
//! placeholder is an error pointing at it), rendered for each finding.
//!
//! `{name}` is a placeholder when `name` is made of lower-case letters, digits and `-`;
//! `{{` and `}}` stand for literal braces. Any other brace is kept as written.

use crate::load::tree::Node;
use crate::source::{SourceMap, Span};
use crate::spanned_yaml::InputError;

/// The placeholders every rule may use.
pub const COMMON: &[&str] = &["kind", "name", "namespace", "path", "value", "rule"];

/// A parsed message.
#[derive(Debug, Clone)]
pub struct Message {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Placeholder(String),
}

impl Message {
    /// Parses `node`'s text; every placeholder must be in [`COMMON`] or `own`.
    pub fn parse(sources: &SourceMap, node: &Node, own: &[&str]) -> Result<Self, InputError> {
        let text = node.as_str().unwrap_or("");
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(at) = rest.find(['{', '}']) {
            literal.push_str(rest.get(..at).unwrap_or(""));
            let tail = rest.get(at..).unwrap_or("");
            if tail.starts_with("{{") || tail.starts_with("}}") {
                literal.push_str(tail.get(..1).unwrap_or(""));
                rest = tail.get(2..).unwrap_or("");
                continue;
            }
            let name_len = tail
                .get(1..)
                .unwrap_or("")
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                .unwrap_or(tail.len());
            let closes = tail.starts_with('{')
                && name_len > 0
                && tail
                    .get(1 + name_len..)
                    .is_some_and(|after| after.starts_with('}'));
            if !closes {
                literal.push_str(tail.get(..1).unwrap_or(""));
                rest = tail.get(1..).unwrap_or("");
                continue;
            }
            let name = tail.get(1..=name_len).unwrap_or("");
            if !COMMON.contains(&name) && !own.contains(&name) {
                let mut known: Vec<&str> = COMMON.iter().chain(own).copied().collect();
                known.sort_unstable();
                let error = InputError::new(
                    placeholder_span(sources, node, &format!("{{{name}}}")),
                    format!("unknown placeholder `{{{name}}}`"),
                );
                return Err(match crate::suggest::closest(name, known.iter().copied()) {
                    Some(close) => error.with_help(format!("did you mean `{{{close}}}`?")),
                    None => error.with_help(format!("known placeholders: {}", known.join(", "))),
                });
            }
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(Part::Placeholder(name.to_owned()));
            rest = tail.get(name_len + 2..).unwrap_or("");
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Self { parts })
    }

    /// The text with each placeholder replaced by its value (empty when it has none).
    #[must_use]
    pub fn render(&self, value: impl Fn(&str) -> Option<String>) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Placeholder(name) => value(name).unwrap_or_default(),
            })
            .collect()
    }
}

/// The span of `needle` inside the scalar `node` as written, when it occurs there exactly once
/// (escapes and folding can move it); else the whole value.
fn placeholder_span(sources: &SourceMap, node: &Node, needle: &str) -> Span {
    let written = sources.slice(node.span);
    let mut found = written.match_indices(needle);
    match (found.next(), found.next()) {
        (Some((at, _)), None) => {
            let start = node.span.start as usize + at;
            Span::new(node.span.file, start, start + needle.len())
        }
        _ => node.span,
    }
}
