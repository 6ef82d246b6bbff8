use std::fmt::Write as _;

use crate::change::{Base, ObjectChange};
use crate::model::claim::BETA_CLASS_ANNOTATION;
use crate::model::semantic::{self, Compare, Difference, Side};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Compares each storage object with the same object at the base revision (`--base`) and
    /// flags a change of a field the API server does not let an update change:
    /// - PersistentVolumeClaim (SEMANTICS §4.1): `spec.accessModes`, `selector`,
    ///   `resources.limits`, request keys other than `storage`, `dataSource`, `dataSourceRef`
    ///   and `volumeMode`; `storageClassName` (except from unset to a value), `volumeName`
    ///   (except from empty to a value), the beta storage-class annotation, and a
    ///   `volumeAttributesClassName` set back to nothing;
    /// - PersistentVolume (§4.2): the volume source (`csi`, `nfs`, `hostPath`, …, except
    ///   adding `csi.controllerExpandSecretRef`), `volumeMode`, `nodeAffinity` once set (except
    ///   replacing deprecated beta node labels by their GA names), and a
    ///   `volumeAttributesClassName` set back to nothing;
    /// - StorageClass (§4.3): `parameters`, `provisioner`, `reclaimPolicy`,
    ///   `volumeBindingMode`; VolumeAttributesClass: `driverName`, `parameters`; CSIDriver:
    ///   `spec.attachRequired`, `spec.volumeLifecycleModes`;
    /// - VolumeSnapshot: `spec.source.persistentVolumeClaimName` and
    ///   `volumeSnapshotContentName` once set; VolumeSnapshotContent: `spec.source.volumeHandle`,
    ///   `snapshotHandle` and `spec.sourceVolumeMode` once set;
    /// - StatefulSet (§4.4): `spec.selector`, `serviceName` and `podManagementPolicy`
    ///   (`volumeClaimTemplates` is PVL704).
    ///
    /// Values are compared as Kubernetes decodes them: key order, flow or block style, quoting
    /// and quantity spelling (`1Gi`, `1073741824`) do not matter, and a field left out equals
    /// the default the server fills in (`reclaimPolicy: Delete` on a class, `volumeMode:
    /// Filesystem`, `volumeBindingMode: Immediate`, `attachRequired: true`, …). A field the
    /// change removes is what `kubectl apply` does with it: it is cleared, then defaulted. A
    /// claim that names no class got the default class at creation, so naming another class
    /// later is a change; naming that same class is not.
    ///
    /// ## Why is this bad?
    /// The API server rejects the update ("spec is immutable after creation…", "updates to
    /// parameters are forbidden.", "field is immutable"), so the apply fails and every later
    /// object of the same apply may be skipped. The change can only reach the cluster by
    /// deleting and recreating the object, which for claims and volumes means moving the data.
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3 }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: io2, iopsPerGB: "50" }
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3 }
    /// ```
    ///
    /// After (a new class for the new parameters; fields that may change, changed):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// parameters:
    ///   type: gp3
    /// reclaimPolicy: Delete
    /// allowVolumeExpansion: true
    /// mountOptions: [noatime]
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast-io2 }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: io2, iopsPerGB: "50" }
    /// ```
    ///
    /// ## Known problems
    /// - Manifests do not record what the cluster filled in. The rule knows the defaults the
    ///   server writes, the default class a class-less claim got (from the base revision's dry
    ///   run, when the manifests define it) and the PersistentVolume a claim binds when the
    ///   manifests define it; a claim bound to a dynamically provisioned volume has a
    ///   `volumeName` the manifests cannot know, so setting one is not judged.
    /// - An empty mapping (`selector: {}`) is taken as absent.
    /// - VolumeSnapshotClass `driver` and `deletionPolicy` may change: neither its
    ///   CustomResourceDefinition nor the snapshot webhook forbids it, so they are not checked.
    /// - With the alpha `MutablePVNodeAffinity` gate (1.35) a PersistentVolume's
    ///   `nodeAffinity` may change; the rule assumes the gate is off, as it is by default.
    ///
    /// ## Related
    /// PVL701 and PVL702 (a claim's storage request), PVL704 (StatefulSet claim templates).
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/)
    /// - [Kubernetes: Storage Classes](https://kubernetes.io/docs/concepts/storage/storage-classes/)
    pub(crate) static RULE = Rule {
        code: "PVL703",
        name: "immutable-field-changed",
        category: Category::Correctness,
        summary: "a change the API server rejects: an immutable field of a storage object changed",
        check: Check::Change(check),
    };
}

