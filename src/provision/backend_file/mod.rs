//! Backend model files: `backends/*.yaml` (embedded in the binary) and users' `--backend` files,
//! read with spans into [`Backend`]s.
//!
//! A file holds one model per YAML document. Keys are kebab-case and mirror the Rust types:
//!
//! ```yaml
//! name: ebs.csi.aws.com              # the provisioner / CSI driver name (required)
//! aliases: [kubernetes.io/aws-ebs]   # other names that reach it (in-tree names it migrates from)
//! description: Amazon EBS volumes
//! base: csi-common                   # inherit every key of that model, then override
//! abstract: false                    # true: only a base for other models, never a driver
//! provisions: true                   # default true
//! attachable: true                   # required
//! topology: zonal                    # zonal | anywhere | node-local (required)
//! topology-keys: [topology.kubernetes.io/zone]
//! zones: []                          # zones offered, when known; empty = any
//! access-modes:                      # required; Block not supported when `block` is absent
//!   filesystem: [ReadWriteOnce, ReadWriteOncePod]
//!   block: [ReadWriteOnce, ReadWriteOncePod, ReadWriteMany]
//! requires-consumer: false           # default false
//! expansion: true                    # expansion, snapshots, clones, mount-options: required
//! snapshots: true
//! clones: true
//! mount-options: true
//! encryption: {parameter: encrypted, value: "true", implied-by: [kmsKeyId]}
//! parameters:
//!   case-insensitive: true
//!   strict: true                     # unknown keys make provisioning fail
//!   keys:
//!     type: {values: [gp3, io2], default: gp3, description: the volume type}
//!     iops: {pattern: "[0-9]+", requires: {type: [io1, io2, gp3]}, conflicts: [iopsPerGB]}
//!     blockSize:                     # null: accepted, nothing more known
//!     outpostArn: the Outpost ARN    # a string: the description
//!   prefixes: [tagSpecification]     # keys accepted with any suffix
//!   reserved-prefixes: []            # keys under these prefixes must be listed, exactly
//! size:
//!   step: 1Gi
//!   raise-to-min: false
//!   ignored: false
//!   min: 1Gi
//!   max: 16Ti
//!   by-parameter: {parameter: type, default: gp3, values: {io2: {min: 4Gi, max: 64Ti}}}
//! capacity: [{zone: eu-west-1a, capacity: 10Ti}]
//! notes: [what the model is unsure of]
//! ```
//!
//! `base:` inherits every key but `name`, `base` and `abstract`; mappings merge key by key,
//! lists and scalars replace, and `null` clears an inherited value. A user model resolves
//! `base:` among the user models first, then among the embedded ones, so a user model named
//! like an embedded one can say `base: <that name>` to start from the embedded model, which it
//! then replaces. Embedded models only see embedded models.
//!
//! Every problem is a [`BackendError`] pointing into the file. This module reads
//! [`SourceMap`] texts; it never touches the filesystem (the CLI reads user files).

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use crate::load::tree::{Entry, Node};
use crate::own_schema::OwnSchema;
use crate::provision::backend::{Backend, Backends};
use crate::source::{FileId, FileRole, SourceMap, Span};
use crate::spanned_yaml::{self, InputError};

mod fields;
mod inherit;

/// The keys of a model, for the schema test.
#[cfg(test)]
pub(crate) use fields::KEYS as MODEL_KEYS;
use fields::{finish, read_model};
use inherit::merged_root;

/// A problem in a backend model file, located at a span of it.
pub type BackendError = InputError;

/// `(file name, text)` of each listed file of `backends/`, compiled in.
macro_rules! embedded {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/backends/", $file)))),*]
    };
}

/// The embedded model files, by file name in `backends/`. A test checks that every file of that
/// directory is listed.
const EMBEDDED: &[(&str, &str)] = embedded![
    "aws-ebs.yaml",
    "aws-efs.yaml",
    "azure-disk.yaml",
    "azure-file.yaml",
    "ceph-nfs.yaml",
    "ceph-rbd.yaml",
    "cephfs.yaml",
    "cinder.yaml",
    "csi-common.yaml",
    "gce-pd.yaml",
    "hostpath.yaml",
    "local-path.yaml",
    "longhorn.yaml",
    "minikube-hostpath.yaml",
    "nfs.yaml",
    "no-provisioner.yaml",
    "openebs-local.yaml",
    "topolvm.yaml",
    "vsphere.yaml",
];

