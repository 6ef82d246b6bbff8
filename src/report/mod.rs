//! Report: how findings are said. Each format is one file; this module picks one.

pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod markdown;
pub mod plan;
mod region;
pub mod sarif;

use std::io::{self, Write};

use crate::CheckResult;

/// An output format of `pvlint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Source snippets with the offending node underlined (miette).
    Human,
    /// The stable JSON document described in the README.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A job summary or pull request comment: findings, the Plan and a Mermaid graph.
    Markdown,
}

/// How human output looks.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// Writes a check result in one format; `links` is where Markdown links point.
pub fn write(
    result: &CheckResult,
    format: Format,
    style: HumanStyle,
    links: &markdown::LinkBase,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(result, style, out),
        Format::Json => json::write(result, out),
        Format::Sarif => sarif::write(result, out),
        Format::Github => github::write(result, out),
        Format::Markdown => markdown::write(result, links, out),
    }
}
