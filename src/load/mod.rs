//! Load: what text did the user write, and where.
//!
//! Finds the files, reads them (the only place besides config discovery that touches the
//! filesystem), decodes them, and parses each into spanned documents in parallel. Problems in
//! the text are kept as facts on the file; the PVL0xx rules turn them into findings. Files
//! that cannot be read at all become [`InputError`]s.

pub mod discover;
pub mod document;
pub mod git;
pub mod kustomize;
pub mod scalar;
pub mod tree;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use discover::Excludes;
pub use document::Document;
use yaml::{Dialect, Limits, ParsedFile};

use crate::source::{FileId, FileRole, SourceMap, Span};

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Files and directories to check.
    pub paths: Vec<PathBuf>,
    /// The text of stdin, when `-` was given.
    pub stdin: Option<String>,
    /// Where the bytes of stdin stopped being UTF-8 (see [`decode`]).
    pub stdin_invalid_utf8_at: Option<usize>,
    /// Inputs that could not be read before loading began (stdin over `max-file-size`).
    pub errors: Vec<InputError>,
    /// `(name, text)` of files given with their text instead of read from disk (the fuzz
    /// targets check a repository in memory this way), checked like files of that name.
    pub texts: Vec<(String, String)>,
    /// Files and directories loaded only to resolve references (`--context`, `cluster.objects`).
    pub context: Vec<PathBuf>,
    /// The files of a base revision (`--base`), already read (from git).
    pub base: Option<Revision>,
}

/// The manifest files of one revision, read from git.
#[derive(Debug, Clone, Default)]
pub struct Revision {
    /// The revision as the user named it (`origin/main`).
    pub name: String,
    /// `(path relative to the working directory, text)` of each manifest file, sorted.
    pub files: Vec<(String, String)>,
}

/// Settings that shape loading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub excludes: Excludes,
    pub limits: Limits,
    /// Files larger than this are not parsed.
    pub max_file_bytes: u64,
    /// Follow symbolic links that lead outside the given roots (`--follow-symlinks`).
    pub follow_symlinks: bool,
}

/// A file or directory that could not be read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// A problem with the bytes of a file before YAML parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodingProblem {
    /// Not valid UTF-8; the span starts at the first bad byte.
    InvalidUtf8(Span),
}

/// One loaded file and what was parsed from it.
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    pub parsed: ParsedFile,
    pub encoding: Option<EncodingProblem>,
    /// Where Helm/Go template syntax makes the file unlintable as is.
    pub templated: Option<Span>,
    /// A kustomization lists this file as a patch: its documents are partial objects.
    pub is_patch: bool,
}

/// Everything loaded in one run.
#[derive(Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub files: Vec<LoadedFile>,
    pub errors: Vec<InputError>,
    /// Directories holding a `kustomization.yaml`.
    pub kustomize_directories: std::collections::BTreeSet<String>,
    /// How long discovery, reading and parsing took.
    pub timings: crate::timings::Timings,
}

impl Workspace {
    /// Every parsed document of the head revision (checked and context files), in file and
    /// document order.
    pub fn documents(&self) -> impl Iterator<Item = Document<'_>> {
        self.documents_where(|role| role != FileRole::Base)
    }

    /// Every parsed document of the base revision (`--base`).
    pub fn base_documents(&self) -> impl Iterator<Item = Document<'_>> {
        self.documents_where(|role| role == FileRole::Base)
    }

    fn documents_where(
        &self,
        keep: impl Fn(FileRole) -> bool,
    ) -> impl Iterator<Item = Document<'_>> {
        self.files
            .iter()
            .filter(move |file| {
                self.sources
                    .get(file.id)
                    .is_some_and(|source| keep(source.role))
            })
            .flat_map(|file| {
                file.parsed.documents.iter().filter_map(|document| {
                    Some(Document {
                        file: file.id,
                        span: document.span,
                        root: document.root.as_ref()?,
                        is_patch: file.is_patch,
                    })
                })
            })
    }

    /// The files a user applies together with `file`: its kustomize directory (kustomize
    /// applies a directory as a whole), else the file itself. Two plain files of one directory
    /// are alternatives (independent examples) as often as they are applied together, so
    /// they are separate units.
    #[must_use]
    pub fn apply_unit(&self, file: FileId) -> ApplyUnit<'_> {
        let name = self.sources.name(file);
        let directory = crate::source::directory_of(name);
        if name != "-" && self.kustomize_directories.contains(directory) {
            ApplyUnit::Directory(directory)
        } else {
            ApplyUnit::File(file)
        }
    }
}

