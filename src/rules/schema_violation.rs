use std::collections::HashSet;

use rayon::prelude::*;

use crate::rules::prelude::*;
use crate::schema::{self, PathSegment, SchemaError, SchemaErrorKind, Validator};
use crate::source::{FileId, FileRole};

declare_rule! {
    /// ## What it does
    /// Validates every object of a kind pvlint reads against the JSON Schema of its kind and
    /// API version, generated from the Kubernetes OpenAPI documents of the target release
    /// (1.35) and from the external-snapshotter CRDs: StorageClass, PersistentVolumeClaim,
    /// PersistentVolume, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, Job, CronJob, VolumeSnapshot, VolumeSnapshotClass,
    /// VolumeSnapshotContent, the VolumeGroupSnapshot kinds, CSIDriver, CSINode,
    /// VolumeAttachment, CSIStorageCapacity, VolumeAttributesClass, ResourceQuota, LimitRange and
    /// Namespace. It flags, each on the exact key or value:
    /// - a field the kind does not have (with a did-you-mean: `storageClass` →
    ///   `storageClassName`);
    /// - a value of the wrong type, read the way Kubernetes reads YAML (`replicas: "3"` is a
    ///   string, `name: yes` a boolean);
    /// - a value outside an enumeration the schema defines (with a did-you-mean);
    /// - a missing required field (on the key of the mapping that lacks it, or on `kind`);
    /// - any other constraint of the schema (`pattern`, bounds).
    ///
    /// Custom resources of other kinds are skipped unless the config's `schemas:` lists their
    /// CustomResourceDefinitions or JSON Schemas; a schema given there also replaces the
    /// embedded one for its kind and API version.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` validates fields strictly (`--validate=strict` is the default): an
    /// unknown or misspelt field is an error, not a warning, and a value of the wrong type
    /// fails to decode. The object is not created, and nothing else in the same `apply` that
    /// depends on it works. Where a client skips validation, a misspelt field is silently
    /// dropped instead: `storageClass: fast` leaves the claim on the default class.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClass: fast
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
    /// - The schemas are Kubernetes' published OpenAPI, which carries no enumerations for
    ///   built-in fields: the allowed values of access modes, reclaim policies, binding and
    ///   volume modes are checked by the API server's validation code, and here by the rules
    ///   listed below. Nor are CEL rules (`x-kubernetes-validations`) of the snapshot CRDs,
    ///   `format`s (`int32`, `date-time`) and list uniqueness checked.
    /// - A field newer than Kubernetes 1.35 is reported as unknown.
    /// - Values with `${VAR}` or `{{ }}` placeholders are unknown and never reported, nor are
    ///   unknown keys starting with `$` (strategic-merge directives such as `$patch`); files
    ///   with Helm template syntax (PVL008) and kustomize patch files are not validated.
    /// - A workload that looks like the body of a kustomize strategic-merge patch (an `apps/v1`
    ///   controller without `selector` or pod-template labels, a pod template without
    ///   containers or with a container without `image`), and a PersistentVolume with neither
    ///   `capacity` nor `accessModes`, are fragments whose base supplies the required fields:
    ///   their missing fields are not reported, their unknown fields and wrong types are.
    /// - A key with a null value (`storageClassName:` with nothing after it) counts as absent,
    ///   as it does once Kubernetes decodes the object.
    /// - The items of a `kind: List` are validated; the List itself is not (kubectl unpacks it
    ///   and never sends it to the API server).
    /// - Not reported here, because another rule says it more precisely: a non-string label,
    ///   annotation, StorageClass parameter or mount option (PVL012); a value that is not a
    ///   quantity in claim `resources`, PV `capacity`, ResourceQuota `hard` or LimitRange
    ///   limits (PVL010); a PV `capacity` that is not a mapping (PVL308).
    ///
    /// ## Related
    /// - `PVL010` invalid-quantity: a quantity string that Kubernetes cannot parse (the schema
    ///   only says a quantity is a string or a number).
    /// - `PVL012` unquoted-non-string-value
    /// - `PVL106` invalid-reclaim-policy, `PVL107` invalid-volume-binding-mode, `PVL203`
    ///   invalid-access-modes: values the schema leaves open.
    /// - `PVL006` deprecated-api-version: API versions with no schema in the target release.
    ///
    /// ## Options
    /// - `schemas`: CRD or JSON Schema files (paths relative to the config) for custom
    ///   resources.
    ///
    /// ## References
    /// - [Kubernetes: Field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
    /// - [Kubernetes API reference](https://kubernetes.io/docs/reference/kubernetes-api/)
    pub(crate) static RULE = Rule {
        code: "PVL005",
        name: "schema-violation",
        category: Category::Correctness,
        summary: "an object that the JSON Schema of its kind and API version rejects",
        check: Check::Workspace(check),
    };
}

