//! Runs pvlint with its default rules over the real-world corpus in `../shared/data/corpus`
//! (1,600 manifest files from eleven public repositories) and snapshots every finding, so that
//! each change in what pvlint reports on real repositories is visible in review.

#![allow(clippy::unwrap_used, reason = "a test: failures should be loud")]

use std::fmt::Write;
use std::path::Path;

use pvlint::load::Inputs;
use pvlint::settings::Settings;
use pvlint::source::SourceMap;

#[test]
fn corpus_findings() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/corpus");
    assert!(
        corpus.is_dir(),
        "the corpus is expected beside the repository at {}",
        corpus.display()
    );
    let inputs = Inputs {
        paths: vec![corpus.clone()],
        ..Inputs::default()
    };
    let result = pvlint::check(&inputs, &Settings::default(), SourceMap::default());
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert!(
        result.files_checked > 1_500,
        "only {} files",
        result.files_checked
    );

    let mut counts = std::collections::BTreeMap::new();
    let mut lines = String::new();
    for diagnostic in &result.diagnostics {
        *counts.entry(diagnostic.code).or_insert(0) += 1;
        let file = result.sources.get(diagnostic.span.file).unwrap();
        let position = file.position(diagnostic.span.start);
        let name = file.name.rsplit("corpus/").next().unwrap_or(&file.name);
        writeln!(
            lines,
            "{name}:{}:{} {} {}",
            position.line, position.column, diagnostic.code, diagnostic.message
        )
        .unwrap();
    }
    let mut summary = format!(
        "{} files, {} findings\n",
        result.files_checked,
        result.diagnostics.len()
    );
    for (code, count) in counts {
        writeln!(summary, "{code}: {count}").unwrap();
    }
    insta::assert_snapshot!("corpus_summary", summary);
    insta::assert_snapshot!("corpus_findings", lines);
}
