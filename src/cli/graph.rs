//! `pvlint graph`: the storage graph of a check on its own, as Mermaid or DOT.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::ExitStatus;
use super::args::CheckArgs;
use crate::report::graph::{self, GraphFormat};
use crate::source::SourceMap;

/// Runs the check (rules included, so that objects with findings are highlighted) and draws
/// its graph. Exits 0, or 2 when an input could not be read; findings do not fail it.
pub(super) fn graph(args: &CheckArgs) -> Result<ExitStatus> {
    let formats = formats(&args.format)?;
    let mut sources = SourceMap::default();
    let Some(settings) = super::settings(args, &mut sources)? else {
        return Ok(ExitStatus::Error);
    };
    let inputs = super::inputs(args, settings.load.max_file_bytes)?;
    let result = crate::check(&inputs, &settings, sources);
    for (format, path) in formats {
        if let Some(path) = path {
            let mut file = File::create(&path)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            graph::write(&result.graph, format, &mut file)?;
        } else {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            graph::write(&result.graph, format, &mut out)?;
            out.flush()?;
        }
    }
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for error in &result.errors {
        writeln!(err, "error: {}: {}", error.path, error.message)?;
    }
    drop(err);
    super::report_internal_errors(&result)?;
    Ok(
        if result.errors.is_empty() && result.internal_errors.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Error
        },
    )
}

fn formats(specs: &[String]) -> Result<Vec<(GraphFormat, Option<PathBuf>)>> {
    super::outputs(specs, GraphFormat::Mermaid, |name| {
        Ok(match name {
            "mermaid" => GraphFormat::Mermaid,
            "dot" => GraphFormat::Dot,
            other => bail!("unknown graph format `{other}` (use `mermaid` or `dot`)"),
        })
    })
}
