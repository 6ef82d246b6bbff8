//! Rule packs: rules declared in YAML (`<dir>/<pack-id>/pack.yaml`), compiled into [`Rule`]s
//! that run beside the built-in ones, in the same parallel pass, with the same diagnostics,
//! suppressions, selectors and SARIF descriptors.
//!
//! A pack rule instantiates a template (`templates/`, one file each) with params, a `match`
//! ([`matcher`]), a message and a help with `{placeholders}` ([`message`]); field paths have
//! one syntax ([`path`]). Packs come from three places: the packs shipped inside the binary
//! (the repository's `rules/`, embedded at build time), `<repo root>/rules/*/pack.yaml` of the
//! repository being checked, and the config's `packs:`. A pack with a shipped pack's id
//! replaces it; two other packs with one id are an error. Config `params:` are merged over a
//! rule's own params before they are validated.
//!
//! Every problem in a pack is an [`InputError`] at the offending key or value (the CLI exits
//! 2): an unknown template, a bad param, an unknown placeholder, an invalid regex or JSON
//! Schema, a malformed field path, an unknown key.
//!
//! **Identity and lifetime.** A pack rule's code is `<pack>/<rule-id>` and its name the rule
//! id. The registry, the engine and every `Diagnostic` hold `&'static Rule` and `&'static str`
//! codes, so compiled pack rules are leaked (`Box::leak`) when their packs load: once per
//! process for the CLI (the shipped packs once more for library callers using the default
//! settings). The memory is bounded by the packs' size, and every user of `&'static Rule`
//! stays as it is.
//!
//! This module never touches the filesystem: the CLI reads pack files into the
//! [`SourceMap`] and hands their ids here.

#![warn(clippy::disallowed_methods)]

pub mod matcher;
pub mod message;
pub mod pack;
pub mod path;
mod read;
pub mod templates;

use std::sync::{Arc, LazyLock};

use globset::Glob;

use crate::config::ParamsOverride;
use crate::diagnostic::Severity;
use crate::load::tree::{Entry, Node, NodeKind};
use crate::policy::matcher::{LabelRequirement, Match};
use crate::policy::message::Message;
use crate::policy::read::{RawPack, RawRule, list};
use crate::policy::templates::{Params, Template};
use crate::rules::{Check, Rule, RuleContext};
use crate::source::{FileId, FileRole, SourceMap, Span};
use crate::spanned_yaml::{InputError, known_key, mapping, string};

/// The packs shipped with pvlint: the repository's `rules/<id>/pack.yaml`, embedded.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "rules/csi/pack.yaml",
        include_str!("../../rules/csi/pack.yaml"),
    ),
    (
        "rules/policy/pack.yaml",
        include_str!("../../rules/policy/pack.yaml"),
    ),
];

/// Where a pack comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Shipped,
    /// `<repo root>/rules/*/pack.yaml`: a file there that is not a rule pack is ignored.
    Repository,
    /// Config `packs:` (or `pvlint test-rules`): a file that is not a rule pack is an error.
    Named,
}

/// A pack file to load, already in the [`SourceMap`].
#[derive(Debug, Clone, Copy)]
pub struct PackFile {
    pub file: FileId,
    pub origin: Origin,
    /// Where the config names it (for a file that is not a pack).
    pub named_at: Option<Span>,
}

/// A compiled pack rule: what the engine runs for [`Check::Pack`].
pub struct PackRule {
    /// The pack's id.
    pub pack: &'static str,
    /// The rule's id within its pack.
    pub id: &'static str,
    pub severity: Option<Severity>,
    matcher: Match,
    template: Box<dyn Template>,
    vars: Vec<(&'static str, String)>,
    message: Message,
    help: Option<Message>,
    /// The rule's `id` in its pack file; `None` for shipped packs (no file users can open).
    definition: Option<Span>,
    applies_to: &'static str,
}

impl std::fmt::Debug for PackRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackRule")
            .field("pack", &self.pack)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl PackRule {
    /// What the rule applies to, for its documentation.
    #[must_use]
    pub fn applies_to(&self) -> &'static str {
        self.applies_to
    }
}