/// The files that Kubernetes users apply as one ([`Workspace::apply_unit`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApplyUnit<'s> {
    File(FileId),
    /// A kustomize directory.
    Directory(&'s str),
}

struct ReadFile {
    name: String,
    text: String,
    role: FileRole,
    dialect: Dialect,
    invalid_utf8_at: Option<usize>,
}

/// Reads and parses everything the inputs name. `sources` may already hold files (the
/// config) whose ids must stay stable.
#[must_use]
pub fn load(inputs: &Inputs, options: &LoadOptions, sources: SourceMap) -> Workspace {
    let mut workspace = Workspace {
        sources,
        ..Workspace::default()
    };
    let mut reads: Vec<Result<ReadFile, InputError>> = Vec::new();
    for (name, path, text) in inputs.base.iter().flat_map(|base| {
        base.files
            .iter()
            .map(move |(path, text)| (format!("{}:{path}", base.name), path, text))
    }) {
        reads.push(Ok(ReadFile {
            name,
            text: text.clone(),
            role: FileRole::Base,
            dialect: dialect_of(Path::new(path)),
            invalid_utf8_at: None,
        }));
    }
    if let Some(text) = &inputs.stdin {
        reads.push(Ok(ReadFile {
            name: "-".to_owned(),
            text: text.clone(),
            role: FileRole::Checked,
            dialect: Dialect::Yaml,
            invalid_utf8_at: inputs.stdin_invalid_utf8_at,
        }));
    }
    workspace.errors.extend(inputs.errors.iter().cloned());
    for (name, text) in &inputs.texts {
        reads.push(Ok(ReadFile {
            name: name.clone(),
            text: text.clone(),
            role: FileRole::Checked,
            dialect: dialect_of(Path::new(name)),
            invalid_utf8_at: None,
        }));
    }
    for (roots, role) in [
        (&inputs.paths, FileRole::Checked),
        (&inputs.context, FileRole::Context),
    ] {
        let (paths, errors) = workspace.timings.time("discover", || {
            discover::discover(roots, &options.excludes, options.follow_symlinks)
        });
        workspace
            .errors
            .extend(errors.into_iter().map(|error| InputError {
                path: display_path(&error.path),
                message: error.message,
            }));
        workspace.timings.time("read", || {
            reads.par_extend(
                paths
                    .par_iter()
                    .map(|path| read_file(path, role, options.max_file_bytes)),
            );
        });
    }
    dedupe_context(&mut reads);

    let mut pending = Vec::new();
    for read in reads {
        match read {
            Ok(file) => {
                let text: Arc<str> = Arc::from(file.text);
                let id = workspace.sources.add(file.name, text.clone(), file.role);
                pending.push((id, text, file.dialect, file.invalid_utf8_at));
            }
            Err(error) => workspace.errors.push(error),
        }
    }
    workspace.files = workspace.timings.time("parse", || {
        pending
            .into_par_iter()
            .map(|(id, text, dialect, invalid_utf8_at)| {
                parse_file(id, &text, dialect, invalid_utf8_at, options.limits)
            })
            .collect()
    });
    let patches = kustomize::patch_files(&workspace);
    for file in &mut workspace.files {
        file.is_patch = patches.contains(&file.id);
    }
    workspace.kustomize_directories = kustomize::directories(&workspace);
    workspace
}

