//! Which files to read: walks the given paths like ripgrep does (sorted, hidden directories and
//! `.gitignore`d files skipped), keeps `*.yaml`, `*.yml` and `*.json`, and applies `exclude:`
//! globs. Files named directly are always read.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

/// A path that could not be listed, with the reason.
#[derive(Debug, Clone)]
pub struct DiscoveryError {
    pub path: PathBuf,
    pub message: String,
}

/// Compiled `exclude:` patterns, matched against paths relative to the config's directory.
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    set: GlobSet,
    root: PathBuf,
    /// Absolute directories excluded whole (rule packs, whose test fixtures are not the
    /// repository's manifests).
    dirs: Vec<PathBuf>,
}

impl Excludes {
    /// Builds the matcher; a pattern that is not a valid glob is returned as the error.
    pub fn new<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
        root: &Path,
    ) -> Result<Self, (String, String)> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob =
                Glob::new(pattern).map_err(|error| (pattern.to_owned(), error.to_string()))?;
            builder.add(glob);
            // `dir/**` should also exclude `dir` itself when walking.
            if let Some(prefix) = pattern.strip_suffix("/**")
                && let Ok(glob) = Glob::new(prefix)
            {
                builder.add(glob);
            }
        }
        let set = builder
            .build()
            .map_err(|error| (String::new(), error.to_string()))?;
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Ok(Self {
            set,
            root,
            dirs: Vec::new(),
        })
    }

    /// Excludes these directories and everything under them.
    pub fn exclude_dirs(&mut self, dirs: impl IntoIterator<Item = PathBuf>) {
        self.dirs.extend(
            dirs.into_iter()
                .map(|dir| std::path::absolute(&dir).unwrap_or(dir)),
        );
    }

    #[must_use]
    pub fn matches(&self, path: &Path) -> bool {
        if self.set.is_empty() && self.dirs.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if self.dirs.iter().any(|dir| absolute.starts_with(dir)) {
            return true;
        }
        let relative = absolute.strip_prefix(&self.root).unwrap_or(path);
        self.set.is_match(relative)
    }
}

/// Whether a file name has one of the extensions pvlint reads.
#[must_use]
pub fn is_manifest(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|ext| ext.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Lists the manifest files under `roots`, sorted, without duplicates.
pub fn discover(roots: &[PathBuf], excludes: &Excludes) -> (Vec<PathBuf>, Vec<DiscoveryError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if root.is_file() || !root.exists() {
            // Named directly: always read (a missing path surfaces as a read error).
            files.push(root.clone());
            continue;
        }
        let walker = WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .parents(true)
            .follow_links(false)
            .sort_by_file_name(std::ffi::OsStr::cmp)
            .filter_entry({
                let excludes = excludes.clone();
                move |entry| !excludes.matches(entry.path())
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                    if is_file && is_manifest(entry.path()) {
                        files.push(entry.into_path());
                    }
                }
                Err(error) => errors.push(DiscoveryError {
                    path: error_path(&error).unwrap_or_else(|| root.clone()),
                    message: error.to_string(),
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}