/// The shipped packs' rules, compiled once. Empty if a shipped pack does not compile (the
/// registry tests and `pvlint test-rules rules/` keep that from happening).
#[must_use]
pub fn shipped() -> &'static [&'static Rule] {
    static SHIPPED_RULES: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
        let mut sources = SourceMap::default();
        let files = add_shipped(&mut sources);
        compile(&sources, &files, &[]).unwrap_or_default()
    });
    &SHIPPED_RULES
}

/// Adds the shipped packs' texts to `sources` (as config files named `<pvlint>/rules/…`).
pub fn add_shipped(sources: &mut SourceMap) -> Vec<PackFile> {
    SHIPPED
        .iter()
        .map(|(name, text)| PackFile {
            file: sources.add(
                format!("<pvlint>/{name}"),
                Arc::from(*text),
                FileRole::Config,
            ),
            origin: Origin::Shipped,
            named_at: None,
        })
        .collect()
}

/// Reads and compiles packs; `overrides` are the config's `params:`. Later packs with a shipped
/// pack's id replace it.
pub fn compile(
    sources: &SourceMap,
    files: &[PackFile],
    overrides: &[ParamsOverride],
) -> Result<Vec<&'static Rule>, InputError> {
    let mut packs: Vec<(RawPack, PackFile)> = Vec::new();
    for file in files {
        let Some(pack) = read::pack(sources, file.file)? else {
            if file.origin == Origin::Named {
                let span = file.named_at.unwrap_or_else(|| Span::new(file.file, 0, 0));
                return Err(InputError::new(
                    span,
                    format!("`{}` is not a rule pack", sources.name(file.file)),
                )
                .with_help("a rule pack has `apiVersion: pvlint.dev/v1` and `kind: RulePack`"));
            }
            continue;
        };
        if let Some(at) = packs.iter().position(|(other, _)| other.id.0 == pack.id.0) {
            if packs
                .get(at)
                .is_some_and(|(_, other)| other.origin == Origin::Shipped)
            {
                packs.remove(at);
            } else {
                return Err(InputError::new(
                    pack.id.1,
                    format!("another pack already has the id `{}`", pack.id.0),
                )
                .with_help("give each pack its own id"));
            }
        }
        packs.push((pack, *file));
    }
    let mut rules = Vec::new();
    let mut used = vec![false; overrides.len()];
    for (pack, file) in &packs {
        for raw in pack.rules()? {
            let code = format!("{}/{}", pack.id.0, raw.id.0);
            let over: Vec<&Node> = overrides
                .iter()
                .enumerate()
                .filter(|(_, over)| over.rule.0 == code)
                .map(|(at, over)| {
                    if let Some(flag) = used.get_mut(at) {
                        *flag = true;
                    }
                    &over.params
                })
                .collect();
            rules.push(compile_rule(sources, pack, file, &raw, &over)?);
        }
        crate::own_schema::OwnSchema::RulePack.check(&pack.root)?;
    }
    if let Some(unused) = overrides
        .iter()
        .zip(&used)
        .find_map(|(over, used)| (!used).then_some(over))
    {
        return Err(InputError::new(
            unused.rule.1,
            format!(
                "`params` for `{}`, which is no loaded pack rule",
                unused.rule.0
            ),
        )
        .with_help("name a rule as `<pack>/<rule-id>` (see `pvlint rules`)"));
    }
    Ok(rules)
}

