use crate::load::LoadedFile;
use crate::load::scalar::PlainValue;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a document that looks like a Kubernetes object (it has `kind` or `metadata`, or
    /// `apiVersion` next to object fields such as `spec` or `data`) but lacks `apiVersion` or
    /// `kind`, or has one that is empty or not a string.
    ///
    /// YAML that is not a Kubernetes object is skipped: CI configurations, Helm values, Helm's
    /// `Chart.yaml` (an `apiVersion` with no object fields), lists, and kustomize's
    /// `kustomization.yaml` (whose `apiVersion` and `kind` are optional).
    ///
    /// ## Why is this bad?
    /// `kubectl apply` refuses the document ("Object 'Kind' is missing"), and pvlint cannot tell
    /// what the object is, so no other rule checks it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// The items of a `kind: List` are not checked. Files with Helm/Go template syntax are
    /// skipped (PVL008 reports them).
    ///
    /// ## References
    /// - [Kubernetes: Objects](https://kubernetes.io/docs/concepts/overview/working-with-objects/#required-fields)
    pub(crate) static RULE = Rule {
        code: "PVL003",
        name: "missing-api-version-or-kind",
        category: Category::Correctness,
        summary: "Kubernetes object without `apiVersion` or `kind`",
        check: Check::File(check),
    };
}

/// kustomize's own file: `apiVersion` and `kind` are optional there.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Top-level fields of Kubernetes objects that other YAML with an `apiVersion` (Helm's
/// `Chart.yaml`) does not have.
const OBJECT_FIELDS: [&str; 11] = [
    "spec",
    "status",
    "data",
    "stringData",
    "binaryData",
    "provisioner",
    "parameters",
    "rules",
    "subjects",
    "roleRef",
    "webhooks",
];

fn check(file: &LoadedFile, cx: &mut RuleContext<'_, '_>) {
    if file.templated.is_some() || is_kustomization(cx.workspace.sources.name(file.id)) {
        return;
    }
    for document in &file.parsed.documents {
        if let Some(root) = &document.root {
            check_document(root, cx);
        }
    }
}

fn is_kustomization(path: &str) -> bool {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    KUSTOMIZATION_FILES.contains(&base)
}

/// What an `apiVersion` or `kind` entry holds.
enum Field<'n> {
    Missing,
    /// Present but empty, or not a string.
    Invalid(&'n Node, &'static str),
    Valid(&'n Entry, &'n str),
}

fn field<'n>(root: &'n Node, key: &str) -> Field<'n> {
    let Some(entry) = root.entry(key) else {
        return Field::Missing;
    };
    let value = &entry.value;
    match &value.kind {
        _ if value.is_null() => Field::Missing,
        NodeKind::Scalar(scalar) if scalar.text.trim().is_empty() => {
            Field::Invalid(value, "is empty")
        }
        NodeKind::Scalar(scalar) if scalar.value == PlainValue::String => {
            Field::Valid(entry, scalar.text.as_str())
        }
        _ => Field::Invalid(value, "is not a string"),
    }
}

fn check_document(root: &Node, cx: &mut RuleContext<'_, '_>) {
    if root.as_mapping().is_none() {
        return;
    }
    let api_version = field(root, "apiVersion");
    let kind = field(root, "kind");
    let metadata = root.entry("metadata").map(|entry| entry.key.span);
    let has_object_fields = OBJECT_FIELDS.iter().any(|key| root.entry(key).is_some());
    let looks_like_object = root.entry("kind").is_some()
        || metadata.is_some()
        || (root.entry("apiVersion").is_some() && has_object_fields);
    if !looks_like_object {
        return;
    }
    for (name, value) in [("apiVersion", &api_version), ("kind", &kind)] {
        if let Field::Invalid(node, problem) = value {
            let text = cx.text(node.span).trim().to_owned();
            let shown = if *problem == "is empty" || text.contains('\n') {
                String::new()
            } else {
                format!(": `{text}`")
            };
            cx.report(node.span, format!("`{name}` {problem}{shown}"))
                .help(format!("set `{name}` to a non-empty string"));
        }
    }
    let key_span = |key: &str| root.entry(key).map(|entry| entry.key.span);
    let anchor = key_span("kind")
        .or_else(|| key_span("apiVersion"))
        .or(metadata)
        .unwrap_or(root.span);
    match (&api_version, &kind) {
        (Field::Missing, Field::Missing) => {
            cx.report(anchor, "object has no `apiVersion` and no `kind`")
                .help("add the `apiVersion` and `kind` of the object");
        }
        (Field::Missing, Field::Valid(entry, kind)) => {
            // `apiVersion:` written without a value is pointed at itself.
            let span = key_span("apiVersion").unwrap_or(entry.key.span);
            let help = api_version_of(kind).map_or_else(
                || "add the `apiVersion` of the object".to_owned(),
                |version| format!("add `apiVersion: {version}`"),
            );
            cx.report(span, format!("object of kind `{kind}` has no `apiVersion`"))
                .help(help);
        }
        (Field::Missing, Field::Invalid(..)) => {
            cx.report(anchor, "object has no `apiVersion`")
                .help("add the `apiVersion` of the object");
        }
        (Field::Valid(entry, version), Field::Missing) => {
            cx.report(
                key_span("kind").unwrap_or(entry.key.span),
                format!("object with `apiVersion: {version}` has no `kind`"),
            )
            .help("add the `kind` of the object");
        }
        (Field::Invalid(..), Field::Missing) => {
            cx.report(anchor, "object has no `kind`")
                .help("add the `kind` of the object");
        }
        _ => {}
    }
}

/// The `apiVersion` of well-known kinds, for the help.
fn api_version_of(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "PersistentVolumeClaim"
        | "PersistentVolume"
        | "Pod"
        | "ConfigMap"
        | "Secret"
        | "Service"
        | "Namespace"
        | "ResourceQuota"
        | "LimitRange"
        | "ServiceAccount" => "v1",
        "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment" => "storage.k8s.io/v1",
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "VolumeSnapshot" | "VolumeSnapshotClass" | "VolumeSnapshotContent" => {
            "snapshot.storage.k8s.io/v1"
        }
        _ => return None,
    })
}
