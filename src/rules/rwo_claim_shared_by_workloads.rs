use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `persistentVolumeClaim` volume that mounts a `ReadWriteOnce` claim (its access
    /// modes hold `ReadWriteOnce` and none of `ReadWriteMany`, `ReadOnlyMany`,
    /// `ReadWriteOncePod`) that another workload mounts too. Each workload after the first (a
    /// StatefulSet owning the claim as a template first, then load order) is reported, with the
    /// first one labelled. Objects with the same kind, namespace and name (a base and its
    /// overlay) count as one workload.
    ///
    /// As for PVL404, it reports only when the claim's volume is known to be attached to a
    /// node (the backend model of its provisioner or CSI driver says `attachable: true`, as for
    /// `ebs.csi.aws.com`, `pd.csi.storage.gke.io`, `disk.csi.azure.com`, `rbd.csi.ceph.com`,
    /// `driver.longhorn.io`, or its PV has an attachable in-tree source), and not when it is a
    /// network file system or pinned to one node.
    ///
    /// ## Why is this bad?
    /// Nothing keeps the pods of two workloads on the same node. Once one of them has attached
    /// the disk, a pod of the other scheduled to another node hangs in `ContainerCreating` with
    /// a `Multi-Attach error for volume` (SEMANTICS §5.4).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard-rwo }
    /// provisioner: pd.csi.storage.gke.io
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: media }
    /// spec:
    ///   storageClassName: standard-rwo
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 50Gi } }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: server }
    /// spec:
    ///   selector: { matchLabels: { app: server } }
    ///   template:
    ///     metadata: { labels: { app: server } }
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: nginx:1.27
    ///           volumeMounts: [{ name: media, mountPath: /media }]
    ///       volumes:
    ///         - name: media
    ///           persistentVolumeClaim: { claimName: media }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: indexer }
    /// spec:
    ///   selector: { matchLabels: { app: indexer } }
    ///   template:
    ///     metadata: { labels: { app: indexer } }
    ///     spec:
    ///       containers:
    ///         - name: indexer
    ///           image: busybox:1.36
    ///           volumeMounts: [{ name: media, mountPath: /media }]
    ///       volumes:
    ///         - name: media
    ///           persistentVolumeClaim: { claimName: media }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: filestore }
    /// provisioner: nfs.csi.k8s.io
    /// parameters: { server: nfs.example.com, share: /exports }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: media }
    /// spec:
    ///   storageClassName: filestore
    ///   accessModes: [ReadWriteMany]
    ///   resources: { requests: { storage: 50Gi } }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: server }
    /// spec:
    ///   selector: { matchLabels: { app: server } }
    ///   template:
    ///     metadata: { labels: { app: server } }
    ///     spec:
    ///       containers:
    ///         - name: server
    ///           image: nginx:1.27
    ///           volumeMounts: [{ name: media, mountPath: /media }]
    ///       volumes:
    ///         - name: media
    ///           persistentVolumeClaim: { claimName: media }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: indexer }
    /// spec:
    ///   selector: { matchLabels: { app: indexer } }
    ///   template:
    ///     metadata: { labels: { app: indexer } }
    ///     spec:
    ///       containers:
    ///         - name: indexer
    ///           image: busybox:1.36
    ///           volumeMounts: [{ name: media, mountPath: /media }]
    ///       volumes:
    ///         - name: media
    ///           persistentVolumeClaim: { claimName: media }
    /// ```
    ///
    /// ## Known problems
    /// Claims whose backend pvlint cannot tell (no backend model, see PVL404) are not
    /// reported. Workloads kept on one node by node selectors or pod affinity,
    /// and workloads that never run at the same time (a Job run while the Deployment is scaled
    /// to zero), are reported all the same.
    ///
    /// Claims and workloads in sibling directories (neither directory containing the other)
    /// are taken to be deployed separately, as independent examples or test templates are,
    /// and are not checked together.
    ///
    /// ## Related
    /// - PVL404 (`rwo-claim-shared-by-replicas`): one workload's replicas sharing the claim
    /// - PVL405 (`rwop-claim-shared`): the same with `ReadWriteOncePod`
    ///
    /// ## References
    /// - [Kubernetes: Access modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    pub(crate) static RULE = Rule {
        code: "PVL406",
        name: "rwo-claim-shared-by-workloads",
        category: Category::Suspicious,
        summary: "`ReadWriteOnce` claim mounted by several workloads",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, _: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    for ClaimVolume { name, claim, .. } in index.claim_volumes(object) {
        let Some(first) = index.earlier_user(claim, object.id) else {
            continue;
        };
        let Some(first_object) = first.workload() else {
            continue;
        };
        let Some(backend) = index.single_node_backend(claim, &cx.settings.backends) else {
            continue;
        };
        let first_key = &index.object(first_object).key;
        let first_name = format!("{} `{}`", first_key.kind, first_key.name);
        let mut finding = cx.report(
            name.span,
            format!(
                "`ReadWriteOnce` claim `{}` is also mounted by {first_name}",
                name.value
            ),
        );
        if let Some(span) = index.use_span(claim, first) {
            let text = match first {
                ClaimUse::Template { .. } => format!("{first_name} creates it from this template"),
                _ => format!("{first_name} mounts it here"),
            };
            finding = finding.label(span, text);
        }
        finding
            .note(format!(
                "`{}` volumes attach to one node at a time: a pod scheduled to another node \
                 hangs in `ContainerCreating` with a Multi-Attach error",
                backend.name
            ))
            .help(
                "give each workload its own claim, use a `ReadWriteMany` backend, or keep the \
                 pods on one node",
            );
    }
}