fn compile_rule(
    sources: &SourceMap,
    pack: &RawPack,
    file: &PackFile,
    raw: &RawRule<'_>,
    overrides: &[&Node],
) -> Result<&'static Rule, InputError> {
    let Some(template) = templates::find(&raw.template.0) else {
        let error = InputError::new(
            raw.template.1,
            format!("unknown template `{}`", raw.template.0),
        );
        let names = templates::TEMPLATES.iter().map(|template| template.name);
        return Err(
            match crate::suggest::closest(&raw.template.0, names.clone()) {
                Some(close) => error.with_help(format!("did you mean `{close}`?")),
                None => error.with_help(format!(
                    "known templates: {}",
                    names.collect::<Vec<_>>().join(", ")
                )),
            },
        );
    };
    let params = merge(raw.params, overrides, raw.template.1);
    let compiled = (template.compile)(&Params {
        node: &params,
        sources,
    })?;
    let message = Message::parse(sources, raw.message, template.placeholders)?;
    let help = raw
        .help
        .map(|help| Message::parse(sources, help, template.placeholders))
        .transpose()?;
    let matcher = compile_match(sources, raw.matcher)?;
    let line = sources
        .get(raw.id.1.file)
        .map_or(0, |source| source.position(raw.id.1.start).line);
    let pack_id: &'static str = leak(&pack.id.0);
    let id: &'static str = leak(&raw.id.0);
    let applies_to = leak(&matcher.describe());
    let rule = Box::leak(Box::new(PackRule {
        pack: pack_id,
        id,
        severity: raw.severity,
        matcher,
        template: compiled.template,
        vars: compiled.vars,
        message,
        help,
        definition: (file.origin != Origin::Shipped).then_some(raw.id.1),
        applies_to,
    }));
    let docs = raw
        .docs
        .clone()
        .unwrap_or_else(|| format!("## What it does\n{}\n", raw.summary));
    Ok(Box::leak(Box::new(Rule {
        code: leak(&format!("{pack_id}/{id}")),
        name: id,
        category: raw.category,
        summary: leak(&raw.summary),
        check: Check::Pack(rule),
        docs: leak(&docs),
        source: leak(&format!(
            "{}#L{line}",
            sources.name(raw.id.1.file).trim_start_matches("<pvlint>/")
        )),
    })))
}

fn leak(text: &str) -> &'static str {
    String::leak(text.to_owned())
}

/// The rule's params with the config's overrides merged over them, key by key.
fn merge(own: Option<&Node>, overrides: &[&Node], fallback: Span) -> Node {
    let mut entries: Vec<Entry> = own
        .and_then(Node::as_mapping)
        .map(<[Entry]>::to_vec)
        .unwrap_or_default();
    for over in overrides {
        for entry in over.as_mapping().unwrap_or_default() {
            entries.retain(|own| own.key_text() != entry.key_text());
            entries.push(entry.clone());
        }
    }
    Node {
        span: own
            .or(overrides.first().copied())
            .map_or(fallback, |node| node.span),
        kind: NodeKind::Mapping(entries),
    }
}

const MATCH_KEYS: &[&str] = &[
    "kinds",
    "apiGroups",
    "namespaces",
    "names",
    "labels",
    "provisioners",
    "has",
];

fn compile_match(sources: &SourceMap, node: Option<&Node>) -> Result<Match, InputError> {
    let mut matcher = Match::default();
    let Some(node) = node else {
        return Ok(matcher);
    };
    for entry in mapping(node, "`match`")? {
        let key = known_key(entry, MATCH_KEYS)?;
        let value = &entry.value;
        let items = || crate::spanned_yaml::strings(value);
        match key {
            "kinds" => matcher.kinds = items()?.into_iter().map(|(kind, _)| kind).collect(),
            "apiGroups" => {
                matcher.api_groups = items()?.into_iter().map(|(group, _)| group).collect();
            }
            "namespaces" | "names" => {
                let globs = items()?
                    .into_iter()
                    .map(|(pattern, span)| {
                        Glob::new(&pattern)
                            .map(|glob| glob.compile_matcher())
                            .map_err(|error| {
                                InputError::new(span, format!("invalid glob `{pattern}`: {error}"))
                            })
                    })
                    .collect::<Result<_, _>>()?;
                if key == "names" {
                    matcher.names = globs;
                } else {
                    matcher.namespaces = globs;
                }
            }
            "labels" => matcher.labels = labels(value)?,
            "provisioners" => {
                let params = Params {
                    node: value,
                    sources,
                };
                let nodes = value.as_sequence().unwrap_or_default();
                matcher.provisioners = items()?
                    .iter()
                    .zip(nodes)
                    .map(|((pattern, _), node)| params.regex(node, pattern))
                    .collect::<Result<_, _>>()?;
            }
            _ => {
                let nodes = value.as_sequence().unwrap_or_default();
                matcher.has = items()?
                    .iter()
                    .zip(nodes)
                    .map(|((text, _), node)| templates::path_at(sources, node, text))
                    .collect::<Result<_, _>>()?;
            }
        }
    }
    Ok(matcher)
}

