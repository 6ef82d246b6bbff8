//! The loaders of pvlint's own files: the config, backend models and custom-resource schemas.
//! Any text is accepted or rejected with a located error, never a panic.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pvlint::provision::Backends;
use pvlint::schema::UserSchemas;
use pvlint::settings::Settings;
use pvlint::source::{FileRole, SourceMap};

fuzz_target!(|text: &str| {
    let mut sources = SourceMap::default();
    let id = sources.add("fuzz.yaml".to_owned(), text.into(), FileRole::Config);
    if let Ok(config) = pvlint::config::parse(&sources, id, Path::new(".")) {
        config.apply(&mut Settings::default(), Path::new("."));
    }
    let _ = Backends::load(&sources, &[id]);
    let _ = UserSchemas::load(&sources, &[id], 35);
});
