//! Kubernetes name formats (SEMANTICS §3.1): DNS-1123 subdomains (object names, class names)
//! and DNS-1123 labels (pod volume names). Pure string checks that say *why* a name is invalid;
//! callers decide which format a field needs and skip placeholders.

use std::fmt;

/// Longest DNS-1123 subdomain.
pub const MAX_SUBDOMAIN: usize = 253;
/// Longest DNS-1123 label.
pub const MAX_LABEL: usize = 63;

/// The first reason a name breaks its format, in the order a user fixes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong {
        length: usize,
        max: usize,
    },
    UpperCase,
    /// A `.` in a DNS-1123 label.
    Dot,
    /// A character outside `[a-z0-9.-]`.
    Character(char),
    /// Two dots in a row, or a dot at either end.
    EmptyPart,
    /// A name (or dot-separated part) that starts with something other than a letter or digit.
    Start(char),
    /// A name (or dot-separated part) that ends with something other than a letter or digit.
    End(char),
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Empty => f.write_str("it is empty"),
            NameProblem::TooLong { length, max } => {
                write!(f, "it is {length} characters long, more than {max}")
            }
            NameProblem::UpperCase => f.write_str("it contains upper-case letters"),
            NameProblem::Dot => f.write_str("it contains `.`"),
            NameProblem::Character(' ') => f.write_str("it contains a space"),
            NameProblem::Character(c) => write!(f, "it contains `{c}`"),
            NameProblem::EmptyPart => f.write_str("it has an empty part between dots"),
            NameProblem::Start(c) => write!(f, "it starts with `{c}`"),
            NameProblem::End(c) => write!(f, "it ends with `{c}`"),
        }
    }
}

/// Why `name` is not a DNS-1123 subdomain (≤ 253 characters, dot-separated parts of lower-case
/// letters, digits and `-` that start and end with a letter or digit), or `None` if it is one.
#[must_use]
pub fn dns_subdomain_problem(name: &str) -> Option<NameProblem> {
    common_problem(name, MAX_SUBDOMAIN).or_else(|| name.split('.').find_map(label_shape_problem))
}

/// Why `name` is not a DNS-1123 label (a subdomain part: ≤ 63 characters, no dots), or `None`.
#[must_use]
pub fn dns_label_problem(name: &str) -> Option<NameProblem> {
    common_problem(name, MAX_LABEL)
        .or_else(|| name.contains('.').then_some(NameProblem::Dot))
        .or_else(|| label_shape_problem(name))
}

/// A valid DNS-1123 subdomain close to `name` (lower-cased, other characters replaced by `-`),
/// to suggest as a fix; `None` when nothing sensible is left.
#[must_use]
pub fn suggest_subdomain(name: &str) -> Option<String> {
    let parts: Vec<String> = name
        .split('.')
        .map(sanitize_label)
        .filter(|part| !part.is_empty())
        .collect();
    let suggestion = parts.join(".");
    (dns_subdomain_problem(&suggestion).is_none()).then_some(suggestion)
}

/// A valid DNS-1123 label close to `name` (dots become `-`), or `None`.
#[must_use]
pub fn suggest_label(name: &str) -> Option<String> {
    let suggestion = sanitize_label(name);
    (dns_label_problem(&suggestion).is_none()).then_some(suggestion)
}

/// Emptiness, length, case and characters, shared by both formats (`.` allowed here).
fn common_problem(name: &str, max: usize) -> Option<NameProblem> {
    if name.is_empty() {
        return Some(NameProblem::Empty);
    }
    let length = name.chars().count();
    if length > max {
        return Some(NameProblem::TooLong { length, max });
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(NameProblem::UpperCase);
    }
    name.chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'))
        .map(NameProblem::Character)
}

/// The shape of one part: non-empty, starting and ending with a letter or digit.
fn label_shape_problem(part: &str) -> Option<NameProblem> {
    let alphanumeric = |c: &char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let (Some(first), Some(last)) = (part.chars().next(), part.chars().next_back()) else {
        return Some(NameProblem::EmptyPart);
    };
    if !alphanumeric(&first) {
        return Some(NameProblem::Start(first));
    }
    if !alphanumeric(&last) {
        return Some(NameProblem::End(last));
    }
    None
}

