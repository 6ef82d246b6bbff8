use std::collections::HashMap;

use crate::model::ObjectId;
use crate::provision::topology::{self, is_zone_key};
use crate::provision::{ClaimPlan, Plan};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags two ways a volume ends up in no usable zone:
    /// - a zone in a StorageClass's `allowedTopologies` (on a zone label such as
    ///   `topology.kubernetes.io/zone`) that the backend model of its provisioner does not
    ///   offer, when the model lists its zones (`zones:` in your own models);
    /// - a pod's `nodeSelector` or required node affinity that excludes every zone its claim
    ///   can be provisioned in (the class's `allowedTopologies`, within the zones the backend
    ///   offers), for a `WaitForFirstConsumer` claim the pod is the first consumer of. The dry
    ///   run finds it (`topology-conflict`), and the finding points at the pod's zone
    ///   constraint.
    ///
    /// ## Why is this bad?
    /// With `WaitForFirstConsumer`, the provisioner creates the volume in the zone of the node
    /// the scheduler picked for the pod, and only within the class's `allowedTopologies`
    /// (SEMANTICS §2.3). When the two exclude each other, no node fits: the pod stays
    /// `Pending` ("didn't find available persistent volumes to bind") and so does the claim.
    /// A class zone the backend does not offer can never hold a volume.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: zonal }
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// allowedTopologies:
    ///   - matchLabelExpressions:
    ///       - key: topology.kubernetes.io/zone
    ///         values: [eu-west-1a, eu-west-1b]
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: zonal
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   nodeSelector: { topology.kubernetes.io/zone: eu-west-1c }
    ///   containers:
    ///     - name: app
    ///       image: busybox:1.36
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: data }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: zonal }
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// allowedTopologies:
    ///   - matchLabelExpressions:
    ///       - key: topology.kubernetes.io/zone
    ///         values: [eu-west-1a, eu-west-1b]
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: zonal
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   nodeSelector: { topology.kubernetes.io/zone: eu-west-1b }
    ///   containers:
    ///     - name: app
    ///       image: busybox:1.36
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: data }
    /// ```
    ///
    /// ## Known problems
    /// Zones are read from the well-known zone labels and drivers' `…/zone` labels only.
    /// The embedded models list no zones, so the first check needs your own model. For an
    /// `Immediate` class, the volume's zone is chosen before the pod is scheduled; such pods
    /// are not checked here. A claim bound to an existing PersistentVolume is not concerned.
    ///
    /// ## Related
    /// - PVL606 (`pod-volumes-unschedulable`): a pod whose claims are pinned to different
    ///   nodes or zones
    ///
    /// ## References
    /// - [Kubernetes: Allowed topologies](https://kubernetes.io/docs/concepts/storage/storage-classes/#allowed-topologies)
    pub(crate) static RULE = Rule {
        code: "PVL607",
        name: "volume-topology-conflict",
        category: Category::Suspicious,
        summary: "class or pod zones that no volume can live in",
        check: Check::Workspace(check),
    };
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let conflicts = conflicting_claims(cx.plan);
    for object in index.objects() {
        match &object.kind {
            ObjectKind::StorageClass(class) => check_class(class, cx),
            ObjectKind::Workload(workload) => {
                if let Some(plans) = conflicts.get(&object.id) {
                    check_workload(object, workload, plans, cx);
                }
            }
            _ => {}
        }
    }
}

/// The plans of the claims each pod conflicts with, one per claim, in plan order: one pass
/// over the plan for all pods, not one per pod.
fn conflicting_claims(plan: &Plan) -> HashMap<ObjectId, Vec<&ClaimPlan>> {
    let mut conflicts: HashMap<ObjectId, Vec<&ClaimPlan>> = HashMap::new();
    for claim in &plan.claims {
        for reason in &claim.reasons {
            if reason.code == "topology-conflict"
                && let Some(object) = reason.object
            {
                let plans = conflicts.entry(object).or_default();
                if !plans.iter().any(|seen| seen.claim == claim.claim) {
                    plans.push(claim);
                }
            }
        }
    }
    conflicts
}

