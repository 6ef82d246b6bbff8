use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `mountOptions` on a StorageClass whose driver does not take mount options (its
    /// backend model says `mount-options: false`, e.g. minikube's `k8s.io/minikube-hostpath`).
    /// The finding points at the `mountOptions` key.
    ///
    /// ## Why is this bad?
    /// The options do not reach the mount. What happens depends on the provisioner:
    /// - an in-tree `kubernetes.io/` plugin without mount option support refuses to provision:
    ///   "Mount options are not supported by the provisioner but StorageClass ... has mount
    ///   options" (SEMANTICS §2.3), and the claims stay `Pending`;
    /// - an external provisioner that builds its PersistentVolumes without the class's
    ///   `mountOptions` drops them: volumes are mounted with the defaults, so `nfsvers=4.1`,
    ///   `noatime` or `ro` silently do not apply.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: dev }
    /// provisioner: k8s.io/minikube-hostpath
    /// mountOptions: [noatime]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: dev }
    /// provisioner: k8s.io/minikube-hostpath
    /// ```
    ///
    /// ## Known problems
    /// Whether a driver that does take mount options understands a given option is not
    /// checked.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, mount options](https://kubernetes.io/docs/concepts/storage/storage-classes/#mount-options)
    pub(crate) static RULE = Rule {
        code: "PVL112",
        name: "mount-options-unsupported-by-backend",
        category: Category::Suspicious,
        summary: "StorageClass sets `mountOptions` that its driver does not apply",
        check: Check::StorageClass(check),
    };
}

fn check(object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let Some(entry) = object.meta.root.entry("mountOptions") else {
        return;
    };
    if entry.value.as_sequence().is_none_or(<[Node]>::is_empty) {
        return;
    }
    let settings = cx.settings;
    let Some(backend) = settings.backends.find(provisioner.value) else {
        return;
    };
    if backend.mount_options {
        return;
    }
    let name = &backend.name;
    let in_tree = provisioner.value == name.as_str() && name.starts_with("kubernetes.io/");
    let message = if in_tree {
        format!(
            "in-tree provisioner `{name}` does not support mount options: provisioning fails and the claims stay `Pending`"
        )
    } else {
        format!(
            "`{name}` does not apply the class's `mountOptions`: its volumes are mounted without them"
        )
    };
    cx.report(entry.key.span, message)
        .label(provisioner.span, format!("`{name}` takes no mount options"))
        .help("remove `mountOptions`, or use a driver that applies them");
}
