//! The whole `check` pipeline on a repository of up to four files held in memory, every rule
//! enabled, rendered in every output format: no input makes it panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pvlint::load::Inputs;
use pvlint::report::{self, Format, HumanStyle};
use pvlint::settings::{RuleSelection, Settings};
use pvlint::source::SourceMap;

fuzz_target!(|text: &str| {
    let inputs = Inputs {
        texts: pvlint_fuzz::files(text),
        ..Inputs::default()
    };
    let mut settings = Settings::default();
    settings.rules = RuleSelection {
        select: pvlint::rules::selector::Selector::parse("ALL", &settings.registry).map(|all| vec![all]),
        ..RuleSelection::default()
    }
    .resolve(&settings.registry);
    let result = pvlint::check(&inputs, &settings, SourceMap::default());
    assert!(
        result.internal_errors.is_empty(),
        "{:?}",
        result.internal_errors
    );
    let style = HumanStyle {
        color: false,
        width: 100,
    };
    let links = report::markdown::LinkBase::from_github(|_| None);
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
    ] {
        let mut out = Vec::new();
        report::write(&result, format, style, &links, &mut out).expect("writing to memory");
    }
});
