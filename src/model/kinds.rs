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

/// The Kubernetes release (1.`minor`) that rules check against when a fact depends on the
/// release, such as the removal of an in-tree volume plugin or of an API version: the user's
/// `--kube-version` (config `kube-version:`), by default the newest release pvlint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    /// The minor version: 35 for Kubernetes 1.35.
    pub minor: u32,
}

impl KubeVersion {
    /// The oldest release that can be targeted (the oldest with published JSON Schemas in the
    /// `kubernetes-validate` range pvlint's schemas come from).
    pub const OLDEST: KubeVersion = KubeVersion { minor: 25 };
    /// The newest release pvlint knows, and the default target.
    pub const NEWEST: KubeVersion = KubeVersion { minor: 35 };

    /// Every release that can be targeted, oldest first.
    pub fn supported() -> impl Iterator<Item = KubeVersion> {
        (Self::OLDEST.minor..=Self::NEWEST.minor).map(|minor| KubeVersion { minor })
    }

    /// Reads `1.35`, `v1.35` or `1.35.2` (the patch is ignored); the release must be one pvlint
    /// supports. The error is a message for the user.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let version = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut parts = version.split('.');
        let (Some("1"), Some(minor), patch, None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "`{text}` is not a Kubernetes version: write `1.MINOR`, such as `{}`",
                Self::NEWEST
            ));
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(minor) || patch.is_some_and(|patch| !digits(patch)) {
            return Err(format!(
                "`{text}` is not a Kubernetes version: write `1.MINOR`, such as `{}`",
                Self::NEWEST
            ));
        }
        let version = KubeVersion {
            minor: minor.parse().unwrap_or(u32::MAX),
        };
        if !(Self::OLDEST..=Self::NEWEST).contains(&version) {
            return Err(format!(
                "Kubernetes {version} is not supported: pvlint knows {} to {}",
                Self::OLDEST,
                Self::NEWEST
            ));
        }
        Ok(version)
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

impl std::fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl std::str::FromStr for KubeVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::KubeVersion;

    #[test]
    fn versions_parse_with_or_without_v_and_patch() {
        for text in ["1.30", "v1.30", "1.30.2", " 1.30 "] {
            assert_eq!(
                KubeVersion::parse(text),
                Ok(KubeVersion { minor: 30 }),
                "{text}"
            );
        }
        assert_eq!(KubeVersion::default().to_string(), "1.35");
    }

    #[test]
    fn malformed_and_unsupported_versions_are_refused() {
        for text in ["", "1", "2.30", "1.x", "1.30.", "1.30.1.1", "130", "1.-3"] {
            let error = KubeVersion::parse(text).unwrap_err();
            assert!(
                error.contains("is not a Kubernetes version"),
                "{text}: {error}"
            );
        }
        for text in ["1.24", "1.36", "1.3", "1.99999999999"] {
            let error = KubeVersion::parse(text).unwrap_err();
            assert!(error.contains("is not supported"), "{text}: {error}");
        }
    }
}
