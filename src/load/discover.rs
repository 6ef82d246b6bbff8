//! Which files to read: walks the given paths like ripgrep does (sorted, hidden directories and
//! `.gitignore`d files skipped), keeps `*.yaml`, `*.yml` and `*.json`, and applies `exclude:`
//! globs. Files named directly are always read.
//!
//! Nothing under a root is passed over in silence: a FIFO, device or socket with a manifest's
//! name, a broken symbolic link, and a link that leads outside the roots (not followed unless
//! `--follow-symlinks`) are errors. A link to a file inside the roots is read, once.

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

/// Lists the manifest files under `roots`, sorted, without duplicates. With `follow_links`,
/// symbolic links are followed wherever they lead (the walker reports loops).
pub fn discover(
    roots: &[PathBuf],
    excludes: &Excludes,
    follow_links: bool,
) -> (Vec<PathBuf>, Vec<DiscoveryError>) {
    let mut files = Vec::new();
    let mut links = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if !root.is_dir() {
            // Named directly: always read (a missing path or a device surfaces as a read
            // error).
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
            .follow_links(follow_links)
            .sort_by_file_name(std::ffi::OsStr::cmp)
            .filter_entry({
                let excludes = excludes.clone();
                move |entry| !excludes.matches(entry.path())
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    errors.push(DiscoveryError {
                        path: error_path(&error).unwrap_or_else(|| root.clone()),
                        message: error.to_string(),
                    });
                    continue;
                }
            };
            let Some(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                continue;
            }
            if kind.is_symlink() {
                links.push(entry.into_path());
            } else if is_manifest(entry.path()) {
                if !kind.is_file() {
                    errors.push(DiscoveryError {
                        path: entry.into_path(),
                        message: "not a regular file (a FIFO, device or socket)".to_owned(),
                    });
                    continue;
                }
                files.push(entry.into_path());
            }
        }
    }
    if !links.is_empty() {
        resolve_links(roots, links, &mut files, &mut errors);
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Decides about the symbolic links the walk met (it follows none): a link to a manifest file
/// inside the roots is read unless its target already is; a link to a directory inside the
/// roots adds nothing (the walk reaches the directory itself); anything else is an error, so
/// that no file goes unread in silence.
fn resolve_links(
    roots: &[PathBuf],
    links: Vec<PathBuf>,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<DiscoveryError>,
) {
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .collect();
    let mut read: std::collections::HashSet<PathBuf> = files
        .iter()
        .filter_map(|file| std::fs::canonicalize(file).ok())
        .collect();
    for link in links {
        let target = match std::fs::canonicalize(&link) {
            Ok(target) => target,
            Err(error) => {
                // A dangling link without a manifest's name was most likely never meant for
                // pvlint; a loop or a dangling `*.yaml` is reported.
                if is_manifest(&link) || error.raw_os_error() == Some(ELOOP) {
                    errors.push(DiscoveryError {
                        message: format!("broken symbolic link: {error}"),
                        path: link,
                    });
                }
                continue;
            }
        };
        let inside = canonical_roots.iter().any(|root| target.starts_with(root));
        let is_dir = target.is_dir();
        if !inside {
            if is_dir || is_manifest(&link) {
                errors.push(DiscoveryError {
                    message: format!(
                        "symbolic link to `{}`, outside the checked paths, is not followed \
                         (pass `--follow-symlinks` to read it, or exclude it)",
                        target.display()
                    ),
                    path: link,
                });
            }
            continue;
        }
        if is_dir || !is_manifest(&link) {
            continue;
        }
        if read.insert(target) {
            files.push(link);
        }
    }
}

/// `errno` for a loop of symbolic links on Linux and the BSDs (macOS included differs: 62).
#[cfg(target_os = "macos")]
const ELOOP: i32 = 62;
#[cfg(not(target_os = "macos"))]
const ELOOP: i32 = 40;

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
