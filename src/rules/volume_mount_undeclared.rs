use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `volumeMounts[].name` or `volumeDevices[].name` of a container (init, app or
    /// ephemeral) that names no volume of the pod. For a StatefulSet, the names of its
    /// `volumeClaimTemplates` count as volumes: the controller adds one volume per template.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Pod, or the workload's pod template, with `volumeMounts[0].name:
    /// Not found` (SEMANTICS §5.1). A StatefulSet's template is not validated when the set is
    /// applied (§5.2), so there the set is accepted and every pod it tries to create is
    /// rejected instead (`FailedCreate` events, no pods).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: web }
    /// spec:
    ///   selector: { matchLabels: { app: web } }
    ///   template:
    ///     metadata: { labels: { app: web } }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    ///           volumeMounts:
    ///             - { name: cache, mountPath: /var/cache/nginx }
    ///       volumes:
    ///         - name: cahce
    ///           emptyDir: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: { name: web }
    /// spec:
    ///   selector: { matchLabels: { app: web } }
    ///   template:
    ///     metadata: { labels: { app: web } }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx
    ///           volumeMounts:
    ///             - { name: cache, mountPath: /var/cache/nginx }
    ///       volumes:
    ///         - name: cache
    ///           emptyDir: {}
    /// ```
    ///
    /// ## Known problems
    /// Kustomize strategic-merge patches are partial workloads: a patch that adds a mount
    /// usually leaves the volume in the base. pvlint skips workloads that cannot be whole
    /// objects: documents with a `$patch` directive, files listed under `patches:` or
    /// `patchesStrategicMerge:` of a loaded `kustomization.yaml`, `apps/v1` controllers without
    /// `selector` or pod-template labels, and pod specs without `containers` or with a
    /// container that has no `image`. A patch that looks whole and is not listed in a loaded
    /// kustomization is still checked. Pods whose volume names are placeholders are skipped.
    ///
    /// ## Related
    /// - PVL403 (`volume-unused`)
    ///
    /// ## References
    /// - [Kubernetes: Volumes](https://kubernetes.io/docs/concepts/storage/volumes/)
    pub(crate) static RULE = Rule {
        code: "PVL402",
        name: "volume-mount-undeclared",
        category: Category::Correctness,
        summary: "container mounts a volume the pod does not declare",
        check: Check::Workload(check),
    };
}

fn check(object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = &workload.pod else {
        return;
    };
    let declared: Vec<Spanned<&str>> = pod
        .volumes
        .iter()
        .map(|volume| volume.name)
        .chain(
            workload
                .claim_templates
                .iter()
                .filter_map(|&template| cx.index.claim(template).name),
        )
        .collect();
    if declared.iter().any(|name| is_placeholder(name.value)) {
        return;
    }
    let undeclared: Vec<(Spanned<&str>, &str)> = pod
        .containers
        .iter()
        .flat_map(|container| {
            let mounts = container
                .mounts
                .iter()
                .map(|mount| (mount.name, "volumeMounts"));
            let devices = container
                .devices
                .iter()
                .map(|device| (device.name, "volumeDevices"));
            mounts.chain(devices)
        })
        .filter(|(name, _)| {
            !name.value.is_empty()
                && !is_placeholder(name.value)
                && !declared.iter().any(|volume| volume.value == name.value)
        })
        .collect();
    if undeclared.is_empty() || cx.index.is_partial_workload(object) {
        return;
    }
    let lists = if workload.kind == WorkloadKind::StatefulSet {
        "`volumes` or `volumeClaimTemplates`"
    } else {
        "`volumes`"
    };
    for (name, list) in undeclared {
        let similar = crate::suggest::closest(name.value, declared.iter().map(|v| v.value))
            .and_then(|similar| declared.iter().find(|volume| volume.value == similar));
        let report = cx.report(
            name.span,
            format!(
                "volume `{}` in `{list}` is not declared in the pod's {lists}",
                name.value
            ),
        );
        match similar {
            Some(volume) => report
                .label(volume.span, "a volume with a similar name is declared here")
                .help(format!("did you mean `{}`?", volume.value)),
            None => report.help(format!("declare the volume under {lists}, or fix the name")),
        };
    }
}
