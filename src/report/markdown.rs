//! Markdown output: a report for a GitHub job summary (`$GITHUB_STEP_SUMMARY`) or a pull
//! request comment. Counts by severity, a table of findings with links to file and line, the
//! Plan table, and a Mermaid drawing of the storage graph with the objects that have findings
//! highlighted.
//!
//! The report is bounded (GitHub takes at most 1 MiB of summary per step): at most
//! [`MAX_FINDINGS`] findings and [`MAX_CLAIMS`] claims are listed, worst first, with a line
//! saying how many more there are, and the drawing has its own limits (`report::graph`).
//!
//! Links: the library never reads the environment. The CLI builds a [`LinkBase`] from
//! `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA` when they are set (links to the
//! file at the commit); otherwise links are relative to the repository root (`/path#L12`),
//! which GitHub resolves in Markdown files of the repository.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::CheckResult;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::graph;
use crate::report::plan;
use crate::source::FileRole;

/// At most this many findings are listed.
pub const MAX_FINDINGS: usize = 100;
/// At most this many claims are listed in the Plan table.
pub const MAX_CLAIMS: usize = 100;

/// Where the links of findings point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LinkBase {
    /// `/path#L12`: relative to the repository root (the working directory).
    #[default]
    Repository,
    /// `<base>/path#L12`, with `base` like `https://github.com/owner/repo/blob/<sha>`.
    Url(String),
}

impl LinkBase {
    /// Links into a GitHub repository at a commit, from the variables GitHub Actions sets
    /// (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`), looked up through `var`;
    /// relative links when any is missing or empty.
    #[must_use]
    pub fn from_github(var: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        match (
            get("GITHUB_SERVER_URL"),
            get("GITHUB_REPOSITORY"),
            get("GITHUB_SHA"),
        ) {
            (Some(server), Some(repository), Some(sha)) => Self::Url(format!(
                "{}/{}/blob/{}",
                server.trim().trim_end_matches('/'),
                repository.trim().trim_matches('/'),
                sha.trim()
            )),
            _ => Self::Repository,
        }
    }

    /// The link to a line of a file, by its displayed path; `None` for stdin, absolute paths
    /// and paths outside the working directory (no link could be right).
    #[must_use]
    pub fn link(&self, path: &str, line: usize) -> Option<String> {
        let relative = path.strip_prefix("./").unwrap_or(path);
        let outside = relative.split(['/', '\\']).any(|segment| segment == "..");
        if relative.is_empty()
            || relative == "-"
            || relative.starts_with('/')
            || relative.contains(":\\")
            || outside
        {
            return None;
        }
        let encoded = encode_path(relative);
        Some(match self {
            Self::Repository => format!("/{encoded}#L{line}"),
            Self::Url(base) => format!("{base}/{encoded}#L{line}"),
        })
    }
}

/// Percent-encodes a path for a URL, keeping `/` and unreserved characters.
fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// Writes the Markdown report of a check.
pub fn write(result: &CheckResult, links: &LinkBase, out: &mut impl Write) -> io::Result<()> {
    out.write_all(render(result, links).as_bytes())
}

/// The Markdown report of a check.
#[must_use]
pub fn render(result: &CheckResult, links: &LinkBase) -> String {
    let mut text = String::from("## pvlint\n\n");
    counts(result, &mut text);
    findings(result, links, &mut text);
    input_errors(result, &mut text);
    claims(result, &mut text);
    drawing(result, &mut text);
    text
}

fn counts(result: &CheckResult, text: &mut String) {
    let files = plural(result.files_checked, "file", "files");
    if result.diagnostics.is_empty() {
        let _ = writeln!(text, "✅ No findings in {files}.\n");
        return;
    }
    let count = |severity| {
        result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .count()
    };
    let _ = writeln!(
        text,
        "| ❌ Errors | ⚠️ Warnings | ℹ️ Info | Files |\n|---:|---:|---:|---:|\n| {} | {} | {} | {} |\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        result.files_checked,
    );
}

