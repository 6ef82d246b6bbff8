//! Rule selectors: a code (`PVL201`, `acme/claim-size-limit`), a code prefix (`PVL2`, `PVL`), a
//! whole pack (`acme/`), a name (`pvc-storage-class-not-found`), a category (`suspicious`) or
//! `ALL`. Selectors are parsed against a [`Registry`], so pack rules can be selected once their
//! packs are loaded.

use crate::rules::{Category, Registry, Rule};

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    Prefix(String),
    Name(String),
    Category(Category),
    /// A pack rule's full code (`acme/claim-size-limit`).
    Code(String),
    /// Every rule of a pack (`acme/`).
    Pack(String),
}

impl Selector {
    /// Parses a selector; `None` when it selects no rule of `registry` at all.
    #[must_use]
    pub fn parse(text: &str, registry: &Registry) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Some(Selector::All);
        }
        if let Some(category) = Category::ALL.into_iter().find(|c| c.as_str() == text) {
            return Some(Selector::Category(category));
        }
        let upper = text.to_ascii_uppercase();
        let selector = if let Some(digits) = upper.strip_prefix("PVL")
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            Selector::Prefix(upper)
        } else if let Some(pack) = text.strip_suffix('/') {
            Selector::Pack(pack.to_owned())
        } else if text.contains('/') {
            Selector::Code(text.to_owned())
        } else {
            Selector::Name(text.to_owned())
        };
        registry
            .all()
            .any(|rule| selector.matches(rule))
            .then_some(selector)
    }

    #[must_use]
    pub fn matches(&self, rule: &Rule) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(prefix) => rule.code.starts_with(prefix.as_str()),
            Selector::Name(name) => rule.name == name,
            Selector::Category(category) => rule.category == *category,
            Selector::Code(code) => rule.code == code,
            Selector::Pack(pack) => rule.pack() == Some(pack.as_str()),
        }
    }

    /// How specific the selector is; more specific selectors win when they conflict.
    #[must_use]
    pub fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Category(_) => 1,
            Selector::Pack(_) => 2,
            Selector::Prefix(prefix) => 2 + prefix.len(),
            Selector::Name(_) | Selector::Code(_) => 100,
        }
    }
}