fn sanitize_label(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut collapsed = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    collapsed
        .trim_matches('-')
        .chars()
        .take(MAX_LABEL)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_subdomains() {
        for name in [
            "a",
            "data",
            "fast-ssd",
            "gp3.example.com",
            "0",
            "a-b.c-d",
            "a1.2b",
        ] {
            assert_eq!(dns_subdomain_problem(name), None, "{name}");
        }
        assert_eq!(dns_subdomain_problem(&"a".repeat(253)), None);
        // Parts of a subdomain are not limited to 63 characters.
        assert_eq!(dns_subdomain_problem(&"a".repeat(100)), None);
    }

    #[test]
    fn invalid_subdomains_say_why() {
        assert_eq!(dns_subdomain_problem(""), Some(NameProblem::Empty));
        assert_eq!(
            dns_subdomain_problem(&"a".repeat(254)),
            Some(NameProblem::TooLong {
                length: 254,
                max: 253
            })
        );
        assert_eq!(dns_subdomain_problem("Fast"), Some(NameProblem::UpperCase));
        assert_eq!(
            dns_subdomain_problem("fast_ssd"),
            Some(NameProblem::Character('_'))
        );
        assert_eq!(
            dns_subdomain_problem("fast ssd"),
            Some(NameProblem::Character(' '))
        );
        assert_eq!(dns_subdomain_problem("a..b"), Some(NameProblem::EmptyPart));
        assert_eq!(dns_subdomain_problem(".a"), Some(NameProblem::EmptyPart));
        assert_eq!(dns_subdomain_problem("a."), Some(NameProblem::EmptyPart));
        assert_eq!(dns_subdomain_problem("-a"), Some(NameProblem::Start('-')));
        assert_eq!(dns_subdomain_problem("a-"), Some(NameProblem::End('-')));
        assert_eq!(dns_subdomain_problem("a.-b"), Some(NameProblem::Start('-')));
        assert_eq!(dns_subdomain_problem("a-.b"), Some(NameProblem::End('-')));
        assert_eq!(
            dns_subdomain_problem("données"),
            Some(NameProblem::Character('é'))
        );
    }

    #[test]
    fn labels_allow_no_dots_and_63_characters() {
        assert_eq!(dns_label_problem("data-1"), None);
        assert_eq!(dns_label_problem(&"a".repeat(63)), None);
        assert_eq!(dns_label_problem("config.d"), Some(NameProblem::Dot));
        assert_eq!(
            dns_label_problem(&"a".repeat(64)),
            Some(NameProblem::TooLong {
                length: 64,
                max: 63
            })
        );
        assert_eq!(dns_label_problem("Data.Vol"), Some(NameProblem::UpperCase));
        assert_eq!(
            dns_label_problem("data_vol"),
            Some(NameProblem::Character('_'))
        );
        assert_eq!(dns_label_problem("-data"), Some(NameProblem::Start('-')));
        assert_eq!(dns_label_problem(""), Some(NameProblem::Empty));
    }

    #[test]
    fn problems_read_as_reasons() {
        assert_eq!(
            NameProblem::TooLong {
                length: 70,
                max: 63
            }
            .to_string(),
            "it is 70 characters long, more than 63"
        );
        assert_eq!(NameProblem::Character('_').to_string(), "it contains `_`");
    }

    #[test]
    fn suggestions_are_valid_names() {
        assert_eq!(suggest_subdomain("Fast_SSD").as_deref(), Some("fast-ssd"));
        assert_eq!(suggest_subdomain("a..b").as_deref(), Some("a.b"));
        assert_eq!(suggest_subdomain("-x-").as_deref(), Some("x"));
        assert_eq!(suggest_subdomain("___"), None);
        assert_eq!(suggest_label("config.d").as_deref(), Some("config-d"));
        assert_eq!(suggest_label("My Volume").as_deref(), Some("my-volume"));
        assert_eq!(suggest_label(&"a".repeat(70)).map(|s| s.len()), Some(63));
    }
}