fn findings(result: &CheckResult, links: &LinkBase, text: &mut String) {
    if result.diagnostics.is_empty() {
        return;
    }
    let mut ordered: Vec<&Diagnostic> = result.diagnostics.iter().collect();
    ordered.sort_by_key(|diagnostic| std::cmp::Reverse(diagnostic.severity));
    let _ = writeln!(
        text,
        "### Findings\n\n| Severity | Rule | Message | Location |\n|---|---|---|---|"
    );
    for diagnostic in ordered.iter().take(MAX_FINDINGS) {
        let _ = writeln!(
            text,
            "| {} | `{}` {} | {} | {} |",
            severity_cell(diagnostic.severity),
            diagnostic.code,
            cell(diagnostic.name),
            cell(&diagnostic.message),
            location(result, diagnostic, links),
        );
    }
    if let Some(more) = ordered.len().checked_sub(MAX_FINDINGS).filter(|&n| n > 0) {
        let _ = writeln!(
            text,
            "\n… and {} not listed.",
            plural(more, "more finding", "more findings")
        );
    }
    text.push('\n');
}

fn severity_cell(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Info => "ℹ️ info",
    }
}

/// `[path:line](link)`, or the text alone when the file has no link.
fn location(result: &CheckResult, diagnostic: &Diagnostic, links: &LinkBase) -> String {
    let span = diagnostic.span;
    let path = result.sources.name(span.file);
    let file = result.sources.get(span.file);
    let line = file.map_or(1, |file| file.position(span.start).line);
    let shown = escape_text(&format!("{path}:{line}"));
    // Files of the base revision (`REV:path`, PR mode) are not in the tree the links point at.
    let checked = file.is_some_and(|file| file.role == FileRole::Checked);
    match links.link(path, line).filter(|_| checked) {
        Some(url) => format!("[{shown}]({url})"),
        None => shown,
    }
}

fn input_errors(result: &CheckResult, text: &mut String) {
    if result.errors.is_empty() {
        return;
    }
    let _ = writeln!(text, "### Inputs that could not be read\n");
    for error in result.errors.iter().take(MAX_FINDINGS) {
        let _ = writeln!(
            text,
            "- {}: {}",
            escape_text(&error.path),
            escape_text(&error.message)
        );
    }
    if let Some(more) = result
        .errors
        .len()
        .checked_sub(MAX_FINDINGS)
        .filter(|&n| n > 0)
    {
        let _ = writeln!(text, "- … and {more} more");
    }
    text.push('\n');
}

fn claims(result: &CheckResult, text: &mut String) {
    let claims = &result.plan.claims;
    if claims.is_empty() {
        return;
    }
    let _ = writeln!(
        text,
        "### Storage plan\n\n{}\n",
        escape_text(&plan::summary(&result.plan))
    );
    let shown = claims.get(..MAX_CLAIMS).unwrap_or(claims);
    plan::markdown_table(shown, text);
    if let Some(more) = claims.len().checked_sub(MAX_CLAIMS).filter(|&n| n > 0) {
        let _ = writeln!(
            text,
            "\n… and {} not listed.",
            plural(more, "more claim", "more claims")
        );
    }
    text.push('\n');
}

