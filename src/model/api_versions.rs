//! API versions of the kinds pvlint reads that Kubernetes (or the snapshot CRDs) deprecated or
//! stopped serving, with the release of each step and the version that replaces them. Facts
//! only: `deprecated-api-version` (PVL006) decides what to report for the target release.
//!
//! Sources:
//! - the `+k8s:prerelease-lifecycle-gen` tags of `k8s.io/api` (`storage/v1beta1/types.go`,
//!   `storage/v1alpha1/types.go`, …): `deprecated=1.x`, and `removed=1.x` or, when absent,
//!   three releases after the deprecation. The API server stops serving a version from its
//!   removal release on (`k8s.io/apiserver/pkg/server/deleted_kinds.go`), whatever
//!   `--runtime-config` says;
//! - the Kubernetes "Deprecated API Migration Guide": v1.16 (`extensions/v1beta1`,
//!   `apps/v1beta1`, `apps/v1beta2` workloads), v1.22 (`storage.k8s.io/v1beta1` CSIDriver,
//!   CSINode, StorageClass, VolumeAttachment), v1.25 (`batch/v1beta1` CronJob), v1.27
//!   (`storage.k8s.io/v1beta1` CSIStorageCapacity);
//! - the Kubernetes 1.35 OpenAPI documents (`../shared/data/kubernetes/openapi-v3-1.35`):
//!   `storage.k8s.io/v1beta1` serves only VolumeAttributesClass, and no `storage.k8s.io/v1alpha1`
//!   is left;
//! - kubernetes-csi/external-snapshotter: the snapshot CRDs of v4.0 (Kubernetes 1.20, snapshots
//!   GA) deprecate `v1beta1`, those of v6.0 (May 2022, for Kubernetes 1.24) no longer serve it
//!   (`served: false` in `../shared/data/kubernetes/crds`); `v1alpha1` was dropped by v2.0, when
//!   snapshots went beta in Kubernetes 1.17.

/// Who stops serving a retired API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServedBy {
    /// The Kubernetes API server itself.
    Kubernetes,
    /// CustomResourceDefinitions installed with a cluster add-on: the version stops being served
    /// with the add-on's release named here, which [`RetiredApi::removed`] maps to the
    /// Kubernetes release it was made for.
    AddOn(&'static str),
}

/// An API version that some kinds were deprecated or removed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetiredApi {
    /// `group/version`, as written in `apiVersion`.
    pub api_version: &'static str,
    /// The kinds of that version this entry is about.
    pub kinds: &'static [&'static str],
    /// The minor release (1.x) that deprecated it.
    pub deprecated: u32,
    /// The minor release (1.x) from which it is no longer served (for a version that is only
    /// deprecated, the release its removal is scheduled for).
    pub removed: u32,
    /// The `apiVersion` to use instead.
    pub replacement: &'static str,
    pub served_by: ServedBy,
    /// A field the replacement requires that the retired version did not.
    pub required: Option<RequiredField>,
}

/// A field that the replacement version requires, with why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredField {
    /// The path from the object root.
    pub path: &'static [&'static str],
    pub note: &'static str,
}

impl RetiredApi {
    /// Whether the version is no longer served in release 1.`minor`.
    #[must_use]
    pub fn is_removed_in(&self, minor: u32) -> bool {
        self.removed <= minor
    }

    /// Whether the version is deprecated (or gone) in release 1.`minor`.
    #[must_use]
    pub fn is_deprecated_in(&self, minor: u32) -> bool {
        self.deprecated <= minor
    }
}

/// `extensions/v1beta1` and `apps/v1beta1` default the selector from the template's labels;
/// `apps/v1beta2` and `apps/v1` require it.
const APPS_SELECTOR: RequiredField = RequiredField {
    path: &["spec", "selector"],
    note: "`apps/v1` requires `spec.selector`, matching the pod template's labels: this version \
           defaulted it from them",
};

const SNAPSHOT_KINDS: &[&str] = &[
    "VolumeSnapshot",
    "VolumeSnapshotClass",
    "VolumeSnapshotContent",
];

const fn kubernetes(
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated: u32,
    removed: u32,
    replacement: &'static str,
) -> RetiredApi {
    RetiredApi {
        api_version,
        kinds,
        deprecated,
        removed,
        replacement,
        served_by: ServedBy::Kubernetes,
        required: None,
    }
}

