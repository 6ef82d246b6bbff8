use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a statically created PersistentVolume (no `pv.kubernetes.io/provisioned-by`
    /// annotation) whose `persistentVolumeReclaimPolicy` is `Delete` while its volume source
    /// has no deleter: `nfs`, `iscsi`, `fc`, `local`, `cephfs`, `flexVolume`, and `hostPath`
    /// outside `/tmp/`. The finding points at the reclaim policy value.
    ///
    /// ## Why is this bad?
    /// When the claim is deleted, the PV controller looks for a volume plugin that can delete
    /// the volume: the provisioner named by `pv.kubernetes.io/provisioned-by`, an external
    /// provisioner for `csi` volumes, else an in-tree plugin that implements a deleter
    /// (SEMANTICS §1.9). None of these sources has one, so the volume goes `Failed` with a
    /// `VolumeFailedDelete` event ("error getting deleter volume plugin … no deletable volume
    /// plugin matched") and stays there, data included, until an administrator deletes it.
    /// The in-tree `hostPath` deleter only removes paths that match `/tmp/.+` ("host_path
    /// deleter only supports /tmp/.+ but received provided …"). Nothing is deleted, which is
    /// what `Retain` (the default for volumes created by hand, §3.6) says honestly.
    ///
    /// The in-tree plugins that implement a deleter (`NewDeleter` in
    /// `kubernetes/kubernetes` `pkg/volume/*`) are `hostPath` and, in the releases that still
    /// had them, the cloud and vendor plugins `awsElasticBlockStore`, `azureDisk`,
    /// `azureFile`, `cinder`, `flocker`, `gcePersistentDisk`, `glusterfs`,
    /// `photonPersistentDisk`, `portworxVolume`, `quobyte`, `rbd`, `scaleIO`, `storageos` and
    /// `vsphereVolume`. `nfs`, `iscsi`, `fc`, `local`, `cephfs` and `flexVolume` never had one.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: shared-media }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   persistentVolumeReclaimPolicy: Delete
    ///   nfs: { server: nas.example.com, path: /exports/media }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: shared-media }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   persistentVolumeReclaimPolicy: Retain
    ///   nfs: { server: nas.example.com, path: /exports/media }
    /// ```
    ///
    /// ## Known problems
    /// - `csi` volumes are not reported: with `Delete`, the driver's external provisioner
    ///   deletes the backing volume, which is usually what a static `Delete` volume means.
    /// - Sources whose in-tree plugin Kubernetes removed (`glusterfs`, `rbd`, `quobyte`, …) have
    ///   no deleter in current releases either; PVL309 already reports them as an error and
    ///   this rule leaves them alone. Deprecated sources that still had a deleter (`azureFile`,
    ///   `vsphereVolume`, `portworxVolume`) are not reported.
    /// - A volume with a `pv.kubernetes.io/migrated-to` annotation is deleted through its CSI
    ///   driver and is not reported.
    ///
    /// ## Related
    /// - PVL305 (`recycle-reclaim-policy`): the deprecated `Recycle` policy.
    /// - PVL309 (`in-tree-volume-source`): removed in-tree sources.
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, Reclaiming](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming)
    pub(crate) static RULE = Rule {
        code: "PVL306",
        name: "reclaim-delete-unsupported",
        category: Category::Suspicious,
        summary: "static PersistentVolume with `Delete` whose source has no deleter",
        check: Check::Volume(check),
    };
}

/// Sources for which no in-tree plugin ever implemented a deleter. `hostPath` has one, for
/// `/tmp/` paths only (see [`hostpath_deletable`]).
const NO_DELETER: [&str; 6] = ["nfs", "iscsi", "fc", "local", "cephfs", "flexVolume"];

/// Annotations that hand deletion to a provisioner or a CSI driver.
const EXTERNAL_DELETER_ANNOTATIONS: [&str; 2] = [
    "pv.kubernetes.io/provisioned-by",
    "pv.kubernetes.io/migrated-to",
];

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(policy) = volume
        .reclaim_policy
        .filter(|policy| policy.value == "Delete")
    else {
        return;
    };
    let [source] = volume.sources.as_slice() else {
        return;
    };
    if EXTERNAL_DELETER_ANNOTATIONS
        .iter()
        .any(|key| object.meta.annotation(key).is_some())
    {
        return;
    }
    let name = object.meta.name.map_or("<unnamed>", |name| name.value);
    let (label, event) = if source.value == "hostPath" {
        let Some(path) = volume
            .spec
            .and_then(|spec| spec.path(&["hostPath", "path"]))
            .and_then(Node::as_str)
            .filter(|path| !is_placeholder(path) && !hostpath_deletable(path))
        else {
            return;
        };
        (
            "the `hostPath` deleter only removes paths under `/tmp/`".to_owned(),
            format!("host_path deleter only supports /tmp/.+ but received provided {path}"),
        )
    } else if NO_DELETER.contains(&source.value) {
        (
            format!("no volume plugin can delete `{}` volumes", source.value),
            "no deletable volume plugin matched".to_owned(),
        )
    } else {
        return;
    };
    cx.report(
        policy.span,
        format!(
            "reclaim policy `Delete` of static `{}` volume `{name}` cannot be carried out",
            source.value
        ),
    )
    .label(source.span, label)
    .note(format!("when its claim is deleted, the volume goes `Failed` (\"{event}\") and keeps its data until an administrator deletes it"))
    .help("use `Retain` and clean released volumes up yourself");
}

/// Whether the in-tree `hostPath` deleter accepts `path`: it matches the unanchored regular
/// expression `/tmp/.+` (`pkg/volume/hostpath`, `hostPathDeleter.Delete`).
fn hostpath_deletable(path: &str) -> bool {
    path.match_indices("/tmp/").any(|(at, matched)| {
        path.get(at + matched.len()..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|next| next != '\n')
    })
}

#[cfg(test)]
mod tests {
    use super::hostpath_deletable;

    #[test]
    fn tmp_paths() {
        assert!(hostpath_deletable("/tmp/data"));
        assert!(hostpath_deletable("/var/tmp/data"));
        assert!(hostpath_deletable("/tmp//"));
        assert!(!hostpath_deletable("/tmp/"));
        assert!(!hostpath_deletable("/tmp"));
        assert!(!hostpath_deletable("/data/pv1"));
        assert!(!hostpath_deletable("/tmpfs/data"));
    }
}
