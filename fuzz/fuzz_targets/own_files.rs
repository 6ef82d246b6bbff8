//! The loaders of pvlint's own files: the config, backend models, custom-resource schemas and
//! rule packs. Any text is accepted or rejected with a located error, never a panic.
//!
//! A pack that compiles leaks its rules (they live as long as the process, see
//! `pvlint::policy`); the few kilobytes per accepted pack stay far inside libFuzzer's RSS limit
//! over a campaign of hours.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pvlint::policy::{Origin, PackFile};
use pvlint::provision::Backends;
use pvlint::schema::UserSchemas;
use pvlint::settings::Settings;
use pvlint::source::{FileRole, SourceMap};

fuzz_target!(|text: &str| {
    let mut sources = SourceMap::default();
    let id = sources.add("fuzz.yaml".to_owned(), text.into(), FileRole::Config);
    if let Ok(config) = pvlint::config::parse(&sources, id, Path::new(".")) {
        let _ = config.apply(&mut Settings::default(), Path::new("."));
    }
    let _ = Backends::load(&sources, &[id]);
    let _ = UserSchemas::load(&sources, &[id], 35);
    let pack = PackFile {
        file: id,
        origin: Origin::Named,
        named_at: None,
    };
    let _ = pvlint::policy::compile(&sources, &[pack], &[]);
});
