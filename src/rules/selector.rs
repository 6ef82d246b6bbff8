//! Rule selectors: a code (`PVL201`), a code prefix (`PVL2`, `PVL`), a name
//! (`pvc-storage-class-not-found`), a category (`suspicious`) or `ALL`.

use crate::rules::{ALL, Category, Rule};

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    Prefix(String),
    Name(String),
    Category(Category),
}

impl Selector {
    /// Parses a selector; `None` when it selects no rule at all.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Some(Selector::All);
        }
        if let Some(category) = Category::ALL.into_iter().find(|c| c.as_str() == text) {
            return Some(Selector::Category(category));
        }
        let upper = text.to_ascii_uppercase();
        if upper.starts_with("PVL") && upper[3..].chars().all(|c| c.is_ascii_digit()) {
            let selector = Selector::Prefix(upper);
            return ALL
                .iter()
                .any(|rule| selector.matches(rule))
                .then_some(selector);
        }
        ALL.iter()
            .any(|rule| rule.name == text)
            .then(|| Selector::Name(text.to_owned()))
    }

    #[must_use]
    pub fn matches(&self, rule: &Rule) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(prefix) => rule.code.starts_with(prefix.as_str()),
            Selector::Name(name) => rule.name == name,
            Selector::Category(category) => rule.category == *category,
        }
    }

    /// How specific the selector is; more specific selectors win when they conflict.
    #[must_use]
    pub fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Category(_) => 1,
            Selector::Prefix(prefix) => 2 + prefix.len(),
            Selector::Name(_) => 100,
        }
    }
}
