use crate::model::claim::{QuantityField, QuantityValue};
use crate::model::quantity::{Quantity, QuantityError};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a resource quantity that Kubernetes cannot parse (`10GB`, `10gi`, `1.5.0Gi`,
    /// `10 Gi`, an empty string, a boolean). Every key is checked in:
    /// - `spec.resources.requests` and `spec.resources.limits` of PersistentVolumeClaims,
    ///   StatefulSet `volumeClaimTemplates` and ephemeral volume claim templates;
    /// - `spec.capacity` of PersistentVolumes;
    /// - `spec.hard` of ResourceQuotas;
    /// - `max`, `min`, `default`, `defaultRequest` and `maxLimitRequestRatio` of every
    ///   LimitRange `spec.limits` item.
    ///
    /// A quantity is an optional sign, a number with at most one `.`, and one suffix: `Ki`,
    /// `Mi`, `Gi`, `Ti`, `Pi`, `Ei` (powers of 1024), `n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`,
    /// `E` (powers of 1000) or an exponent such as `e3`. Suffixes are case-sensitive, and
    /// there is no `B`. An unquoted YAML number is read the way Kubernetes receives it, as a
    /// JSON number: `017` is octal, so 15.
    ///
    /// ## Why is this bad?
    /// The quantity is parsed while the request body is decoded, before any validation, so
    /// the API server rejects the whole object (`quantities must match the regular expression
    /// ...`). A StatefulSet with a bad claim template, or a ResourceQuota with one bad value, is
    /// rejected just the same.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10GB } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// A value without any digit (`teststorage`, `SIZE`, `<size>`) is taken for a token that a
    /// script substitutes before applying, like a `${VAR}` placeholder, and is not reported.
    /// Container `resources` are not checked. Surrounding whitespace in a quoted value
    /// (`" 10Gi "`) is accepted, as Kubernetes trims it; whitespace inside is not.
    ///
    /// ## Related
    /// - `PVL011` (fractional-byte-quantity): a valid quantity that is not a whole number of
    ///   bytes.
    ///
    /// ## References
    /// - [Kubernetes: Resource quantities](https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/)
    pub(crate) static RULE = Rule {
        code: "PVL010",
        name: "invalid-quantity",
        category: Category::Correctness,
        summary: "a quantity that Kubernetes cannot parse",
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    for list in resource_lists(object, cx.index) {
        for entry in list.as_mapping().unwrap_or_default() {
            if let Some(field) = QuantityField::read(&entry.value) {
                report(&field, &entry.value, cx);
            }
        }
    }
}

/// The `ResourceList` mappings of an object whose values are quantities.
fn resource_lists<'a>(object: &Object<'a>, index: &Index<'a>) -> Vec<&'a Node> {
    let mut lists = Vec::new();
    for claim in index.claims_of(object) {
        if let Some(resources) = claim.spec.node.and_then(|spec| spec.get("resources")) {
            lists.extend(["requests", "limits"].map(|key| resources.get(key)));
        }
    }
    if let ObjectKind::Volume(volume) = &object.kind {
        lists.push(volume.spec.and_then(|spec| spec.get("capacity")));
    }
    let spec = object.meta.root.get("spec");
    match (object.meta.api_version.value, object.meta.kind.value) {
        ("v1", "ResourceQuota") => lists.push(spec.and_then(|spec| spec.get("hard"))),
        ("v1", "LimitRange") => {
            for item in spec.into_iter().flat_map(|spec| spec.items("limits")) {
                lists.extend(
                    [
                        "max",
                        "min",
                        "default",
                        "defaultRequest",
                        "maxLimitRequestRatio",
                    ]
                    .map(|key| item.get(key)),
                );
            }
        }
        _ => {}
    }
    lists.into_iter().flatten().collect()
}

fn report(field: &QuantityField<'_>, node: &Node, cx: &mut RuleContext<'_, '_>) {
    match &field.value {
        QuantityValue::Valid(_) | QuantityValue::Placeholder => {}
        QuantityValue::Invalid(_) if is_template_token(field.text) => {}
        QuantityValue::Invalid(error) => {
            let fixes = fixes(field.text);
            let guard = cx.report(
                field.span,
                format!(
                    "invalid quantity {}: {}",
                    shown(field.text),
                    reason(field.text, error)
                ),
            );
            match fixes.as_slice() {
                [] => guard.help(GENERIC_HELP),
                [fix] => guard.help(format!("did you mean `{fix}`?")),
                [first, second, ..] => guard.help(format!("did you mean `{first}` or `{second}`?")),
            };
        }
        QuantityValue::WrongType => {
            let message = match node.as_scalar() {
                Some(scalar) => format!(
                    "invalid quantity `{}`: it is read as the {} `{}`, not a quantity",
                    scalar.text,
                    scalar.value.type_name(),
                    scalar
                        .value
                        .json_text()
                        .unwrap_or_else(|| scalar.text.clone())
                ),
                None if node.as_sequence().is_some() => {
                    "invalid quantity: a list is not a quantity".to_owned()
                }
                None => "invalid quantity: a mapping is not a quantity".to_owned(),
            };
            cx.report(field.span, message).help(GENERIC_HELP);
        }
    }
}

/// A value without a single digit (`teststorage`, `SIZE`, `<size>`) is no misspelt quantity
/// but a token a script substitutes before applying, like a `${VAR}` placeholder.
fn is_template_token(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && !text.chars().any(|c| c.is_ascii_digit())
}

const GENERIC_HELP: &str = "write a quantity such as `10Gi`, `500M` or `1.5`";

/// The text in backticks, quoted when it is blank, with escapes for control characters.
fn shown(text: &str) -> String {
    if text.trim().is_empty() {
        format!("`\"{}\"`", text.escape_debug())
    } else {
        format!("`{}`", text.escape_debug())
    }
}

/// Why Kubernetes rejects `text`.
fn reason(text: &str, error: &QuantityError) -> String {
    if text.trim().chars().any(char::is_whitespace) {
        return "quantities may not contain whitespace".to_owned();
    }
    match error {
        QuantityError::Empty if text.is_empty() => "the value is empty".to_owned(),
        QuantityError::Empty => "the value is only whitespace".to_owned(),
        QuantityError::InvalidNumber if text.matches('.').count() > 1 => {
            "the number has more than one `.`".to_owned()
        }
        QuantityError::InvalidNumber => "a sign needs a number after it".to_owned(),
        QuantityError::InvalidSuffix(suffix)
            if suffix
                .strip_prefix(['e', 'E'])
                .is_some_and(|rest| rest.chars().all(|c| matches!(c, '+' | '-'))) =>
        {
            format!("the exponent `{suffix}` has no digits")
        }
        QuantityError::InvalidSuffix(suffix) if wrong_case(suffix) => {
            format!("unknown suffix `{suffix}` (suffixes are case-sensitive)")
        }
        QuantityError::InvalidSuffix(suffix) => {
            format!("unknown suffix `{}`", suffix.escape_debug())
        }
        QuantityError::ExponentOutOfRange => {
            "the exponent does not fit in a 32-bit integer".to_owned()
        }
    }
}

/// A suffix that is valid in another case (`gi`, `K`, `MI`).
fn wrong_case(suffix: &str) -> bool {
    const SUFFIXES: [&str; 15] = [
        "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ];
    SUFFIXES
        .iter()
        .any(|valid| valid.eq_ignore_ascii_case(suffix))
}

/// Valid quantities the author probably meant: the text without inner whitespace, or with a
/// misspelt suffix corrected (`10GB` → `10G`, `10Gi`).
fn fixes(text: &str) -> Vec<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let parse = Quantity::parse(&compact);
    if compact != text.trim() && parse.is_ok() {
        return vec![compact];
    }
    let Err(QuantityError::InvalidSuffix(suffix)) = parse else {
        return Vec::new();
    };
    let Some(number) = compact.strip_suffix(suffix.as_str()) else {
        return Vec::new();
    };
    suffix_fixes(&suffix)
        .into_iter()
        .map(|fix| format!("{number}{fix}"))
        .filter(|fix| Quantity::parse(fix).is_ok())
        .collect()
}

/// The valid suffixes a misspelt one stands for: a wrong case, a byte unit `B`, or `iB`.
fn suffix_fixes(suffix: &str) -> Vec<&'static str> {
    if suffix == "e" {
        return Vec::new();
    }
    let lower = suffix.to_ascii_lowercase();
    if matches!(lower.as_str(), "b" | "byte" | "bytes") {
        return vec![""];
    }
    let core = lower
        .strip_suffix("bytes")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let units = [
        ("k", "k", "Ki"),
        ("m", "M", "Mi"),
        ("g", "G", "Gi"),
        ("t", "T", "Ti"),
        ("p", "P", "Pi"),
        ("e", "E", "Ei"),
    ];
    for (letter, decimal, binary) in units {
        if core == letter {
            return vec![decimal, binary];
        }
        if core.strip_prefix(letter) == Some("i") {
            return vec![binary];
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_fixed_suffixes() {
        let cases: [(&str, &[&str]); 16] = [
            ("10GB", &["10G", "10Gi"]),
            ("10Gb", &["10G", "10Gi"]),
            ("10gb", &["10G", "10Gi"]),
            ("10GiB", &["10Gi"]),
            ("10gi", &["10Gi"]),
            ("10K", &["10k", "10Ki"]),
            ("10KB", &["10k", "10Ki"]),
            ("1.5mi", &["1.5Mi"]),
            ("100B", &["100"]),
            ("10 Gi", &["10Gi"]),
            ("10 GB", &["10G", "10Gi"]),
            ("1e", &[]),
            ("1Gi1", &[]),
            ("1.5.0Gi", &[]),
            ("", &[]),
            ("10 Gigabytes", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(fixes(text), expected.to_vec(), "{text:?}");
        }
    }

    #[test]
    fn explains_the_reason() {
        let reason_of = |text: &str| match Quantity::parse(text) {
            Err(error) => reason(text, &error),
            Ok(_) => String::from("valid"),
        };
        assert_eq!(reason_of("10 Gi"), "quantities may not contain whitespace");
        assert_eq!(reason_of("1.5.0Gi"), "the number has more than one `.`");
        assert_eq!(reason_of("1e+"), "the exponent `e+` has no digits");
        assert_eq!(reason_of(""), "the value is empty");
        assert_eq!(reason_of("-"), "a sign needs a number after it");
        assert_eq!(reason_of("10GB"), "unknown suffix `GB`");
        assert_eq!(
            reason_of("10gi"),
            "unknown suffix `gi` (suffixes are case-sensitive)"
        );
    }
}
