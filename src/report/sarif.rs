//! SARIF 2.1.0 output, shaped for GitHub code scanning (`--format sarif`).
//!
//! One run. `tool.driver` describes pvlint and every rule that ran: the summary as the short
//! description, the rule's `## What it does` as the full description (GitHub shows at most
//! 1024 characters of it), and the whole documentation as help. Each finding is a result with
//! one physical location (a URI relative to the working directory and a region with UTF-16
//! columns, as the run's `columnKind` says), a logical location for its Kubernetes object,
//! related locations for its labels (linked from the message, which is how GitHub shows them)
//! and a `primaryLocationLineHash` fingerprint that survives edits elsewhere in the file.
//! Paths that could not be read are tool execution notifications of the one invocation.
//!
//! This module only translates a [`CheckResult`]; it decides nothing about findings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::CheckResult;
use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::report::region::{Artifact, Region, line_text};
use crate::rules::Rule;
use crate::source::{SourceMap, Span};

/// The `$schema` of the document: the OASIS schema of SARIF 2.1.0 (errata 01).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// GitHub shows at most this many characters of a rule's full description.
const FULL_DESCRIPTION_LIMIT: usize = 1024;

#[derive(Serialize)]
struct Log<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'r>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'r> {
    tool: Tool,
    invocations: [Invocation<'r>; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'r>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 1],
    /// GitHub's display ranking for non-security rules: `error`, `warning` or
    /// `recommendation`.
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'r> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'r>>,
}

#[derive(Serialize)]
struct Notification<'r> {
    level: &'static str,
    message: Text,
    locations: [Location<'r>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location<'r>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'r>>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

#[derive(Serialize)]
struct ResultProperties<'r> {
    /// The field path of the finding within its object (`spec.storageClassName`).
    path: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[expect(clippy::struct_field_names, reason = "the names are SARIF's")]
struct Location<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'r>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'r> {
    artifact_location: ArtifactLocation<'r>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
struct ArtifactLocation<'r> {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ArtifactProperties<'r>>,
}

#[derive(Serialize)]
struct ArtifactProperties<'r> {
    /// The git revision the file was read from (`--base`): the region is in that version.
    revision: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'r> {
    name: &'r str,
    fully_qualified_name: String,
    kind: &'static str,
    properties: &'r ObjectRef,
}

/// Writes the SARIF log of a check result.
pub fn write(result: &CheckResult, out: &mut impl Write) -> io::Result<()> {
    let rules = rules(result);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(index, rule)| (rule.code, index))
        .collect();
    let fingerprints = fingerprints(result);
    let results = result
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(diagnostic, fingerprint)| SarifResult {
            rule_id: diagnostic.code,
            rule_index: index.get(diagnostic.code).copied(),
            level: level(diagnostic.severity),
            message: Text::new(message(diagnostic)),
            locations: [Location {
                id: None,
                physical_location: physical_location(&result.sources, diagnostic.span),
                logical_locations: diagnostic
                    .object
                    .as_ref()
                    .map(logical_location)
                    .into_iter()
                    .collect(),
                message: None,
            }],
            related_locations: diagnostic
                .labels
                .iter()
                .enumerate()
                .map(|(at, label)| Location {
                    id: Some(at + 1),
                    physical_location: physical_location(&result.sources, label.span),
                    logical_locations: Vec::new(),
                    message: Some(Text::new(label.message.clone())),
                })
                .collect(),
            partial_fingerprints: Fingerprints {
                primary_location_line_hash: fingerprint,
            },
            properties: diagnostic
                .path
                .as_deref()
                .map(|path| ResultProperties { path }),
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "pvlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: result.errors.is_empty(),
                tool_execution_notifications: result
                    .errors
                    .iter()
                    .map(|error| Notification {
                        level: "error",
                        message: Text::new(error.message.clone()),
                        locations: [Location {
                            id: None,
                            physical_location: PhysicalLocation {
                                artifact_location: ArtifactLocation {
                                    uri: uri(&error.path),
                                    description: None,
                                    properties: None,
                                },
                                region: None,
                            },
                            logical_locations: Vec::new(),
                            message: None,
                        }],
                    })
                    .collect(),
            }],
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

