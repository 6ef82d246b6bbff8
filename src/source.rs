//! Source text and the only span vocabulary of pvlint.
//!
//! A [`Span`] is a byte range in one file of the [`SourceMap`]. Lines and columns are computed
//! only when a diagnostic is reported, through the per-file [`LineIndex`]. Nothing here touches
//! the filesystem: the loader hands finished text to [`SourceMap::add`].

use std::fmt;
use std::sync::Arc;

/// Identifies one file (or stdin, or a config file) in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(u32);

impl FileId {
    /// The position of the file in its map, for callers that keep per-file tables.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    #[must_use]
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let clamp = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both; `other` must be in the same file.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    #[must_use]
    pub fn contains(self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }

    #[must_use]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    #[must_use]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The directory part of a file name as shown to users (`""` for a bare file name).
#[must_use]
pub fn directory_of(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(directory, _)| directory)
}

/// A value together with the span of the YAML node it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// Why a file was loaded: to be checked, or only to resolve references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// Findings located in this file are reported.
    Checked,
    /// Objects resolve references (`--context`, `cluster.objects`), but are never reported on.
    Context,
    /// A configuration file: diagnostics about our own inputs point here.
    Config,
    /// A file at the base revision (`--base`): change rules point here for what the change
    /// removes, and label old values here.
    Base,
}

/// One loaded text and its line table.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to users: relative to the working directory, or `-` for stdin.
    pub name: String,
    pub text: Arc<str>,
    pub role: FileRole,
    lines: LineIndex,
}

impl SourceFile {
    #[must_use]
    pub fn line_index(&self) -> &LineIndex {
        &self.lines
    }

    /// The text a span covers (empty if the span is out of range).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 1-based line and column of a byte offset.
    #[must_use]
    pub fn position(&self, offset: u32) -> Position {
        self.lines.position(&self.text, offset)
    }
}

/// Every text pvlint read in one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, name: String, text: Arc<str>, role: FileRole) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let lines = LineIndex::new(&text);
        self.files.push(SourceFile {
            name,
            text,
            role,
            lines,
        });
        id
    }

    /// The file behind an id. Ids only come from [`SourceMap::add`], so this is total for
    /// ids of this map; a foreign id yields the first file rather than a panic.
    #[must_use]
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.index())
    }

    #[must_use]
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |file| file.name.as_str())
    }

    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |file| file.slice(span))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(u32::try_from(index).unwrap_or(u32::MAX)), file))
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts, searched with binary search.
#[derive(Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            memchr_newlines(text.as_bytes()).map(|at| u32::try_from(at + 1).unwrap_or(u32::MAX)),
        );
        Self { line_starts }
    }

    /// The 0-based line holding a byte offset.
    #[must_use]
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where a 0-based line starts.
    #[must_use]
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.line_starts.get(line).copied()
    }

    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    #[must_use]
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let line = self.line_of(offset);
        let start = self.line_start(line).unwrap_or(0) as usize;
        let end = (offset as usize).min(text.len());
        let column = text
            .get(start..end)
            .map_or(end.saturating_sub(start), |prefix| prefix.chars().count());
        Position {
            line: line + 1,
            column: column + 1,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(at, &byte)| (byte == b'\n').then_some(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "a: 1\nbé: x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 5), Position { line: 2, column: 1 });
        // `x` sits after `bé: ` (4 characters, 5 bytes).
        assert_eq!(index.position(text, 10), Position { line: 2, column: 5 });
    }
}
