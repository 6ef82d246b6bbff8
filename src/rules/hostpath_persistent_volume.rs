use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume with a `hostPath` source that `nodeAffinity.required` does not
    /// pin to a node. The finding points at the `hostPath` key.
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume is a directory on the disk of whichever node the pod lands on.
    /// Nothing ties the PersistentVolume to that node: when the pod is rescheduled (a drain, a
    /// node failure, a rolling update) it may start on another node and find a different,
    /// usually empty, directory, while the data it wrote stays behind. The `capacity` of the
    /// volume is not enforced either, and the pod can read and write the node's filesystem.
    /// The Kubernetes documentation calls `hostPath` PersistentVolumes fit "for single node
    /// testing only".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: postgres-data }
    /// spec:
    ///   capacity: { storage: 20Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: manual
    ///   hostPath: { path: /srv/postgres }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: postgres-data }
    /// spec:
    ///   capacity: { storage: 20Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: local-disks
    ///   local: { path: /srv/postgres }
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - { key: kubernetes.io/hostname, operator: In, values: [worker-1] }
    /// ```
    ///
    /// ## Known problems
    /// - On a single-node cluster (kind, minikube, k3d, Docker Desktop) there is no other node
    ///   to move to, and a `hostPath` PersistentVolume is the simplest static volume. Tutorials
    ///   and examples for those clusters use it on purpose. Suppress the finding there, e.g.
    ///   `# pvlint: ignore PVL304 -- single-node example`, or with an `ignore` entry for the
    ///   examples' paths in the config file.
    /// - A `hostPath` volume with `nodeAffinity.required` is not reported: the scheduler then
    ///   takes its pods to the node that holds the data, as for a `local` volume. The
    ///   affinity's terms are not checked.
    /// - A PersistentVolume with neither `capacity` nor `accessModes` is taken for a kustomize
    ///   strategic-merge patch and skipped; the base object is checked.
    ///
    /// ## Related
    /// - PVL303 (`local-pv-missing-node-affinity`): a `local` volume must be pinned to its node.
    /// - PVL306 (`reclaim-delete-unsupported`): `Delete` on a `hostPath` volume outside `/tmp`
    ///   fails.
    ///
    /// ## References
    /// - [Kubernetes: Volumes, hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - [Kubernetes: Persistent Volumes, types](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#types-of-persistent-volumes)
    pub(crate) static RULE = Rule {
        code: "PVL304",
        name: "hostpath-persistent-volume",
        category: Category::BestPractice,
        summary: "`hostPath` PersistentVolume: the data stays on one node and follows no pod",
        check: Check::Volume(check),
    };
}

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(host_path) = volume
        .sources
        .iter()
        .find(|source| source.value == "hostPath")
    else {
        return;
    };
    if volume.looks_partial() || is_pinned(volume) {
        return;
    }
    let name = object.meta.name.map_or("<unnamed>", |name| name.value);
    let path = volume
        .spec
        .and_then(|spec| spec.path(&["hostPath", "path"]))
        .and_then(Node::as_str)
        .map_or_else(String::new, |path| format!(" in `{path}`"));
    cx.report(
        host_path.span,
        format!("`hostPath` volume `{name}` keeps its data{path} on whichever node runs its pod"),
    )
    .note("nothing ties the volume to a node: a pod that moves to another node finds a different directory there, and the data stays behind")
    .help("use a StorageClass with a CSI provisioner, or a `local` volume pinned to its node by `nodeAffinity`; on a single-node cluster (kind, minikube), suppress this finding");
}

/// Whether `nodeAffinity.required` pins the volume to nodes (its value is not checked here).
fn is_pinned(volume: &PersistentVolume<'_>) -> bool {
    volume
        .node_affinity
        .is_some_and(|(_, required)| required.is_some_and(|required| !required.is_null()))
}
