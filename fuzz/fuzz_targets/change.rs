//! The change rules (PR mode): a base and a head revision of up to four files each, held in
//! memory, compared with every rule enabled, with and without `--new-only`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pvlint::load::{Inputs, Revision};
use pvlint::settings::{RuleSelection, Settings};
use pvlint::source::SourceMap;

/// The line between the base files and the head files.
const REVISIONS: &str = "\n#===8<===\n";

fuzz_target!(|text: &str| {
    let (base, head) = text.split_once(REVISIONS).unwrap_or((text, ""));
    let inputs = Inputs {
        texts: pvlint_fuzz::files(head),
        base: Some(Revision {
            name: "base".to_owned(),
            files: pvlint_fuzz::files(base),
        }),
        ..Inputs::default()
    };
    let mut settings = Settings::default();
    settings.rules = RuleSelection {
        select: pvlint::rules::selector::Selector::parse("ALL", &settings.registry).map(|all| vec![all]),
        ..RuleSelection::default()
    }
    .resolve(&settings.registry);
    for new_only in [false, true] {
        settings.new_only = new_only;
        let result = pvlint::check(&inputs, &settings, SourceMap::default());
        assert!(
            result.internal_errors.is_empty(),
            "{:?}",
            result.internal_errors
        );
    }
});