/// What the API server answers, and how to get the change in anyway, per kind.
struct KindRules {
    name: &'static str,
    error: &'static str,
    help: &'static str,
}

const CLAIM: KindRules = KindRules {
    name: "PersistentVolumeClaim",
    error: "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    help: "revert the change; to change it anyway, create a new claim and copy the data over",
};
const VOLUME: KindRules = KindRules {
    name: "PersistentVolume",
    error: "the volume source (`spec.persistentvolumesource is immutable after creation`), `volumeMode`, and `nodeAffinity` once set are immutable",
    help: "revert the change; to change it anyway, delete and recreate the PersistentVolume (with `persistentVolumeReclaimPolicy: Retain` the storage survives)",
};
const CLASS: KindRules = KindRules {
    name: "StorageClass",
    error: "updates to parameters, provisioner, reclaimPolicy and volumeBindingMode are forbidden",
    help: "revert the change and define a class with a new name for new volumes; existing volumes keep the settings they were created with",
};
const ATTRIBUTES_CLASS: KindRules = KindRules {
    name: "VolumeAttributesClass",
    error: "driverName and parameters are immutable",
    help: "revert the change and define a VolumeAttributesClass with a new name; claims move to it by changing their `volumeAttributesClassName`",
};
const CSI_DRIVER: KindRules = KindRules {
    name: "CSIDriver",
    error: "attachRequired and volumeLifecycleModes are immutable",
    help: "revert the change, or delete and recreate the CSIDriver object",
};
const SNAPSHOT: KindRules = KindRules {
    name: "VolumeSnapshot",
    error: "the source is immutable and required once set",
    help: "revert the change; take a new VolumeSnapshot instead",
};
const SNAPSHOT_CONTENT: KindRules = KindRules {
    name: "VolumeSnapshotContent",
    error: "the source and sourceVolumeMode are immutable and required once set",
    help: "revert the change; create a new VolumeSnapshotContent instead",
};
const STATEFULSET: KindRules = KindRules {
    name: "StatefulSet",
    error: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    help: "revert the change, or delete the StatefulSet with `kubectl delete statefulset <name> --cascade=orphan` (its pods and claims stay) and apply it again",
};

/// Exact comparison, no defaults.
const EXACT: Compare = Compare {
    defaults: &[],
    quantities: &[],
    ignored: &[],
    zero_is_absent: false,
    maps: &[],
    pointers: &[],
};

/// A field of a Go struct (zero values are absent).
const VALUE: Compare = Compare {
    zero_is_absent: true,
    ..EXACT
};

/// A string map (`parameters`, `volumeAttributes`).
const STRING_MAP: Compare = Compare {
    maps: &[""],
    ..EXACT
};

/// A map of resource quantities (`limits`, `requests`).
const QUANTITIES: Compare = Compare {
    quantities: &["*"],
    maps: &[""],
    ..EXACT
};

const LABEL_SELECTOR: Compare = Compare {
    zero_is_absent: true,
    maps: &["matchLabels"],
    ..EXACT
};

/// A typed object reference (`dataSource`): `apiGroup` is a pointer, `""` is a value.
const REFERENCE: Compare = Compare {
    zero_is_absent: true,
    pointers: &["apiGroup", "namespace"],
    ..EXACT
};

const fn defaulted(default: &'static [(&'static str, &'static str)]) -> Compare {
    Compare {
        defaults: default,
        ..VALUE
    }
}

/// How a field may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutability {
    /// Never.
    Immutable,
    /// It may be set while unset; once set, it may not change or be removed.
    OnceSet,
}

/// One immutable field of a kind.
struct FieldRule {
    path: &'static [&'static str],
    compare: Compare,
    mutability: Mutability,
}

const fn immutable(path: &'static [&'static str], compare: Compare) -> FieldRule {
    FieldRule {
        path,
        compare,
        mutability: Mutability::Immutable,
    }
}

const fn once_set(path: &'static [&'static str], compare: Compare) -> FieldRule {
    FieldRule {
        path,
        compare,
        mutability: Mutability::OnceSet,
    }
}

