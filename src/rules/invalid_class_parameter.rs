use crate::load::tree::Scalar;
use crate::provision::backend::{Backend, ParameterRule};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks the `parameters` of a StorageClass against the backend model of its
    /// `provisioner` and flags:
    /// - a key the driver does not know, when the model is `strict` (the driver fails on
    ///   unknown keys);
    /// - a key under a reserved prefix (`csi.storage.k8s.io/`) that is not one of its known
    ///   keys, whatever `strict` says: external-provisioner strips that prefix and fails on
    ///   unknown keys ("found unknown parameter key ... with reserved namespace", SEMANTICS
    ///   §2.3), so `csi.storage.k8s.io/fsType` is a typo, not a setting;
    /// - a value outside the model's allowed `values`, or not matching its `pattern`;
    /// - a `required` key that is missing;
    /// - two keys that `conflict` (EBS `iops` and `iopsPerGB`);
    /// - a key that `requires` another key or value that is not there (EBS `throughput`
    ///   only applies to `type: gp3`; a key the class leaves out counts with the model's
    ///   `default`).
    ///
    /// Keys and values compare case-insensitively when the model says the driver does. The
    /// finding points at the key or value; near misses get a did-you-mean. Classes whose
    /// provisioner has no backend model are skipped (PVL104), and so are placeholders
    /// (`${VAR}`) and empty values.
    ///
    /// ## Why is this bad?
    /// StorageClass parameters are an opaque map to Kubernetes: the API server accepts any
    /// key and value, and `parameters` cannot be changed once the class exists (SEMANTICS
    /// §4.3). The mistake shows up only when a claim is provisioned: the driver rejects the
    /// request ("Invalid parameter key ... for CreateVolume", "invalid parameter ... in
    /// storage class"), the claim stays `Pending` with `ProvisioningFailed` events, and every
    /// pod that mounts it stays unschedulable. Where the driver ignores what it does not
    /// understand, the class silently provisions something else than intended.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp4
    ///   csi.storage.k8s.io/fsType: xfs
    ///   encryption: "true"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    ///   csi.storage.k8s.io/fstype: xfs
    ///   encrypted: "true"
    /// ```
    ///
    /// ## Known problems
    /// - The rule knows what the backend models say. Models of drivers that ignore unknown
    ///   keys (`strict: false`) never report them, so a typo there goes unnoticed.
    /// - Keys accepted by prefix (EBS `tagSpecification_1`) are not checked further.
    /// - Values that YAML reads as booleans or numbers are PVL012's finding; here they are
    ///   compared as Kubernetes would send them (`true`, `3000`).
    ///
    /// ## Related
    /// - PVL104 (`unknown-provisioner`): classes whose parameters cannot be checked.
    /// - PVL012 (`unquoted-non-string-value`): parameter values that are not strings.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, parameters](https://kubernetes.io/docs/concepts/storage/storage-classes/#parameters)
    /// - [external-provisioner: StorageClass parameters](https://github.com/kubernetes-csi/external-provisioner#storageclass-parameters)
    pub(crate) static RULE = Rule {
        code: "PVL105",
        name: "invalid-class-parameter",
        category: Category::Correctness,
        summary: "StorageClass parameter the driver rejects",
        check: Check::StorageClass(check),
    };
}

/// One parameter as Kubernetes passes it to the provisioner.
struct Param<'a> {
    key: &'a str,
    key_span: Span,
    /// The value as a string (`None` for a mapping or sequence, which the API rejects).
    value: Option<String>,
    value_span: Span,
}

impl Param<'_> {
    /// A value the rule can judge: a non-empty string without placeholders.
    fn known_value(&self) -> Option<&str> {
        self.value
            .as_deref()
            .filter(|value| !value.is_empty() && !is_placeholder(value))
    }

    /// Whether the key is set to something (an empty value counts as unset).
    fn is_set(&self) -> bool {
        self.value.as_deref().is_none_or(|value| !value.is_empty())
    }
}

/// What the model says about a key.
enum Lookup<'m> {
    Known(&'m str, &'m ParameterRule),
    /// Accepted with any suffix (`tagSpecification_1`).
    Prefixed,
    /// In a reserved prefix, but not one of its keys.
    Reserved(&'m str),
    Unknown,
}

