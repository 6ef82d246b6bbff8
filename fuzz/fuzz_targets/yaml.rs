//! The YAML loader and the span tree: any text parses without panicking, in both dialects,
//! every span lies inside the text on character boundaries, and the tree's lookups hold up.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pvlint::load::yaml::{self, Dialect, Limits};
use pvlint::source::{FileId, SourceMap};

fuzz_target!(|data: &[u8]| {
    let (text, _) = pvlint::load::decode(data.to_vec());
    let mut sources = SourceMap::default();
    let id: FileId = sources.add(
        "fuzz.yaml".to_owned(),
        text.as_str().into(),
        pvlint::source::FileRole::Checked,
    );
    for dialect in [Dialect::Yaml, Dialect::Json] {
        let parsed = yaml::parse(id, &text, dialect, Limits::default());
        for document in &parsed.documents {
            check_span(&text, document.span);
            let Some(root) = &document.root else { continue };
            root.walk(&mut |node| {
                check_span(&text, node.span);
                let _ = root.field_path(node.span);
            });
        }
        for comment in &parsed.comments {
            check_span(&text, comment.span);
        }
    }
});

fn check_span(text: &str, span: pvlint::source::Span) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside the text"
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} splits a character"
    );
}