const CLASS_FIELDS: &[FieldRule] = &[
    immutable(&["provisioner"], EXACT),
    immutable(&["parameters"], STRING_MAP),
    immutable(&["reclaimPolicy"], defaulted(&[("", "Delete")])),
    immutable(&["volumeBindingMode"], defaulted(&[("", "Immediate")])),
];

const ATTRIBUTES_CLASS_FIELDS: &[FieldRule] = &[
    immutable(&["driverName"], EXACT),
    immutable(&["parameters"], STRING_MAP),
];

const CSI_DRIVER_FIELDS: &[FieldRule] = &[
    immutable(
        &["spec", "attachRequired"],
        Compare {
            defaults: &[("", "true")],
            ..EXACT
        },
    ),
    immutable(
        &["spec", "volumeLifecycleModes"],
        Compare {
            defaults: &[("", "[Persistent]")],
            ..EXACT
        },
    ),
];

const SNAPSHOT_FIELDS: &[FieldRule] = &[
    once_set(&["spec", "source", "persistentVolumeClaimName"], EXACT),
    once_set(&["spec", "source", "volumeSnapshotContentName"], EXACT),
];

const SNAPSHOT_CONTENT_FIELDS: &[FieldRule] = &[
    once_set(&["spec", "source", "volumeHandle"], EXACT),
    once_set(&["spec", "source", "snapshotHandle"], EXACT),
    once_set(&["spec", "sourceVolumeMode"], EXACT),
];

const STATEFULSET_FIELDS: &[FieldRule] = &[
    immutable(&["spec", "selector"], LABEL_SELECTOR),
    immutable(&["spec", "serviceName"], VALUE),
    immutable(
        &["spec", "podManagementPolicy"],
        defaulted(&[("", "OrderedReady")]),
    ),
];

const CLAIM_FIELDS: &[FieldRule] = &[
    immutable(&["spec", "accessModes"], EXACT),
    immutable(&["spec", "selector"], LABEL_SELECTOR),
    immutable(&["spec", "volumeMode"], defaulted(&[("", "Filesystem")])),
    immutable(&["spec", "resources", "limits"], QUANTITIES),
    immutable(
        &["spec", "resources", "requests"],
        Compare {
            ignored: &["storage"],
            ..QUANTITIES
        },
    ),
];

const VOLUME_FIELDS: &[FieldRule] = &[
    immutable(&["spec", "volumeMode"], defaulted(&[("", "Filesystem")])),
    once_set(&["spec", "nodeAffinity"], VALUE),
];

/// Deprecated beta node labels a PersistentVolume's `nodeAffinity` may replace by their GA
/// names (SEMANTICS §4.2).
const BETA_NODE_LABELS: [(&str, &str); 5] = [
    (
        "failure-domain.beta.kubernetes.io/zone",
        "topology.kubernetes.io/zone",
    ),
    (
        "failure-domain.beta.kubernetes.io/region",
        "topology.kubernetes.io/region",
    ),
    (
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
    ),
    ("beta.kubernetes.io/os", "kubernetes.io/os"),
    ("beta.kubernetes.io/arch", "kubernetes.io/arch"),
];

/// How each PersistentVolume source compares: its defaults (`+default` in the API types) and
/// its string maps.
fn source_compare(source: &str, expand_secret_added: bool) -> Compare {
    match source {
        "rbd" => defaulted(&[
            ("pool", "rbd"),
            ("user", "admin"),
            ("keyring", "/etc/ceph/keyring"),
        ]),
        "iscsi" => defaulted(&[("iscsiInterface", "default")]),
        "azureDisk" => defaulted(&[
            ("cachingMode", "ReadWrite"),
            ("fsType", "ext4"),
            ("readOnly", "false"),
            ("kind", "Shared"),
        ]),
        "scaleIO" => defaulted(&[("storageMode", "ThinProvisioned"), ("fsType", "xfs")]),
        "csi" if expand_secret_added => Compare {
            maps: &["volumeAttributes"],
            ignored: &["controllerExpandSecretRef"],
            ..VALUE
        },
        "csi" => Compare {
            maps: &["volumeAttributes"],
            ..VALUE
        },
        "flexVolume" => Compare {
            maps: &["options"],
            ..VALUE
        },
        _ => VALUE,
    }
}

