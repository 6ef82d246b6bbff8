//! `pvlint rules` and `pvlint rule CODE`.

use std::io::{self, Write};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::cli::ExitStatus;
use crate::cli::args::ListFormat;
use crate::rules::{ALL, Rule};

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
pub fn list(format: ListFormat) -> Result<ExitStatus> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        ListFormat::Human => {
            for rule in ALL.iter() {
                writeln!(
                    out,
                    "{:<7} {:<36} {:<14} {}",
                    rule.code,
                    rule.name,
                    rule.category.as_str(),
                    rule.summary
                )?;
            }
        }
        ListFormat::Json => {
            let rules: Vec<RuleJson<'_>> = ALL.iter().map(|rule| rule_json(rule)).collect();
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// Prints one rule's documentation.
pub fn show(code_or_name: &str) -> Result<ExitStatus> {
    let Some(rule) = crate::rules::find(code_or_name) else {
        bail!("no rule is called `{code_or_name}` (run `pvlint rules` for the list)");
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "# {} {}\n", rule.code, rule.name)?;
    writeln!(
        out,
        "Category: {} ({} by default{})",
        rule.category.as_str(),
        rule.category.default_severity(),
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

fn rule_json(rule: &Rule) -> RuleJson<'_> {
    RuleJson {
        code: rule.code,
        name: rule.name,
        category: rule.category.as_str(),
        severity: rule.category.default_severity().as_str(),
        enabled_by_default: rule.category.enabled_by_default(),
        summary: rule.summary,
        applies_to: rule.check.applies_to(),
        docs: rule.documentation(),
    }
}
