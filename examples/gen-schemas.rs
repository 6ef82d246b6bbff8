//! Regenerates `schemas/kubernetes/<release>/` from the upstream Kubernetes API documents:
//! `cargo run --example gen-schemas [-- DATA_DIR]`, where `DATA_DIR` defaults to
//! `../shared/data/kubernetes` beside the repository (it holds `openapi-v3-<release>/` and
//! `crds/`). The output is deterministic; `tests/schemas.rs` fails when it differs from the
//! committed files. Files of kinds no longer generated are removed.

#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reporting what it wrote"
)]

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pvlint::schema::generate::{self, KUBERNETES_VERSION, Upstream};

fn main() -> Result<()> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::env::args()
        .nth(1)
        .map_or_else(|| repo.join("../shared/data/kubernetes"), PathBuf::from);
    let upstream = read_upstream(&data, KUBERNETES_VERSION)?;
    let schemas = generate::generate(&upstream)?;
    let out = repo.join("schemas/kubernetes").join(KUBERNETES_VERSION);
    if out.is_dir() {
        std::fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    for schema in &schemas {
        let path = out.join(schema.relative_path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, generate::to_pretty_json(&schema.schema))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!("wrote {} schemas to {}", schemas.len(), out.display());
    Ok(())
}

/// Reads `openapi-v3-<release>/api/v1.json`, `openapi-v3-<release>/apis/*/*.json` and
/// `crds/*.yaml` under `data`, in sorted order.
fn read_upstream(data: &Path, release: &str) -> Result<Upstream> {
    let openapi_dir = data.join(format!("openapi-v3-{release}"));
    let mut openapi = vec![openapi_dir.join("api/v1.json")];
    for group in sorted(&openapi_dir.join("apis"))? {
        openapi.extend(
            sorted(&group)?
                .into_iter()
                .filter(|path| has_extension(path, "json")),
        );
    }
    let crds: Vec<PathBuf> = sorted(&data.join("crds"))?
        .into_iter()
        .filter(|path| has_extension(path, "yaml"))
        .collect();
    let read = |paths: Vec<PathBuf>| -> Result<Vec<(String, String)>> {
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((path.display().to_string(), text))
            })
            .collect()
    };
    Ok(Upstream::parse(&read(openapi)?, &read(crds)?)?)
}

fn sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<_>>()?;
    paths.sort();
    Ok(paths)
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|found| found == extension)
}