/// A finding before it is reported.
struct Finding {
    /// The field, from the object root (`spec.accessModes[0]`).
    field: String,
    /// What the API server allows, for the message: `is immutable`, `is immutable once set`.
    constraint: &'static str,
    /// Where the head revision has it (or the nearest key that is present).
    at: Span,
    /// The new value for messages; `None` when the change removes it.
    after: Option<String>,
    before_at: Span,
    before: Option<String>,
    /// The label on the base side, when the value alone does not say it.
    was: Option<String>,
    /// Other differences of the same field.
    more: usize,
    /// Why this change in particular is rejected, when the field has exceptions.
    note: Option<String>,
}

impl Finding {
    fn from_difference(path: &[&str], first: &Difference<'_>, more: usize) -> Self {
        Self {
            field: join(path, &first.path),
            constraint: IMMUTABLE,
            at: first.after.at,
            after: first.after.describe(),
            before_at: first.before.at,
            before: first.before.describe(),
            was: None,
            more,
            note: None,
        }
    }
}

const IMMUTABLE: &str = "is immutable";

fn join(path: &[&str], below: &str) -> String {
    let mut field = path.join(".");
    if !below.is_empty() {
        if !below.starts_with('[') && !field.is_empty() {
            field.push('.');
        }
        field.push_str(below);
    }
    field
}

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), Some(after), Some(base)) = (change.before, change.after, cx.base) else {
        return;
    };
    let (kind, findings) = match (&before.kind, &after.kind) {
        (ObjectKind::Claim(old), ObjectKind::Claim(new)) => {
            let (old, new) = (base.index.claim(*old), cx.index.claim(*new));
            (CLAIM, claim_findings(base, before, after, old, new))
        }
        (ObjectKind::Volume(old), ObjectKind::Volume(new)) => {
            (VOLUME, volume_findings(before, after, old, new))
        }
        (ObjectKind::StorageClass(_), ObjectKind::StorageClass(_)) => {
            (CLASS, fields(before, after, CLASS_FIELDS))
        }
        (ObjectKind::VolumeSnapshot(_), ObjectKind::VolumeSnapshot(_)) => {
            (SNAPSHOT, fields(before, after, SNAPSHOT_FIELDS))
        }
        (ObjectKind::Workload(old), ObjectKind::Workload(new))
            if old.kind == WorkloadKind::StatefulSet && new.kind == WorkloadKind::StatefulSet =>
        {
            (STATEFULSET, fields(before, after, STATEFULSET_FIELDS))
        }
        (ObjectKind::Other, ObjectKind::Other) => {
            let (kind, rules) = match (change.key.group.as_str(), change.key.kind.as_str()) {
                ("storage.k8s.io", "VolumeAttributesClass") => {
                    (ATTRIBUTES_CLASS, ATTRIBUTES_CLASS_FIELDS)
                }
                ("storage.k8s.io", "CSIDriver") => (CSI_DRIVER, CSI_DRIVER_FIELDS),
                ("snapshot.storage.k8s.io", "VolumeSnapshotContent") => {
                    (SNAPSHOT_CONTENT, SNAPSHOT_CONTENT_FIELDS)
                }
                _ => return,
            };
            (kind, fields(before, after, rules))
        }
        _ => return,
    };
    let name = &change.key.name;
    for finding in findings {
        report(cx, base, &kind, name, finding);
    }
}

fn report(
    cx: &mut RuleContext<'_, '_>,
    base: &Base<'_, '_>,
    kind: &KindRules,
    name: &str,
    finding: Finding,
) {
    let change = match &finding.after {
        Some(value) => format!("this change sets it to {value}"),
        None => "this change removes it".to_owned(),
    };
    let mut message = format!(
        "`{}` of {} `{name}` {}, but {change}",
        finding.field, kind.name, finding.constraint
    );
    if finding.more > 0 {
        let plural = if finding.more == 1 { "" } else { "s" };
        let _ = write!(
            message,
            " ({} more difference{plural} below it)",
            finding.more
        );
    }
    let now = match &finding.after {
        Some(value) => format!("now {value}"),
        None => "no longer set here".to_owned(),
    };
    let was = match (finding.was, &finding.before) {
        (Some(was), _) => was,
        (None, Some(value)) => format!("{value} at `{}`", base.revision),
        (None, None) => format!("not set at `{}`", base.revision),
    };
    let note = finding
        .note
        .unwrap_or_else(|| format!("the API server rejects the update: {}", kind.error));
    cx.report(finding.at, message)
        .label(finding.at, now)
        .label(finding.before_at, was)
        .help(kind.help)
        .note(note);
}