/// An object to validate.
struct Subject<'a> {
    api_version: &'a str,
    kind: &'a str,
    root: &'a Node,
    /// A fragment (the body of a kustomize patch): the base supplies required fields.
    partial: bool,
}

/// A finding, computed in parallel and reported afterwards.
struct Finding {
    span: Span,
    message: String,
    help: Option<String>,
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let skipped: HashSet<FileId> = cx
        .workspace
        .files
        .iter()
        .filter(|file| file.templated.is_some() || file.is_patch)
        .map(|file| file.id)
        .collect();
    let checked = |file: FileId| {
        !skipped.contains(&file)
            && cx
                .workspace
                .sources
                .get(file)
                .is_some_and(|source| source.role == FileRole::Checked)
    };
    let subjects: Vec<Subject<'_>> = cx
        .index
        .objects()
        .iter()
        .filter(|object| checked(object.file()))
        .map(|object| Subject {
            api_version: object.meta.api_version.value,
            kind: object.meta.kind.value,
            root: object.meta.root,
            partial: cx.index.is_partial_workload(object)
                || matches!(&object.kind, ObjectKind::Volume(volume) if volume.looks_partial()),
        })
        .collect();
    let settings = cx.settings;
    let kube_minor = settings.kube_version.minor;
    let findings: Vec<Finding> = subjects
        .par_iter()
        .flat_map_iter(|subject| {
            let validator = settings
                .schemas
                .get(subject.api_version, subject.kind)
                .or_else(|| {
                    schema::builtin::validator(kube_minor, subject.api_version, subject.kind)
                });
            findings(subject, validator)
        })
        .collect();
    for finding in findings {
        let report = cx.report(finding.span, finding.message);
        if let Some(help) = finding.help {
            report.help(help);
        }
    }
}

fn findings(subject: &Subject<'_>, validator: Option<&Validator>) -> Vec<Finding> {
    let Some(validator) = validator else {
        return Vec::new();
    };
    schema::validate(validator, subject.root)
        .into_iter()
        .filter(|error| !is_unknown_value(error) && !said_by_other_rule(subject, error))
        .map(|error| Finding {
            span: error.span,
            message: error.message,
            help: error.help,
        })
        .collect()
}

/// Placeholders (`${VAR}`, `{{ }}`, `<size>`) stand for values only known after substitution,
/// and `$` keys are strategic-merge directives of patches.
fn is_unknown_value(error: &SchemaError<'_>) -> bool {
    if let SchemaErrorKind::UnknownField { name, .. } = &error.kind
        && (name.starts_with('$') || is_placeholder(name))
    {
        return true;
    }
    error.node.and_then(Node::as_scalar).is_some_and(|scalar| {
        is_placeholder(&scalar.text) || is_fill_in_token(&scalar.text) && scalar.is_string()
    })
}

/// A value left for the reader to fill in: `<ADD LUN ID Here>`, `<size>`.
fn is_fill_in_token(text: &str) -> bool {
    let text = text.trim();
    text.len() > 2 && text.starts_with('<') && text.ends_with('>')
}

/// Findings another rule reports more precisely on the same node, and missing fields of
/// fragments.
fn said_by_other_rule(subject: &Subject<'_>, error: &SchemaError<'_>) -> bool {
    let keys: Vec<Option<&str>> = error
        .path
        .iter()
        .map(|segment| match segment {
            PathSegment::Key(key) => Some(key.as_str()),
            PathSegment::Index(_) => None,
        })
        .collect();
    match &error.kind {
        SchemaErrorKind::WrongType { expected } => {
            (expected.contains(&"string")
                && is_unquoted_non_string(error)
                && pvl012_place(subject, &keys))
                || (subject.kind == "PersistentVolume" && keys == [Some("spec"), Some("capacity")])
        }
        SchemaErrorKind::Quantity => pvl010_place(subject, &keys),
        SchemaErrorKind::MissingField { .. } => subject.partial,
        _ => false,
    }
}

fn is_unquoted_non_string(error: &SchemaError<'_>) -> bool {
    error.node.and_then(Node::as_scalar).is_some_and(|scalar| {
        !scalar.is_string() && scalar.value != crate::load::scalar::PlainValue::Null
    })
}

