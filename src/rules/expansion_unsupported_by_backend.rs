use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `allowVolumeExpansion: true` on a StorageClass whose driver cannot expand volumes
    /// (its backend model says `expansion: false`: EFS, local-path, OpenEBS Local PV,
    /// `kubernetes.io/no-provisioner`, …). The finding points at the value.
    ///
    /// ## Why is this bad?
    /// The field only lets users ask: with it, the API server accepts a larger
    /// `resources.requests.storage` on a bound claim (SEMANTICS §10). Nothing then carries the
    /// resize out, because the driver has no expansion support: the claim's capacity never
    /// grows, the application still runs out of space, and the claim's spec and status
    /// disagree from then on (a claim's request cannot be lowered back below its capacity).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: efs }
    /// provisioner: efs.csi.aws.com
    /// parameters: { provisioningMode: efs-ap, fileSystemId: fs-0123456789abcdef0 }
    /// allowVolumeExpansion: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: efs }
    /// provisioner: efs.csi.aws.com
    /// parameters: { provisioningMode: efs-ap, fileSystemId: fs-0123456789abcdef0 }
    /// ```
    ///
    /// ## Known problems
    /// Drivers without a backend model are not checked (PVL104).
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, expanding claims](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims)
    pub(crate) static RULE = Rule {
        code: "PVL110",
        name: "expansion-unsupported-by-backend",
        category: Category::Suspicious,
        summary: "StorageClass allows expansion on a driver that cannot expand",
        check: Check::StorageClass(check),
    };
}

fn check(_object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(provisioner), Some(allow)) = (class.provisioner, class.allow_volume_expansion) else {
        return;
    };
    if allow.as_bool() != Some(true) {
        return;
    }
    let settings = cx.settings;
    let Some(backend) = settings.backends.find(provisioner.value) else {
        return;
    };
    if backend.expansion {
        return;
    }
    cx.report(
        allow.span,
        format!(
            "`allowVolumeExpansion` is `true`, but `{}` cannot expand volumes: resize requests are accepted and never carried out",
            backend.name
        ),
    )
    .label(provisioner.span, format!("`{}` has no expansion support", backend.name))
    .help("remove `allowVolumeExpansion`, or set it to `false`");
}
