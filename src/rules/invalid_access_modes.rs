use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks `spec.accessModes` of claims (PersistentVolumeClaims, StatefulSet
    /// `volumeClaimTemplates`, ephemeral volume templates) and of PersistentVolumes. It flags a
    /// spec with no access mode (the key missing, or an empty list), a mode that is not one of
    /// `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` and `ReadWriteOncePod` (the names are
    /// case-sensitive; abbreviations such as `RWO` are not accepted), and `ReadWriteOncePod`
    /// combined with another mode.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object: "at least 1 access mode is required", "Unsupported
    /// value", or "may not use ReadWriteOncePod with other access modes" (SEMANTICS §3.2,
    /// §3.3). StatefulSet claim templates are not validated when the StatefulSet is applied
    /// (§5.2): the StatefulSet is accepted, then the controller fails to create each claim and
    /// no pod ever starts.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   accessModes: [ReadWriteOnly]
    ///   resources: { requests: { storage: 10Gi } }
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
    /// A claim or volume without any `spec` is taken for a partial object (a kustomize
    /// strategic-merge patch that only changes metadata) and skipped; files that a
    /// `kustomization.yaml` lists under `patches` are not read as objects at all. A value
    /// that is not a list, or a list item that is not a string, is left to `PVL005`
    /// schema-violation.
    /// Duplicated modes are accepted by the API server and not reported.
    ///
    /// ## Related
    /// - `PVL005` schema-violation
    /// - `PVL206` access-mode-unsupported-by-backend
    ///
    /// ## References
    /// - [Kubernetes: Access Modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    pub(crate) static RULE = Rule {
        code: "PVL203",
        name: "invalid-access-modes",
        category: Category::Correctness,
        summary: "Access modes are missing, unknown, or combine ReadWriteOncePod with others",
        check: Check::Workspace(check),
    };
}

/// The access modes the API server accepts (SEMANTICS §3.2).
const ACCESS_MODES: [&str; 4] = [
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

const READ_WRITE_ONCE_POD: &str = "ReadWriteOncePod";

/// The abbreviations `kubectl get` prints, which users copy into manifests.
const ABBREVIATIONS: [(&str, &str); 4] = [
    ("RWO", "ReadWriteOnce"),
    ("ROX", "ReadOnlyMany"),
    ("RWX", "ReadWriteMany"),
    ("RWOP", "ReadWriteOncePod"),
];

/// One spec with access modes: a claim's or a volume's.
struct Subject<'a> {
    /// ``claim `data` `` or ``volume `pv0001` ``, for messages.
    what: String,
    spec: &'a Node,
    /// The `spec` key, pointed at when `accessModes` is missing.
    anchor: Span,
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let claims = index.claims().iter().filter_map(|claim| {
        Some(Subject {
            what: claim.describe(),
            spec: claim.spec.node?,
            anchor: claim.spec.anchor,
        })
    });
    let volumes = index.objects().iter().filter_map(|object| {
        let ObjectKind::Volume(volume) = &object.kind else {
            return None;
        };
        Some(Subject {
            what: format!("volume `{}`", object.key.name),
            spec: volume.spec?,
            anchor: volume.anchor,
        })
    });
    let subjects: Vec<Subject<'_>> = claims.chain(volumes).collect();
    for subject in &subjects {
        check_subject(subject, cx);
    }
}

fn check_subject(subject: &Subject<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(entry) = subject.spec.entry("accessModes") else {
        cx.report(
            subject.anchor,
            format!("{} has no `accessModes`", subject.what),
        )
        .help("add `accessModes`, e.g. `accessModes: [ReadWriteOnce]`");
        return;
    };
    if entry.value.is_null() {
        cx.report(
            entry.key.span,
            format!(
                "{} has no access mode: `accessModes` is empty",
                subject.what
            ),
        )
        .help("list at least one access mode, e.g. `[ReadWriteOnce]`");
        return;
    }
    let Some(items) = entry.value.as_sequence() else {
        return;
    };
    if items.is_empty() {
        cx.report(
            entry.value.span,
            format!(
                "{} has no access mode: `accessModes` is empty",
                subject.what
            ),
        )
        .help("list at least one access mode, e.g. `[ReadWriteOnce]`");
        return;
    }
    let modes: Vec<Spanned<&str>> = items
        .iter()
        .filter_map(|item| {
            let scalar = item.as_scalar()?;
            scalar
                .is_string()
                .then(|| Spanned::new(scalar.text.as_str(), item.span))
        })
        .filter(|mode| !is_placeholder(mode.value))
        .collect();
    for mode in &modes {
        if !ACCESS_MODES.contains(&mode.value) {
            report_unknown(*mode, cx);
        }
    }
    check_read_write_once_pod(&modes, cx);
}

fn report_unknown(mode: Spanned<&str>, cx: &mut RuleContext<'_, '_>) {
    let report = cx.report(mode.span, format!("unknown access mode `{}`", mode.value));
    match suggestion(mode.value) {
        Some(valid) => report.help(format!("did you mean `{valid}`?")),
        None => report.help(format!(
            "use one of {}",
            ACCESS_MODES.map(|mode| format!("`{mode}`")).join(", ")
        )),
    };
}

fn check_read_write_once_pod(modes: &[Spanned<&str>], cx: &mut RuleContext<'_, '_>) {
    let Some(rwop) = modes.iter().find(|mode| mode.value == READ_WRITE_ONCE_POD) else {
        return;
    };
    let others: Vec<&Spanned<&str>> = modes
        .iter()
        .filter(|mode| mode.value != READ_WRITE_ONCE_POD && ACCESS_MODES.contains(&mode.value))
        .collect();
    let Some(first) = others.first() else {
        return;
    };
    let mut report = cx.report(
        rwop.span,
        format!(
            "`ReadWriteOncePod` cannot be combined with other access modes, here `{}`",
            first.value
        ),
    );
    for other in &others {
        report = report.label(other.span, "combined here");
    }
    report.help("use `ReadWriteOncePod` alone, or drop it");
}

/// The valid mode an unknown one was probably meant to be.
fn suggestion(mode: &str) -> Option<&'static str> {
    let trimmed = mode.trim();
    if let Some((_, valid)) = ABBREVIATIONS
        .iter()
        .find(|(short, _)| short.eq_ignore_ascii_case(trimmed))
    {
        return Some(valid);
    }
    if let Some(valid) = ACCESS_MODES
        .iter()
        .find(|valid| valid.eq_ignore_ascii_case(trimmed))
    {
        return Some(valid);
    }
    crate::suggest::closest(trimmed, ACCESS_MODES)
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn suggests_the_mode_that_was_meant() {
        assert_eq!(suggestion("ReadWriteOnly"), Some("ReadWriteOnce"));
        assert_eq!(suggestion("RWO"), Some("ReadWriteOnce"));
        assert_eq!(suggestion("rwx"), Some("ReadWriteMany"));
        assert_eq!(suggestion("RWOP"), Some("ReadWriteOncePod"));
        assert_eq!(suggestion("readwriteonce"), Some("ReadWriteOnce"));
        assert_eq!(suggestion("ReadOnlyMnay"), Some("ReadOnlyMany"));
        assert_eq!(suggestion("Shared"), None);
    }
}
