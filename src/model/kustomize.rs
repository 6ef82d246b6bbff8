//! Kustomize layout: which directories hold a `kustomization.yaml`, and which files those
//! kustomizations list as patches.
//!
//! A file listed under `patches` (or the older `patchesStrategicMerge` and
//! `patchesJson6902`) holds partial objects: a PersistentVolumeClaim there that only sets a
//! new size is a patch, not a claim without access modes. This module reads the parsed
//! kustomization files of the workspace (with or without `apiVersion`/`kind`) and resolves
//! their paths against the loaded file names; it does not follow `resources` and reports
//! nothing.

use std::collections::{BTreeSet, HashMap};

use crate::load::Workspace;
use crate::load::tree::Node;
use crate::source::FileId;

/// The file names kustomize reads in a directory.
pub const KUSTOMIZATION_FILES: [&str; 2] = ["kustomization.yaml", "kustomization.yml"];

/// The kustomizations among the loaded files.
#[derive(Debug, Default)]
pub struct Kustomizations<'w> {
    directories: BTreeSet<&'w str>,
    patch_files: BTreeSet<FileId>,
}

impl<'w> Kustomizations<'w> {
    /// Finds the kustomization files of a workspace and the patch files they list.
    #[must_use]
    pub fn read(workspace: &'w Workspace) -> Self {
        let by_name: HashMap<String, FileId> = workspace
            .sources
            .iter()
            .map(|(id, file)| (normalize(&file.name), id))
            .collect();
        let mut kustomizations = Self::default();
        for file in &workspace.files {
            let name = workspace.sources.name(file.id);
            if !KUSTOMIZATION_FILES.contains(&base_name(name)) {
                continue;
            }
            let directory = directory(name);
            kustomizations.directories.insert(directory);
            let roots = file
                .parsed
                .documents
                .iter()
                .filter_map(|document| document.root.as_ref());
            for path in roots.flat_map(patch_paths) {
                let joined = if directory.is_empty() {
                    path.to_owned()
                } else {
                    format!("{directory}/{path}")
                };
                if let Some(&id) = by_name.get(&normalize(&joined)) {
                    kustomizations.patch_files.insert(id);
                }
            }
        }
        kustomizations
    }

    /// Whether `directory` (as [`directory`] returns it) holds a kustomization.
    #[must_use]
    pub fn is_kustomize_directory(&self, directory: &str) -> bool {
        self.directories.contains(directory)
    }

    /// Whether a kustomization lists the file as a patch: its objects are partial.
    #[must_use]
    pub fn is_patch(&self, file: FileId) -> bool {
        self.patch_files.contains(&file)
    }
}

/// The patch file paths a kustomization lists (inline patches are skipped).
fn patch_paths(root: &Node) -> Vec<&str> {
    let mut paths = Vec::new();
    for key in ["patches", "patchesJson6902"] {
        paths.extend(
            root.items(key)
                .filter_map(|item| item.get("path").and_then(Node::as_str)),
        );
    }
    paths.extend(
        root.items("patchesStrategicMerge")
            .filter_map(Node::as_str)
            .filter(|path| !path.contains('\n')),
    );
    paths
}

/// The directory part of a path as pvlint shows it (`""` for a bare file name).
#[must_use]
pub fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(directory, _)| directory)
}

fn base_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, base)| base)
}

/// Removes `.` components and folds `..` into its parent, so joined paths compare equal to
/// the loaded names.
fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize("a/./b/../c.yaml"), "a/c.yaml");
        assert_eq!(normalize("./c.yaml"), "c.yaml");
        assert_eq!(normalize("../x/c.yaml"), "../x/c.yaml");
        assert_eq!(normalize("/r/a/../b.yaml"), "/r/b.yaml");
    }

    #[test]
    fn directories_of_paths() {
        assert_eq!(directory("a/b/c.yaml"), "a/b");
        assert_eq!(directory("c.yaml"), "");
        assert_eq!(base_name("a/b/c.yaml"), "c.yaml");
    }
}