/// The embedded models, read and resolved once, with the private source map their spans
/// point into.
struct Embedded {
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "only tests render embedded errors, which a test rules out"
        )
    )]
    sources: SourceMap,
    models: Result<Vec<Resolved>, BackendError>,
}

static EMBEDDED_MODELS: LazyLock<Embedded> = LazyLock::new(|| {
    let mut sources = SourceMap::default();
    let ids: Vec<FileId> = EMBEDDED
        .iter()
        .map(|(file, text)| {
            sources.add(
                format!("backends/{file}"),
                Arc::from(*text),
                FileRole::Config,
            )
        })
        .collect();
    let models = read_layer(&sources, &ids, &[], false);
    Embedded { sources, models }
});

impl Backends {
    /// The models compiled into the binary (`backends/*.yaml`). Empty only if they are broken,
    /// which a test rules out.
    #[must_use]
    pub fn embedded() -> Self {
        let models = EMBEDDED_MODELS.models.as_deref().unwrap_or_default();
        Self::new(concrete(models).cloned().collect())
    }

    /// The embedded models plus the user's model files `files` of `sources` (added with
    /// [`FileRole::Config`]). A user model replaces the embedded model of the same name.
    pub fn load(sources: &SourceMap, files: &[FileId]) -> Result<Self, BackendError> {
        let embedded = EMBEDDED_MODELS.models.as_deref().unwrap_or_default();
        let user = read_layer(sources, files, embedded, true)?;
        let kept = embedded
            .iter()
            .filter(|model| !user.iter().any(|mine| mine.name == model.name));
        let models = concrete(kept).chain(concrete(&user)).cloned().collect();
        Ok(Self::new(models))
    }
}

fn concrete<'m>(
    models: impl IntoIterator<Item = &'m Resolved>,
) -> impl Iterator<Item = &'m Backend> {
    models
        .into_iter()
        .filter_map(|model| model.backend.as_ref())
}

/// One model as written in its file, before `base:` is resolved.
pub(super) struct Draft {
    name: String,
    name_span: Span,
    base: Option<(String, Span)>,
    is_abstract: bool,
    root: Node,
    /// The file, as named in messages.
    source: String,
}

/// One model after `base:` resolution.
pub(super) struct Resolved {
    name: String,
    /// The merged tree, which user models based on this one start from.
    root: Node,
    /// `None` for abstract models.
    backend: Option<Backend>,
}

/// Reads the files of one layer (embedded, or the user's) and resolves their bases against
/// each other, then against `lower`.
fn read_layer(
    sources: &SourceMap,
    files: &[FileId],
    lower: &[Resolved],
    user: bool,
) -> Result<Vec<Resolved>, BackendError> {
    let mut drafts = Vec::new();
    for &id in files {
        drafts.extend(read_file(sources, id, user)?);
    }
    check_duplicates(sources, &drafts)?;
    let mut memo = vec![None; drafts.len()];
    let mut resolved = Vec::with_capacity(drafts.len());
    for (index, draft) in drafts.iter().enumerate() {
        let root = merged_root(&drafts, lower, index, &mut memo, &mut Vec::new())?;
        let backend = if draft.is_abstract {
            None
        } else {
            let span = user.then_some(draft.name_span);
            Some(finish(read_model(&root)?, draft, span)?)
        };
        resolved.push(Resolved {
            name: draft.name.clone(),
            root,
            backend,
        });
    }
    check_names(&drafts, &resolved)?;
    Ok(resolved)
}

