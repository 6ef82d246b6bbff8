//! The generated schemas of the kinds pvlint reads, embedded in the binary, per Kubernetes
//! release.
//!
//! Each schema is compiled the first time an object of its kind and API version is validated,
//! once, and the [`Validator`] is then shared by every thread. The table below must list exactly
//! the files under `schemas/kubernetes/` (`tests/schemas.rs` checks it); `gen-schemas` writes
//! them.

use std::sync::{LazyLock, OnceLock};

use serde_json::{Map, Value};

use crate::schema::Validator;
use crate::schema::generate;

/// The Kubernetes minor versions (1.x) whose schemas are embedded, oldest first.
pub const KUBE_MINORS: &[u32] = &[35];

/// The release validated against unless another is chosen: the newest embedded one.
pub const DEFAULT_KUBE_MINOR: u32 = 35;

/// One embedded schema file.
#[derive(Debug)]
pub struct Embedded {
    pub kube_minor: u32,
    /// API group, `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// The schema document (JSON).
    pub text: &'static str,
}

impl Embedded {
    /// The file's path under `schemas/kubernetes/`.
    #[must_use]
    pub fn relative_path(&self) -> String {
        format!(
            "1.{}/{}/{}/{}.json",
            self.kube_minor,
            generate::group_directory(self.group),
            self.version,
            self.kind
        )
    }
}

const fn group_of(directory: &'static str) -> &'static str {
    match directory.as_bytes() {
        b"core" => "",
        _ => directory,
    }
}

macro_rules! embedded {
    ($($minor:literal $directory:literal $version:literal $kind:literal),* $(,)?) => {
        /// Every embedded schema, sorted by release, group, version and kind.
        pub static EMBEDDED: &[Embedded] = &[$(
            Embedded {
                kube_minor: $minor,
                group: group_of($directory),
                version: $version,
                kind: $kind,
                text: include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"), "/schemas/kubernetes/1.", stringify!($minor),
                    "/", $directory, "/", $version, "/", $kind, ".json"
                )),
            }
        ),*];
    };
}

embedded! {
    35 "apps" "v1" "DaemonSet",
    35 "apps" "v1" "Deployment",
    35 "apps" "v1" "ReplicaSet",
    35 "apps" "v1" "StatefulSet",
    35 "batch" "v1" "CronJob",
    35 "batch" "v1" "Job",
    35 "core" "v1" "LimitRange",
    35 "core" "v1" "List",
    35 "core" "v1" "Namespace",
    35 "core" "v1" "PersistentVolume",
    35 "core" "v1" "PersistentVolumeClaim",
    35 "core" "v1" "Pod",
    35 "core" "v1" "ReplicationController",
    35 "core" "v1" "ResourceQuota",
    35 "groupsnapshot.storage.k8s.io" "v1" "VolumeGroupSnapshot",
    35 "groupsnapshot.storage.k8s.io" "v1" "VolumeGroupSnapshotClass",
    35 "groupsnapshot.storage.k8s.io" "v1" "VolumeGroupSnapshotContent",
    35 "groupsnapshot.storage.k8s.io" "v1beta1" "VolumeGroupSnapshot",
    35 "groupsnapshot.storage.k8s.io" "v1beta1" "VolumeGroupSnapshotClass",
    35 "groupsnapshot.storage.k8s.io" "v1beta1" "VolumeGroupSnapshotContent",
    35 "groupsnapshot.storage.k8s.io" "v1beta2" "VolumeGroupSnapshot",
    35 "groupsnapshot.storage.k8s.io" "v1beta2" "VolumeGroupSnapshotClass",
    35 "groupsnapshot.storage.k8s.io" "v1beta2" "VolumeGroupSnapshotContent",
    35 "snapshot.storage.k8s.io" "v1" "VolumeSnapshot",
    35 "snapshot.storage.k8s.io" "v1" "VolumeSnapshotClass",
    35 "snapshot.storage.k8s.io" "v1" "VolumeSnapshotContent",
    35 "storage.k8s.io" "v1" "CSIDriver",
    35 "storage.k8s.io" "v1" "CSINode",
    35 "storage.k8s.io" "v1" "CSIStorageCapacity",
    35 "storage.k8s.io" "v1" "StorageClass",
    35 "storage.k8s.io" "v1" "VolumeAttachment",
    35 "storage.k8s.io" "v1" "VolumeAttributesClass",
    35 "storage.k8s.io" "v1beta1" "VolumeAttributesClass",
}

static VALIDATORS: LazyLock<Vec<OnceLock<Option<Validator>>>> =
    LazyLock::new(|| EMBEDDED.iter().map(|_| OnceLock::new()).collect());

/// The embedded release used for a requested minor version: the newest one not newer than it,
/// else the oldest.
#[must_use]
pub fn release_for(kube_minor: u32) -> u32 {
    KUBE_MINORS
        .iter()
        .copied()
        .filter(|minor| *minor <= kube_minor)
        .max()
        .or_else(|| KUBE_MINORS.first().copied())
        .unwrap_or(DEFAULT_KUBE_MINOR)
}

/// Splits an `apiVersion` into group and version (`v1` → `("", "v1")`).
#[must_use]
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// The embedded schema of a kind in an API version, for a Kubernetes minor version.
#[must_use]
pub fn find(kube_minor: u32, api_version: &str, kind: &str) -> Option<(usize, &'static Embedded)> {
    let release = release_for(kube_minor);
    let (group, version) = split_api_version(api_version);
    EMBEDDED.iter().enumerate().find(|(_, embedded)| {
        embedded.kube_minor == release
            && embedded.group == group
            && embedded.version == version
            && embedded.kind == kind
    })
}

/// The compiled validator of a kind in an API version (`None` for kinds and versions without
/// an embedded schema). Compiled on first use, then shared.
#[must_use]
pub fn validator(kube_minor: u32, api_version: &str, kind: &str) -> Option<&'static Validator> {
    let (at, embedded) = find(kube_minor, api_version, kind)?;
    VALIDATORS
        .get(at)?
        .get_or_init(|| {
            let schema = serde_json::from_str(embedded.text).ok()?;
            Validator::new(schema).ok()
        })
        .as_ref()
}

/// ObjectMeta and the definitions it reaches, converted, for a Kubernetes minor version: what
/// the root `metadata` of a user's custom resource refers to.
#[must_use]
pub fn object_meta_defs(kube_minor: u32) -> Map<String, Value> {
    find(kube_minor, "v1", "Namespace")
        .and_then(|(_, embedded)| serde_json::from_str::<Value>(embedded.text).ok())
        .map(|schema| generate::object_meta_defs_of(&schema))
        .unwrap_or_default()
}