fn check(object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let settings = cx.settings;
    let Some(backend) = settings.backends.find(provisioner.value) else {
        return;
    };
    if class
        .parameters
        .is_some_and(|parameters| parameters.as_mapping().is_none())
    {
        // Not a mapping (a placeholder, or a schema error): nothing to judge.
        return;
    }
    let params = read_params(class);
    for param in &params {
        check_key(param, backend, cx);
    }
    check_conflicts(&params, backend, cx);
    check_requires(&params, backend, cx);
    if has_placeholder_key(class) {
        // A rendered key may be the required one.
        return;
    }
    let anchor = object
        .meta
        .root
        .entry("parameters")
        .map_or(provisioner.span, |entry| entry.key.span);
    check_required(&params, backend, anchor, cx);
}

/// The class's parameters in document order; a key written twice counts once (the last, as
/// Kubernetes decodes it), and placeholder keys are left out.
fn read_params<'a>(class: &StorageClass<'a>) -> Vec<Param<'a>> {
    let entries = class
        .parameters
        .and_then(Node::as_mapping)
        .unwrap_or_default();
    entries
        .iter()
        .enumerate()
        .filter_map(|(at, entry)| {
            let key = entry.key_text()?;
            let later = entries
                .get(at + 1..)
                .unwrap_or_default()
                .iter()
                .any(|other| other.key_text() == Some(key));
            if later || is_placeholder(key) {
                return None;
            }
            Some(Param {
                key,
                key_span: entry.key.span,
                value: entry.value.as_scalar().map(Scalar::as_json_string),
                value_span: entry.value.span,
            })
        })
        .collect()
}

/// Whether some key of `parameters` is a placeholder (`${KEY}`).
fn has_placeholder_key(class: &StorageClass<'_>) -> bool {
    class
        .parameters
        .and_then(Node::as_mapping)
        .unwrap_or_default()
        .iter()
        .any(|entry| entry.key_text().is_some_and(is_placeholder))
}

fn lookup<'m>(backend: &'m Backend, key: &str) -> Lookup<'m> {
    let rules = &backend.parameters;
    if let Some(prefix) = rules
        .reserved_prefixes
        .iter()
        .find(|prefix| key.starts_with(prefix.as_str()))
    {
        return rules
            .keys
            .get_key_value(key)
            .map_or(Lookup::Reserved(prefix), |(name, rule)| {
                Lookup::Known(name, rule)
            });
    }
    if let Some((name, rule)) = rules
        .keys
        .iter()
        .find(|(name, _)| backend.same_text(name, key))
    {
        return Lookup::Known(name, rule);
    }
    let prefixed = rules.prefixes.iter().any(|prefix| {
        key.get(..prefix.len())
            .is_some_and(|start| backend.same_text(start, prefix))
    });
    if prefixed {
        Lookup::Prefixed
    } else {
        Lookup::Unknown
    }
}

fn check_key(param: &Param<'_>, backend: &Backend, cx: &mut RuleContext<'_, '_>) {
    match lookup(backend, param.key) {
        Lookup::Known(name, rule) => check_value(param, name, rule, backend, cx),
        Lookup::Reserved(prefix) => {
            let candidates: Vec<&str> = backend
                .parameters
                .keys
                .keys()
                .filter(|name| name.starts_with(prefix))
                .map(String::as_str)
                .collect();
            let report = cx.report(
                param.key_span,
                format!(
                    "`{}` is in the reserved `{prefix}` prefix but is not one of its keys: provisioning fails",
                    param.key
                ),
            );
            match closest(param.key, &candidates, false) {
                Some(similar) => report.help(format!("did you mean `{similar}`?")),
                None => report.help(format!(
                    "remove it, or use one of the `{prefix}` keys external-provisioner knows"
                )),
            };
        }
        Lookup::Unknown if backend.parameters.strict => {
            let candidates: Vec<&str> = backend
                .parameters
                .keys
                .keys()
                .map(String::as_str)
                .filter(|name| {
                    !backend
                        .parameters
                        .reserved_prefixes
                        .iter()
                        .any(|prefix| name.starts_with(prefix.as_str()))
                })
                .collect();
            let similar = closest(param.key, &candidates, backend.parameters.case_insensitive);
            let report = cx.report(
                param.key_span,
                format!(
                    "`{}` does not accept the parameter `{}`: provisioning fails",
                    backend.name, param.key
                ),
            );
            let report = with_model_label(report, backend);
            match similar {
                Some(similar) => report.help(format!("did you mean `{similar}`?")),
                None => report.help("remove the parameter"),
            };
        }
        Lookup::Prefixed | Lookup::Unknown => {}
    }
}

