//! The Plan as a table (terminals), as the JSON contract, and as Markdown (PR comments).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::provision::{ClaimPlan, Outcome, Plan};

/// How `pvlint plan` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    Table,
    Json,
    Markdown,
}

/// Writes the plan in one format; `color` applies to the table only.
pub fn write(plan: &Plan, format: PlanFormat, color: bool, out: &mut impl Write) -> io::Result<()> {
    match format {
        PlanFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, plan).map_err(io::Error::other)?;
            writeln!(out)
        }
        PlanFormat::Table => table(plan, color, out),
        PlanFormat::Markdown => markdown(plan, out),
    }
}

const HEADERS: [&str; 8] = [
    "CLAIM", "OUTCOME", "VOLUME", "SIZE", "CLASS", "DRIVER", "ZONE", "REASON",
];

fn row(claim: &ClaimPlan) -> [String; 8] {
    [
        format!("{}/{}", claim.namespace, claim.name),
        claim.outcome.as_str().to_owned(),
        claim.volume.clone().unwrap_or_else(|| "-".to_owned()),
        claim.size.map_or_else(|| "-".to_owned(), human_bytes),
        claim.class.name.clone().map_or_else(
            || "-".to_owned(),
            |name| {
                if claim.class.how == "default" {
                    format!("{name} (default)")
                } else {
                    name
                }
            },
        ),
        claim.driver.clone().unwrap_or_else(|| "-".to_owned()),
        claim.zone.clone().unwrap_or_else(|| "-".to_owned()),
        claim
            .reasons
            .iter()
            .map(|reason| reason.text.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

fn table(plan: &Plan, color: bool, out: &mut impl Write) -> io::Result<()> {
    let rows: Vec<[String; 8]> = plan.claims.iter().map(row).collect();
    let mut widths = HEADERS.map(str::len);
    for cells in &rows {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String], out: &mut dyn Write, paint: Option<&str>| -> io::Result<()> {
        let mut text = String::new();
        for (at, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let last = at + 1 == cells.len();
            let padded = if last {
                cell.clone()
            } else {
                format!("{cell:<width$}  ")
            };
            match (at, paint) {
                (1, Some(code)) => {
                    let _ = write!(text, "\x1b[{code}m{padded}\x1b[0m");
                }
                _ => text.push_str(&padded),
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(&HEADERS.map(str::to_owned), out, None)?;
    for (cells, claim) in rows.iter().zip(&plan.claims) {
        let paint = color.then_some(match claim.outcome {
            Outcome::Bound | Outcome::Provisioned => "32",
            Outcome::WaitingForConsumer => "33",
            Outcome::Pending | Outcome::Rejected => "31",
        });
        line(cells, out, paint)?;
    }
    writeln!(out, "\n{}", summary(plan))
}

fn markdown(plan: &Plan, out: &mut impl Write) -> io::Result<()> {
    let mut text = format!("### Storage plan\n\n{}\n\n", summary(plan));
    markdown_table(&plan.claims, &mut text);
    out.write_all(text.as_bytes())
}

/// The Markdown table of some claims' plans (header included), cells escaped.
pub(crate) fn markdown_table(claims: &[ClaimPlan], text: &mut String) {
    let _ = writeln!(text, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(text, "|{}|", HEADERS.map(|_| "---").join("|"));
    for claim in claims {
        let cells = row(claim).map(|cell| super::markdown::cell(&cell));
        let _ = writeln!(text, "| {} |", cells.join(" | "));
    }
}

/// `5 claims: 2 bound, 2 provisioned, 1 pending`.
#[must_use]
pub fn summary(plan: &Plan) -> String {
    let count = |outcome| {
        plan.claims
            .iter()
            .filter(|claim| claim.outcome == outcome)
            .count()
    };
    let parts: Vec<String> = [
        (Outcome::Bound, "bound"),
        (Outcome::Provisioned, "provisioned"),
        (Outcome::WaitingForConsumer, "waiting for a consumer"),
        (Outcome::Pending, "pending"),
        (Outcome::Rejected, "rejected"),
    ]
    .into_iter()
    .filter_map(|(outcome, word)| {
        let n = count(outcome);
        (n > 0).then(|| format!("{n} {word}"))
    })
    .collect();
    let claims = plan.claims.len();
    let noun = if claims == 1 { "claim" } else { "claims" };
    if parts.is_empty() {
        format!("{claims} {noun}")
    } else {
        format!("{claims} {noun}: {}", parts.join(", "))
    }
}

/// Bytes in the largest binary unit that divides them (`10Gi`), else plain bytes.
#[must_use]
pub fn human_bytes(bytes: u128) -> String {
    for (suffix, unit) in [
        ("Ti", 1u128 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}