/// The findings of a kind's plain immutable fields.
fn fields(before: &Object<'_>, after: &Object<'_>, rules: &[FieldRule]) -> Vec<Finding> {
    rules
        .iter()
        .filter_map(|rule| field(before, after, rule))
        .collect()
}

fn field(before: &Object<'_>, after: &Object<'_>, rule: &FieldRule) -> Option<Finding> {
    if rule.mutability == Mutability::OnceSet && before.meta.root.path(rule.path).is_none() {
        return None;
    }
    let anchors = (before.meta.name_span(), after.meta.name_span());
    let differences: Vec<Difference<'_>> = semantic::differences(
        before.meta.root,
        after.meta.root,
        rule.path,
        anchors,
        &rule.compare,
    )
    .into_iter()
    .filter(|difference| !is_placeholder_difference(difference))
    .collect();
    let (first, rest) = differences.split_first()?;
    let mut finding = Finding::from_difference(rule.path, first, rest.len());
    if rule.mutability == Mutability::OnceSet {
        finding.constraint = "is immutable once set";
    }
    Some(finding)
}

fn is_placeholder_difference(difference: &Difference<'_>) -> bool {
    let placeholder =
        |side: &Side<'_>| side.node.and_then(Node::as_str).is_some_and(is_placeholder);
    placeholder(&difference.before) || placeholder(&difference.after)
}

// ----- PersistentVolumeClaim --------------------------------------------------------------

fn claim_findings(
    base: &Base<'_, '_>,
    before: &Object<'_>,
    after: &Object<'_>,
    old: &Claim<'_>,
    new: &Claim<'_>,
) -> Vec<Finding> {
    let mut findings = fields(before, after, CLAIM_FIELDS);
    findings.extend(data_sources(before, after));
    findings.extend(claim_class(base, old, new));
    findings.extend(beta_class_annotation(before, after, old, new));
    findings.extend(volume_name(base, after, old, new));
    findings.extend(attributes_class_removed(before, after));
    findings
}

fn spec_entry<'a>(object: &Object<'a>, key: &str) -> Option<&'a Entry> {
    object
        .meta
        .root
        .get("spec")?
        .entry(key)
        .filter(|entry| !entry.value.is_null())
}

/// What `kubectl apply` sends for a field: the written value, nothing when the change removes
/// a written one, else what the server stored.
fn applied<'a>(
    written: Option<&'a Entry>,
    was_written: bool,
    stored: Option<&'a Entry>,
) -> Option<&'a Entry> {
    if written.is_some() {
        written
    } else if was_written {
        None
    } else {
        stored
    }
}

/// `dataSource` and `dataSourceRef`, as the server stores them: at creation each mirrors the
/// other when only one is written (SEMANTICS §3.2), so writing the mirror later is no change;
/// removing a written one is.
fn data_sources(before: &Object<'_>, after: &Object<'_>) -> Vec<Finding> {
    let (old_ds, old_ref) = (
        spec_entry(before, "dataSource"),
        spec_entry(before, "dataSourceRef"),
    );
    let (new_ds, new_ref) = (
        spec_entry(after, "dataSource"),
        spec_entry(after, "dataSourceRef"),
    );
    // What the server stores at creation.
    let live_ds = old_ds
        .filter(|ds| is_claim_or_snapshot(ds) || old_ref.is_some())
        .or(old_ref.filter(|reference| {
            reference
                .value
                .get("namespace")
                .and_then(Node::as_str)
                .is_none_or(str::is_empty)
        }));
    let live_ref = old_ref.or(old_ds.filter(|ds| is_claim_or_snapshot(ds)));
    // What `kubectl apply` sends: written fields, cleared ones, the rest as stored.
    let mut new_ds = applied(new_ds, old_ds.is_some(), live_ds);
    let new_ref = applied(new_ref, old_ref.is_some(), live_ref);
    // A claim that had no data source drops an unsupported `dataSource` without a ref.
    if live_ds.is_none() && live_ref.is_none() && new_ref.is_none() {
        new_ds = new_ds.filter(|ds| is_claim_or_snapshot(ds));
    }
    let anchors = (
        before
            .meta
            .root
            .entry("spec")
            .map_or_else(|| before.meta.name_span(), |e| e.key.span),
        after
            .meta
            .root
            .entry("spec")
            .map_or_else(|| after.meta.name_span(), |e| e.key.span),
    );
    [
        ("dataSource", live_ds, new_ds),
        ("dataSourceRef", live_ref, new_ref),
    ]
    .into_iter()
    .filter_map(|(key, live, new)| {
        let differences = semantic::entry_differences(live, new, anchors, &REFERENCE);
        let (first, rest) = differences.split_first()?;
        Some(Finding::from_difference(&["spec", key], first, rest.len()))
    })
    .collect()
}

