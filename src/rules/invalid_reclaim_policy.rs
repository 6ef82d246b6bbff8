use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass whose `reclaimPolicy` is neither `Delete` nor `Retain`, including
    /// `Recycle` and wrong capitalisation (`delete`). The finding points at the value.
    ///
    /// An absent `reclaimPolicy` defaults to `Delete`, and an empty string is accepted too
    /// (SEMANTICS §3.5); neither is reported.
    ///
    /// ## Why is this bad?
    /// The API server rejects the class: `Unsupported value: "Recycle": supported values:
    /// "Delete", "Retain"` (SEMANTICS §3.5). `Recycle` is valid on a PersistentVolume, not on a
    /// class, so a class cannot hand out recycled volumes. Every claim that names the class
    /// then waits for a class that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: scratch }
    /// provisioner: ebs.csi.aws.com
    /// reclaimPolicy: Recycle
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: scratch }
    /// provisioner: ebs.csi.aws.com
    /// reclaimPolicy: Delete
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Related
    /// - PVL305 (`recycle-reclaim-policy`): `Recycle` on a PersistentVolume.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, reclaim policy](https://kubernetes.io/docs/concepts/storage/storage-classes/#reclaim-policy)
    pub(crate) static RULE = Rule {
        code: "PVL106",
        name: "invalid-reclaim-policy",
        category: Category::Correctness,
        summary: "StorageClass `reclaimPolicy` is not `Delete` or `Retain`",
        check: Check::StorageClass(check),
    };
}

/// The reclaim policies a StorageClass may name.
const POLICIES: [&str; 2] = ["Delete", "Retain"];

fn check(_object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(policy) = class.reclaim_policy else {
        return;
    };
    let value = policy.value;
    if value.is_empty() || is_placeholder(value) || POLICIES.contains(&value) {
        return;
    }
    if value == "Recycle" {
        cx.report(
            policy.span,
            "reclaim policy `Recycle` is not supported for StorageClasses: the API server rejects the class",
        )
        .note("only PersistentVolumes may use the deprecated `Recycle` policy")
        .help("use `Delete` (volumes are removed with their claim) or `Retain` (they are kept)");
        return;
    }
    let report = cx.report(
        policy.span,
        format!(
            "reclaim policy `{value}` is not `Delete` or `Retain`: the API server rejects the class"
        ),
    );
    match suggestion(value) {
        Some(similar) => report.help(format!("did you mean `{similar}`?")),
        None => report.help("use `Delete` or `Retain`"),
    };
}

/// The policy meant by a near miss (`delete`, `Retian`).
fn suggestion(value: &str) -> Option<&'static str> {
    POLICIES
        .into_iter()
        .find(|policy| policy.eq_ignore_ascii_case(value.trim()))
        .or_else(|| crate::suggest::closest(value, POLICIES))
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn near_misses_suggest_the_policy() {
        assert_eq!(suggestion("delete"), Some("Delete"));
        assert_eq!(suggestion("RETAIN"), Some("Retain"));
        assert_eq!(suggestion("Retian"), Some("Retain"));
        assert_eq!(suggestion("Keep"), None);
    }
}
