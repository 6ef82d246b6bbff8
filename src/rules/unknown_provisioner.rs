use crate::model::in_tree::in_tree_provisioner;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Notes a StorageClass whose `provisioner` no backend model describes (neither an embedded
    /// model, nor one given with `--backend` or the config's `backends:`) and no CSIDriver
    /// object in the manifests names. The finding points at the provisioner.
    ///
    /// Deprecated in-tree provisioners are left to PVL103, and placeholders (`${PROVISIONER}`)
    /// are skipped.
    ///
    /// ## Why is this bad?
    /// pvlint cannot check what it does not know: for this class the capability rules
    /// (parameters, access modes, volume modes, sizes, expansion, topology) are skipped, and
    /// the dry run assumes provisioning succeeds. A typo in the provisioner name looks the
    /// same: no provisioner ever picks the class's claims up, and they stay `Pending` with
    /// "waiting for a volume to be created either by the external provisioner ..." (SEMANTICS
    /// §2.1). An unknown `kubernetes.io/` name is worse: the PV controller has no plugin for
    /// it and reports `ProvisioningFailed`.
    ///
    /// Describe the driver in a backend model (`--backend FILE`), or keep its CSIDriver object
    /// with the manifests, to tell pvlint the name is real.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: csi.example.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: CSIDriver
    /// metadata: { name: csi.example.com }
    /// spec: { attachRequired: true }
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: csi.example.com
    /// ```
    ///
    /// ## Known problems
    /// A CSIDriver object only says the driver exists; its capabilities stay unchecked.
    ///
    /// ## Related
    /// - PVL103 (`in-tree-provisioner`): deprecated and removed in-tree provisioners.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes](https://kubernetes.io/docs/concepts/storage/storage-classes/#provisioner)
    pub(crate) static RULE = Rule {
        code: "PVL104",
        name: "unknown-provisioner",
        category: Category::Info,
        summary: "StorageClass provisioner is not described by any backend model",
        check: Check::StorageClass(check),
    };
}

fn check(_object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let name = provisioner.value;
    if name.is_empty()
        || is_placeholder(name)
        || in_tree_provisioner(name).is_some()
        || cx.settings.backends.find(name).is_some()
        || cx.index.csi_driver(name).is_some()
    {
        return;
    }
    let similar = similar_driver(name, cx);
    let report = cx.report(
        provisioner.span,
        format!(
            "no backend model describes provisioner `{name}`: its capabilities are not checked"
        ),
    );
    let report = if name.starts_with("kubernetes.io/") && name != IN_TREE_HOST_PATH {
        report.note(format!(
            "Kubernetes has no in-tree plugin named `{name}`: claims of this class fail with `ProvisioningFailed`"
        ))
    } else {
        report
    };
    match similar {
        Some(similar) => report.help(format!("did you mean `{similar}`?")),
        None => report.help(
            "describe the driver with `--backend FILE` (or the config's `backends:`), or add its CSIDriver object",
        ),
    };
}

/// The in-tree hostPath provisioner: still in Kubernetes, for single-node tests, when the
/// controller manager runs with `--enable-hostpath-provisioner`.
const IN_TREE_HOST_PATH: &str = "kubernetes.io/host-path";

/// A modelled driver name (or alias) one edit away from `name`. Real drivers differ by little
/// (`efs.csi.aws.com`, `fsx.csi.aws.com`), so only a single slip counts as a typo.
fn similar_driver(name: &str, cx: &RuleContext<'_, '_>) -> Option<String> {
    let mut names: Vec<&str> = cx
        .settings
        .backends
        .iter()
        .flat_map(|backend| {
            std::iter::once(backend.name.as_str()).chain(backend.aliases.iter().map(String::as_str))
        })
        .filter(|candidate| {
            in_tree_provisioner(candidate).is_none() && strsim::levenshtein(name, candidate) <= 1
        })
        .collect();
    names.sort_unstable();
    names.first().map(|similar| (*similar).to_owned())
}