/// Every retired API version of a kind pvlint reads.
pub const RETIRED_APIS: [RetiredApi; 12] = [
    RetiredApi {
        required: Some(APPS_SELECTOR),
        ..kubernetes(
            "extensions/v1beta1",
            &["Deployment", "DaemonSet", "ReplicaSet"],
            9,
            16,
            "apps/v1",
        )
    },
    RetiredApi {
        required: Some(APPS_SELECTOR),
        ..kubernetes(
            "apps/v1beta1",
            &["Deployment", "StatefulSet"],
            9,
            16,
            "apps/v1",
        )
    },
    kubernetes(
        "apps/v1beta2",
        &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
        9,
        16,
        "apps/v1",
    ),
    kubernetes("batch/v1beta1", &["CronJob"], 21, 25, "batch/v1"),
    kubernetes(
        "storage.k8s.io/v1beta1",
        &["StorageClass", "VolumeAttachment", "CSIDriver"],
        19,
        22,
        "storage.k8s.io/v1",
    ),
    kubernetes(
        "storage.k8s.io/v1beta1",
        &["CSINode"],
        17,
        22,
        "storage.k8s.io/v1",
    ),
    kubernetes(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        24,
        27,
        "storage.k8s.io/v1",
    ),
    // GA in 1.34 (`storage.k8s.io/v1`); the beta is scheduled for removal three releases after
    // its deprecation, as the lifecycle tags leave `removed` unset.
    kubernetes(
        "storage.k8s.io/v1beta1",
        &["VolumeAttributesClass"],
        34,
        37,
        "storage.k8s.io/v1",
    ),
    // Alpha versions, never enabled by default, stop being served like betas.
    kubernetes(
        "storage.k8s.io/v1alpha1",
        &["VolumeAttachment", "CSIStorageCapacity"],
        21,
        24,
        "storage.k8s.io/v1",
    ),
    kubernetes(
        "storage.k8s.io/v1alpha1",
        &["VolumeAttributesClass"],
        32,
        35,
        "storage.k8s.io/v1",
    ),
    RetiredApi {
        served_by: ServedBy::AddOn("external-snapshotter v6.0"),
        ..kubernetes(
            "snapshot.storage.k8s.io/v1beta1",
            SNAPSHOT_KINDS,
            20,
            24,
            "snapshot.storage.k8s.io/v1",
        )
    },
    RetiredApi {
        served_by: ServedBy::AddOn("external-snapshotter v2.0"),
        ..kubernetes(
            "snapshot.storage.k8s.io/v1alpha1",
            SNAPSHOT_KINDS,
            17,
            17,
            "snapshot.storage.k8s.io/v1",
        )
    },
];

/// The retired API version entry for an object's `apiVersion` and `kind`, if any.
#[must_use]
pub fn retired_api(api_version: &str, kind: &str) -> Option<&'static RetiredApi> {
    RETIRED_APIS
        .iter()
        .find(|api| api.api_version == api_version && api.kinds.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_need_both_the_version_and_the_kind() {
        let class = retired_api("storage.k8s.io/v1beta1", "StorageClass").unwrap();
        assert_eq!(
            (class.removed, class.replacement),
            (22, "storage.k8s.io/v1")
        );
        assert!(class.is_removed_in(22) && !class.is_removed_in(21));
        assert!(retired_api("storage.k8s.io/v1", "StorageClass").is_none());
        assert!(retired_api("apps/v1beta1", "DaemonSet").is_none());
        let vac = retired_api("storage.k8s.io/v1beta1", "VolumeAttributesClass").unwrap();
        assert!(vac.is_deprecated_in(35) && !vac.is_removed_in(35));
    }

    #[test]
    fn every_entry_is_consistent() {
        for api in &RETIRED_APIS {
            assert!(api.deprecated <= api.removed, "{}", api.api_version);
            assert!(api.api_version.contains('/') && !api.kinds.is_empty());
            assert_ne!(api.api_version, api.replacement);
            // One entry per version and kind.
            for kind in api.kinds {
                let entries = RETIRED_APIS
                    .iter()
                    .filter(|other| other.api_version == api.api_version)
                    .filter(|other| other.kinds.contains(kind))
                    .count();
                assert_eq!(entries, 1, "{} {kind}", api.api_version);
            }
        }
    }
}
