use crate::index::ClaimLookup;
use crate::model::workload::PodVolume;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a pod volume whose `persistentVolumeClaim.claimName` names no claim in the pod's
    /// namespace, in Pods and in the pod templates of every workload kind. Claims count as
    /// existing when a PersistentVolumeClaim in the linted manifests (or in the `--context` and
    /// `cluster.objects` files) has that name, when a StatefulSet's `volumeClaimTemplates`
    /// generate it (`<template>-<statefulset>-<ordinal>` for an ordinal the set runs), or when
    /// it is the claim a generic ephemeral volume of a Pod creates (`<pod>-<volume>`).
    ///
    /// ## Why is this bad?
    /// The claim is always looked up in the pod's own namespace (SEMANTICS §5.1). When it does
    /// not exist, the scheduler marks the pod unschedulable (`persistentvolumeclaim "…" not
    /// found`) and it stays `Pending` until someone creates the claim.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: app-data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 1Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: app-date }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: app-data }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 1Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: app-data }
    /// ```
    ///
    /// ## Known problems
    /// Claims created outside the linted files (by a Helm chart, an operator, another
    /// repository) look missing: pass the files that define them with `--context`, or export
    /// them from the cluster into a `cluster.objects` file.
    ///
    /// A namespace that is not written in the manifest is set at deploy time (`kubectl -n`,
    /// kustomize `namespace:`), so a claim of the same name in another namespace counts as
    /// found when either the pod or the claim leaves its namespace unwritten. Only when both
    /// write different namespaces is the pod reported.
    ///
    /// A StatefulSet that does not write `replicas` (an autoscaler sets it) or sets it with a
    /// placeholder may run any ordinal, so every `<template>-<statefulset>-<ordinal>` of it
    /// counts as existing. A pod-template volume that a StatefulSet's claim template of the
    /// same name replaces is not checked: the controller swaps it for the generated claim.
    ///
    /// ## Related
    /// - PVL411 (`ephemeral-claim-name-conflict`)
    /// - PVL210 (`dangling-pvc`)
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes — claims as volumes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#claims-as-volumes)
    pub(crate) static RULE = Rule {
        code: "PVL401",
        name: "pod-claim-not-found",
        category: Category::Correctness,
        summary: "pod volume names a PersistentVolumeClaim that does not exist",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = &workload.pod else {
        return;
    };
    for (at, volume) in pod.volumes.iter().enumerate() {
        let VolumeSource::Claim {
            claim_name: Some(name),
            ..
        } = volume.source
        else {
            continue;
        };
        if name.value.is_empty()
            || is_placeholder(name.value)
            || cx.index.volume_claim(object.id, at).is_some()
            || replaced_by_template(volume, workload, cx.index)
        {
            continue;
        }
        check_missing(object, name, cx);
    }
}

/// A StatefulSet replaces a template volume that has the name of one of its claim templates.
fn replaced_by_template(
    volume: &PodVolume<'_>,
    workload: &Workload<'_>,
    index: &Index<'_>,
) -> bool {
    workload.claim_templates.iter().any(|&template| {
        index
            .claim(template)
            .name
            .is_some_and(|name| name.value == volume.name.value)
    })
}

fn check_missing(object: &Object<'_>, name: Spanned<&str>, cx: &mut RuleContext<'_, '_>) {
    let namespace = object.key.namespace.as_deref().unwrap_or_default();
    let other_namespace = match cx.index.lookup_claim(object, name.value) {
        ClaimLookup::Found(_) | ClaimLookup::Possible => return,
        ClaimLookup::OutOfRange {
            template,
            first,
            last,
        } => {
            let range = cx.index.ordinal_range(template, first, last);
            cx.report(
                name.span,
                format!(
                    "claim `{}` is not created by StatefulSet `{}`",
                    name.value, range.statefulset
                ),
            )
            .label(range.template, range.label())
            .help("use an ordinal the StatefulSet runs, or raise its `replicas`");
            return;
        }
        ClaimLookup::OtherNamespace(elsewhere) => Some(elsewhere),
        ClaimLookup::Missing => None,
    };
    let message = match object.meta.namespace {
        Some(written) => format!(
            "claim `{}` is not defined in namespace `{}`",
            name.value, written.value
        ),
        None => format!("claim `{}` is not defined", name.value),
    };
    if let Some(elsewhere) = other_namespace {
        cx.report(name.span, message)
            .label(
                elsewhere.span,
                format!(
                    "a claim with this name is defined in namespace `{}`",
                    elsewhere.value
                ),
            )
            .help("pods can only use claims of their own namespace: move the claim or the pod");
        return;
    }
    let index = cx.index;
    let similar = index
        .similar_claim(namespace, name.value, object.file())
        .map(|(similar, claim)| {
            let claim = index.claim(claim);
            let (span, label) = match (&claim.origin, claim.name) {
                (ClaimOrigin::Object, Some(name)) => (
                    name.span,
                    "a claim with a similar name is defined here".to_owned(),
                ),
                (_, Some(name)) => (name.span, format!("`{similar}` is created from here")),
                (_, None) => (
                    index.object(claim.owner).meta.name_span(),
                    "a claim with a similar name is defined here".to_owned(),
                ),
            };
            (similar, span, label)
        });
    let report = cx.report(name.span, message);
    match similar {
        Some((similar, span, label)) => report
            .label(span, label)
            .help(format!("did you mean `{similar}`?")),
        None => report.help(
            "define the PersistentVolumeClaim, fix the name, or pass the files that define it \
             with `--context`",
        ),
    };
}