/// A file named both as a path to check and as context is checked.
fn dedupe_context(reads: &mut Vec<Result<ReadFile, InputError>>) {
    let checked: std::collections::HashSet<String> = reads
        .iter()
        .filter_map(|read| read.as_ref().ok())
        .filter(|file| file.role == FileRole::Checked)
        .map(|file| file.name.clone())
        .collect();
    reads.retain(|read| match read {
        Ok(file) => file.role == FileRole::Checked || !checked.contains(&file.name),
        Err(_) => true,
    });
}

fn parse_file(
    id: FileId,
    text: &str,
    dialect: Dialect,
    invalid_utf8_at: Option<usize>,
    limits: Limits,
) -> LoadedFile {
    let parsed = yaml::parse(id, text, dialect, limits);
    let templated = find_template_syntax(id, text, &parsed);
    LoadedFile {
        id,
        parsed,
        encoding: invalid_utf8_at.map(|at| EncodingProblem::InvalidUtf8(Span::new(id, at, at))),
        templated,
        is_patch: false,
    }
}

/// Template syntax that stops the file from being linted: Helm/Go templates, or a printf
/// (`%s`) or sed (`@NAME@`) placeholder where the YAML broke.
fn find_template_syntax(id: FileId, text: &str, parsed: &ParsedFile) -> Option<Span> {
    find_go_template(id, text, parsed).or_else(|| find_broken_placeholder(id, text, parsed))
}

/// Helm/Go template syntax: the first `{{` that is not text, i.e. not inside a scalar that
/// parsed (a quoted string, or a block scalar holding a config file or an alert template that
/// another tool renders later) and not inside a comment. Outside those, `{{` is either a
/// template action or the YAML that one broke (`{{ toYaml .x }}` even parses, as a mapping
/// with a mapping for a key, which no manifest means).
fn find_go_template(id: FileId, text: &str, parsed: &ParsedFile) -> Option<Span> {
    text.find("{{")?;
    let mut text_spans = scalar_spans(parsed);
    text_spans.extend(parsed.comments.iter().map(|comment| comment.span));
    text_spans.sort_unstable_by_key(|span| (span.start, span.end));
    let is_text = |at: usize| {
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        let before = text_spans.partition_point(|span| span.start <= at);
        // Scalars and comments do not overlap, so only the last one starting before `at` can
        // hold it.
        text_spans
            .get(..before)
            .and_then(<[Span]>::last)
            .is_some_and(|span| at < span.end)
    };
    let at = text
        .match_indices("{{")
        .map(|(at, _)| at)
        .find(|&at| !is_text(at))?;
    Some(Span::new(id, at, at + 2))
}

/// The spans of every scalar of the documents that parsed.
fn scalar_spans(parsed: &ParsedFile) -> Vec<Span> {
    let mut spans = Vec::new();
    for root in parsed
        .documents
        .iter()
        .filter_map(|document| document.root.as_ref())
    {
        root.walk(&mut |node| {
            if node.as_scalar().is_some() && !node.span.is_empty() {
                spans.push(node.span);
            }
        });
    }
    spans
}

/// A syntax error that sits on a placeholder of a text template rather than on a YAML mistake:
/// `name: %s` (a Go `fmt.Sprintf` template) or `name: @NAME@` (a sed template). `%` and `@`
/// cannot start a plain scalar, so such files never parse as they are.
fn find_broken_placeholder(id: FileId, text: &str, parsed: &ParsedFile) -> Option<Span> {
    parsed.problems.iter().find_map(|problem| {
        let yaml::ParseProblem::Syntax { span, .. } = problem else {
            return None;
        };
        let at = span.start as usize;
        let len = placeholder_len(text.get(at..)?)?;
        Some(Span::new(id, at, at + len))
    })
}

