use crate::model::api_versions::{RetiredApi, ServedBy, retired_api};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an object whose `apiVersion` is deprecated or no longer served in the target
    /// Kubernetes release (`--kube-version`, default 1.35), for the kinds pvlint reads:
    /// - `storage.k8s.io/v1beta1` StorageClass, VolumeAttachment and CSIDriver (removed in
    ///   1.22), CSINode (1.22), CSIStorageCapacity (1.27), VolumeAttributesClass (deprecated in
    ///   1.34, when `storage.k8s.io/v1` became GA; removal scheduled for 1.37);
    /// - `storage.k8s.io/v1alpha1` VolumeAttachment and CSIStorageCapacity (1.24) and
    ///   VolumeAttributesClass (1.35);
    /// - `snapshot.storage.k8s.io/v1beta1` (not served by the snapshot CRDs since
    ///   external-snapshotter v6.0, made for Kubernetes 1.24) and `v1alpha1` (dropped with
    ///   snapshots' beta, Kubernetes 1.17);
    /// - `extensions/v1beta1`, `apps/v1beta1` and `apps/v1beta2` Deployment, DaemonSet,
    ///   ReplicaSet and StatefulSet (1.16), `batch/v1beta1` CronJob (1.25).
    ///
    /// The finding points at the `apiVersion` value and names the release and the version to
    /// use. It is an error once the version is no longer served in the target release, a
    /// warning while it is only deprecated.
    ///
    /// ## Why is this bad?
    /// The API server rejects an object of a version it no longer serves (`no matches for kind
    /// "StorageClass" in version "storage.k8s.io/v1beta1"`): `kubectl apply` fails, and so does
    /// the whole sync of a GitOps tool. A deprecated version still works, with a warning on
    /// every request, until the release that removes it; upgrading the cluster to that release
    /// breaks the manifests.
    ///
    /// Objects stored in the cluster are not affected: the API server converts them, so the
    /// fix is only to change the manifests' `apiVersion`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1beta1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// ```
    ///
    /// ## Options
    /// - `kube-version`
    ///
    /// ## Known problems
    /// - The snapshot API versions are served by CustomResourceDefinitions that the cluster's
    ///   administrators install, not by Kubernetes: the release given for them is the one the
    ///   external-snapshotter release was made for. A cluster that still runs older CRDs serves
    ///   `v1beta1` whatever its version.
    /// - The removal of `storage.k8s.io/v1beta1` VolumeAttributesClass in 1.37 follows the
    ///   deprecation policy (three releases); it is reported as a warning until then.
    /// - Kinds pvlint does not read (Ingress, PodDisruptionBudget, …) are not checked.
    ///
    /// ## Related
    /// - PVL103 (`in-tree-provisioner`) and PVL309 (`in-tree-volume-source`): in-tree plugins
    ///   removed in the target release.
    ///
    /// ## References
    /// - [Kubernetes: Deprecated API Migration Guide](https://kubernetes.io/docs/reference/using-api/deprecation-guide/)
    /// - [Kubernetes: Deprecation Policy](https://kubernetes.io/docs/reference/using-api/deprecation-policy/)
    /// - [external-snapshotter: CHANGELOG-6.0](https://github.com/kubernetes-csi/external-snapshotter/blob/master/CHANGELOG/CHANGELOG-6.0.md)
    pub(crate) static RULE = Rule {
        code: "PVL006",
        name: "deprecated-api-version",
        category: Category::Suspicious,
        summary: "apiVersion deprecated or removed in the target Kubernetes release",
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    let api_version = object.meta.api_version;
    let kind = object.meta.kind.value;
    let Some(api) = retired_api(api_version.value, kind) else {
        return;
    };
    let target = cx.settings.kube_version;
    if !api.is_deprecated_in(target.minor) {
        return;
    }
    let removed = api.is_removed_in(target.minor);
    let report = cx.report(api_version.span, message(api, kind, removed));
    let report = if removed {
        report.severity(Severity::Error)
    } else {
        report
    };
    let report = match api.required {
        Some(required) if object.meta.root.path(required.path).is_none() => {
            report.note(required.note)
        }
        _ => report,
    };
    report.help(format!("change `apiVersion` to `{}`", api.replacement));
}

fn message(api: &RetiredApi, kind: &str, removed: bool) -> String {
    let version = api.api_version;
    let replacement = api.replacement;
    match (removed, api.served_by) {
        (true, ServedBy::Kubernetes) => format!(
            "`{version}` {kind} is no longer served since Kubernetes 1.{}: use `{replacement}`",
            api.removed
        ),
        (true, ServedBy::AddOn(release)) => format!(
            "`{version}` {kind} is no longer served by the CRDs of {release} and later (Kubernetes 1.{}): use `{replacement}`",
            api.removed
        ),
        (false, _) => format!(
            "`{version}` {kind} is deprecated since Kubernetes 1.{} and scheduled for removal in 1.{}: use `{replacement}`",
            api.deprecated, api.removed
        ),
    }
}