fn is_claim_or_snapshot(entry: &Entry) -> bool {
    let text = |key| entry.value.get(key).and_then(Node::as_str).unwrap_or("");
    matches!(
        (text("apiGroup"), text("kind")),
        ("", "PersistentVolumeClaim") | ("snapshot.storage.k8s.io", "VolumeSnapshot")
    )
}

/// The class a claim has in the cluster at the base revision.
enum LiveClass<'a> {
    /// Written in the manifest.
    Written(Spanned<&'a str>),
    /// Unset, and admission wrote this default class into it at creation.
    Defaulted(String),
    /// Unset and still unset (it has the beta annotation), or unknown.
    Unset,
}

/// `storageClassName` may go from unset to a value, nothing else (SEMANTICS §4.1).
fn claim_class(base: &Base<'_, '_>, old: &Claim<'_>, new: &Claim<'_>) -> Option<Finding> {
    let old_annotation = old.annotation(BETA_CLASS_ANNOTATION);
    let live = match old.spec.storage_class_name {
        Some(name) => LiveClass::Written(name),
        None if old_annotation.is_some() => LiveClass::Unset,
        None => base
            .plan
            .for_claim(old.id)
            .next()
            .filter(|plan| plan.class.how == "default")
            .and_then(|plan| plan.class.name.clone())
            .map_or(LiveClass::Unset, LiveClass::Defaulted),
    };
    let new_name = new.spec.storage_class_name;
    let anchor = |claim: &Claim<'_>| claim.spec.anchor;
    match (live, new_name) {
        (LiveClass::Written(old_name), Some(new_name)) if old_name.value != new_name.value => {
            if is_placeholder(old_name.value) || is_placeholder(new_name.value) {
                return None;
            }
            Some(class_finding(
                new_name.span,
                Some(new_name.value),
                old_name.span,
                format!("`{}` at `{}`", display_class(old_name.value), base.revision),
                None,
            ))
        }
        (LiveClass::Written(old_name), None) if !is_placeholder(old_name.value) => {
            Some(class_finding(
                anchor(new),
                None,
                old_name.span,
                format!("`{}` at `{}`", display_class(old_name.value), base.revision),
                None,
            ))
        }
        (LiveClass::Defaulted(default), Some(new_name))
            if default != new_name.value && !is_placeholder(new_name.value) =>
        {
            Some(class_finding(
                new_name.span,
                Some(new_name.value),
                anchor(old),
                format!(
                    "unset at `{}`: the claim got the default class `{default}` when it was created",
                    base.revision
                ),
                Some(format!(
                    "a claim without `storageClassName` gets the default class `{default}` when it is created; from then on only `{default}` matches what the cluster has"
                )),
            ))
        }
        (LiveClass::Unset, Some(new_name)) => {
            // Unset to a value is allowed, but must match the beta annotation when there is one.
            let annotation = old_annotation?;
            (annotation.value != new_name.value && !is_placeholder(new_name.value)).then(|| {
                class_finding(
                    new_name.span,
                    Some(new_name.value),
                    annotation.span,
                    format!(
                        "at `{}` the beta annotation names `{}`",
                        base.revision, annotation.value
                    ),
                    Some("`storageClassName` may be set on a claim that has the beta storage-class annotation only to the annotation's class".to_owned()),
                )
            })
        }
        _ => None,
    }
}

