//! The panic safety net: a rule that panics despite everything is reported as an internal
//! error naming the rule and the object it was checking, and the run goes on with the other
//! objects and rules.
//!
//! The default panic hook would print a backtrace on stderr in the middle of the output. A hook
//! installed once delegates to the previous one except on threads that are running a rule, so
//! panics elsewhere (and in tests) are printed as before.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A rule that panicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalError {
    /// The rule's code.
    pub rule: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// What the rule was checking (`PersistentVolumeClaim apps/data`, a file name), when known.
    pub object: Option<String>,
    /// The panic's message.
    pub message: String,
}

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule `{}` {} failed", self.rule, self.name)?;
        if let Some(object) = &self.object {
            write!(f, " on {object}")?;
        }
        write!(f, ": {}", self.message)
    }
}

thread_local! {
    static IN_RULE: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();

/// Runs `check`, turning a panic into an [`InternalError`] built by `describe`.
pub(crate) fn guarded(
    check: impl FnOnce(),
    describe: impl FnOnce(String) -> InternalError,
) -> Result<(), InternalError> {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_RULE.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was_in_rule = IN_RULE.with(|flag| flag.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(check));
    IN_RULE.with(|flag| flag.set(was_in_rule));
    outcome.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panicked".to_owned());
        describe(message)
    })
}

/// The test hook behind the hidden `--debug-panic-in RULE` option: the named rule panics on
/// everything it checks, so the tests can watch the safety net work in the real binary.
pub(crate) fn debug_panic(rule: &str, wanted: Option<&str>) {
    // `panic_any` rather than `panic!`: a panic on request is this hook's whole purpose, and
    // it is inert unless the hidden option names a rule.
    if wanted == Some(rule) {
        std::panic::panic_any(format!(
            "deliberate panic requested by `--debug-panic-in {rule}`"
        ));
    }
}
