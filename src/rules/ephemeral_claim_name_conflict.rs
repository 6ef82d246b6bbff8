use crate::model::PodVolume;
use crate::model::workload::PodCount;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks the claim names that generic ephemeral volumes create, `<pod>-<volume>`
    /// (SEMANTICS §5.3), and flags:
    /// - a `persistentVolumeClaim` volume of the same pod whose `claimName` is one of them
    ///   (§5.1). For a StatefulSet, whose pods are `<statefulset>-<ordinal>`, every ordinal the
    ///   set runs is checked;
    /// - a Pod whose generated claim name is longer than 253 characters, the limit for a
    ///   claim name (§3.1);
    /// - a PersistentVolumeClaim in the Pod's namespace that already has the generated name
    ///   and is not owned by the Pod.
    ///
    /// ## Why is this bad?
    /// The API server rejects a pod whose claim volume references a claim that one of its
    /// ephemeral volumes creates ("must not reference a PVC that gets created for an ephemeral
    /// volume"); for a StatefulSet the set is accepted and its pods are rejected. A generated
    /// name over 253 characters is not a valid claim name, so the claim is never created and
    /// the pod never starts. A pre-existing claim with the generated name is not created for
    /// the pod, and the pod refuses to use it ("PVC … was not created for pod … (pod is not
    /// owner)"): it stays in `ContainerCreating`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: busybox
    ///       volumeMounts:
    ///         - { name: scratch, mountPath: /scratch }
    ///         - { name: data, mountPath: /data }
    ///   volumes:
    ///     - name: scratch
    ///       ephemeral:
    ///         volumeClaimTemplate:
    ///           spec:
    ///             accessModes: [ReadWriteOnce]
    ///             resources: { requests: { storage: 1Gi } }
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: app-scratch }
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
    ///       image: busybox
    ///       volumeMounts:
    ///         - { name: scratch, mountPath: /scratch }
    ///         - { name: data, mountPath: /data }
    ///   volumes:
    ///     - name: scratch
    ///       ephemeral:
    ///         volumeClaimTemplate:
    ///           spec:
    ///             accessModes: [ReadWriteOnce]
    ///             resources: { requests: { storage: 1Gi } }
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: app-data }
    /// ```
    ///
    /// ## Known problems
    /// Other workloads' pods get generated names (`generateName`), which the API server cuts
    /// to 58 characters plus a 5-character suffix; StatefulSet pod names must fit the 63
    /// characters of the `statefulset.kubernetes.io/pod-name` label. Their claim names
    /// therefore stay far below 253 characters, and the length check applies to Pods only,
    /// like the check for an existing claim, which needs the exact pod name. Pods with
    /// `generateName` or a placeholder name are skipped.
    ///
    /// ## Related
    /// - PVL401 (`pod-claim-not-found`)
    ///
    /// ## References
    /// - [Kubernetes: Generic ephemeral volumes](https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#generic-ephemeral-volumes)
    pub(crate) static RULE = Rule {
        code: "PVL411",
        name: "ephemeral-claim-name-conflict",
        category: Category::Correctness,
        summary: "claim name generated for an ephemeral volume conflicts or is too long",
        check: Check::Workload(check),
    };
}

