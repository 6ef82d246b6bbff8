use crate::model::claim::BETA_CLASS_ANNOTATION;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the deprecated `volume.beta.kubernetes.io/storage-class` annotation on a
    /// PersistentVolumeClaim, a StatefulSet or ephemeral claim template, or a
    /// PersistentVolume. When `spec.storageClassName` is also set to a different value, the
    /// finding shows it: Kubernetes ignores it.
    ///
    /// ## Why is this bad?
    /// The annotation predates `storageClassName` and still **overrides** it, even when it is
    /// empty (SEMANTICS §1.4): a reader who trusts the field is misled about which class the
    /// claim or volume gets, and binding and provisioning follow the annotation. The API
    /// server warns that it is deprecated since v1.8 (§3.7), and after creation it can no
    /// longer be changed on a claim (§4.1).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    ///   annotations:
    ///     volume.beta.kubernetes.io/storage-class: fast
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// On a claim that already exists in the cluster the annotation cannot be removed (the API
    /// server only lets it be copied into an unset `storageClassName`); fix it in the manifest
    /// for the next time the claim is created.
    ///
    /// ## Related
    /// - `PVL201` pvc-storage-class-not-found, which resolves the class the annotation names
    ///
    /// ## References
    /// - [Kubernetes: Class of a PersistentVolume](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class)
    pub(crate) static RULE = Rule {
        code: "PVL211",
        name: "beta-storage-class-annotation",
        category: Category::Suspicious,
        summary: "Deprecated beta storage-class annotation instead of `storageClassName`",
        check: Check::Workspace(check),
    };
}

/// One annotated claim or volume.
struct Finding<'a> {
    what: String,
    /// The annotation's key and value.
    entry: &'a Entry,
    storage_class_name: Option<Spanned<&'a str>>,
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let claims = index.claims().iter().filter_map(|claim| {
        let entry = claim
            .metadata?
            .get("annotations")?
            .entry(BETA_CLASS_ANNOTATION)?;
        Some(Finding {
            what: claim.describe(),
            entry,
            storage_class_name: claim.spec.storage_class_name,
        })
    });
    let volumes = index.objects().iter().filter_map(|object| {
        let ObjectKind::Volume(volume) = &object.kind else {
            return None;
        };
        Some(Finding {
            what: format!("volume `{}`", object.key.name),
            entry: object.meta.annotation(BETA_CLASS_ANNOTATION)?,
            storage_class_name: volume.storage_class_name,
        })
    });
    let findings: Vec<Finding<'_>> = claims.chain(volumes).collect();
    for finding in &findings {
        report(finding, cx);
    }
}

fn report(finding: &Finding<'_>, cx: &mut RuleContext<'_, '_>) {
    let value = finding.entry.value.as_str().unwrap_or("");
    let quoted = if value.is_empty() {
        "`\"\"`".to_owned()
    } else {
        format!("`{value}`")
    };
    let report = cx.report(
        finding.entry.key.span,
        format!(
            "{} sets class {quoted} with the deprecated `{BETA_CLASS_ANNOTATION}` annotation",
            finding.what
        ),
    );
    match finding.storage_class_name {
        None => report.help(format!(
            "replace the annotation with `storageClassName: {}` in the spec",
            if value.is_empty() { "\"\"" } else { value }
        )),
        Some(field) if field.value == value => report.help(format!(
            "remove the annotation: `storageClassName` already says {quoted}"
        )),
        Some(field) if !is_placeholder(field.value) && !is_placeholder(value) => report
            .label(field.span, "ignored: the annotation wins")
            .help(format!(
                "remove the annotation, and set `storageClassName` to the class you mean (today the class is {quoted})"
            )),
        Some(_) => report.help("remove the annotation once `storageClassName` names the class you mean"),
    };
}