/// `allowedTopologies` zones the backend model does not offer.
fn check_class(class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let Some(model) = cx.settings.backends.find(provisioner.value) else {
        return;
    };
    if model.zones.is_empty() {
        return;
    }
    let offered = quoted(&model.zones);
    let Some(terms) = class.allowed_topologies.and_then(Node::as_sequence) else {
        return;
    };
    let values = terms
        .iter()
        .flat_map(|term| term.items("matchLabelExpressions"))
        .filter(|expression| {
            expression
                .get("key")
                .and_then(Node::as_str)
                .is_some_and(is_zone_key)
        })
        .flat_map(|expression| expression.items("values"));
    for value in values {
        let Some(zone) = value.as_str() else {
            continue;
        };
        if is_placeholder(zone) || model.zones.iter().any(|offered| offered == zone) {
            continue;
        }
        let mut finding = cx.report(
            value.span,
            format!("zone `{zone}` is not offered by `{}`", model.name),
        );
        if let Some(span) = model.span {
            finding = finding.label(span, format!("the backend model offers {offered}"));
        }
        finding
            .note(format!(
                "`{}` offers {offered}: no volume of this class can live in `{zone}`",
                model.name
            ))
            .help(format!(
                "remove `{zone}` from `allowedTopologies`, or add it to the backend model's `zones`"
            ));
    }
}

/// Claims whose first consumer is this workload and that the dry run finds in no zone the
/// pod can run in.
fn check_workload(
    object: &Object<'_>,
    workload: &Workload<'_>,
    plans: &[&ClaimPlan],
    cx: &mut RuleContext<'_, '_>,
) {
    let Some(pod) = &workload.pod else {
        return;
    };
    for plan in plans {
        report_pod(object, pod.node, plan, cx);
    }
}

fn report_pod(object: &Object<'_>, pod: &Node, plan: &ClaimPlan, cx: &mut RuleContext<'_, '_>) {
    let span = zone_constraint(pod).unwrap_or_else(|| object.meta.name_span());
    let pod_zones = topology::pod_zones(pod).unwrap_or_default();
    let claim = cx.index.claim(plan.claim);
    let claim_name = claim.name.map_or("<unnamed>", |name| name.value);
    let from = cx.index.object(claim.owner).file();
    let class = plan
        .class
        .name
        .as_deref()
        .and_then(|name| cx.index.storage_class(name, from))
        .map(|(_, class)| class);
    let class_zones = class.and_then(|class| topology::class_zones(class.allowed_topologies));
    let model = plan
        .driver
        .as_deref()
        .and_then(|driver| cx.settings.backends.find(driver))
        .filter(|model| !model.zones.is_empty());
    let possible = topology::intersect(class_zones.clone(), model.map(|model| model.zones.clone()))
        .unwrap_or_default();
    let mut labels = Vec::new();
    if let (Some(span), Some(zones), Some(which)) = (
        class
            .and_then(|class| class.allowed_topologies)
            .map(|node| node.span),
        class_zones.as_deref(),
        plan.class.describe(),
    ) {
        labels.push((span, format!("{which} allows {}", quoted(zones))));
    }
    if let Some(model) = model
        && let Some(span) = model.span
    {
        labels.push((
            span,
            format!("the backend model offers {}", quoted(&model.zones)),
        ));
    }
    let runs = if object.key.kind == "Pod" {
        "runs"
    } else {
        "runs its pods"
    };
    let mut finding = cx.report(
        span,
        format!(
            "{} `{}` {runs} in {}, but claim `{claim_name}` can only be provisioned in {}",
            object.key.kind,
            object.key.name,
            quoted(&pod_zones),
            quoted(&possible)
        ),
    );
    for (span, text) in labels {
        finding = finding.label(span, text);
    }
    finding
        .note("the claim waits for its first consumer, and no node both runs the pod and can reach a zone the volume may live in: the pod and the claim stay `Pending`")
        .help("run the pods in a zone the claim can be provisioned in, or allow their zone in the class");
}

/// Where a pod restricts its zones: the zone value of its `nodeSelector`, else the values of
/// a zone expression of its required node affinity.
fn zone_constraint(pod: &Node) -> Option<Span> {
    if let Some(entry) = pod
        .entries("nodeSelector")
        .find(|entry| entry.key_text().is_some_and(is_zone_key))
    {
        return Some(entry.value.span);
    }
    pod.path(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
    ])?
    .items("nodeSelectorTerms")
    .flat_map(|term| term.items("matchExpressions"))
    .find(|expression| {
        expression
            .get("key")
            .and_then(Node::as_str)
            .is_some_and(is_zone_key)
    })
    .and_then(|expression| expression.get("values"))
    .map(|values| values.span)
}

fn quoted(zones: &[String]) -> String {
    if zones.is_empty() {
        return "no zone".to_owned();
    }
    let zones: Vec<String> = zones.iter().map(|zone| format!("`{zone}`")).collect();
    let label = if zones.len() == 1 { "zone" } else { "zones" };
    format!("{label} {}", zones.join(", "))
}
