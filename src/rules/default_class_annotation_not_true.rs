use crate::model::storage_class::{default_annotations, is_default};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass whose default-class annotation
    /// (`storageclass.kubernetes.io/is-default-class`, or the deprecated
    /// `storageclass.beta.kubernetes.io/is-default-class`) has a value that looks like an
    /// attempt at "true" but is not exactly `"true"`: `"True"`, `"TRUE"`, `"yes"`, `"Yes"`,
    /// `"y"`, `"1"`, `"on"`, or `"true"` with surrounding spaces.
    ///
    /// ## Why is this bad?
    /// Kubernetes compares the value with `"true"` exactly (SEMANTICS §2.2): any other value
    /// leaves the class a normal class. Claims without `storageClassName` then get no class
    /// (or another default) and, with no matching PersistentVolume, stay `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: standard
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "True"
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: standard
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// ## Known problems
    /// Values that clearly mean "not default" (`"false"`, `"no"`, `""`, anything else) are not
    /// reported: they are an explicit, working opt-out. An unquoted `yes`, `True` or `1` is not
    /// a string at all, and the API server rejects the object; `PVL012`
    /// unquoted-non-string-value reports it. A class that the other annotation key already
    /// makes a default is not reported either.
    ///
    /// ## Related
    /// - `PVL012` unquoted-non-string-value
    /// - `PVL101` multiple-default-storage-classes
    ///
    /// ## References
    /// - [Kubernetes: Change the default StorageClass](https://kubernetes.io/docs/tasks/administer-cluster/change-default-storage-class/)
    pub(crate) static RULE = Rule {
        code: "PVL102",
        name: "default-class-annotation-not-true",
        category: Category::Suspicious,
        summary: "Default-class annotation is meant as true but is not exactly `\"true\"`",
        check: Check::StorageClass(check),
    };
}

/// Values people write when they mean "true" (compared case-insensitively, trimmed).
const TRUE_LOOKALIKES: [&str; 5] = ["true", "yes", "y", "on", "1"];

fn check(object: &Object<'_>, _class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    if is_default(&object.meta) {
        return;
    }
    for entry in default_annotations(&object.meta) {
        let Some(scalar) = entry.value.as_scalar() else {
            continue;
        };
        if !scalar.is_string() || !looks_true(&scalar.text) {
            continue;
        }
        let key = entry.key_text().unwrap_or_default();
        cx.report(
            entry.value.span,
            format!(
                "`{key}` is `{}`, not exactly `true`: storage class `{}` is not a default",
                scalar.text, object.key.name
            ),
        )
        .help("write the value as `\"true\"`, in lower case");
    }
}

/// Whether a value other than `true` was probably meant as `true`.
fn looks_true(value: &str) -> bool {
    value != "true"
        && TRUE_LOOKALIKES
            .iter()
            .any(|lookalike| lookalike.eq_ignore_ascii_case(value.trim()))
}

#[cfg(test)]
mod tests {
    use super::looks_true;

    #[test]
    fn only_near_misses_of_true_look_true() {
        for value in [
            "True", "TRUE", "yes", "Yes", "y", "1", "on", " true", "true ",
        ] {
            assert!(looks_true(value), "{value}");
        }
        for value in ["true", "false", "False", "no", "", "0", "default"] {
            assert!(!looks_true(value), "{value}");
        }
    }
}