/// Label and annotation values, StorageClass parameters and mount options (PVL012).
fn pvl012_place(subject: &Subject<'_>, keys: &[Option<&str>]) -> bool {
    let metadata_map = keys.len() >= 3
        && matches!(
            keys.get(keys.len() - 3..),
            Some([Some("metadata"), Some("labels" | "annotations"), Some(_)])
        );
    let class = subject.kind == "StorageClass"
        && matches!(
            keys,
            [Some("parameters"), Some(_)] | [Some("mountOptions"), None]
        );
    let volume = subject.kind == "PersistentVolume"
        && matches!(keys, [Some("spec"), Some("mountOptions"), None]);
    metadata_map || class || volume
}

/// The resource lists of claims, PV capacity, quota `hard` and LimitRange limits (PVL010).
fn pvl010_place(subject: &Subject<'_>, keys: &[Option<&str>]) -> bool {
    let claim_resources = |prefix: &[Option<&str>]| {
        prefix.ends_with(&[Some("spec"), Some("resources")])
            && (subject.kind == "PersistentVolumeClaim" && prefix.len() == 2
                || prefix.len() >= 4
                    && matches!(
                        prefix.get(prefix.len() - 4..prefix.len() - 2),
                        Some(
                            [Some("volumeClaimTemplates"), None]
                                | [Some("ephemeral"), Some("volumeClaimTemplate")]
                        )
                    ))
    };
    match keys {
        [prefix @ .., Some("requests" | "limits"), Some(_)] => claim_resources(prefix),
        [Some("spec"), Some("capacity"), Some(_)] => subject.kind == "PersistentVolume",
        [Some("spec"), Some("hard"), Some(_)] => subject.kind == "ResourceQuota",
        [
            Some("spec"),
            Some("limits"),
            None,
            Some("max" | "min" | "default" | "defaultRequest" | "maxLimitRequestRatio"),
            Some(_),
        ] => subject.kind == "LimitRange",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(kind: &'static str) -> Subject<'static> {
        static ROOT: std::sync::LazyLock<Node> = std::sync::LazyLock::new(|| Node {
            span: Span::default(),
            kind: NodeKind::Mapping(Vec::new()),
        });
        Subject {
            api_version: "v1",
            kind,
            root: &ROOT,
            partial: false,
        }
    }

    #[test]
    fn quantities_that_invalid_quantity_reports() {
        let claim = subject("PersistentVolumeClaim");
        let set = subject("StatefulSet");
        let pod = subject("Pod");
        assert!(pvl010_place(
            &claim,
            &[
                Some("spec"),
                Some("resources"),
                Some("requests"),
                Some("storage")
            ]
        ));
        assert!(pvl010_place(
            &set,
            &[
                Some("spec"),
                Some("volumeClaimTemplates"),
                None,
                Some("spec"),
                Some("resources"),
                Some("limits"),
                Some("storage")
            ]
        ));
        assert!(pvl010_place(
            &pod,
            &[
                Some("spec"),
                Some("volumes"),
                None,
                Some("ephemeral"),
                Some("volumeClaimTemplate"),
                Some("spec"),
                Some("resources"),
                Some("requests"),
                Some("storage")
            ]
        ));
        // Pod-level and container resources are not PVL010's.
        assert!(!pvl010_place(
            &pod,
            &[Some("spec"), Some("resources"), Some("limits"), Some("cpu")]
        ));
        assert!(!pvl010_place(
            &pod,
            &[
                Some("spec"),
                Some("containers"),
                None,
                Some("resources"),
                Some("limits"),
                Some("cpu")
            ]
        ));
        assert!(pvl010_place(
            &subject("LimitRange"),
            &[
                Some("spec"),
                Some("limits"),
                None,
                Some("max"),
                Some("storage")
            ]
        ));
    }

    #[test]
    fn strings_that_unquoted_non_string_value_reports() {
        let class = subject("StorageClass");
        assert!(pvl012_place(&class, &[Some("parameters"), Some("iops")]));
        assert!(pvl012_place(&class, &[Some("mountOptions"), None]));
        assert!(pvl012_place(
            &subject("Deployment"),
            &[
                Some("spec"),
                Some("template"),
                Some("metadata"),
                Some("labels"),
                Some("app")
            ]
        ));
        assert!(!pvl012_place(
            &subject("Pod"),
            &[Some("spec"), Some("nodeName")]
        ));
    }
}
