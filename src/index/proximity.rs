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
}