fn check_value(
    param: &Param<'_>,
    name: &str,
    rule: &ParameterRule,
    backend: &Backend,
    cx: &mut RuleContext<'_, '_>,
) {
    let Some(value) = param.known_value() else {
        return;
    };
    if !rule.values.is_empty() && !rule.values.iter().any(|v| backend.same_text(v, value)) {
        let allowed: Vec<&str> = rule.values.iter().map(String::as_str).collect();
        // The default first, so that it wins a tie (`gp4` → `gp3`, not `gp2`).
        let mut candidates = allowed.clone();
        if let Some(default) = rule.default.as_deref() {
            candidates.sort_by_key(|candidate| !backend.same_text(candidate, default));
        }
        let report = cx.report(
            param.value_span,
            format!(
                "`{}` is `{value}`, which `{}` does not accept",
                param.key, backend.name
            ),
        );
        let report = with_model_label(report, backend);
        match closest(value, &candidates, backend.parameters.case_insensitive) {
            Some(similar) => report
                .note(format!("`{name}` accepts {}", list(&allowed)))
                .help(format!("did you mean `{similar}`?")),
            None => report.help(format!("use one of {}", list(&allowed))),
        };
        return;
    }
    if let Some(pattern) = &rule.pattern
        && let Ok(regex) = regex::Regex::new(&format!("^(?:{pattern})$"))
        && !regex.is_match(value)
    {
        let report = cx.report(
            param.value_span,
            format!(
                "`{}` is `{value}`, which does not match the pattern `{pattern}` of `{}`",
                param.key, backend.name
            ),
        );
        let report = match &rule.description {
            Some(description) => report.note(format!("`{name}`: {description}")),
            None => report,
        };
        with_model_label(report, backend)
            .help(format!("write `{name}` as a value matching `{pattern}`"));
    }
}

