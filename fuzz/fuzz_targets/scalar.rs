//! Scalar resolution (YAML 1.1 as go-yaml v2, and JSON): any text resolves without panicking,
//! and whatever resolves renders as JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pvlint::load::scalar::{resolve_json_plain, resolve_plain};

fuzz_target!(|text: &str| {
    for value in [resolve_plain(text), resolve_json_plain(text)] {
        let _ = value.type_name();
        if let Some(json) = value.json_text() {
            assert!(!json.is_empty());
        }
    }
});
