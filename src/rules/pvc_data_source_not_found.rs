use crate::index::{ClaimLookup, DataSource, Provided, SnapshotLookup};
use crate::model::claim::TypedReference;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim whose `dataSource` or `dataSourceRef` cannot work (SEMANTICS §3.2, §6):
    /// - it names a PersistentVolumeClaim (a clone) or a VolumeSnapshot (a restore) that is not
    ///   in the claim's namespace;
    /// - a `dataSource` other than a core `PersistentVolumeClaim` or a
    ///   `snapshot.storage.k8s.io` `VolumeSnapshot`, without `dataSourceRef`: the API server
    ///   silently drops it (a `VolumeSnapshot` without its `apiGroup` is the usual slip);
    /// - a reference without `apiGroup` whose kind is not `PersistentVolumeClaim`, when the API
    ///   server validates it (in `dataSourceRef`, or in `dataSource` next to a
    ///   `dataSourceRef`);
    /// - `dataSource` and `dataSourceRef` both set and different, or `dataSource` next to a
    ///   `dataSourceRef` with a `namespace`.
    ///
    /// Claims of StatefulSet `volumeClaimTemplates` and ephemeral volumes are checked too.
    ///
    /// ## Why is this bad?
    /// A dropped data source leaves the claim empty: the volume is provisioned without the
    /// data the author expected, and nothing reports it. A rejected one makes `kubectl apply`
    /// fail. A clone or restore of an object that does not exist stays `Pending`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-snapshot }
    /// spec:
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data-restored }
    /// spec:
    ///   dataSource:
    ///     kind: VolumeSnapshot
    ///     name: data-snapshot
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshot
    /// metadata: { name: data-snapshot }
    /// spec:
    ///   source:
    ///     persistentVolumeClaimName: data
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data-restored }
    /// spec:
    ///   dataSource:
    ///     apiGroup: snapshot.storage.k8s.io
    ///     kind: VolumeSnapshot
    ///     name: data-snapshot
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Source claims created outside the linted files (by a Helm chart, an operator) look
    /// missing, as for `pod-claim-not-found`: pass the files that define them with
    /// `--context`. Snapshots are often cut by a backup tool rather than written in the
    /// repository, so a missing snapshot is only reported where the manifests define
    /// VolumeSnapshots in the claim's directory or one of its parents, or when the name is a
    /// likely typo of one. A namespace that is not written is set at deploy time, so an object
    /// of the same name in another namespace counts as found when either side leaves its
    /// namespace unwritten.
    ///
    /// A `dataSourceRef` into another namespace needs the alpha `CrossNamespaceVolumeDataSource`
    /// feature gate and a `ReferenceGrant` (SEMANTICS §6.4); it is not checked. Kinds other than
    /// claims and snapshots in `dataSourceRef` are filled by volume populators and not checked.
    ///
    /// ## Related
    /// - PVL502 (`snapshot-source-not-found`)
    /// - PVL507 (`restore-smaller-than-source`)
    /// - PVL508 (`clone-driver-mismatch`)
    ///
    /// ## References
    /// - [Kubernetes: Volume snapshot and restore](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-snapshot-and-restore-volume-from-snapshot-support)
    /// - [Kubernetes: CSI volume cloning](https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/)
    pub(crate) static RULE = Rule {
        code: "PVL505",
        name: "pvc-data-source-not-found",
        category: Category::Correctness,
        summary: "PVC data source is missing, dropped or rejected",
        check: Check::Claim(check),
    };
}

const SNAPSHOT_GROUP: &str = "snapshot.storage.k8s.io";

/// Shorter names are too often both real to call one a typo.
const MIN_TYPO_LENGTH: usize = 5;

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let data_source = claim.spec.data_source.filter(is_written);
    let data_source_ref = claim.spec.data_source_ref.filter(is_written);
    if [data_source, data_source_ref]
        .iter()
        .flatten()
        .any(has_placeholder)
    {
        return;
    }
    match (data_source, data_source_ref) {
        (None, None) => {}
        (Some(source), None) => {
            if !dropped(source, cx) {
                check_target(claim, source, cx);
            }
        }
        (data_source, Some(reference)) => {
            // Each invalid reference is reported, so no short-circuit.
            let mut rejected = false;
            for source in [data_source, Some(reference)].into_iter().flatten() {
                rejected |= core_kind_only(source, cx);
            }
            if let Some(source) = data_source {
                rejected |= conflicting(source, reference, cx);
            }
            if !rejected {
                check_target(claim, reference, cx);
            }
        }
    }
}

