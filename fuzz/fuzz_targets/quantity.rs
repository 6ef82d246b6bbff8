//! The quantity parser and arithmetic: any text parses or fails without panicking, and a
//! quantity's canonical rendering parses back to an equal quantity (its documented promise).

#![no_main]

use libfuzzer_sys::fuzz_target;
use pvlint::model::Quantity;

fuzz_target!(|text: &str| {
    let (left, right) = text.split_once('|').unwrap_or((text, "1Gi"));
    let Ok(quantity) = Quantity::parse(left) else {
        return;
    };
    let _ = (
        quantity.ceil_integer(),
        quantity.is_whole_number(),
        quantity.signum(),
    );
    let canonical = quantity.to_canonical_string();
    let again = Quantity::parse(&canonical).expect("the canonical rendering parses");
    assert_eq!(
        again.cmp(&quantity),
        std::cmp::Ordering::Equal,
        "`{left}` → `{canonical}`"
    );
    if let Ok(other) = Quantity::parse(right) {
        let _ = quantity.checked_add(&other);
        let _ = quantity.cmp(&other);
    }
});
