use crate::model::workload::PodCount;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `persistentVolumeClaim` volume that mounts a `ReadWriteOnce` claim (its access
    /// modes hold `ReadWriteOnce` and none of `ReadWriteMany`, `ReadOnlyMany`,
    /// `ReadWriteOncePod`) in a workload that runs more than one pod at once: a Deployment,
    /// ReplicaSet, ReplicationController or StatefulSet with `replicas` above 1, any DaemonSet,
    /// or a Job or CronJob with `parallelism` above 1. A StatefulSet's `volumeClaimTemplates`
    /// are not concerned: each replica gets its own claim.
    ///
    /// It reports only when the claim's volume is known to be attached to a node: the backend
    /// model of its StorageClass's provisioner (or the default class's, when it names none),
    /// or of the CSI driver of the PersistentVolume it is bound to, says `attachable: true`
    /// (`ebs.csi.aws.com`, `pd.csi.storage.gke.io`, `disk.csi.azure.com`, `rbd.csi.ceph.com`,
    /// `driver.longhorn.io`, …), or the PV's in-tree source is an attachable plugin
    /// (`awsElasticBlockStore`, `rbd`, `iscsi`, …). Network file systems (NFS, EFS, Azure
    /// Files, CephFS) are not attached, and node-local volumes (`local`, `hostPath`, PVs with
    /// `nodeAffinity`, models with `topology: node-local` such as `rancher.io/local-path`,
    /// `openebs.io/local`, TopoLVM) draw every pod to their node, so sharing works there.
    ///
    /// ## Why is this bad?
    /// The scheduler does not enforce `ReadWriteOnce`; the attach/detach controller does, and
    /// only for attachable volumes (SEMANTICS §5.4). The first pod attaches the disk to its
    /// node; every replica scheduled to another node hangs in `ContainerCreating` with a
    /// `Multi-Attach error for volume`. A rolling update can deadlock: the new pod waits for
    /// the disk the old pod holds, and the old pod is only removed once the new one is ready.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: uploads }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: web }
    /// spec:
    ///   replicas: 3
    ///   selector: { matchLabels: { app: web } }
    ///   template:
    ///     metadata: { labels: { app: web } }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    ///           volumeMounts: [{ name: uploads, mountPath: /uploads }]
    ///       volumes:
    ///         - name: uploads
    ///           persistentVolumeClaim: { claimName: uploads }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: { name: web }
    /// spec:
    ///   replicas: 3
    ///   serviceName: web
    ///   selector: { matchLabels: { app: web } }
    ///   template:
    ///     metadata: { labels: { app: web } }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    ///           volumeMounts: [{ name: uploads, mountPath: /uploads }]
    ///   volumeClaimTemplates:
    ///     - metadata: { name: uploads }
    ///       spec:
    ///         storageClassName: gp3
    ///         accessModes: [ReadWriteOnce]
    ///         resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// A claim whose backend pvlint cannot tell (a provisioner without a backend model, a
    /// class defined only in the cluster without `provisioner` in `cluster.storage-classes`, a
    /// claim without a class when no default class is known, a placeholder) is not reported.
    /// Declare the cluster's classes with their provisioner and `default: true` under
    /// `cluster.storage-classes`, and add a model for your driver with `--backend`, to have
    /// such claims checked. The in-tree `kubernetes.io/rbd` provisioner has no model (it was
    /// removed in Kubernetes 1.31 and never migrated, SEMANTICS §7).
    ///
    /// Any `nodeAffinity` on the bound PersistentVolume counts as pinning it to a node, even a
    /// zone-wide one. Pods that a node selector or affinity already keeps on a single node,
    /// and replica counts changed later by an autoscaler, are not taken into account.
    ///
    /// A claim and a workload in sibling directories (neither directory containing the other)
    /// are taken to be deployed separately, as independent examples or test templates are,
    /// and are not checked together.
    ///
    /// ## Related
    /// - PVL405 (`rwop-claim-shared`): the same with `ReadWriteOncePod`, where extra pods are
    ///   unschedulable
    /// - PVL406 (`rwo-claim-shared-by-workloads`): one `ReadWriteOnce` claim in several
    ///   workloads
    ///
    /// ## References
    /// - [Kubernetes: Access modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    /// - [Kubernetes: StatefulSets, stable storage](https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage)
    pub(crate) static RULE = Rule {
        code: "PVL404",
        name: "rwo-claim-shared-by-replicas",
        category: Category::Suspicious,
        summary: "`ReadWriteOnce` claim mounted by a workload that runs several pods",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    if !workload.pods.is_several() {
        return;
    }
    for ClaimVolume { name, claim, .. } in cx.index.claim_volumes(object) {
        let claim_file = cx.index.object(cx.index.claim(claim).owner).file();
        if !cx.index.same_tree(object.file(), claim_file) {
            continue;
        }
        let Some(backend) = cx.index.single_node_backend(claim, &cx.settings.backends) else {
            continue;
        };
        let backend = backend.name.to_owned();
        report(object, workload, claim, name, &backend, cx);
    }
}

fn report(
    object: &Object<'_>,
    workload: &Workload<'_>,
    claim: ClaimId,
    name: Spanned<&str>,
    backend: &str,
    cx: &mut RuleContext<'_, '_>,
) {
    let index = cx.index;
    let kind = object.key.kind.as_str();
    let pods = match workload.pods {
        PodCount::Exactly(count) => format!("{count} pods of {kind} `{}`", object.key.name),
        PodCount::PerNode | PodCount::Unknown => {
            format!("every pod of {kind} `{}`", object.key.name)
        }
    };
    let mode = index
        .claim(claim)
        .spec
        .access_modes
        .as_ref()
        .and_then(|modes| modes.find("ReadWriteOnce"))
        .map(|mode| mode.span);
    let count = workload
        .kind
        .pod_count_path()
        .and_then(|path| object.meta.root.path(path))
        .map(|node| node.span);
    let mut finding = cx.report(
        name.span,
        format!(
            "`ReadWriteOnce` claim `{}` is mounted by {pods}",
            name.value
        ),
    );
    if let Some(mode) = mode {
        finding = finding.label(mode, "the claim allows one node only");
    }
    finding = match (workload.pods, count) {
        (PodCount::Exactly(count), Some(span)) => {
            finding.label(span, format!("{count} pods run at once"))
        }
        (PodCount::PerNode, _) => finding.label(object.meta.kind.span, "one pod on every node"),
        _ => finding,
    };
    finding
        .note(format!(
            "`{backend}` volumes attach to one node at a time: pods on other nodes hang in \
             `ContainerCreating` with a Multi-Attach error, and rolling updates can deadlock"
        ))
        .help(
            "give each pod its own claim (a StatefulSet with `volumeClaimTemplates`), use a \
             `ReadWriteMany` backend, or run a single pod",
        );
}