/// Every model of one file, each validated on its own (unknown keys, types, quantities,
/// patterns, access modes).
fn read_file(sources: &SourceMap, id: FileId, user: bool) -> Result<Vec<Draft>, BackendError> {
    let name = sources.name(id);
    let source = if user {
        name.to_owned()
    } else {
        format!("{name} (embedded)")
    };
    let roots = spanned_yaml::documents(sources, id)?;
    if roots.is_empty() {
        return Err(
            BackendError::new(Span::new(id, 0, 0), "the file holds no backend model").with_help(
                "write a mapping with at least `name:`; see the README, \"Backend models\"",
            ),
        );
    }
    roots
        .into_iter()
        .map(|root| {
            let fields = read_model(&root)?;
            let (name, name_span) = fields.name.ok_or_else(|| {
                BackendError::new(first_key_span(&root), "a backend model needs a `name`")
                    .with_help("add `name: <driver>`, the provisioner or CSI driver name")
            })?;
            OwnSchema::Backend.check(&root)?;
            Ok(Draft {
                name,
                name_span,
                base: fields.base,
                is_abstract: fields.is_abstract,
                root,
                source: source.clone(),
            })
        })
        .collect()
}

fn first_key_span(root: &Node) -> Span {
    root.as_mapping()
        .and_then(<[Entry]>::first)
        .map_or(root.span, |entry| entry.key.span)
}

/// Two models of one layer with the same name.
fn check_duplicates(sources: &SourceMap, drafts: &[Draft]) -> Result<(), BackendError> {
    for (index, draft) in drafts.iter().enumerate() {
        if let Some(first) = drafts
            .iter()
            .take(index)
            .find(|other| other.name == draft.name)
        {
            let position = sources
                .get(first.name_span.file)
                .map(|file| file.position(first.name_span.start));
            let at = position.map_or_else(String::new, |position| {
                format!(":{}:{}", position.line, position.column)
            });
            return Err(BackendError::new(
                draft.name_span,
                format!("duplicate backend model `{}`", draft.name),
            )
            .with_help(format!(
                "`{}` is already defined at {}{at}; remove or rename one",
                draft.name,
                sources.name(first.name_span.file)
            )));
        }
    }
    Ok(())
}

