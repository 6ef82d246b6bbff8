//! How close two files are in the repository tree: same file, then the length of the common
//! directory prefix. References resolve to the closest candidate.

use crate::source::{FileId, SourceMap};

/// Per-file directory components, computed once.
#[derive(Debug, Default)]
pub(crate) struct Proximity {
    directories: Vec<Vec<String>>,
}

impl Proximity {
    pub(crate) fn new(sources: &SourceMap) -> Self {
        let directories = sources
            .iter()
            .map(|(_, file)| {
                let mut parts: Vec<String> = file.name.split('/').map(str::to_owned).collect();
                parts.pop();
                parts
            })
            .collect();
        Self { directories }
    }

    /// The directory components of a file.
    pub(crate) fn directory(&self, file: FileId) -> &[String] {
        self.directories
            .get(file.index())
            .map_or(&[], Vec::as_slice)
    }

    /// Larger is closer: `(same file, shared directory components)`.
    pub(crate) fn closeness(&self, from: FileId, to: FileId) -> (bool, usize) {
        let shared = match (
            self.directories.get(from.index()),
            self.directories.get(to.index()),
        ) {
            (Some(a), Some(b)) => a.iter().zip(b).take_while(|(x, y)| x == y).count(),
            _ => 0,
        };
        (from == to, shared)
    }

    /// Whether two files are likely applied together: they are in the same directory, or one
    /// file's directory contains the other's. Sibling directories usually hold independent
    /// examples or deployments.
    pub(crate) fn same_tree(&self, a: FileId, b: FileId) -> bool {
        match (
            self.directories.get(a.index()),
            self.directories.get(b.index()),
        ) {
            (Some(a), Some(b)) => a.starts_with(b) || b.starts_with(a),
            _ => a == b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileRole;

    #[test]
    fn same_tree_is_same_directory_or_nested() {
        let mut sources = SourceMap::default();
        let mut add = |name: &str| sources.add(name.to_owned(), "".into(), FileRole::Checked);
        let pvc = add("repo/examples/rbd/pvc.yaml");
        let pod = add("repo/examples/rbd/pod.yaml");
        let nested = add("repo/examples/rbd/extra/job.yaml");
        let sibling = add("repo/e2e/templates/deployment.yaml");
        let root = add("repo/kustomization.yaml");
        let proximity = Proximity::new(&sources);
        assert!(proximity.same_tree(pvc, pod));
        assert!(proximity.same_tree(pvc, nested));
        assert!(proximity.same_tree(nested, pvc));
        assert!(proximity.same_tree(root, sibling));
        assert!(!proximity.same_tree(pvc, sibling));
    }
}
