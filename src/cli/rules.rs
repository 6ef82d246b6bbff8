//! `pvlint rules` and `pvlint rule CODE`.

use std::io::{self, Write};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::cli::ExitStatus;
use crate::cli::args::ListFormat;
use crate::rules::{Registry, Rule};

#[derive(Serialize)]
struct RuleJson<'r> {
    code: &'r str,
    name: &'r str,
    category: &'r str,
    severity: &'r str,
    enabled_by_default: bool,
    summary: &'r str,
    applies_to: &'r str,
    docs: String,
}

/// Lists every rule.
pub fn list(format: ListFormat, registry: &Registry) -> Result<ExitStatus> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        ListFormat::Human => {
            for rule in registry.all() {
                let label = match rule.pack() {
                    Some(_) => rule.code.to_owned(),
                    None => format!("{:<7} {}", rule.code, rule.name),
                };
                writeln!(
                    out,
                    "{label:<44} {:<14} {}",
                    rule.category.as_str(),
                    rule.summary
                )?;
            }
        }
        ListFormat::Json => {
            let rules: Vec<RuleJson<'_>> = registry.all().map(rule_json).collect();
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// Prints one rule's documentation.
pub fn show(code_or_name: &str, registry: &Registry) -> Result<ExitStatus> {
    let Some(rule) = registry.find(code_or_name) else {
        bail!("no rule is called `{code_or_name}` (run `pvlint rules` for the list)");
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match rule.pack() {
        Some(pack) => writeln!(
            out,
            "# {}\n\nFrom the rule pack `{pack}` ({})",
            rule.code, rule.source
        )?,
        None => writeln!(out, "# {} {}\n", rule.code, rule.name)?,
    }
    writeln!(
        out,
        "Category: {} ({} by default{})",
        rule.category.as_str(),
        rule.default_severity(),
        if rule.category.enabled_by_default() {
            ""
        } else {
            ", off unless selected"
        }
    )?;
    writeln!(out, "Applies to: {}\n", rule.check.applies_to())?;
    write!(out, "{}", rule.documentation())?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn rule_json(rule: &'static Rule) -> RuleJson<'static> {
    RuleJson {
        code: rule.code,
        name: rule.name,
        category: rule.category.as_str(),
        severity: rule.default_severity().as_str(),
        enabled_by_default: rule.category.enabled_by_default(),
        summary: rule.summary,
        applies_to: rule.check.applies_to(),
        docs: rule.documentation(),
    }
}