/// The length of a printf verb (`%s`, `%[1]d`) or a sed placeholder (`@NAME@`) at the start of
/// `rest`.
fn placeholder_len(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    match bytes.first()? {
        b'%' => {
            let mut at = 1;
            if bytes.get(at) == Some(&b'[') {
                let close = rest.get(at..)?.find(']')?;
                at += close + 1;
            }
            // A verb is one letter; `%YAML` and `%TAG` are directives.
            let verb = bytes.get(at).is_some_and(u8::is_ascii_alphabetic);
            let word_ends = !bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric);
            (verb && word_ends).then_some(at + 1)
        }
        b'@' => {
            let name = rest.get(1..)?;
            let end = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            (end > 0 && name.get(end..)?.starts_with('@')).then_some(end + 2)
        }
        _ => None,
    }
}

fn read_file(path: &Path, role: FileRole, max_bytes: u64) -> Result<ReadFile, InputError> {
    let name = display_path(path);
    let error = |message: String| InputError {
        path: name.clone(),
        message,
    };
    let bytes = read_bytes(path, max_bytes).map_err(error)?;
    let (text, invalid_utf8_at) = decode(bytes);
    Ok(ReadFile {
        name,
        text,
        role,
        dialect: dialect_of(path),
        invalid_utf8_at,
    })
}

/// JSON files are read with JSON's scalar rules, everything else as YAML 1.1.
fn dialect_of(path: &Path) -> Dialect {
    if path.extension().is_some_and(|ext| ext == "json") {
        Dialect::Json
    } else {
        Dialect::Yaml
    }
}

/// The bytes of a regular file, at most `max_bytes` of them (0: no limit). A FIFO or a device
/// is refused before it is opened (opening a FIFO waits for a writer), and the limit holds
/// while reading, so a file that grows after it was measured is still bounded.
fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let too_large = |size: u64| {
        format!(
            "file is {size} bytes, larger than the limit of {max_bytes} bytes (`max-file-size`)"
        )
    };
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err(format!(
            "not a regular file ({})",
            file_type_name(&metadata)
        ));
    }
    let limit = if max_bytes == 0 { u64::MAX } else { max_bytes };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(too_large(read));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, for messages.
fn file_type_name(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Decodes UTF-8 (and UTF-16 with a byte-order mark, as YAML allows). Invalid UTF-8 is kept
/// lossily so the problem can be shown in context; the offset of the first bad byte is returned.
#[must_use]
pub fn decode(bytes: Vec<u8>) -> (String, Option<usize>) {
    if let Some(text) = decode_utf16(&bytes) {
        return (text, None);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            (
                String::from_utf8_lossy(error.as_bytes()).into_owned(),
                Some(at),
            )
        }
    }
}

fn decode_utf16(bytes: &[u8]) -> Option<String> {
    type FromBytes = fn([u8; 2]) -> u16;
    let (rest, from_bytes): (&[u8], FromBytes) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => (rest, u16::from_be_bytes),
        _ => return None,
    };
    let units = rest
        .chunks_exact(2)
        .map(|pair| from_bytes([pair[0], pair[1]]));
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// A path as shown to users: relative to the working directory when possible, `./` removed.
#[must_use]
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let shown = relative.to_string_lossy().into_owned();
    shown
        .strip_prefix("./")
        .map_or(shown.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_of_text_templates_are_recognised() {
        assert_eq!(placeholder_len("%s\n"), Some(2));
        assert_eq!(placeholder_len("%[1]d-x"), Some(5));
        assert_eq!(placeholder_len("@STS_NAME@ x"), Some(10));
        assert_eq!(placeholder_len("%"), None);
        assert_eq!(placeholder_len("%YAML 1.2"), None);
        assert_eq!(placeholder_len("@@"), None);
        assert_eq!(placeholder_len("@user"), None);
        assert_eq!(placeholder_len("[1, 2"), None);
    }
}