/// A `dataSource: null` or an empty mapping sets nothing.
fn is_written(source: &TypedReference<'_>) -> bool {
    source.kind.is_some() || source.name.is_some() || source.api_group.is_some()
}

fn has_placeholder(source: &TypedReference<'_>) -> bool {
    [source.kind, source.name, source.api_group, source.namespace]
        .into_iter()
        .flatten()
        .any(|field| is_placeholder(field.value))
}

fn group<'a>(source: &TypedReference<'a>) -> &'a str {
    source.api_group.map_or("", |group| group.value)
}

/// ``in API group `x` `` or `without `apiGroup``, for messages.
fn in_group(source: &TypedReference<'_>) -> String {
    match group(source) {
        "" => "without `apiGroup`".to_owned(),
        group => format!("in API group `{group}`"),
    }
}

/// `dataSource` without `dataSourceRef` keeps only a core PersistentVolumeClaim or a
/// `snapshot.storage.k8s.io` VolumeSnapshot; the API server drops anything else (§3.2).
fn dropped(source: TypedReference<'_>, cx: &mut RuleContext<'_, '_>) -> bool {
    let Some(kind) = source.kind else {
        return false;
    };
    let kept = matches!(
        (group(&source), kind.value),
        ("", "PersistentVolumeClaim") | (SNAPSHOT_GROUP, "VolumeSnapshot")
    );
    if kept {
        return false;
    }
    let note = "without `dataSourceRef`, the API server keeps `dataSource` only for a core \
                PersistentVolumeClaim or a `snapshot.storage.k8s.io` VolumeSnapshot, and drops \
                it silently otherwise: the claim is created empty";
    let (span, message, help) = match kind.value {
        "VolumeSnapshot" => (
            source.api_group.map_or(kind.span, |group| group.span),
            format!(
                "`dataSource` of kind `VolumeSnapshot` {} is dropped",
                in_group(&source)
            ),
            format!("set `apiGroup: {SNAPSHOT_GROUP}`"),
        ),
        "PersistentVolumeClaim" => (
            source.api_group.map_or(kind.span, |group| group.span),
            format!(
                "`dataSource` of kind `PersistentVolumeClaim` {} is dropped",
                in_group(&source)
            ),
            "remove `apiGroup`: claims are in the core group".to_owned(),
        ),
        other => (
            kind.span,
            format!("`dataSource` of kind `{other}` is dropped"),
            "use `dataSourceRef` for a volume populator".to_owned(),
        ),
    };
    cx.report(span, message).note(note).help(help);
    true
}

/// A reference without `apiGroup` must name a PersistentVolumeClaim (§3.2).
fn core_kind_only(source: TypedReference<'_>, cx: &mut RuleContext<'_, '_>) -> bool {
    let Some(kind) = source.kind else {
        return false;
    };
    if !group(&source).is_empty() || kind.value == "PersistentVolumeClaim" {
        return false;
    }
    let help = if kind.value == "VolumeSnapshot" {
        format!("set `apiGroup: {SNAPSHOT_GROUP}`")
    } else {
        format!("set the `apiGroup` of `{}`", kind.value)
    };
    cx.report(
        kind.span,
        format!("kind `{}` needs an `apiGroup`", kind.value),
    )
    .note("the API server rejects it: the kind \"must be 'PersistentVolumeClaim' when referencing the default apiGroup\"")
    .help(help);
    true
}

/// `dataSource` next to `dataSourceRef`: forbidden with a namespace, else it must be equal
/// (§3.2; `apiGroup` is compared as written, so absent and `""` differ).
fn value(field: Option<Spanned<&str>>) -> Option<&str> {
    field.map(|field| field.value)
}

