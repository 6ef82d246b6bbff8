//! Reading a `pack.yaml` from its spanned tree into [`RawPack`]: every key checked (unknown ones
//! get a did-you-mean), every value kept with its node so compile errors can point at it.

use crate::diagnostic::Severity;
use crate::load::tree::Node;
use crate::policy::pack::{API_VERSION, KIND};
use crate::rules::Category;
use crate::source::{FileId, SourceMap, Span};
use crate::spanned_yaml::{self, InputError, known_key, mapping, string, strings};

/// A pack as written.
#[derive(Debug)]
pub struct RawPack {
    pub root: Node,
    pub id: (String, Span),
}

/// A rule as written.
#[derive(Debug)]
pub struct RawRule<'n> {
    pub id: (String, Span),
    pub summary: String,
    pub category: Category,
    pub severity: Option<Severity>,
    pub docs: Option<String>,
    pub matcher: Option<&'n Node>,
    pub template: (String, Span),
    pub params: Option<&'n Node>,
    pub message: &'n Node,
    pub help: Option<&'n Node>,
}

const PACK_KEYS: &[&str] = &["apiVersion", "kind", "id", "rules"];
const RULE_KEYS: &[&str] = &[
    "id", "summary", "category", "severity", "docs", "match", "template", "params", "message",
    "help",
];

/// Reads file `id`. `Ok(None)` when its first document is not a `kind: RulePack`.
pub fn pack(sources: &SourceMap, id: FileId) -> Result<Option<RawPack>, InputError> {
    let Some(root) = spanned_yaml::documents(sources, id)?.into_iter().next() else {
        return Ok(None);
    };
    if root.get("kind").and_then(Node::as_str) != Some(KIND) {
        return Ok(None);
    }
    let entries = mapping(&root, "a rule pack")?;
    let mut pack_id = None;
    for entry in entries {
        match known_key(entry, PACK_KEYS)? {
            "apiVersion" => {
                let (text, span) = string(&entry.value)?;
                if text != API_VERSION {
                    return Err(
                        InputError::new(span, format!("unknown apiVersion `{text}`"))
                            .with_help(format!("write `apiVersion: {API_VERSION}`")),
                    );
                }
            }
            "id" => pack_id = Some(kebab(&entry.value, "a pack id")?),
            "rules" if entry.value.as_sequence().is_none() => {
                return Err(InputError::new(entry.value.span, "`rules` must be a list"));
            }
            _ => {}
        }
    }
    for key in ["apiVersion", "rules"] {
        if root.get(key).is_none() {
            return Err(missing(&root, key, "a rule pack"));
        }
    }
    let Some(id) = pack_id else {
        return Err(missing(&root, "id", "a rule pack"));
    };
    Ok(Some(RawPack { root, id }))
}

impl RawPack {
    /// The rules, read.
    pub fn rules(&self) -> Result<Vec<RawRule<'_>>, InputError> {
        let mut rules: Vec<RawRule<'_>> = Vec::new();
        for node in self.root.items("rules") {
            let rule = rule(node)?;
            if rules.iter().any(|other| other.id.0 == rule.id.0) {
                return Err(InputError::new(
                    rule.id.1,
                    format!(
                        "rule `{}` is defined twice in pack `{}`",
                        rule.id.0, self.id.0
                    ),
                )
                .with_help("give each rule of a pack its own id"));
            }
            rules.push(rule);
        }
        Ok(rules)
    }
}

fn rule(node: &Node) -> Result<RawRule<'_>, InputError> {
    let entries = mapping(node, "a rule")?;
    for entry in entries {
        known_key(entry, RULE_KEYS)?;
    }
    for key in ["id", "summary", "category", "template", "message"] {
        if node.get(key).is_none() {
            return Err(missing(node, key, "a rule"));
        }
    }
    let field = |key: &str| node.get(key);
    let text = |key: &str| field(key).map(string).transpose();
    let (category_text, category_span) = string(node.get("category").unwrap_or(node))?;
    let category = Category::ALL
        .into_iter()
        .find(|category| category.as_str() == category_text)
        .ok_or_else(|| {
            InputError::new(category_span, format!("unknown category `{category_text}`")).with_help(
                format!(
                    "use one of {}",
                    Category::ALL.map(Category::as_str).join(", ")
                ),
            )
        })?;
    let severity = match text("severity")? {
        Some((text, span)) => Some(
            ["error", "warning", "info"]
                .contains(&text.as_str())
                .then(|| Severity::parse(&text))
                .flatten()
                .ok_or_else(|| {
                    InputError::new(span, format!("unknown severity `{text}`"))
                        .with_help("use `error`, `warning` or `info`")
                })?,
        ),
        None => None,
    };
    if let Some(params) = field("params") {
        mapping(params, "`params`")?;
    }
    if let Some(matcher) = field("match") {
        mapping(matcher, "`match`")?;
    }
    let message = node.get("message").unwrap_or(node);
    string(message)?;
    if let Some(help) = field("help") {
        string(help)?;
    }
    Ok(RawRule {
        id: kebab(node.get("id").unwrap_or(node), "a rule id")?,
        summary: text("summary")?.map(|(text, _)| text).unwrap_or_default(),
        category,
        severity,
        docs: text("docs")?.map(|(text, _)| text),
        matcher: field("match"),
        template: string(node.get("template").unwrap_or(node))?,
        params: field("params"),
        message,
        help: field("help"),
    })
}

fn missing(node: &Node, key: &str, what: &str) -> InputError {
    let span = node
        .as_mapping()
        .and_then(|entries| entries.first())
        .map_or(node.span, |entry| entry.key.span);
    InputError::new(span, format!("{what} needs `{key}`"))
}

fn kebab(node: &Node, what: &str) -> Result<(String, Span), InputError> {
    let (text, span) = string(node)?;
    let valid = text.split('-').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    }) && text.starts_with(|c: char| c.is_ascii_lowercase());
    if valid {
        Ok((text, span))
    } else {
        Err(
            InputError::new(span, format!("`{text}` is not valid as {what}")).with_help(
                "use kebab-case: lower-case letters, digits and `-`, starting with a letter",
            ),
        )
    }
}

/// `strings` for a key of a mapping, empty when absent.
pub fn list(node: &Node, key: &str) -> Result<Vec<(String, Span)>, InputError> {
    node.get(key).map_or_else(|| Ok(Vec::new()), strings)
}
