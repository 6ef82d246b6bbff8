use crate::model::names::{
    MAX_LABEL, MAX_SUBDOMAIN, NameProblem, dns_label_problem, dns_subdomain_problem, suggest_label,
    suggest_subdomain,
};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags names the API server rejects (SEMANTICS §3.1):
    /// - the names of PersistentVolumeClaims, PersistentVolumes and StorageClasses, and every
    ///   `storageClassName` (claims, volumes, StatefulSet claim templates, ephemeral volumes),
    ///   which must be DNS-1123 subdomains: at most 253 characters, lower-case letters, digits,
    ///   `-` and `.`, each dot-separated part starting and ending with a letter or digit;
    /// - the `volumes[].name` of every Pod and pod template, which must be DNS-1123 labels: at
    ///   most 63 characters and no dots.
    ///
    /// The message says which part of the format the name breaks. Placeholders (`${NAME}`,
    /// `{{ .Name }}`) are skipped.
    ///
    /// ## Why is this bad?
    /// The object is rejected when it is applied (`metadata.name: Invalid value: "Data": a
    /// lowercase RFC 1123 subdomain must consist of…`), and a claim whose `storageClassName` is
    /// invalid is rejected too, so the workload that needs it never starts.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: Postgres_Data
    /// spec:
    ///   storageClassName: fast-ssd
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: postgres
    /// spec:
    ///   containers:
    ///     - name: postgres
    ///       image: postgres:16
    ///       volumeMounts: [{ name: pg.data, mountPath: /var/lib/postgresql }]
    ///   volumes:
    ///     - name: pg.data
    ///       persistentVolumeClaim: { claimName: Postgres_Data }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: postgres-data
    /// spec:
    ///   storageClassName: fast-ssd
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: postgres
    /// spec:
    ///   containers:
    ///     - name: postgres
    ///       image: postgres:16
    ///       volumeMounts: [{ name: pg-data, mountPath: /var/lib/postgresql }]
    ///   volumes:
    ///     - name: pg-data
    ///       persistentVolumeClaim: { claimName: postgres-data }
    /// ```
    ///
    /// ## Known problems
    /// The names of other kinds and of StatefulSet claim templates are not checked, nor the
    /// `claimName` that refers to a claim (an invalid name there finds no claim: PVL401 reports
    /// it).
    ///
    /// ## References
    /// - [Kubernetes: Object names and IDs](https://kubernetes.io/docs/concepts/overview/working-with-objects/names/)
    pub(crate) static RULE = Rule {
        code: "PVL007",
        name: "invalid-object-name",
        category: Category::Correctness,
        summary: "Name that Kubernetes rejects (not a DNS-1123 subdomain or label)",
        check: Check::Object(check),
    };
}

/// Which format a name must follow.
#[derive(Clone, Copy)]
enum Format {
    Subdomain,
    Label,
}

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    let what = match &object.kind {
        ObjectKind::StorageClass(_) => Some("StorageClass name"),
        ObjectKind::Claim(_) => Some("PersistentVolumeClaim name"),
        ObjectKind::Volume(_) => Some("PersistentVolume name"),
        _ => None,
    };
    if let Some(what) = what
        && let Some(name) = object.meta.name
    {
        check_name(cx, what, name, Format::Subdomain);
    }
    match &object.kind {
        ObjectKind::Claim(id) => check_claim_class(cx, *id),
        ObjectKind::Volume(volume) => {
            if let Some(class) = volume.storage_class_name {
                check_name(cx, "storage class name", class, Format::Subdomain);
            }
        }
        ObjectKind::Workload(workload) => {
            for &id in workload
                .claim_templates
                .iter()
                .chain(&workload.ephemeral_claims)
            {
                check_claim_class(cx, id);
            }
            for volume in workload.pod.iter().flat_map(|pod| &pod.volumes) {
                check_name(cx, "volume name", volume.name, Format::Label);
            }
        }
        _ => {}
    }
}

fn check_claim_class(cx: &mut RuleContext<'_, '_>, id: ClaimId) {
    if let Some(class) = cx.index.claim(id).spec.storage_class_name {
        check_name(cx, "storage class name", class, Format::Subdomain);
    }
}

fn check_name(cx: &mut RuleContext<'_, '_>, what: &str, name: Spanned<&str>, format: Format) {
    // An empty class name means "no class" (static binding); an empty object name is a
    // missing name, which is not this rule's concern.
    if name.value.is_empty() || is_placeholder(name.value) {
        return;
    }
    let (problem, kind, suggestion) = match format {
        Format::Subdomain => (
            dns_subdomain_problem(name.value),
            "DNS-1123 subdomain",
            suggest_subdomain(name.value),
        ),
        Format::Label => (
            dns_label_problem(name.value),
            "DNS-1123 label",
            suggest_label(name.value),
        ),
    };
    let Some(problem) = problem else {
        return;
    };
    let shown = shorten(name.value);
    let report = cx.report(
        name.span,
        format!("{what} `{shown}` is not a valid {kind}: {problem}"),
    );
    let format_note = match format {
        Format::Subdomain => format!(
            "a {kind} has at most {MAX_SUBDOMAIN} characters: lower-case letters, digits, `-` \
             and `.`, and each dot-separated part starts and ends with a letter or digit"
        ),
        Format::Label => format!(
            "a {kind} has at most {MAX_LABEL} characters: lower-case letters, digits and `-` \
             (no dots), starting and ending with a letter or digit"
        ),
    };
    // A cut-down name is no useful suggestion for one that is too long.
    let suggestion = suggestion.filter(|_| !matches!(problem, NameProblem::TooLong { .. }));
    let example = suggestion.map_or_else(String::new, |name| format!(" (e.g. `{name}`)"));
    let help = if what == "storage class name" {
        format!("refer to the class by a valid name{example}")
    } else {
        format!("rename it{example} and update whatever refers to it")
    };
    report.note(format_note).help(help);
}

/// A very long name cut down for the message.
fn shorten(name: &str) -> String {
    const SHOWN: usize = 40;
    if name.chars().count() <= SHOWN + 10 {
        return name.to_owned();
    }
    let head: String = name.chars().take(SHOWN).collect();
    format!("{head}…")
}