/// The rules that ran, plus any rule a finding names that is not among them, by code.
fn rules(result: &CheckResult) -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = result.rules.iter().map(|(rule, _)| *rule).collect();
    for diagnostic in &result.diagnostics {
        if !rules.iter().any(|rule| rule.code == diagnostic.code)
            && let Some(rule) = crate::rules::find(diagnostic.code)
        {
            rules.push(rule);
        }
    }
    rules.sort_by_key(|rule| rule.code);
    rules.dedup_by_key(|rule| rule.code);
    rules
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let documentation = rule.documentation();
    ReportingDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text::new(rule.summary),
        full_description: Text::new(full_description(&documentation, rule.summary)),
        help: Help {
            text: documentation.clone(),
            markdown: documentation,
        },
        default_configuration: Configuration {
            level: level(rule.default_severity()),
        },
        properties: RuleProperties {
            tags: [rule.category.as_str()],
            problem_severity: match rule.default_severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        },
    }
}

/// The `## What it does` section of a rule's documentation as plain paragraphs (hard-wrapped
/// lines joined), as many whole paragraphs as fit GitHub's limit; the summary if there is none.
fn full_description(documentation: &str, summary: &str) -> String {
    let section: Vec<&str> = documentation
        .lines()
        .skip_while(|line| line.trim() != "## What it does")
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .collect();
    let paragraphs: Vec<String> = section
        .split(|line| line.trim().is_empty())
        .filter(|lines| !lines.is_empty())
        .map(|lines| {
            lines
                .iter()
                .map(|line| line.trim())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut text = String::new();
    for paragraph in &paragraphs {
        let separator = if text.is_empty() { "" } else { "\n\n" };
        if text.chars().count() + separator.len() + paragraph.chars().count()
            > FULL_DESCRIPTION_LIMIT
        {
            if text.is_empty() {
                text = truncate(paragraph, FULL_DESCRIPTION_LIMIT);
            }
            break;
        }
        text.push_str(separator);
        text.push_str(paragraph);
    }
    if text.is_empty() {
        summary.to_owned()
    } else {
        text
    }
}

/// At most `limit` characters of `text`, cut at a word and ending in `…` when cut.
fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The message, the labels as links to the related locations (`[text](id)`, how GitHub
/// shows related locations), then the help and the notes, one per line. SARIF wants
/// sentences (§3.11.4), and GitHub shows the first one as the alert's title, so each line
/// ends in a full stop.
fn message(diagnostic: &Diagnostic) -> String {
    let mut lines = vec![sentence(&escape_brackets(&diagnostic.message))];
    for (at, label) in diagnostic.labels.iter().enumerate() {
        lines.push(sentence(&format!(
            "[{}]({})",
            escape_brackets(&label.message),
            at + 1
        )));
    }
    if let Some(help) = &diagnostic.help {
        lines.push(sentence(&format!("help: {}", escape_brackets(help))));
    }
    for note in &diagnostic.notes {
        lines.push(sentence(&format!("note: {}", escape_brackets(note))));
    }
    lines.join("\n")
}

/// The text with a full stop unless it already ends a sentence.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// SARIF message text escapes `\`, `[` and `]` so that only embedded links are links.
fn escape_brackets(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '\\' | '[' | ']') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

fn physical_location(sources: &SourceMap, span: Span) -> PhysicalLocation<'_> {
    let region = sources.get(span.file).map(|file| {
        let region = Region::of(file, span);
        SarifRegion {
            start_line: region.start_line,
            start_column: region.start_column,
            end_line: region.end_line,
            end_column: region.end_column,
        }
    });
    let artifact_location = match Artifact::of(sources, span.file) {
        // Standard input is no file of the repository, but GitHub refuses a result without
        // a URI: it keeps the name every other format gives it.
        Artifact::Stdin => ArtifactLocation {
            uri: "-".to_owned(),
            description: Some(Text::new("standard input")),
            properties: None,
        },
        Artifact::File { path, revision } => ArtifactLocation {
            uri: uri(&path),
            description: None,
            properties: revision.map(|revision| ArtifactProperties { revision }),
        },
    };
    PhysicalLocation {
        artifact_location,
        region,
    }
}

fn logical_location(object: &ObjectRef) -> LogicalLocation<'_> {
    LogicalLocation {
        name: &object.name,
        fully_qualified_name: object_name(object),
        kind: "object",
        properties: object,
    }
}

/// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects.
fn object_name(object: &ObjectRef) -> String {
    match &object.namespace {
        Some(namespace) => format!("{}/{namespace}/{}", object.kind, object.name),
        None => format!("{}/{}", object.kind, object.name),
    }
}

/// A path as a URI reference: relative paths stay relative (GitHub resolves them against the
/// repository root), absolute ones become `file:` URIs. Everything but unreserved characters
/// and `/` is percent-encoded, so a `:` in a file name is never read as a scheme.
pub(crate) fn uri(path: &str) -> String {
    let path = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let path = path.strip_prefix("./").unwrap_or(&path);
    let (prefix, rest) = match path.as_bytes() {
        [b'/', ..] => ("file://".to_owned(), path),
        [drive, b':', b'/', ..] if drive.is_ascii_alphabetic() => {
            // The drive letter and `:` are ASCII, so byte 2 is a character boundary.
            let (drive, rest) = path.split_at(2);
            (format!("file:///{drive}"), rest)
        }
        _ => (String::new(), path),
    };
    let mut uri = prefix;
    for byte in rest.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

/// `primaryLocationLineHash` of every finding, in order: a hash of what the finding is (rule,
/// object kind/namespace/name, field path) and of the trimmed text of the line it starts on,
/// never of a line number, then `:` and the occurrence of that hash in the file (GitHub's
/// `hash:n` shape). Edits elsewhere in the file keep it; editing the line itself changes it.
fn fingerprints(result: &CheckResult) -> Vec<String> {
    let mut seen: BTreeMap<(String, u64), usize> = BTreeMap::new();
    result
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let line = result
                .sources
                .get(diagnostic.span.file)
                .map_or("", |file| line_text(file, diagnostic.span.start));
            let hash = fingerprint_hash(diagnostic, line);
            let file = match Artifact::of(&result.sources, diagnostic.span.file) {
                Artifact::Stdin => "-".to_owned(),
                Artifact::File { path, .. } => path,
            };
            let occurrence = seen.entry((file, hash)).or_default();
            *occurrence += 1;
            format!("{hash:016x}:{occurrence}")
        })
        .collect()
}