fn display_class(name: &str) -> &str {
    if name.is_empty() { "\"\"" } else { name }
}

fn class_finding(
    at: Span,
    after: Option<&str>,
    before_at: Span,
    was: String,
    note: Option<String>,
) -> Finding {
    Finding {
        field: "spec.storageClassName".to_owned(),
        constraint: "may only be set while unset",
        at,
        after: after.map(|name| format!("`{}`", display_class(name))),
        before_at,
        before: None,
        was: Some(was),
        more: 0,
        note,
    }
}

fn annotation_text(annotation: Option<Spanned<&str>>) -> &str {
    annotation.map_or("", |a| a.value)
}

/// The beta storage-class annotation is immutable, except when it moves into
/// `storageClassName` (SEMANTICS §4.1).
fn beta_class_annotation(
    before: &Object<'_>,
    after: &Object<'_>,
    old: &Claim<'_>,
    new: &Claim<'_>,
) -> Option<Finding> {
    let old_annotation = old.annotation(BETA_CLASS_ANNOTATION);
    let new_annotation = new.annotation(BETA_CLASS_ANNOTATION);
    if annotation_text(old_annotation) == annotation_text(new_annotation)
        || is_placeholder(annotation_text(old_annotation))
        || is_placeholder(annotation_text(new_annotation))
    {
        return None;
    }
    // Moving the class from the annotation into the field.
    if let Some(old_value) = old_annotation
        && old.spec.storage_class_name.is_none()
        && new
            .spec
            .storage_class_name
            .is_some_and(|name| name.value == old_value.value)
        && new_annotation.is_none_or(|value| value.value == old_value.value)
    {
        return None;
    }
    let annotations_anchor = |object: &Object<'_>| {
        object
            .meta
            .metadata
            .and_then(|metadata| metadata.entry("annotations"))
            .map_or_else(|| object.meta.name_span(), |entry| entry.key.span)
    };
    Some(Finding {
        field: format!("metadata.annotations[\"{BETA_CLASS_ANNOTATION}\"]"),
        constraint: IMMUTABLE,
        at: new_annotation.map_or_else(|| annotations_anchor(after), |a| a.span),
        after: new_annotation.map(|a| format!("`{}`", a.value)),
        before_at: old_annotation.map_or_else(|| annotations_anchor(before), |a| a.span),
        before: old_annotation.map(|a| format!("`{}`", a.value)),
        was: None,
        more: 0,
        note: None,
    })
}

/// `volumeName` may be set once, while empty (SEMANTICS §4.1). Unset at the base revision, it
/// holds the volume the claim bound; the manifests know it when the PV is theirs.
fn volume_name(
    base: &Base<'_, '_>,
    after: &Object<'_>,
    old: &Claim<'_>,
    new: &Claim<'_>,
) -> Option<Finding> {
    let old_written = old.spec.volume_name.filter(|name| !name.value.is_empty());
    let (live, live_at, how) = if let Some(name) = old_written {
        (name.value.to_owned(), name.span, None)
    } else {
        let plan = base.plan.for_claim(old.id).next()?;
        let volume = base.index.object(plan.volume_object?);
        let name = plan.volume.clone()?;
        let how = format!(
            "at `{}` the claim binds PersistentVolume `{name}`, which the controller wrote into `volumeName`",
            base.revision
        );
        (name, volume.meta.name_span(), Some(how))
    };
    let new_value = match new.spec.volume_name {
        Some(name) => Some(name),
        // Removing a written name clears it; an unwritten one keeps the bound volume.
        None if old_written.is_some() => None,
        None => return None,
    };
    if new_value.is_some_and(|name| name.value == live || is_placeholder(name.value))
        || is_placeholder(&live)
    {
        return None;
    }
    let at = match new_value {
        Some(name) => name.span,
        None => after
            .meta
            .root
            .entry("spec")
            .map_or_else(|| after.meta.name_span(), |entry| entry.key.span),
    };
    Some(Finding {
        field: "spec.volumeName".to_owned(),
        constraint: "may only be set while empty",
        at,
        after: new_value.map(|name| format!("`{}`", display_class(name.value))),
        before_at: live_at,
        before: Some(format!("`{live}`")),
        was: None,
        more: 0,
        note: Some(match how {
            Some(how) => format!("a claim's `volumeName` may only be set while it is empty; {how}"),
            None => "a claim's `volumeName` may only be set while it is empty".to_owned(),
        }),
    })
}