/// The longest valid claim name (a DNS-1123 subdomain).
const MAX_CLAIM_NAME: usize = 253;

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = &workload.pod else {
        return;
    };
    let ephemeral: Vec<&PodVolume<'_>> = pod
        .volumes
        .iter()
        .filter(|volume| matches!(volume.source, VolumeSource::Ephemeral { .. }))
        .filter(|volume| !is_placeholder(volume.name.value))
        .collect();
    if ephemeral.is_empty() {
        return;
    }
    let Some(name) = object.meta.name.filter(|name| !is_placeholder(name.value)) else {
        return;
    };
    let pod_names: Vec<String> = match workload.kind {
        WorkloadKind::Pod => vec![name.value.to_owned()],
        WorkloadKind::StatefulSet => statefulset_pods(object, name.value, workload.pods),
        _ => return,
    };
    for volume in &pod.volumes {
        let VolumeSource::Claim {
            claim_name: Some(claim),
            ..
        } = volume.source
        else {
            continue;
        };
        let conflict = ephemeral.iter().find(|ephemeral| {
            pod_names
                .iter()
                .any(|pod| generated_name(pod, ephemeral.name.value) == claim.value)
        });
        if let Some(ephemeral) = conflict {
            cx.report(
                claim.span,
                format!(
                    "claim `{}` is the claim that ephemeral volume `{}` creates",
                    claim.value, ephemeral.name.value
                ),
            )
            .label(ephemeral.name.span, "this ephemeral volume creates it")
            .help("mount the ephemeral volume instead, or name another claim");
        }
    }
    if workload.kind == WorkloadKind::Pod {
        for volume in &ephemeral {
            check_generated(object, name.value, volume, cx);
        }
    }
}

fn generated_name(pod: &str, volume: &str) -> String {
    format!("{pod}-{volume}")
}

/// The pod names a StatefulSet runs, when its replica count is known (at most 1000).
fn statefulset_pods(object: &Object<'_>, name: &str, pods: PodCount) -> Vec<String> {
    let PodCount::Exactly(replicas) = pods else {
        return Vec::new();
    };
    let start = object
        .meta
        .root
        .path(&["spec", "ordinals", "start"])
        .and_then(Node::as_int)
        .and_then(|start| u64::try_from(start).ok())
        .unwrap_or(0);
    (0..replicas.min(1000))
        .map(|offset| format!("{name}-{}", start.saturating_add(offset)))
        .collect()
}

/// The generated claim of a Pod's ephemeral volume: too long, or already taken by a claim
/// the Pod does not own.
fn check_generated(
    object: &Object<'_>,
    pod: &str,
    volume: &PodVolume<'_>,
    cx: &mut RuleContext<'_, '_>,
) {
    let generated = generated_name(pod, volume.name.value);
    if generated.len() > MAX_CLAIM_NAME {
        cx.report(
            volume.name.span,
            format!(
                "ephemeral volume `{}` creates a claim name of {} characters, more than {MAX_CLAIM_NAME}",
                volume.name.value,
                generated.len()
            ),
        )
        .help("shorten the pod name or the volume name")
        .note(format!(
            "the claim is named `<pod>-<volume>`, and the pod name has {} characters",
            pod.len()
        ));
        return;
    }
    let namespace = object.key.namespace.as_deref().unwrap_or_default();
    let taken = cx
        .index
        .claims_with_name(&generated)
        .iter()
        .map(|&claim| cx.index.claim(claim))
        .find(|claim| {
            claim.origin == ClaimOrigin::Object
                && claim.namespace == namespace
                && !owned_by_pod(claim, pod)
        });
    let Some(claim) = taken else {
        return;
    };
    let span = claim.name.map_or_else(
        || cx.index.object(claim.owner).meta.name_span(),
        |name| name.span,
    );
    cx.report(
        volume.name.span,
        format!(
            "claim `{generated}` that ephemeral volume `{}` creates already exists",
            volume.name.value
        ),
    )
    .label(span, "a claim the pod does not own has this name")
    .help("rename the ephemeral volume, the pod, or the existing claim")
    .note("the pod only uses an ephemeral claim it owns, so it never starts");
}

/// Whether a claim lists the Pod as its owner (an exported ephemeral claim).
fn owned_by_pod(claim: &Claim<'_>, pod: &str) -> bool {
    claim
        .metadata
        .into_iter()
        .flat_map(|metadata| metadata.items("ownerReferences"))
        .any(|owner| {
            owner.get("kind").and_then(Node::as_str) == Some("Pod")
                && owner.get("name").and_then(Node::as_str) == Some(pod)
        })
}