fn conflicting(
    source: TypedReference<'_>,
    reference: TypedReference<'_>,
    cx: &mut RuleContext<'_, '_>,
) -> bool {
    if let Some(namespace) = reference.namespace
        && !namespace.value.is_empty()
    {
        cx.report(
            namespace.span,
            "`dataSourceRef.namespace` is set together with `dataSource`",
        )
        .note("the API server rejects `dataSource` when `dataSourceRef` names a namespace")
        .help("remove `dataSource`");
        return true;
    }
    let differing = [
        ("apiGroup", source.api_group, reference.api_group),
        ("kind", source.kind, reference.kind),
        ("name", source.name, reference.name),
    ]
    .into_iter()
    .find(|(key, a, b)| {
        if *key == "apiGroup" {
            value(*a) != value(*b)
        } else {
            value(*a).unwrap_or_default() != value(*b).unwrap_or_default()
        }
    });
    let Some((key, ours, theirs)) = differing else {
        return false;
    };
    let shown = |field: Option<Spanned<&str>>| match field {
        None => "unset".to_owned(),
        Some(field) if field.value.is_empty() => "`\"\"`".to_owned(),
        Some(field) => format!("`{}`", field.value),
    };
    let anchor = ours
        .or(source.kind)
        .or(source.name)
        .map_or(source.span, |field| field.span);
    let note = if key == "apiGroup" {
        "the API server rejects a claim whose `dataSource` and `dataSourceRef` differ; `apiGroup` is compared as written, so unset and `\"\"` differ"
    } else {
        "the API server rejects a claim whose `dataSource` and `dataSourceRef` differ"
    };
    cx.report(
        anchor,
        format!(
            "`dataSource` does not match `dataSourceRef`: `{key}` is {} here and {} there",
            shown(ours),
            shown(theirs)
        ),
    )
    .label(
        theirs.map_or(reference.span, |field| field.span),
        "`dataSourceRef` says this",
    )
    .note(note)
    .help("keep only `dataSourceRef`, or make both the same");
    true
}

/// The claim or snapshot the effective reference names must exist.
fn check_target(claim: &Claim<'_>, source: TypedReference<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    if index.data_source(claim) != Some(DataSource::Missing) {
        return;
    }
    let (Some(name), Some(kind)) = (source.name, source.kind) else {
        return;
    };
    if name.value.is_empty() {
        return;
    }
    let owner = index.object(claim.owner);
    let written = owner.meta.namespace;
    let in_namespace = written.map_or(String::new(), |namespace| {
        format!(" in namespace `{}`", namespace.value)
    });
    let namespace = owner.key.namespace.as_deref().unwrap_or_default();
    if kind.value == "PersistentVolumeClaim" {
        let elsewhere = match index.lookup_claim(owner, name.value) {
            ClaimLookup::Found(_) | ClaimLookup::Possible => return,
            ClaimLookup::OtherNamespace(elsewhere) => Some(elsewhere),
            ClaimLookup::OutOfRange { .. } | ClaimLookup::Missing => None,
        };
        let similar = index
            .similar_claim(namespace, name.value, owner.file())
            .and_then(|(similar, id)| {
                let similar_claim = index.claim(id);
                let span = similar_claim.name.map(|name| name.span)?;
                Some((similar, span))
            });
        report_missing("claim", name, &in_namespace, elsewhere, similar, cx);
        return;
    }
    let elsewhere = match index.lookup_snapshot(owner, name.value) {
        SnapshotLookup::Found(_) | SnapshotLookup::Possible => return,
        SnapshotLookup::OtherNamespace(elsewhere) => Some(elsewhere),
        SnapshotLookup::Missing => None,
    };
    let similar = index
        .similar_snapshot(namespace, name.value)
        .and_then(|similar| index.snapshot_named(namespace, similar, owner.file()))
        .map(|object| (object.key.name.as_str(), object.meta.name_span()));
    if elsewhere.is_none()
        && !likely_typo(name, similar)
        && !index.defines_for(Provided::VolumeSnapshot, owner.file())
    {
        return;
    }
    report_missing("snapshot", name, &in_namespace, elsewhere, similar, cx);
}

/// A name within typo distance of a defined one, long enough not to be a second real name.
fn likely_typo(name: Spanned<&str>, similar: Option<(&str, Span)>) -> bool {
    similar.is_some() && name.value.len() >= MIN_TYPO_LENGTH
}

fn report_missing(
    what: &str,
    name: Spanned<&str>,
    in_namespace: &str,
    elsewhere: Option<Spanned<&str>>,
    similar: Option<(&str, Span)>,
    cx: &mut RuleContext<'_, '_>,
) {
    let report = cx.report(
        name.span,
        format!("{what} `{}` is not defined{in_namespace}", name.value),
    );
    match (elsewhere, similar) {
        (Some(elsewhere), _) => report
            .label(
                elsewhere.span,
                format!(
                    "a {what} with this name is defined in namespace `{}`",
                    elsewhere.value
                ),
            )
            .help(format!(
                "a claim can only be filled from a {what} of its own namespace: move one of them"
            )),
        (None, Some((similar, span))) => report
            .label(
                span,
                format!("a {what} with a similar name is defined here"),
            )
            .help(format!("did you mean `{similar}`?")),
        (None, None) => report.help(format!(
            "define the {what}, fix the name, or pass the file that defines it with `--context`"
        )),
    };
}