fn fingerprint_hash(diagnostic: &Diagnostic, line: &str) -> u64 {
    let mut hash = Fnv::default();
    hash.field(diagnostic.code);
    if let Some(object) = &diagnostic.object {
        hash.field(&object.kind);
        hash.field(object.namespace.as_deref().unwrap_or(""));
        hash.field(&object.name);
    }
    hash.field(diagnostic.path.as_deref().unwrap_or(""));
    hash.field(line.trim());
    hash.0
}

/// 64-bit FNV-1a: a hash that stays the same across Rust releases and platforms, unlike
/// `DefaultHasher`, because fingerprints must match across runs.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn field(&mut self, text: &str) {
        for byte in text.bytes().chain([0]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_encoded_references() {
        assert_eq!(uri("app/claims.yaml"), "app/claims.yaml");
        assert_eq!(uri("./app/claims.yaml"), "app/claims.yaml");
        assert_eq!(uri("my app/a:b#1.yaml"), "my%20app/a%3Ab%231.yaml");
        assert_eq!(uri("../other/x.yaml"), "../other/x.yaml");
        assert_eq!(uri("/tmp/x.yaml"), "file:///tmp/x.yaml");
        assert_eq!(uri("C:/x/é.yaml"), "file:///C:/x/%C3%A9.yaml");
    }

    #[test]
    fn brackets_are_escaped_in_messages() {
        assert_eq!(escape_brackets(r"modes [a] \ b"), r"modes \[a\] \\ b");
    }

    #[test]
    fn full_descriptions_join_wrapped_lines_and_fit_the_limit() {
        let docs =
            "## What it does\nFlags a\nclaim.\n\nSecond\nparagraph.\n\n## Why is this bad?\nNo.\n";
        assert_eq!(
            full_description(docs, "summary"),
            "Flags a claim.\n\nSecond paragraph."
        );
        assert_eq!(full_description("no sections", "summary"), "summary");
        let long = format!("## What it does\n{}\n", "word ".repeat(400));
        let text = full_description(&long, "summary");
        assert!(text.chars().count() <= FULL_DESCRIPTION_LIMIT);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn the_fingerprint_hash_is_fnv_1a() {
        // FNV-1a of the empty input is the offset basis; of "a" a known constant.
        let mut hash = Fnv::default();
        for byte in b"a" {
            hash.0 ^= u64::from(*byte);
            hash.0 = hash.0.wrapping_mul(0x0100_0000_01b3);
        }
        assert_eq!(hash.0, 0xaf63_dc4c_8601_ec8c);
    }
}
