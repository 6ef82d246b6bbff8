//! Locations as GitHub reads them, shared by the SARIF and GitHub formats: a file as a
//! repository path (the `REV:` of base-revision files split off) and a span as a region with
//! 1-based lines and UTF-16 columns, `end_column` exclusive.
//!
//! GitHub code scanning documents `columnKind: utf16CodeUnits` in its SARIF examples, and its
//! web UI counts columns in UTF-16, so both GitHub formats count that way. The human and JSON
//! formats count Unicode characters instead; the two differ only after a character outside
//! the Basic Multilingual Plane (an emoji in a comment).

use crate::change::revision_path;
use crate::source::{FileId, FileRole, SourceFile, SourceMap, Span};

/// A span as 1-based lines and UTF-16 columns; the end is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    /// The region of a span of `file`. Line breaks that end the span are left out, so that a
    /// span over one whole line stays on that line.
    pub fn of(file: &SourceFile, span: Span) -> Region {
        let text: &str = &file.text;
        let start = floor_boundary(text, span.start as usize);
        let mut end = floor_boundary(text, span.end as usize).max(start);
        while end > start && matches!(text.as_bytes().get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        let (start_line, start_column) = position(file, start);
        let (end_line, end_column) = position(file, end);
        Region {
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }

    /// Whether the region starts and ends on the same line.
    pub fn is_single_line(self) -> bool {
        self.start_line == self.end_line
    }
}

/// 1-based line and UTF-16 column of a byte offset that is a character boundary.
fn position(file: &SourceFile, offset: usize) -> (usize, usize) {
    let lines = file.line_index();
    let line = lines.line_of(u32::try_from(offset).unwrap_or(u32::MAX));
    let line_start = lines.line_start(line).map_or(0, |start| start as usize);
    let column: usize = file
        .text
        .get(line_start.min(offset)..offset)
        .map_or(0, |prefix| prefix.chars().map(char::len_utf16).sum());
    (line + 1, column + 1)
}

/// The largest character boundary at or before `offset`, within the text.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The text of the line holding a byte offset, without its line break.
pub(crate) fn line_text(file: &SourceFile, offset: u32) -> &str {
    let lines = file.line_index();
    let line = lines.line_of(offset);
    let start = lines.line_start(line).map_or(0, |start| start as usize);
    let end = lines
        .line_start(line + 1)
        .map_or(file.text.len(), |end| end as usize);
    file.text
        .get(start..end)
        .unwrap_or("")
        .trim_end_matches(['\n', '\r'])
}

/// What a file is, as a repository sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Artifact<'s> {
    /// Standard input (`-`): no file of the repository.
    Stdin,
    /// A file of the working tree, or of the base revision (`revision` is then `Some`): its
    /// path relative to the working directory (or absolute), with forward slashes and without
    /// a leading `./`.
    File {
        path: String,
        revision: Option<&'s str>,
    },
}

impl<'s> Artifact<'s> {
    /// The artifact a file of the map is.
    pub fn of(sources: &'s SourceMap, file: FileId) -> Artifact<'s> {
        let Some(source) = sources.get(file) else {
            return Artifact::File {
                path: sources.name(file).to_owned(),
                revision: None,
            };
        };
        if source.role == FileRole::Checked && source.name == "-" {
            return Artifact::Stdin;
        }
        let revision = (source.role == FileRole::Base)
            .then(|| source.name.split_once(':').map(|(revision, _)| revision))
            .flatten();
        let path = revision_path(sources, file);
        // Windows paths become URI-style; elsewhere a backslash is part of a file name.
        let path = if cfg!(windows) {
            path.replace('\\', "/")
        } else {
            path.to_owned()
        };
        Artifact::File { path, revision }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn file(text: &str) -> (SourceMap, FileId) {
        let mut sources = SourceMap::default();
        let id = sources.add("a.yaml".to_owned(), Arc::from(text), FileRole::Checked);
        (sources, id)
    }

    fn region(text: &str, start: usize, end: usize) -> Region {
        let (sources, id) = file(text);
        Region::of(sources.get(id).unwrap(), Span::new(id, start, end))
    }

    #[test]
    fn columns_count_utf16_code_units_and_the_end_is_exclusive() {
        // `😀` is one character, four bytes and two UTF-16 code units: `x` is the sixth
        // character but starts at UTF-16 column 7.
        let text = "a: 😀 x\nb: é y\n";
        let x = text.find('x').unwrap();
        assert_eq!(
            region(text, x, x + 1),
            Region {
                start_line: 1,
                start_column: 7,
                end_line: 1,
                end_column: 8
            }
        );
        let y = text.find('y').unwrap();
        assert_eq!(region(text, y, y + 1).start_column, 6);
        assert_eq!(region(text, y, y + 1).start_line, 2);
    }

    #[test]
    fn a_trailing_line_break_stays_on_its_line() {
        let text = "key: value\nnext: 1\n";
        let region = region(text, 0, 11);
        assert!(region.is_single_line());
        assert_eq!(region.end_column, 11);
    }

    #[test]
    fn offsets_inside_a_character_and_past_the_end_are_clamped() {
        let text = "é: 1";
        assert_eq!(region(text, 1, 99).start_column, 1);
        assert_eq!(region(text, 1, 99).end_column, 5);
    }

    #[test]
    fn base_files_name_their_path_and_revision() {
        let mut sources = SourceMap::default();
        let head = sources.add("./app/a.yaml".to_owned(), Arc::from(""), FileRole::Checked);
        let base = sources.add(
            "origin/main:app/a.yaml".to_owned(),
            Arc::from(""),
            FileRole::Base,
        );
        let stdin = sources.add("-".to_owned(), Arc::from(""), FileRole::Checked);
        assert_eq!(
            Artifact::of(&sources, head),
            Artifact::File {
                path: "app/a.yaml".to_owned(),
                revision: None
            }
        );
        assert_eq!(
            Artifact::of(&sources, base),
            Artifact::File {
                path: "app/a.yaml".to_owned(),
                revision: Some("origin/main")
            }
        );
        assert_eq!(Artifact::of(&sources, stdin), Artifact::Stdin);
        assert_eq!(line_text(sources.get(head).unwrap(), 0), "");
    }
}
