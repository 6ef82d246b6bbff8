use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a volume declared under the pod's `volumes` that no container, init container or
    /// ephemeral container mounts (through `volumeMounts` or `volumeDevices`). For a
    /// StatefulSet, a `volumeClaimTemplates` entry that no container mounts is flagged too.
    ///
    /// ## Why is this bad?
    /// The volume is still set up for every pod: a claim is bound and attached, a disk is
    /// provisioned per replica for an unmounted claim template, a Secret or ConfigMap must
    /// exist for the pod to start. Yet no container sees the data. Usually a mount was
    /// forgotten or renamed, or the volume is a leftover.
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
    ///       image: busybox
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: app-data }
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
    ///       volumeMounts: [{ name: data, mountPath: /data }]
    ///   volumes:
    ///     - name: data
    ///       persistentVolumeClaim: { claimName: app-data }
    /// ```
    ///
    /// ## Known problems
    /// Kustomize strategic-merge patches are partial workloads: a patch that adds a volume
    /// may leave the mount in the base or in another patch. Such workloads are skipped, as
    /// for PVL402 (`$patch` documents, files listed under `patches:` or
    /// `patchesStrategicMerge:` of a loaded `kustomization.yaml`, `apps/v1` controllers without
    /// `selector` or pod-template labels, pod specs without `containers` or with a container
    /// without `image`). Pods with a placeholder mount name are skipped.
    ///
    /// A volume meant for a container that an admission webhook injects (a service-mesh or
    /// secrets sidecar) is reported; suppress the finding on the volume.
    ///
    /// ## Related
    /// - PVL402 (`volume-mount-undeclared`)
    /// - PVL210 (`dangling-pvc`)
    ///
    /// ## References
    /// - [Kubernetes: Volumes](https://kubernetes.io/docs/concepts/storage/volumes/)
    pub(crate) static RULE = Rule {
        code: "PVL403",
        name: "volume-unused",
        category: Category::Suspicious,
        summary: "pod volume that no container mounts",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = &workload.pod else {
        return;
    };
    let mounted: Vec<&str> = pod
        .containers
        .iter()
        .flat_map(|container| {
            let mounts = container.mounts.iter().map(|mount| mount.name.value);
            mounts.chain(container.devices.iter().map(|device| device.name.value))
        })
        .collect();
    if mounted.iter().any(|name| is_placeholder(name)) {
        return;
    }
    let is_unused = |name: &Spanned<&str>| {
        !name.value.is_empty() && !is_placeholder(name.value) && !mounted.contains(&name.value)
    };
    let volumes: Vec<Spanned<&str>> = pod
        .volumes
        .iter()
        .map(|volume| volume.name)
        .filter(is_unused)
        .collect();
    let templates: Vec<Spanned<&str>> = workload
        .claim_templates
        .iter()
        .filter_map(|&template| cx.index.claim(template).name)
        .filter(|name| pod.volume(name.value).is_none())
        .filter(is_unused)
        .collect();
    if (volumes.is_empty() && templates.is_empty()) || cx.index.is_partial_workload(object) {
        return;
    }
    for name in volumes {
        cx.report(
            name.span,
            format!("volume `{}` is not mounted by any container", name.value),
        )
        .help("mount the volume in the container that needs it, or remove it");
    }
    for name in templates {
        cx.report(
            name.span,
            format!(
                "claim template `{}` is not mounted by any container",
                name.value
            ),
        )
        .help("mount the claim in the container that needs it, or remove the template")
        .note("the StatefulSet still creates and binds one claim per replica for it");
    }
}
