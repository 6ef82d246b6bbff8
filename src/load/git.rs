//! Reading a revision's manifests straight from git objects, without a checkout and without
//! touching the work tree: `git ls-tree` lists the files under the given paths, and one
//! `git cat-file --batch` reads them all. The same discovery rules as the work tree apply:
//! manifest extensions, no hidden directories, the config's `exclude:` globs. Files git tracks
//! are not subject to `.gitignore`.
//!
//! The git command-line tool is used rather than a library: it is on every machine that has a
//! repository to compare, it understands every revision syntax users type, and it keeps the
//! build small.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::load::Revision;
use crate::load::discover::{Excludes, is_manifest};

/// Why a revision could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GitError {
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl GitError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Reads the manifests under `roots` (paths as given on the command line, relative to `cwd`)
/// at `revision`.
pub fn read_revision(
    cwd: &Path,
    revision: &str,
    roots: &[PathBuf],
    excludes: &Excludes,
) -> Result<Revision, GitError> {
    let inside = git(cwd, &["rev-parse", "--is-inside-work-tree"]).map_err(|error| {
        GitError::new(format!(
            "`--base {revision}` needs a git repository: {}",
            error.message
        ))
        .hint("run pvlint inside the repository, or leave out `--base`")
    })?;
    if inside.trim() != "true" {
        return Err(GitError::new(format!(
            "`--base {revision}` needs a git work tree"
        )));
    }
    let commit = format!("{revision}^{{commit}}");
    if git(cwd, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        let shallow = git(cwd, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|answer| answer.trim() == "true");
        let error = GitError::new(format!("unknown revision `{revision}`"));
        return Err(if shallow {
            error.hint(
                "this is a shallow clone, which may not hold the base commit: fetch the history \
                 (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)",
            )
        } else {
            error.hint("name a branch, tag or commit; in a pull request, the merge base with the target branch")
        });
    }
    let mut args = vec!["ls-tree", "-r", "-z", "--name-only", revision, "--"];
    let root_args: Vec<String> = roots
        .iter()
        .map(|root| root.to_string_lossy().into_owned())
        .collect();
    args.extend(root_args.iter().map(String::as_str));
    let listing = git(cwd, &args)?;
    let named: Vec<&Path> = roots.iter().map(PathBuf::as_path).collect();
    let mut paths: Vec<String> = listing
        .split('\0')
        .filter(|path| !path.is_empty())
        .filter(|path| {
            let path = Path::new(path);
            let named_directly = named.contains(&path);
            named_directly || (is_manifest(path) && !is_hidden(path) && !excludes.matches(path))
        })
        .map(str::to_owned)
        .collect();
    paths.sort();
    paths.dedup();
    let texts = cat_files(cwd, revision, &paths)?;
    Ok(Revision {
        name: revision.to_owned(),
        files: paths.into_iter().zip(texts).collect(),
    })
}

fn is_hidden(path: &Path) -> bool {
    path.components().any(|component| {
        let name = component.as_os_str().to_string_lossy();
        name.starts_with('.') && name != "." && name != ".."
    })
}

/// Runs git in `cwd` and returns its standard output.
fn git(cwd: &Path, args: &[&str]) -> Result<String, GitError> {
    let output = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| GitError::new(format!("cannot run git: {error}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(GitError::new(stderr.trim().to_owned()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The texts of `paths` (relative to `cwd`) at `revision`, in order, through one
/// `git cat-file --batch`.
fn cat_files(cwd: &Path, revision: &str, paths: &[String]) -> Result<Vec<String>, GitError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| GitError::new(format!("cannot run git: {error}")))?;
    let mut requests = String::new();
    for path in paths {
        let _ = writeln!(requests, "{revision}:./{path}");
    }
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| GitError::new("cannot write to git cat-file"))?;
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| GitError::new("cannot read from git cat-file"))?;
    let mut reader = BufReader::new(stdout);
    let mut texts = Vec::with_capacity(paths.len());
    for path in paths {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|error| GitError::new(format!("reading `{path}` from git: {error}")))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|size| size.parse().ok())
            .ok_or_else(|| GitError::new(format!("git could not read `{path}` at `{revision}`")))?;
        let mut bytes = vec![0; size + 1];
        reader
            .read_exact(&mut bytes)
            .map_err(|error| GitError::new(format!("reading `{path}` from git: {error}")))?;
        bytes.pop();
        texts.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(texts)
}
