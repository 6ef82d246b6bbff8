use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a pod (or the pods of a workload) whose claims resolve to volumes that no single
    /// node can reach: two PersistentVolumes whose required `nodeAffinity` pins them to
    /// different nodes (`kubernetes.io/hostname`) or zones (`topology.kubernetes.io/zone`), or
    /// a volume pinned where the pod's `nodeSelector` or required node affinity does not let
    /// it run. Any node label is compared the same way: a node has one value per label.
    ///
    /// Only volumes fixed before the pod is scheduled count: PVs a claim names in
    /// `volumeName` or that reserve it with `claimRef`, PVs the PV controller binds to an
    /// `Immediate` claim, and volumes provisioned in a known zone. Under
    /// `WaitForFirstConsumer` the scheduler picks volumes that fit the pod's node, so those
    /// follow the pod. Requirements are read from `In` expressions and `nodeSelector`
    /// entries; placeholders and other operators are not judged.
    ///
    /// ## Why is this bad?
    /// The scheduler finds no node that satisfies every volume's node affinity and the pod's
    /// own constraints: the pod stays `Pending` with "node(s) had volume node affinity
    /// conflict" (SEMANTICS §1.8, §1.11).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: disk-a }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   claimRef: { namespace: default, name: data }
    ///   local: { path: /mnt/disks/a }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [node-1] }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: disk-b }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   claimRef: { namespace: default, name: logs }
    ///   local: { path: /mnt/disks/b }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [node-2] }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data, namespace: default }
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs, namespace: default }
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app, namespace: default }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts:
    ///         - { name: data, mountPath: /data }
    ///         - { name: logs, mountPath: /logs }
    ///   volumes:
    ///     - { name: data, persistentVolumeClaim: { claimName: data } }
    ///     - { name: logs, persistentVolumeClaim: { claimName: logs } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: disk-a }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   claimRef: { namespace: default, name: data }
    ///   local: { path: /mnt/disks/a }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [node-1] }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: disk-b }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   claimRef: { namespace: default, name: logs }
    ///   local: { path: /mnt/disks/b }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [node-1] }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data, namespace: default }
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs, namespace: default }
    /// spec:
    ///   storageClassName: ""
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app, namespace: default }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts:
    ///         - { name: data, mountPath: /data }
    ///         - { name: logs, mountPath: /logs }
    ///   volumes:
    ///     - { name: data, persistentVolumeClaim: { claimName: data } }
    ///     - { name: logs, persistentVolumeClaim: { claimName: logs } }
    /// ```
    ///
    /// ## Known problems
    /// A hostname pin and a zone pin are not compared with each other: which zone a node is
    /// in is not in the manifests.
    ///
    /// ## Related
    /// `PVL303`, `PVL607`
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, node affinity](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#node-affinity)
    /// - [Kubernetes: Assigning Pods to Nodes](https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/)
    pub(crate) static RULE = Rule {
        code: "PVL606",
        name: "pod-volumes-unschedulable",
        category: Category::Correctness,
        summary: "a pod's volumes are pinned to places no single node can reach",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, _workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = cx.plan.pod(object.id) else {
        return;
    };
    for reason in &pod.reasons {
        let help = match reason.code {
            "volumes-pinned-apart" => {
                "bind the pod's claims to volumes on the same node or in the same zone"
            }
            "pod-excludes-volume" => {
                "let the pod run where its volume is, or bind the claim to a volume the pod can reach"
            }
            _ => continue,
        };
        let Some(at) = reason.at else {
            continue;
        };
        let mut report = cx.report(at, reason.text.clone()).help(help);
        for related in &reason.related {
            report = report.label(related.span, related.label.clone());
        }
        drop(report);
    }
}
