use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a container's `volumeMounts` entry whose volume is a claim whose only access mode
    /// is `ReadOnlyMany`, when neither the mount nor the `persistentVolumeClaim` volume source
    /// says `readOnly: true`. Claims reached through `persistentVolumeClaim` volumes, generic
    /// ephemeral volumes and StatefulSet `volumeClaimTemplates` are checked.
    ///
    /// ## Why is this bad?
    /// Kubernetes does not connect access modes and `readOnly` (SEMANTICS §5.1, §5.4): the
    /// pod is admitted and the volume is mounted read-write if the backend allows it. Backends
    /// that honour `ReadOnlyMany` attach the disk read-only (a GCE persistent disk shared by
    /// several readers), so the read-write mount fails and the pod stays in
    /// `ContainerCreating`; others let every reader write to data that was meant to be shared
    /// read-only.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: dataset }
    /// spec:
    ///   accessModes: [ReadOnlyMany]
    ///   resources: { requests: { storage: 100Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: trainer }
    /// spec:
    ///   containers:
    ///     - name: trainer
    ///       image: python:3.12
    ///       volumeMounts: [{ name: dataset, mountPath: /data }]
    ///   volumes:
    ///     - name: dataset
    ///       persistentVolumeClaim: { claimName: dataset }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: dataset }
    /// spec:
    ///   accessModes: [ReadOnlyMany]
    ///   resources: { requests: { storage: 100Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: trainer }
    /// spec:
    ///   containers:
    ///     - name: trainer
    ///       image: python:3.12
    ///       volumeMounts: [{ name: dataset, mountPath: /data, readOnly: true }]
    ///   volumes:
    ///     - name: dataset
    ///       persistentVolumeClaim: { claimName: dataset }
    /// ```
    ///
    /// ## Known problems
    /// `volumeDevices` have no `readOnly` field and are not checked. A `readOnly` written as a
    /// placeholder counts as set.
    ///
    /// ## References
    /// - [Kubernetes: Access modes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)
    /// - [GKE: Using persistent disks with multiple readers](https://cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/readonlymany-disks)
    pub(crate) static RULE = Rule {
        code: "PVL408",
        name: "read-only-claim-mounted-writable",
        category: Category::Suspicious,
        summary: "`ReadOnlyMany` claim mounted without `readOnly: true`",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let Some(pod) = &workload.pod else {
        return;
    };
    for container in &pod.containers {
        for mount in &container.mounts {
            if mount.read_only || read_only_placeholder(pod.node, mount.name.span) {
                continue;
            }
            let Some(claim) = index.mounted_claim(object.id, mount.name.value) else {
                continue;
            };
            if source_read_only(object, workload, mount.name.value, index) {
                continue;
            }
            let claim = index.claim(claim);
            let Some(modes) = &claim.spec.access_modes else {
                continue;
            };
            let Some(first) = modes.modes.first() else {
                continue;
            };
            if modes.modes.iter().any(|mode| mode.value != "ReadOnlyMany") {
                continue;
            }
            cx.report(
                mount.name.span,
                format!(
                    "volume `{}` mounts `ReadOnlyMany` {} without `readOnly: true`",
                    mount.name.value,
                    claim.describe()
                ),
            )
            .label(first.span, "the claim only allows reading")
            .help("add `readOnly: true` to the mount or to the `persistentVolumeClaim` source");
        }
    }
}

/// Whether the `persistentVolumeClaim` source of the pod volume `name` says `readOnly` (a
/// StatefulSet claim template replaces a same-named volume, so its source does not count).
fn source_read_only(
    object: &Object<'_>,
    workload: &Workload<'_>,
    name: &str,
    index: &Index<'_>,
) -> bool {
    let Some(pod) = &workload.pod else {
        return false;
    };
    let Some(at) = pod
        .volumes
        .iter()
        .position(|volume| volume.name.value == name)
    else {
        return false;
    };
    if index.replaced_by_template(object.id, at) {
        return false;
    }
    pod.volumes
        .get(at)
        .is_some_and(|volume| match volume.source {
            VolumeSource::Claim { read_only, .. } => {
                read_only
                    || volume
                        .node
                        .path(&["persistentVolumeClaim", "readOnly"])
                        .and_then(Node::as_str)
                        .is_some_and(is_placeholder)
            }
            _ => false,
        })
}

/// Whether the mount whose `name` value is at `name` has a placeholder `readOnly`.
fn read_only_placeholder(pod: &Node, name: Span) -> bool {
    let mut found = false;
    pod.walk(&mut |node| {
        if node.get("name").is_some_and(|value| value.span == name)
            && node
                .get("readOnly")
                .and_then(Node::as_str)
                .is_some_and(is_placeholder)
        {
            found = true;
        }
    });
    found
}
