//! The fixture harness shared by the built-in rules' fixtures (`tests/fixtures.rs`) and
//! `pvlint test-rules` (rule packs' own tests): `# expect: CODE` markers say which findings a
//! `fail` case must produce, and where; a `pass` case must produce none.
//!
//! A marker is a comment `# expect: CODE[, CODE…]` on the line where the finding's primary span
//! starts; codes are built-in (`PVL201`) or pack codes (`acme/claim-size-limit`). Markers are
//! read from the checked files (and, with a base revision, the base files) of the run itself,
//! so this module reads no file.

use std::collections::BTreeSet;

use crate::CheckResult;
use crate::report::{self, Format, HumanStyle};
use crate::source::{FileRole, SourceMap};

/// A finding's place and code: `(file name, line, code)`.
pub type Expectation = (String, usize, String);

/// Adds the markers of `text`, expected in the file named `name`.
pub fn markers(text: &str, name: &str, expected: &mut BTreeSet<Expectation>) {
    for (at, line) in text.lines().enumerate() {
        let Some((_, marker)) = line.split_once("# expect:") else {
            continue;
        };
        for code in marker
            .split([',', ' '])
            .map(str::trim)
            .filter(|code| code.starts_with("PVL") || code.contains('/'))
        {
            expected.insert((name.to_owned(), at + 1, code.to_owned()));
        }
    }
}

/// The markers of every checked and base file of a run.
#[must_use]
pub fn expectations(sources: &SourceMap) -> BTreeSet<Expectation> {
    let mut expected = BTreeSet::new();
    for (_, file) in sources.iter() {
        if matches!(file.role, FileRole::Checked | FileRole::Base) {
            markers(&file.text, &file.name, &mut expected);
        }
    }
    expected
}

/// Where each finding of a run starts, with its code.
#[must_use]
pub fn findings(result: &CheckResult) -> BTreeSet<Expectation> {
    result
        .diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let file = result.sources.get(diagnostic.span.file)?;
            let line = file.position(diagnostic.span.start).line;
            Some((file.name.clone(), line, diagnostic.code.to_owned()))
        })
        .collect()
}

/// The human rendering of a run's findings: no colour, 100 columns (what snapshots hold).
#[must_use]
pub fn render(result: &CheckResult) -> String {
    let mut rendered = Vec::new();
    let style = HumanStyle {
        color: false,
        width: 100,
    };
    let links = report::markdown::LinkBase::default();
    if report::write(result, Format::Human, style, &links, &mut rendered).is_err() {
        return String::new();
    }
    String::from_utf8_lossy(&rendered).into_owned()
}

/// Judges one case: a `pass` case must have no findings; a `fail` case must have markers, and
/// exactly the findings they mark. On success, the rendering; on failure, what differs.
pub fn judge(result: &CheckResult, fail_case: bool) -> Result<String, String> {
    let rendered = render(result);
    if !result.errors.is_empty() {
        let errors: Vec<String> = result
            .errors
            .iter()
            .map(|error| format!("{}: {}", error.path, error.message))
            .collect();
        return Err(format!("input errors: {}", errors.join("; ")));
    }
    if !fail_case {
        return if result.diagnostics.is_empty() {
            Ok(rendered)
        } else {
            Err(format!("expected no findings, got:\n{rendered}"))
        };
    }
    let expected = expectations(&result.sources);
    if expected.is_empty() {
        return Err("fail case has no `# expect:` markers".to_owned());
    }
    let actual = findings(result);
    if expected != actual {
        let missing: Vec<_> = expected.difference(&actual).collect();
        let unexpected: Vec<_> = actual.difference(&expected).collect();
        return Err(format!(
            "markers and findings differ\n  missing:    {missing:?}\n  unexpected: {unexpected:?}\n\n{rendered}"
        ));
    }
    Ok(rendered)
}
