//! Kustomize patch files: manifests listed under `patches`, `patchesStrategicMerge` or
//! `patchesJson6902` of a `kustomization.yaml` are partial objects (a Deployment with only the
//! field it changes), not objects to create, so they are parsed but never modelled.

use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::load::tree::Node;
use crate::load::{LoadedFile, Workspace};
use crate::source::FileId;

/// The file names kustomize reads as a kustomization.
const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a path names a kustomization file.
#[must_use]
pub fn is_kustomization(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    KUSTOMIZATION_NAMES.contains(&name)
}

/// The directories (as shown to users, `""` for the working directory) that hold a
/// kustomization: everything in them is applied together by `kubectl apply -k`.
#[must_use]
pub fn directories(workspace: &Workspace) -> BTreeSet<String> {
    workspace
        .files
        .iter()
        .map(|file| workspace.sources.name(file.id))
        .filter(|name| is_kustomization(name))
        .map(|name| crate::source::directory_of(name).to_owned())
        .collect()
}

/// The ids of loaded files that some kustomization lists as a patch.
#[must_use]
pub fn patch_files(workspace: &Workspace) -> HashSet<FileId> {
    let mut patches: HashSet<PathBuf> = HashSet::new();
    for file in &workspace.files {
        let name = workspace.sources.name(file.id);
        if !is_kustomization(name) {
            continue;
        }
        let dir = Path::new(name).parent().unwrap_or(Path::new(""));
        for root in roots(file) {
            for patch in patch_paths(root) {
                patches.insert(normalize(&dir.join(patch)));
            }
        }
    }
    if patches.is_empty() {
        return HashSet::new();
    }
    workspace
        .files
        .iter()
        .filter(|file| patches.contains(&normalize(Path::new(workspace.sources.name(file.id)))))
        .map(|file| file.id)
        .collect()
}

fn roots(file: &LoadedFile) -> impl Iterator<Item = &Node> {
    file.parsed
        .documents
        .iter()
        .filter_map(|document| document.root.as_ref())
}

/// Paths a kustomization names as patches, in every form kustomize accepts.
fn patch_paths(root: &Node) -> Vec<&str> {
    let mut paths = Vec::new();
    for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        for item in root.items(key) {
            match item.as_str() {
                // `patchesStrategicMerge: [file.yaml]` (an inline patch has a newline).
                Some(text) if !text.contains('\n') => paths.push(text),
                Some(_) => {}
                None => {
                    if let Some(path) = item.get("path").and_then(Node::as_str) {
                        paths.push(path);
                    }
                }
            }
        }
    }
    paths
}

/// Removes `.` and resolves `..` lexically, so `a/./b/../c.yaml` and `a/c.yaml` compare equal.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.yaml")),
            PathBuf::from("a/c.yaml")
        );
        assert_eq!(
            normalize(Path::new("../x.yaml")),
            PathBuf::from("../x.yaml")
        );
    }

    #[test]
    fn recognises_kustomization_names() {
        assert!(is_kustomization("overlays/prod/kustomization.yaml"));
        assert!(is_kustomization("Kustomization"));
        assert!(!is_kustomization("deploy/kustomization-notes.yaml"));
    }
}