fn labels(node: &Node) -> Result<Vec<LabelRequirement>, InputError> {
    let mut requirements = Vec::new();
    for entry in mapping(node, "`labels`")? {
        if known_key(entry, &["matchLabels", "matchExpressions"])? == "matchLabels" {
            for label in mapping(&entry.value, "`matchLabels`")? {
                let value = label
                    .value
                    .as_scalar()
                    .map(crate::load::tree::Scalar::as_json_string)
                    .unwrap_or_default();
                requirements.push(LabelRequirement::Equals(string(&label.key)?.0, value));
            }
            continue;
        }
        let Some(expressions) = entry.value.as_sequence() else {
            return Err(InputError::new(
                entry.value.span,
                "`matchExpressions` must be a list",
            ));
        };
        for expression in expressions {
            requirements.push(label_expression(expression)?);
        }
    }
    Ok(requirements)
}

fn label_expression(node: &Node) -> Result<LabelRequirement, InputError> {
    for entry in mapping(node, "a label expression")? {
        known_key(entry, &["key", "operator", "values"])?;
    }
    let key = string(node.get("key").unwrap_or(node))?.0;
    let (operator, span) = string(node.get("operator").unwrap_or(node))?;
    let values: Vec<String> = list(node, "values")?
        .into_iter()
        .map(|(value, _)| value)
        .collect();
    Ok(match operator.as_str() {
        "In" => LabelRequirement::In(key, values),
        "NotIn" => LabelRequirement::NotIn(key, values),
        "Exists" => LabelRequirement::Exists(key),
        "DoesNotExist" => LabelRequirement::DoesNotExist(key),
        _ => {
            return Err(
                InputError::new(span, format!("unknown operator `{operator}`"))
                    .with_help("use `In`, `NotIn`, `Exists` or `DoesNotExist`"),
            );
        }
    })
}

/// Runs a pack rule over the index: every subject its match selects, through its template.
pub(crate) fn run(rule: &PackRule, cx: &mut RuleContext<'_, '_>) {
    let code = cx.code();
    let index = cx.index;
    let plan = cx.plan;
    let mut hits = Vec::new();
    for subject in rule.matcher.subjects(index) {
        if !rule.matcher.selects(&subject, index, plan) {
            continue;
        }
        hits.clear();
        rule.template.evaluate(&subject, plan, &mut hits);
        for hit in hits.drain(..) {
            let value = |name: &str| -> Option<String> {
                match name {
                    "kind" => Some(subject.kind().to_owned()),
                    "name" => Some(subject.name.to_owned()),
                    "namespace" => subject.namespace.map(str::to_owned),
                    "path" => Some(hit.path.clone()),
                    "value" => hit.value.clone(),
                    "rule" => Some(code.to_owned()),
                    _ => hit
                        .vars
                        .iter()
                        .chain(&rule.vars)
                        .find(|(key, _)| *key == name)
                        .map(|(_, value)| value.clone()),
                }
            };
            let message = rule.message.render(value);
            let help = rule.help.as_ref().map(|help| help.render(value));
            let mut guard = cx.report(hit.span, message);
            if let Some(help) = help {
                guard = guard.help(help);
            }
            match rule.definition {
                Some(span) => {
                    drop(guard.label(span, format!("rule `{code}` is defined here")));
                }
                None => drop(guard.note(format!(
                    "from the rule pack `{}` shipped with pvlint",
                    rule.pack
                ))),
            }
        }
    }
}
