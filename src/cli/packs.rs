//! Finding rule pack files and reading them into the [`SourceMap`]: the shipped packs, the
//! repository's `rules/*/pack.yaml`, and the config's `packs:` (files or pack directories).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::policy::{self, Origin, PackFile};
use crate::source::{FileRole, SourceMap, Span};

/// The file name of a pack in its directory.
pub const PACK_FILE: &str = "pack.yaml";

/// Every pack file a run loads, in order (shipped, repository, config), and the directories
/// of the non-shipped ones.
pub fn files(
    sources: &mut SourceMap,
    repo_root: Option<&Path>,
    named: &[(PathBuf, Span)],
) -> Result<(Vec<PackFile>, Vec<PathBuf>)> {
    let mut files = policy::add_shipped(sources);
    let mut dirs = Vec::new();
    if let Some(root) = repo_root {
        for file in pack_files_under(&root.join("rules")) {
            files.push(read(sources, &file, Origin::Repository, None)?);
            if let Some(dir) = file.parent() {
                dirs.push(dir.to_path_buf());
            }
        }
    }
    for (path, span) in named {
        let file = if path.is_dir() {
            path.join(PACK_FILE)
        } else {
            path.clone()
        };
        files.push(read(sources, &file, Origin::Named, Some(*span))?);
        if let Some(dir) = file.parent() {
            dirs.push(dir.to_path_buf());
        }
    }
    Ok((files, dirs))
}

/// `<dir>/*/pack.yaml`, sorted; `<dir>/pack.yaml` itself when `dir` is a pack.
pub fn pack_files_under(dir: &Path) -> Vec<PathBuf> {
    if dir.join(PACK_FILE).is_file() {
        return vec![dir.join(PACK_FILE)];
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path().join(PACK_FILE))
        .filter(|file| file.is_file())
        .collect();
    found.sort();
    found
}

/// Reads one pack file into `sources`.
pub fn read(
    sources: &mut SourceMap,
    path: &Path,
    origin: Origin,
    named_at: Option<Span>,
) -> Result<PackFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read rule pack `{}`", path.display()))?;
    let name = crate::load::display_path(path);
    Ok(PackFile {
        file: sources.add(name, Arc::from(text), FileRole::Config),
        origin,
        named_at,
    })
}