/// A `volumeAttributesClassName` may change, but not back to nothing.
fn attributes_class_removed(before: &Object<'_>, after: &Object<'_>) -> Option<Finding> {
    const PATH: &[&str] = &["spec", "volumeAttributesClassName"];
    let old = before.meta.root.path(PATH)?;
    let old_name = old.as_str()?;
    if old_name.is_empty() || is_placeholder(old_name) {
        return None;
    }
    let new = after.meta.root.path(PATH);
    if new
        .and_then(Node::as_str)
        .is_some_and(|name| !name.is_empty())
    {
        return None;
    }
    let spec_key = after
        .meta
        .root
        .entry("spec")
        .map_or_else(|| after.meta.name_span(), |entry| entry.key.span);
    Some(Finding {
        field: PATH.join("."),
        constraint: "may change but not be cleared",
        at: new.map_or(spec_key, |node| node.span),
        after: new.map(|_| "`\"\"`".to_owned()),
        before_at: old.span,
        before: Some(format!("`{old_name}`")),
        was: None,
        more: 0,
        note: Some(
            "the API server rejects the update: update from non-nil value to nil (or an empty string) is forbidden".to_owned(),
        ),
    })
}

// ----- PersistentVolume -------------------------------------------------------------------

fn volume_findings(
    before: &Object<'_>,
    after: &Object<'_>,
    old: &PersistentVolume<'_>,
    new: &PersistentVolume<'_>,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = fields(before, after, VOLUME_FIELDS)
        .into_iter()
        .filter(|finding| {
            !finding.field.starts_with("spec.nodeAffinity") || !beta_label_rename(before, after)
        })
        .collect();
    findings.extend(volume_source(before, after, old, new));
    if let Some(mut finding) = attributes_class_removed(before, after) {
        finding.note = Some(
            "the API server rejects the update: update from non-nil value to nil is forbidden"
                .to_owned(),
        );
        findings.push(finding);
    }
    findings
}

/// Whether every difference of `nodeAffinity` replaces a deprecated beta node label by its GA
/// name, which the API server allows.
fn beta_label_rename(before: &Object<'_>, after: &Object<'_>) -> bool {
    const PATH: &[&str] = &["spec", "nodeAffinity"];
    let anchors = (before.meta.name_span(), after.meta.name_span());
    let differences =
        semantic::differences(before.meta.root, after.meta.root, PATH, anchors, &VALUE);
    !differences.is_empty()
        && differences.iter().all(|difference| {
            let before = difference.before.node.and_then(Node::as_str);
            let after = difference.after.node.and_then(Node::as_str);
            difference.path.rsplit('.').next() == Some("key")
                && BETA_NODE_LABELS
                    .iter()
                    .any(|(beta, ga)| before == Some(beta) && after == Some(ga))
        })
}

/// The persistent volume source is immutable, except that `csi.controllerExpandSecretRef` may
/// be added (SEMANTICS §4.2). One finding for the source as a whole.
fn volume_source(
    before: &Object<'_>,
    after: &Object<'_>,
    old: &PersistentVolume<'_>,
    new: &PersistentVolume<'_>,
) -> Option<Finding> {
    let mut keys: Vec<&str> = Vec::new();
    for source in new.sources.iter().chain(&old.sources) {
        if !keys.contains(&source.value) {
            keys.push(source.value);
        }
    }
    let expand_secret_added = old
        .spec
        .and_then(|spec| spec.path(&["csi", "controllerExpandSecretRef"]))
        .is_none();
    let anchors = (before.meta.name_span(), after.meta.name_span());
    let mut differences: Vec<(&str, Difference<'_>)> = Vec::new();
    for key in keys {
        let path = ["spec", key];
        let compare = source_compare(key, expand_secret_added);
        differences.extend(
            semantic::differences(before.meta.root, after.meta.root, &path, anchors, &compare)
                .into_iter()
                .filter(|difference| !is_placeholder_difference(difference))
                .map(|difference| (key, difference)),
        );
    }
    let ((key, first), rest) = differences.split_first()?;
    Some(Finding::from_difference(&["spec", key], first, rest.len()))
}
