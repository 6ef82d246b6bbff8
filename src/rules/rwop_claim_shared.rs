use crate::model::workload::PodCount;
use crate::rules::DiagnosticGuard;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `persistentVolumeClaim` volume that mounts a `ReadWriteOncePod` claim when more
    /// than one pod would use the claim: the workload runs several pods at once (`replicas` or
    /// `parallelism` above 1, any DaemonSet), or other workloads mount the same claim. Among
    /// several workloads, each one after the first (a StatefulSet owning the claim as a
    /// template first, then load order) is reported, with the first one labelled. Objects with
    /// the same kind, namespace and name (a base and its overlay) count as one workload.
    ///
    /// ## Why is this bad?
    /// The scheduler's VolumeRestrictions plugin lets one pod in the whole cluster use a
    /// `ReadWriteOncePod` claim (SEMANTICS §5.4). Every other pod stays `Pending` as
    /// unschedulable ("node has pod using PersistentVolumeClaim with the same name and
    /// ReadWriteOncePod access mode"), whatever the backend and the node.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: state }
    /// spec:
    ///   accessModes: [ReadWriteOncePod]
    ///   resources: { requests: { storage: 1Gi } }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: worker }
    /// spec:
    ///   replicas: 2
    ///   selector: { matchLabels: { app: worker } }
    ///   template:
    ///     metadata: { labels: { app: worker } }
    ///     spec:
    ///       containers:
    ///         - name: worker
    ///           image: busybox:1.36
    ///           volumeMounts: [{ name: state, mountPath: /state }]
    ///       volumes:
    ///         - name: state
    ///           persistentVolumeClaim: { claimName: state }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: state }
    /// spec:
    ///   accessModes: [ReadWriteOncePod]
    ///   resources: { requests: { storage: 1Gi } }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: worker }
    /// spec:
    ///   replicas: 1
    ///   strategy: { type: Recreate }
    ///   selector: { matchLabels: { app: worker } }
    ///   template:
    ///     metadata: { labels: { app: worker } }
    ///     spec:
    ///       containers:
    ///         - name: worker
    ///           image: busybox:1.36
    ///           volumeMounts: [{ name: state, mountPath: /state }]
    ///       volumes:
    ///         - name: state
    ///           persistentVolumeClaim: { claimName: state }
    /// ```
    ///
    /// ## Known problems
    /// Workloads that never run at the same time (a one-off Job run while the Deployment is
    /// scaled to zero) are reported all the same. A single-replica Deployment with the default
    /// `RollingUpdate` strategy also starts a second pod during a rollout, which then waits for
    /// the old pod to go; that case is not reported.
    ///
    /// Claims and workloads in sibling directories (neither directory containing the other)
    /// are taken to be deployed separately, as independent examples or test templates are,
    /// and are not checked together.
    ///
    /// ## Related
    /// - PVL404 (`rwo-claim-shared-by-replicas`) and PVL406 (`rwo-claim-shared-by-workloads`):
    ///   the same sharing with `ReadWriteOnce`
    ///
    /// ## References
    /// - [Kubernetes: Access modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    pub(crate) static RULE = Rule {
        code: "PVL405",
        name: "rwop-claim-shared",
        category: Category::Correctness,
        summary: "`ReadWriteOncePod` claim used by more than one pod",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    for ClaimVolume { name, claim, .. } in index.claim_volumes(object) {
        let Some(mode) = index
            .claim(claim)
            .spec
            .access_modes
            .as_ref()
            .and_then(|modes| modes.find("ReadWriteOncePod"))
        else {
            continue;
        };
        if !index.same_tree(object.file(), index.object(index.claim(claim).owner).file()) {
            continue;
        }
        let first = index.earlier_user(claim, object.id);
        let several = workload.pods.is_several();
        if !several && first.is_none() {
            continue;
        }
        let message = match (several, first) {
            (true, _) => format!(
                "`ReadWriteOncePod` claim `{}` is mounted by {}",
                name.value,
                pods(object, workload)
            ),
            (false, Some(first)) => format!(
                "`ReadWriteOncePod` claim `{}` is also mounted by {}",
                name.value,
                describe(index, first)
            ),
            (false, None) => continue,
        };
        let mut finding = cx
            .report(name.span, message)
            .label(mode.span, "only one pod in the cluster may use the claim");
        if several {
            finding = label_pods(finding, object, workload);
        }
        if let Some(first) = first
            && let Some(span) = index.use_span(claim, first)
        {
            finding = finding.label(span, used_here(index, first));
        }
        finding
            .note("the extra pods stay `Pending`: the scheduler refuses a second user of the claim")
            .help(
                "give each pod its own claim (a StatefulSet with `volumeClaimTemplates`), or \
                 use `ReadWriteOnce` if pods on the same node may share it",
            );
    }
}

fn describe(index: &Index<'_>, usage: ClaimUse) -> String {
    usage.workload().map_or_else(
        || "another workload".to_owned(),
        |id| {
            let key = &index.object(id).key;
            format!("{} `{}`", key.kind, key.name)
        },
    )
}

fn pods(object: &Object<'_>, workload: &Workload<'_>) -> String {
    match workload.pods {
        PodCount::Exactly(count) => {
            format!("{count} pods of {} `{}`", object.key.kind, object.key.name)
        }
        PodCount::PerNode | PodCount::Unknown => {
            format!("every pod of {} `{}`", object.key.kind, object.key.name)
        }
    }
}

fn label_pods<'c>(
    finding: DiagnosticGuard<'c>,
    object: &Object<'_>,
    workload: &Workload<'_>,
) -> DiagnosticGuard<'c> {
    let count = workload
        .kind
        .pod_count_path()
        .and_then(|path| object.meta.root.path(path));
    match (workload.pods, count) {
        (PodCount::Exactly(pods), Some(node)) => {
            finding.label(node.span, format!("{pods} pods run at once"))
        }
        (PodCount::PerNode, _) => finding.label(object.meta.kind.span, "one pod on every node"),
        _ => finding,
    }
}

fn used_here(index: &Index<'_>, usage: ClaimUse) -> String {
    match usage {
        ClaimUse::Template { .. } => {
            format!("{} creates it from this template", describe(index, usage))
        }
        _ => format!("{} mounts it here", describe(index, usage)),
    }
}