/// Two keys that may not be set together: reported once, on the one written later.
fn check_conflicts(params: &[Param<'_>], backend: &Backend, cx: &mut RuleContext<'_, '_>) {
    for (at, later) in params.iter().enumerate() {
        if !later.is_set() {
            continue;
        }
        let Lookup::Known(_, later_rule) = lookup(backend, later.key) else {
            continue;
        };
        let earlier = params.get(..at).unwrap_or_default().iter().find(|earlier| {
            earlier.is_set()
                && (later_rule
                    .conflicts
                    .iter()
                    .any(|name| backend.same_text(name, earlier.key))
                    || matches!(lookup(backend, earlier.key), Lookup::Known(_, rule)
                        if rule.conflicts.iter().any(|name| backend.same_text(name, later.key))))
        });
        if let Some(earlier) = earlier {
            cx.report(
                later.key_span,
                format!(
                    "`{}` cannot be set together with `{}`: `{}` rejects the pair",
                    later.key, earlier.key, backend.name
                ),
            )
            .label(earlier.key_span, format!("`{}` is set here", earlier.key))
            .help(format!("remove `{}` or `{}`", later.key, earlier.key));
        }
    }
}

/// Keys that only apply when another key is set, or set to certain values.
fn check_requires(params: &[Param<'_>], backend: &Backend, cx: &mut RuleContext<'_, '_>) {
    for param in params {
        if !param.is_set() {
            continue;
        }
        let Lookup::Known(name, rule) = lookup(backend, param.key) else {
            continue;
        };
        for (other, allowed) in &rule.requires {
            let given = params
                .iter()
                .find(|candidate| candidate.is_set() && backend.same_text(candidate.key, other));
            if let Some(problem) = unmet(other, allowed, given, backend) {
                let report = cx.report(
                    param.key_span,
                    format!("`{}` only applies when {problem}", param.key),
                );
                let report = match given {
                    Some(given) => {
                        report.label(given.value_span, format!("`{}` is set here", given.key))
                    }
                    None => report,
                };
                let fix = if allowed.is_empty() {
                    format!("set `{other}`, or remove `{}`", param.key)
                } else {
                    format!(
                        "set `{other}` to {}, or remove `{name}`",
                        list_owned(allowed)
                    )
                };
                report.help(fix);
            }
        }
    }
}

/// Why a `requires` entry is not met, as the end of a sentence; `None` when it is met or
/// unknown (a placeholder).
fn unmet(
    other: &str,
    allowed: &[String],
    given: Option<&Param<'_>>,
    backend: &Backend,
) -> Option<String> {
    if allowed.is_empty() {
        return given
            .is_none()
            .then(|| format!("`{other}` is set, and it is not"));
    }
    let wanted = format!("`{other}` is {}", list_owned(allowed));
    let fits = |value: &str| allowed.iter().any(|a| backend.same_text(a, value));
    if let Some(given) = given {
        let value = given.known_value()?;
        return (!fits(value)).then(|| format!("{wanted}, but it is `{value}`"));
    }
    let default = backend
        .parameters
        .keys
        .iter()
        .find(|(name, _)| backend.same_text(name, other))
        .and_then(|(_, rule)| rule.default.as_deref());
    match default {
        Some(default) if fits(default) => None,
        Some(default) => Some(format!(
            "{wanted}, but it is not set and defaults to `{default}`"
        )),
        None => Some(format!("{wanted}, but it is not set")),
    }
}

fn check_required(
    params: &[Param<'_>],
    backend: &Backend,
    anchor: Span,
    cx: &mut RuleContext<'_, '_>,
) {
    for (name, rule) in &backend.parameters.keys {
        if rule.required
            && !params
                .iter()
                .any(|param| backend.same_text(param.key, name))
        {
            let report = cx.report(
                anchor,
                format!(
                    "`{}` needs the parameter `{name}`, which is missing: provisioning fails",
                    backend.name
                ),
            );
            let report = match &rule.description {
                Some(description) => report.note(format!("`{name}`: {description}")),
                None => report,
            };
            with_model_label(report, backend).help(format!("add `{name}` to `parameters`"));
        }
    }
}

/// Points at a user-provided model, so that its author sees which model decided.
fn with_model_label<'g>(
    report: crate::rules::DiagnosticGuard<'g>,
    backend: &Backend,
) -> crate::rules::DiagnosticGuard<'g> {
    match backend.span {
        Some(span) => report.label(
            span,
            format!("the model of `{}` is defined here", backend.name),
        ),
        None => report,
    }
}

/// The candidate closest to `word`: one that differs only in case first (unless case does not
/// matter), then one within typo distance.
fn closest<'c>(word: &str, candidates: &[&'c str], case_insensitive: bool) -> Option<&'c str> {
    if case_insensitive {
        let lower: Vec<String> = candidates.iter().map(|c| c.to_ascii_lowercase()).collect();
        let found =
            crate::suggest::closest(&word.to_ascii_lowercase(), lower.iter().map(String::as_str))?;
        let at = lower.iter().position(|candidate| candidate == found)?;
        return candidates.get(at).copied();
    }
    candidates
        .iter()
        .find(|candidate| candidate.eq_ignore_ascii_case(word))
        .copied()
        .or_else(|| crate::suggest::closest(word, candidates.iter().copied()))
}

/// `` `a`, `b` or `c` ``.
fn list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn list_owned(values: &[String]) -> String {
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    list(&values)
}

#[cfg(test)]
mod tests {
    use super::{closest, list};

    #[test]
    fn closest_prefers_a_case_difference() {
        let keys = [
            "csi.storage.k8s.io/fstype",
            "csi.storage.k8s.io/secret-name",
        ];
        assert_eq!(
            closest("csi.storage.k8s.io/fsType", &keys, false),
            Some("csi.storage.k8s.io/fstype")
        );
        assert_eq!(
            closest("encryption", &["encrypted", "iops"], true),
            Some("encrypted")
        );
        assert_eq!(closest("GP4", &["io1", "gp3"], true), Some("gp3"));
        assert_eq!(closest("zzzzzz", &["io1", "gp3"], true), None);
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(list(&[]), "");
    }
}
