//! Facts about kinds that do not depend on a document: API group and scope.

/// What pvlint knows about a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// Namespaced objects get the default namespace when they name none.
    pub namespaced: bool,
}

/// Scope of well-known kinds; unknown kinds (custom resources) are `None`.
#[must_use]
pub fn kind_info(group: &str, kind: &str) -> Option<KindInfo> {
    let cluster = KindInfo { namespaced: false };
    let namespaced = KindInfo { namespaced: true };
    let info = match (group, kind) {
        (
            "",
            "PersistentVolumeClaim"
            | "Pod"
            | "ReplicationController"
            | "ResourceQuota"
            | "LimitRange"
            | "ConfigMap"
            | "Secret"
            | "Service"
            | "ServiceAccount"
            | "Endpoints"
            | "Event"
            | "PodTemplate",
        )
        | ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job" | "CronJob")
        | ("snapshot.storage.k8s.io", "VolumeSnapshot")
        | ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshot")
        | ("storage.k8s.io", "CSIStorageCapacity")
        | ("rbac.authorization.k8s.io", "Role" | "RoleBinding")
        | ("policy", "PodDisruptionBudget")
        | ("networking.k8s.io", "Ingress" | "NetworkPolicy")
        | ("autoscaling", "HorizontalPodAutoscaler")
        | ("coordination.k8s.io", "Lease") => namespaced,
        ("", "PersistentVolume" | "Namespace" | "Node")
        | (
            "storage.k8s.io",
            "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment" | "VolumeAttributesClass",
        )
        | ("snapshot.storage.k8s.io", "VolumeSnapshotClass" | "VolumeSnapshotContent")
        | (
            "groupsnapshot.storage.k8s.io",
            "VolumeGroupSnapshotClass" | "VolumeGroupSnapshotContent",
        )
        | ("rbac.authorization.k8s.io", "ClusterRole" | "ClusterRoleBinding")
        | ("apiextensions.k8s.io", "CustomResourceDefinition")
        | ("scheduling.k8s.io", "PriorityClass")
        | (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
        ) => cluster,
        _ => return None,
    };
    Some(info)
}

/// The Kubernetes minor version (1.x) rules check against when a fact depends on the release,
/// such as the removal of an in-tree volume plugin. The newest release until `--kube-version`
/// lets users choose.
pub const TARGET_KUBERNETES_MINOR: u32 = 35;
