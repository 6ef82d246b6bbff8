use std::collections::HashMap;

use crate::model::Container;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags, within one container (init, app or ephemeral), a `volumeMounts[].mountPath` that
    /// an earlier mount of the same container already uses, a `volumeDevices[].devicePath` used
    /// twice, and a device path equal to a mount path. Paths are compared as written, exactly
    /// as Kubernetes validation compares them.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Pod or pod template: `mountPath: Invalid value: "/data": must
    /// be unique`, `devicePath … must be unique`, `must not already exist as a path in
    /// volumeDevices` (SEMANTICS §5.1). A StatefulSet is accepted (its template is not
    /// validated, §5.2), but every pod it creates is rejected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts:
    ///         - { name: config, mountPath: /etc/app }
    ///         - { name: secrets, mountPath: /etc/app }
    ///   volumes:
    ///     - { name: config, configMap: { name: app-config } }
    ///     - { name: secrets, secret: { secretName: app-secrets } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts:
    ///         - { name: config, mountPath: /etc/app/config }
    ///         - { name: secrets, mountPath: /etc/app/secrets }
    ///   volumes:
    ///     - { name: config, configMap: { name: app-config } }
    ///     - { name: secrets, secret: { secretName: app-secrets } }
    /// ```
    ///
    /// ## Known problems
    /// Kubernetes compares the strings, so `/data` and `/data/` are not reported, although
    /// the container runtime mounts both at the same place and the later one hides the
    /// earlier. Paths with placeholders are skipped.
    ///
    /// ## Related
    /// - PVL402 (`volume-mount-undeclared`)
    ///
    /// ## References
    /// - [Kubernetes: Volumes](https://kubernetes.io/docs/concepts/storage/volumes/)
    /// - [Kubernetes: Raw block volume support](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#raw-block-volume-support)
    pub(crate) static RULE = Rule {
        code: "PVL410",
        name: "duplicate-mount-path",
        category: Category::Correctness,
        summary: "two mounts or devices of one container use the same path",
        check: Check::Workload(check),
    };
}

fn check(_object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = &workload.pod else {
        return;
    };
    for container in &pod.containers {
        check_container(container, cx);
    }
}

fn usable(path: &Spanned<&str>) -> bool {
    !path.value.is_empty() && !is_placeholder(path.value)
}

fn check_container(container: &Container<'_>, cx: &mut RuleContext<'_, '_>) {
    let who = container.name.map_or_else(
        || "the container".to_owned(),
        |name| format!("container `{}`", name.value),
    );
    let mut mounts: HashMap<&str, Span> = HashMap::new();
    for path in container.mounts.iter().filter_map(|mount| mount.mount_path) {
        if !usable(&path) {
            continue;
        }
        match mounts.get(path.value) {
            Some(&first) => {
                cx.report(
                    path.span,
                    format!("mount path `{}` is used twice in {who}", path.value),
                )
                .label(first, "first mounted here")
                .help("give each volume mount its own `mountPath`");
            }
            None => {
                mounts.insert(path.value, path.span);
            }
        }
    }
    let mut devices: HashMap<&str, Span> = HashMap::new();
    for path in container
        .devices
        .iter()
        .filter_map(|device| device.device_path)
    {
        if !usable(&path) {
            continue;
        }
        if let Some(&first) = devices.get(path.value) {
            cx.report(
                path.span,
                format!("device path `{}` is used twice in {who}", path.value),
            )
            .label(first, "first used here")
            .help("give each volume device its own `devicePath`");
            continue;
        }
        devices.insert(path.value, path.span);
        if let Some(&mount) = mounts.get(path.value) {
            let (first, second) = if (mount.file, mount.start) <= (path.span.file, path.span.start)
            {
                (mount, path.span)
            } else {
                (path.span, mount)
            };
            cx.report(
                second,
                format!(
                    "path `{}` is both a mount path and a device path in {who}",
                    path.value
                ),
            )
            .label(first, "also used here")
            .help("use different paths for the volume mount and the volume device");
        }
    }
}