fn drawing(result: &CheckResult, text: &mut String) {
    if result.graph.nodes.is_empty() {
        return;
    }
    let _ = writeln!(
        text,
        "### Storage graph\n\nWorkloads → claims → classes and volumes → drivers; objects with findings are highlighted.\n\n```mermaid\n{}```",
        graph::mermaid(&result.graph)
    );
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Table cells longer than this many characters are cut with `…` (a finding may quote a
/// value of any length).
pub const MAX_CELL: usize = 500;

/// A Markdown table cell that keeps the text's own Markdown (`code` spans): `|` escaped
/// everywhere (GFM splits cells before it reads code spans, so `\|` works inside them too),
/// `<`, `>` and `&` written as entities outside code spans (GitHub would take `<uid>` for an
/// HTML tag and drop it), line breaks and other controls as spaces, and text over
/// [`MAX_CELL`] characters cut.
#[must_use]
pub fn cell(text: &str) -> String {
    let cut = text.chars().count() > MAX_CELL;
    let mut characters: Vec<char> = text
        .chars()
        .take(MAX_CELL)
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect();
    if cut {
        characters.push('…');
    }
    let mut escaped = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(&character) = characters.get(at) {
        if character == '`' {
            let run = backtick_run(&characters, at);
            let close = closing_run(&characters, at + run, run);
            let end = close.map_or(at + run, |close| close + run);
            for &inner in characters.get(at..end).unwrap_or_default() {
                if inner == '|' {
                    escaped.push('\\');
                }
                escaped.push(inner);
            }
            at = end;
            continue;
        }
        match character {
            '|' => escaped.push_str("\\|"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            character => escaped.push(character),
        }
        at += 1;
    }
    escaped.trim().to_owned()
}

/// The length of the run of backticks starting at `at`.
fn backtick_run(characters: &[char], at: usize) -> usize {
    characters
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&character| character == '`')
        .count()
}

/// Where the next run of exactly `length` backticks from `from` starts (a code span's end).
fn closing_run(characters: &[char], from: usize, length: usize) -> Option<usize> {
    let mut at = from;
    while at < characters.len() {
        if characters.get(at) == Some(&'`') {
            let run = backtick_run(characters, at);
            if run == length {
                return Some(at);
            }
            at += run;
        } else {
            at += 1;
        }
    }
    None
}

/// Text shown literally in Markdown (a path, an error message): every ASCII punctuation
/// character that Markdown or HTML may read is backslash-escaped, line breaks become spaces.
#[must_use]
pub fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '/' | '.' | '-' | ':' | ',' | ';' | '=' | '\'' | '"' | '(' | ')' | '?' | '%' | '@'
            | '+' => escaped.push(character),
            character if character.is_ascii_punctuation() => {
                escaped.push('\\');
                escaped.push(character);
            }
            character if character.is_control() => escaped.push(' '),
            character => escaped.push(character),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_everywhere_and_html_outside_code() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("`a|b` and c|d"), "`a\\|b` and c\\|d");
        assert_eq!(cell("pvc-<uid>"), "pvc-&lt;uid&gt;");
        assert_eq!(cell("`pvc-<uid>` & more"), "`pvc-<uid>` &amp; more");
        assert_eq!(cell("two\nlines\r\n"), "two lines");
        assert_eq!(cell("\ttabbed"), "tabbed");
        // An unclosed backtick is literal: what follows is escaped as text.
        assert_eq!(cell("a ` <b>"), "a ` &lt;b&gt;");
        // Runs of two backticks close only on two.
        assert_eq!(cell("``a`<b>`` <c>"), "``a`<b>`` &lt;c&gt;");
        // A value of any length stays a bounded cell, even cut inside a code span.
        let long = format!("invalid quantity `{}`", "9".repeat(100_000));
        let cut = cell(&long);
        assert_eq!(cut.chars().count(), MAX_CELL + 1);
        assert!(cut.ends_with("99…"), "{cut}");
    }

    #[test]
    fn literal_text_escapes_markdown_punctuation() {
        assert_eq!(escape_text("a/b_c.yaml:12"), "a/b\\_c.yaml:12");
        assert_eq!(
            escape_text("x|[y]*`z`<w>#!"),
            "x\\|\\[y\\]\\*\\`z\\`\\<w\\>\\#\\!"
        );
        assert_eq!(escape_text("a\nb"), "a b");
    }

    #[test]
    fn github_variables_make_blob_links() {
        let env = |server: &'static str, repository: &'static str, sha: &'static str| {
            move |name: &str| {
                match name {
                    "GITHUB_SERVER_URL" => Some(server),
                    "GITHUB_REPOSITORY" => Some(repository),
                    "GITHUB_SHA" => Some(sha),
                    _ => None,
                }
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
            }
        };
        let base = LinkBase::from_github(env("https://github.com/", "acme/infra", "abc123"));
        assert_eq!(
            base,
            LinkBase::Url("https://github.com/acme/infra/blob/abc123".to_owned())
        );
        assert_eq!(
            base.link("./k8s/pvc.yaml", 7).as_deref(),
            Some("https://github.com/acme/infra/blob/abc123/k8s/pvc.yaml#L7")
        );
        for missing in [
            env("", "acme/infra", "abc123"),
            env("https://github.com", "", "abc123"),
            env("https://github.com", "acme/infra", ""),
        ] {
            assert_eq!(LinkBase::from_github(missing), LinkBase::Repository);
        }
    }

    #[test]
    fn links_are_repository_relative_and_encoded() {
        let base = LinkBase::Repository;
        assert_eq!(
            base.link("k8s/pvc.yaml", 3).as_deref(),
            Some("/k8s/pvc.yaml#L3")
        );
        assert_eq!(
            base.link("my dir/a#b(1).yaml", 1).as_deref(),
            Some("/my%20dir/a%23b%281%29.yaml#L1")
        );
        assert_eq!(
            base.link("données/pvc.yaml", 2).as_deref(),
            Some("/donn%C3%A9es/pvc.yaml#L2")
        );
        for unlinkable in [
            "-",
            "/abs/pvc.yaml",
            "../up/pvc.yaml",
            "a/../../b.yaml",
            "C:\\x.yaml",
            "",
        ] {
            assert_eq!(base.link(unlinkable, 1), None, "{unlinkable}");
        }
    }
}