/// Two concrete models of one layer that answer to the same driver name.
fn check_names(drafts: &[Draft], resolved: &[Resolved]) -> Result<(), BackendError> {
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    for (draft, model) in drafts.iter().zip(resolved) {
        let Some(backend) = &model.backend else {
            continue;
        };
        for name in std::iter::once(&backend.name).chain(&backend.aliases) {
            if let Some(owner) = owners.insert(name, &backend.name)
                && owner != backend.name
            {
                return Err(BackendError::new(
                    draft.name_span,
                    format!(
                        "`{name}` names both backend model `{owner}` and `{}`",
                        backend.name
                    ),
                )
                .with_help(
                    "give each driver name to one model (aliases are inherited from `base:`; \
                     set `aliases:` to change them)",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::Quantity;
    use crate::provision::backend::Topology;

    /// Loads `files` as user models over the embedded ones.
    fn load(files: &[(&str, &str)]) -> (SourceMap, Result<Backends, BackendError>) {
        let mut sources = SourceMap::default();
        let ids: Vec<FileId> = files
            .iter()
            .map(|(name, text)| sources.add((*name).to_owned(), Arc::from(*text), FileRole::Config))
            .collect();
        let result = Backends::load(&sources, &ids);
        (sources, result)
    }

    /// The error of loading one file, with the text its span covers and its `line:column`.
    fn failure(text: &str) -> (BackendError, String, String) {
        let (sources, result) = load(&[("model.yaml", text)]);
        let Err(error) = result else {
            panic!("expected an error for:\n{text}");
        };
        let covered = sources.slice(error.span).to_owned();
        let file = sources.get(error.span.file).unwrap();
        let position = file.position(error.span.start);
        (
            error,
            covered,
            format!("{}:{}", position.line, position.column),
        )
    }

    const MINIMAL: &str = "\
name: example.com/disk
attachable: true
topology: zonal
access-modes:
  filesystem: [ReadWriteOnce]
expansion: false
snapshots: false
clones: false
mount-options: true
";

    fn parameters(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn every_embedded_model_loads() {
        let embedded = &*EMBEDDED_MODELS;
        if let Err(error) = &embedded.models {
            let file = embedded.sources.get(error.span.file).unwrap();
            let position = file.position(error.span.start);
            panic!(
                "{}:{}:{}: {} ({:?})",
                file.name, position.line, position.column, error.message, error.help
            );
        }
        assert!(Backends::embedded().iter().count() >= 12);
    }

    #[test]
    fn every_file_of_the_backends_directory_is_embedded() {
        let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("backends");
        let mut on_disk: Vec<String> = std::fs::read_dir(directory)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = EMBEDDED
            .iter()
            .map(|(file, _)| (*file).to_owned())
            .collect();
        listed.sort();
        assert_eq!(on_disk, listed, "list every backends/*.yaml in EMBEDDED");
    }

    #[test]
    fn every_embedded_file_starts_with_a_comment_citing_its_sources() {
        for (file, text) in EMBEDDED {
            assert!(
                text.starts_with("# "),
                "{file} must start with a comment block"
            );
            let header: String = text
                .lines()
                .take_while(|line| line.starts_with('#'))
                .collect();
            assert!(header.contains("Sources:"), "{file} must cite its sources");
            assert!(
                header.contains("conservatively"),
                "{file} must say what is uncertain"
            );
        }
    }

    #[test]
    fn listed_drivers_and_aliases_resolve() {
        let backends = Backends::embedded();
        for (driver, model) in [
            ("ebs.csi.aws.com", "ebs.csi.aws.com"),
            ("kubernetes.io/aws-ebs", "ebs.csi.aws.com"),
            ("ebs.csi.eks.amazonaws.com", "ebs.csi.aws.com"),
            ("pd.csi.storage.gke.io", "pd.csi.storage.gke.io"),
            ("kubernetes.io/gce-pd", "pd.csi.storage.gke.io"),
            ("disk.csi.azure.com", "disk.csi.azure.com"),
            ("kubernetes.io/azure-disk", "disk.csi.azure.com"),
            ("file.csi.azure.com", "file.csi.azure.com"),
            ("kubernetes.io/azure-file", "file.csi.azure.com"),
            ("efs.csi.aws.com", "efs.csi.aws.com"),
            ("rbd.csi.ceph.com", "rbd.csi.ceph.com"),
            ("cephfs.csi.ceph.com", "cephfs.csi.ceph.com"),
            ("nfs.csi.k8s.io", "nfs.csi.k8s.io"),
            ("driver.longhorn.io", "driver.longhorn.io"),
            ("rancher.io/local-path", "rancher.io/local-path"),
            ("hostpath.csi.k8s.io", "hostpath.csi.k8s.io"),
            (
                "kubernetes.io/no-provisioner",
                "kubernetes.io/no-provisioner",
            ),
            ("cinder.csi.openstack.org", "cinder.csi.openstack.org"),
            ("kubernetes.io/cinder", "cinder.csi.openstack.org"),
            ("csi.vsphere.vmware.com", "csi.vsphere.vmware.com"),
            ("kubernetes.io/vsphere-volume", "csi.vsphere.vmware.com"),
            ("topolvm.io", "topolvm.io"),
            ("topolvm.cybozu.com", "topolvm.io"),
            ("openebs.io/local", "openebs.io/local"),
            ("nfs.csi.ceph.com", "nfs.csi.ceph.com"),
            ("k8s.io/minikube-hostpath", "k8s.io/minikube-hostpath"),
        ] {
            let found = backends.find(driver).map(|backend| backend.name.as_str());
            assert_eq!(found, Some(model), "{driver}");
        }
        // In-tree RBD is not a migration target (SEMANTICS §7), and abstract models are no
        // drivers.
        assert!(backends.find("kubernetes.io/rbd").is_none());
        assert!(backends.find("csi-common").is_none());
    }

    #[test]
    fn embedded_facts_are_read_as_written() {
        let backends = Backends::embedded();
        let ebs = backends.find("ebs.csi.aws.com").unwrap();
        assert!(ebs.attachable && ebs.expansion && ebs.snapshots && ebs.clones);
        assert_eq!(ebs.topology, Topology::Zonal);
        assert_eq!(ebs.span, None);
        assert!(ebs.source.contains("aws-ebs.yaml"));
        assert!(
            !ebs.access_modes
                .for_mode(false)
                .contains(&"ReadWriteMany".to_owned())
        );
        assert!(
            ebs.access_modes
                .for_mode(true)
                .contains(&"ReadWriteMany".to_owned())
        );
        // Inherited from csi-common.
        assert!(ebs.mount_options);
        assert!(
            ebs.parameters
                .keys
                .contains_key("csi.storage.k8s.io/fstype")
        );
        assert_eq!(ebs.parameters.reserved_prefixes, ["csi.storage.k8s.io/"]);
        assert_eq!(ebs.size.step, Some(Quantity::parse("1Gi").unwrap()));
        let efs = backends.find("efs.csi.aws.com").unwrap();
        assert!(efs.size.ignored && !efs.expansion && !efs.supports_block());
        assert!(efs.parameters.keys["provisioningMode"].required);
        let none = backends.find("kubernetes.io/no-provisioner").unwrap();
        assert!(!none.provisions);
        assert_eq!(none.topology, Topology::NodeLocal);
        assert!(none.parameters.reserved_prefixes.is_empty());
        let local = backends.find("rancher.io/local-path").unwrap();
        assert!(local.requires_consumer && !local.supports_block());
    }

    #[test]
    fn parameters_of_case_insensitive_backends_match_in_any_case() {
        let backends = Backends::embedded();
        let ebs = backends.find("kubernetes.io/aws-ebs").unwrap();
        let io2 = ebs.size_limits(&parameters(&[("Type", "IO2")]));
        assert_eq!(io2.max, Some(Quantity::parse("64Ti").unwrap()));
        assert_eq!(io2.min, Some(Quantity::parse("4Gi").unwrap()));
        let default = ebs.size_limits(&parameters(&[]));
        assert_eq!(default.max, Some(Quantity::parse("16Ti").unwrap()));
        assert_eq!(
            ebs.parameter(&parameters(&[("IOPS", "3000")]), "iops"),
            Some("3000")
        );
        // EFS reads its keys exactly.
        let efs = backends.find("efs.csi.aws.com").unwrap();
        assert_eq!(
            efs.parameter(
                &parameters(&[("ProvisioningMode", "efs-ap")]),
                "provisioningMode"
            ),
            None
        );
    }

    #[test]
    fn a_minimal_user_model_loads_with_defaults() {
        let (_, result) = load(&[("model.yaml", MINIMAL)]);
        let backends = result.unwrap();
        let model = backends.find("example.com/disk").unwrap();
        assert!(model.provisions && !model.requires_consumer);
        assert_eq!(model.source, "model.yaml");
        assert!(model.span.is_some());
        assert!(model.parameters.keys.is_empty());
        // The embedded models are still there.
        assert!(backends.find("ebs.csi.aws.com").is_some());
    }

    #[test]
    fn base_inherits_merges_maps_and_replaces_lists() {
        let (_, result) = load(&[(
            "mine.yaml",
            "\
name: example.com/ebs-like
base: ebs.csi.aws.com
aliases: []
zones: [eu-west-1a]
access-modes:
  block: [ReadWriteOnce]
parameters:
  keys:
    type: {values: [gp3]}
    color: {values: [red]}
size:
  max: 1Ti
",
        )]);
        let backends = result.unwrap();
        let mine = backends.find("example.com/ebs-like").unwrap();
        // Kept from the base.
        assert!(mine.attachable && mine.mount_options);
        assert_eq!(mine.topology, Topology::Zonal);
        assert_eq!(
            mine.access_modes.filesystem,
            ["ReadWriteOnce", "ReadWriteOncePod"]
        );
        assert!(mine.parameters.case_insensitive && mine.parameters.strict);
        assert!(mine.parameters.keys.contains_key("iops"));
        assert!(
            mine.parameters
                .keys
                .contains_key("csi.storage.k8s.io/fstype")
        );
        assert_eq!(mine.parameters.keys["type"].default.as_deref(), Some("gp3"));
        assert!(mine.size.by_parameter.is_some());
        // Overridden: lists replace, maps merge.
        assert!(mine.aliases.is_empty());
        assert_eq!(mine.zones, ["eu-west-1a"]);
        assert_eq!(mine.access_modes.block, ["ReadWriteOnce"]);
        assert_eq!(mine.parameters.keys["type"].values, ["gp3"]);
        assert_eq!(mine.parameters.keys["color"].values, ["red"]);
        assert_eq!(mine.size.limits.max, Some(Quantity::parse("1Ti").unwrap()));
        // The alias still reaches the embedded model, which is not replaced.
        assert_eq!(
            backends.find("kubernetes.io/aws-ebs").unwrap().name,
            "ebs.csi.aws.com"
        );
    }

    #[test]
    fn a_user_model_replaces_the_embedded_one_it_is_based_on() {
        let (_, result) = load(&[(
            "ebs.yaml",
            "name: ebs.csi.aws.com\nbase: ebs.csi.aws.com\nzones: [a, b]\ncapacity: [{zone: a, capacity: 10Ti}, {capacity: 1Pi}]\n",
        )]);
        let backends = result.unwrap();
        let ebs = backends.find("kubernetes.io/aws-ebs").unwrap();
        assert_eq!(ebs.zones, ["a", "b"]);
        assert_eq!(ebs.source, "ebs.yaml");
        assert_eq!(ebs.capacity.len(), 2);
        assert_eq!(ebs.capacity[1].zone, None);
        assert_eq!(
            backends
                .iter()
                .filter(|model| model.name == "ebs.csi.aws.com")
                .count(),
            1
        );
    }

    #[test]
    fn user_models_can_base_on_each_other_across_files_and_on_abstract_ones() {
        let (_, result) = load(&[
            (
                "child.yaml",
                "name: example.com/child\nbase: example.com/parent\nclones: true\n",
            ),
            (
                "parent.yaml",
                "name: example.com/parent\nabstract: true\nbase: csi-common\nattachable: false\n\
                 topology: anywhere\naccess-modes: {filesystem: [ReadWriteMany]}\n\
                 expansion: true\nsnapshots: false\nclones: false\n",
            ),
        ]);
        let backends = result.unwrap();
        let child = backends.find("example.com/child").unwrap();
        assert!(child.clones && child.expansion && child.mount_options);
        assert!(
            child
                .parameters
                .keys
                .contains_key("csi.storage.k8s.io/fstype")
        );
        assert!(backends.find("example.com/parent").is_none());
    }

    #[test]
    fn null_clears_an_inherited_value() {
        let (_, result) = load(&[(
            "mine.yaml",
            "name: example.com/plain\nbase: ebs.csi.aws.com\naliases: []\nencryption: ~\nsize: {step: null}\n",
        )]);
        let backends = result.unwrap();
        let mine = backends.find("example.com/plain").unwrap();
        assert_eq!(mine.encryption, None);
        assert_eq!(mine.size.step, None);
        assert!(mine.size.by_parameter.is_some());
    }

    #[test]
    fn a_user_model_may_be_case_insensitive() {
        let (_, result) = load(&[(
            "mine.yaml",
            &format!(
                "{MINIMAL}parameters:\n  case-insensitive: true\n  keys:\n    tier: {{values: [fast, slow]}}\n\
                 size:\n  by-parameter:\n    parameter: Tier\n    values:\n      fast: {{max: 1Ti}}\n"
            ),
        )]);
        let backends = result.unwrap();
        let mine = backends.find("example.com/disk").unwrap();
        let limits = mine.size_limits(&parameters(&[("TIER", "FAST")]));
        assert_eq!(limits.max, Some(Quantity::parse("1Ti").unwrap()));
    }

    #[test]
    fn unknown_keys_point_at_the_key_with_a_suggestion() {
        let (error, covered, at) = failure(&MINIMAL.replace("attachable", "attachabel"));
        assert_eq!(error.message, "unknown key `attachabel`");
        assert_eq!(error.help.as_deref(), Some("did you mean `attachable`?"));
        assert_eq!((covered.as_str(), at.as_str()), ("attachabel", "2:1"));

        let (error, covered, at) = failure(&format!(
            "{MINIMAL}parameters:\n  keys:\n    type: {{valeus: [a]}}\n"
        ));
        assert_eq!(error.message, "unknown key `valeus`");
        assert_eq!(error.help.as_deref(), Some("did you mean `values`?"));
        assert_eq!((covered.as_str(), at.as_str()), ("valeus", "12:12"));
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let (error, covered, _) = failure(&MINIMAL.replace("expansion: false", "expansion: maybe"));
        assert_eq!(error.message, "expected `true` or `false`");
        assert_eq!(covered, "maybe");

        let (error, covered, _) = failure(&format!("{MINIMAL}zones: eu-west-1a\n"));
        assert_eq!(error.message, "expected a list of strings");
        assert_eq!(covered, "eu-west-1a");

        let (error, covered, _) = failure(&format!("{MINIMAL}parameters: [a]\n"));
        assert_eq!(error.message, "`parameters` must be a mapping");
        assert_eq!(covered, "[a]");

        let (error, covered, _) = failure(&MINIMAL.replace("topology: zonal", "topology: zonl"));
        assert_eq!(error.message, "unknown topology `zonl`");
        assert_eq!(error.help.as_deref(), Some("did you mean `zonal`?"));
        assert_eq!(covered, "zonl");
    }

    #[test]
    fn bad_quantities_point_at_the_value() {
        let (error, covered, at) = failure(&format!("{MINIMAL}size:\n  max: 16TB\n"));
        assert!(
            error.message.starts_with("`16TB` is not a quantity"),
            "{}",
            error.message
        );
        assert_eq!((covered.as_str(), at.as_str()), ("16TB", "11:8"));

        let (error, covered, _) = failure(&format!(
            "{MINIMAL}size:\n  by-parameter:\n    parameter: x\n    values:\n      a: {{min: 2Gi, max: 1Gi}}\n"
        ));
        assert_eq!(error.message, "`max` `1Gi` is below `min` `2Gi`");
        assert_eq!(covered, "1Gi");

        let (error, covered, _) = failure(&format!("{MINIMAL}size:\n  step: 0\n"));
        assert_eq!(error.message, "`step` must be positive");
        assert_eq!(covered, "0");

        let (error, covered, _) = failure(&format!(
            "{MINIMAL}capacity: [{{zone: a, capacity: -1Ti}}]\n"
        ));
        assert_eq!(error.message, "`-1Ti` is negative");
        assert_eq!(covered, "-1Ti");
    }

    #[test]
    fn bad_patterns_point_at_the_pattern() {
        let (error, covered, _) = failure(&format!(
            "{MINIMAL}parameters:\n  keys:\n    iops: {{pattern: \"[0-9\"}}\n"
        ));
        assert_eq!(error.message, "invalid regular expression `[0-9`");
        assert!(error.help.is_some());
        assert_eq!(covered, "\"[0-9\"");
    }

    #[test]
    fn access_modes_must_be_kubernetes_modes() {
        let (error, covered, at) =
            failure(&MINIMAL.replace("[ReadWriteOnce]", "[ReadWriteOnce, RWX]"));
        assert_eq!(error.message, "`RWX` is not a Kubernetes access mode");
        assert_eq!(error.help.as_deref(), Some("write `ReadWriteMany`"));
        assert_eq!((covered.as_str(), at.as_str()), ("RWX", "5:31"));

        let (error, _, _) = failure(&MINIMAL.replace("[ReadWriteOnce]", "[ReadWriteOnse]"));
        assert_eq!(error.help.as_deref(), Some("write `ReadWriteOnce`"));

        let (error, covered, _) = failure(&MINIMAL.replace("filesystem:", "filesytem:"));
        assert_eq!(error.help.as_deref(), Some("did you mean `filesystem`?"));
        assert_eq!(covered, "filesytem");
    }

    #[test]
    fn an_unknown_base_points_at_it_with_a_suggestion() {
        let (error, covered, at) = failure("name: example.com/x\nbase: ebs.csi.aws.co\n");
        assert_eq!(error.message, "no backend model is named `ebs.csi.aws.co`");
        assert_eq!(
            error.help.as_deref(),
            Some("did you mean `ebs.csi.aws.com`?")
        );
        assert_eq!((covered.as_str(), at.as_str()), ("ebs.csi.aws.co", "2:7"));
    }

    #[test]
    fn a_base_cycle_is_an_error() {
        let (sources, result) = load(&[
            ("a.yaml", "name: a\nbase: b\n"),
            ("b.yaml", "name: b\nbase: c\n"),
            ("c.yaml", "name: c\nbase: a\n"),
        ]);
        let error = result.unwrap_err();
        assert_eq!(error.message, "`base:` makes a cycle: a → b → c → a");
        assert_eq!(sources.name(error.span.file), "c.yaml");
        assert_eq!(sources.slice(error.span), "a");

        let (error, covered, _) = failure("name: example.com/self\nbase: example.com/self\n");
        assert_eq!(
            error.message,
            "no backend model is named `example.com/self`"
        );
        assert_eq!(covered, "example.com/self");
    }

    #[test]
    fn a_duplicate_name_across_files_points_at_the_second() {
        let (sources, result) = load(&[("one.yaml", MINIMAL), ("two.yaml", MINIMAL)]);
        let error = result.unwrap_err();
        assert_eq!(error.message, "duplicate backend model `example.com/disk`");
        assert_eq!(sources.name(error.span.file), "two.yaml");
        assert_eq!(sources.slice(error.span), "example.com/disk");
        assert!(error.help.unwrap().contains("one.yaml:1:7"));
    }

    #[test]
    fn two_models_answering_to_one_name_is_an_error() {
        let second = MINIMAL.replace("example.com/disk", "example.com/other")
            + "aliases: [example.com/disk]\n";
        let (sources, result) = load(&[("one.yaml", MINIMAL), ("two.yaml", &second)]);
        let error = result.unwrap_err();
        assert_eq!(
            error.message,
            "`example.com/disk` names both backend model `example.com/disk` and `example.com/other`"
        );
        assert_eq!(sources.name(error.span.file), "two.yaml");
    }

    #[test]
    fn a_concrete_model_must_state_its_facts() {
        let (error, covered, _) = failure(&MINIMAL.replace("clones: false\n", ""));
        assert_eq!(
            error.message,
            "backend model `example.com/disk` does not say whether it can clone volumes"
        );
        assert_eq!(covered, "example.com/disk");

        let (error, covered, at) = failure("description: no name\nattachable: true\n");
        assert_eq!(error.message, "a backend model needs a `name`");
        assert_eq!((covered.as_str(), at.as_str()), ("description", "1:1"));
    }

    #[test]
    fn parameter_references_must_name_known_keys() {
        let (error, covered, _) = failure(&format!(
            "{MINIMAL}parameters:\n  keys:\n    type: {{}}\n    iops: {{requires: {{tyoe: [io2]}}}}\n"
        ));
        assert_eq!(
            error.message,
            "`tyoe` is not one of the model's `parameters.keys`"
        );
        assert_eq!(error.help.as_deref(), Some("did you mean `type`?"));
        assert_eq!(covered, "tyoe");

        let (error, covered, _) = failure(&format!(
            "{MINIMAL}encryption: {{parameter: encrypted, value: \"true\"}}\n"
        ));
        assert_eq!(
            error.message,
            "`encrypted` is not one of the model's `parameters.keys`"
        );
        assert_eq!(covered, "encrypted");
    }

    #[test]
    fn yaml_problems_and_empty_files_are_errors() {
        let (error, _, _) = failure("name: [unclosed\n");
        assert!(!error.message.is_empty());

        let (error, covered, _) = failure(&format!("{MINIMAL}name: again\n"));
        assert_eq!(error.message, "duplicate key `name`");
        assert_eq!(covered, "name");

        let (error, _, at) = failure("# only a comment\n");
        assert_eq!(error.message, "the file holds no backend model");
        assert_eq!(at, "1:1");
    }

    #[test]
    fn a_file_may_hold_several_models() {
        let second = MINIMAL.replace("example.com/disk", "example.com/other");
        let (_, result) = load(&[("models.yaml", &format!("{MINIMAL}---\n{second}"))]);
        let backends = result.unwrap();
        assert!(backends.find("example.com/disk").is_some());
        assert!(backends.find("example.com/other").is_some());
    }
}
