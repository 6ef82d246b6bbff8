use crate::model::in_tree::in_tree_source;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a pod volume (in a Pod or any pod template) that embeds a cloud disk directly,
    /// `awsElasticBlockStore`, `gcePersistentDisk`, `azureDisk`, `cinder` or `vsphereVolume`,
    /// instead of mounting a PersistentVolumeClaim. The finding points at the source key.
    ///
    /// A pod-level `csi` volume is not reported: its API type (`CSIVolumeSource`) has a
    /// `driver` and `volumeAttributes` but no volume handle, so it is always a CSI ephemeral
    /// inline volume that the driver creates for the pod, never an existing disk.
    ///
    /// ## Why is this bad?
    /// A disk ID in a pod template ties the manifest to one cloud account and zone, and
    /// nothing in Kubernetes tracks the disk: no claim shows its size or binding, it cannot be
    /// expanded, snapshotted or protected from deletion through the API, and every replica of
    /// the workload tries to attach the same disk, which a block disk allows on one node at a
    /// time. A PersistentVolumeClaim, bound to a PersistentVolume that names the disk (or
    /// provisioned by a StorageClass), keeps the disk's lifecycle in the API and lets the
    /// scheduler place the pod where the disk can attach.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: web }
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       volumeMounts: [{ name: content, mountPath: /usr/share/nginx/html }]
    ///   volumes:
    ///     - name: content
    ///       gcePersistentDisk: { pdName: web-content, fsType: ext4 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: web-content }
    /// spec:
    ///   capacity: { storage: 10Gi }
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: ""
    ///   csi:
    ///     driver: pd.csi.storage.gke.io
    ///     volumeHandle: projects/my-project/zones/europe-west1-b/disks/web-content
    ///     fsType: ext4
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: web-content }
    /// spec:
    ///   storageClassName: ""
    ///   volumeName: web-content
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: web }
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       volumeMounts: [{ name: content, mountPath: /usr/share/nginx/html }]
    ///   volumes:
    ///     - name: content
    ///       persistentVolumeClaim: { claimName: web-content }
    /// ```
    ///
    /// ## Known problems
    /// - Every source this rule knows is also a deprecated or removed in-tree source. While
    ///   PVL309 (`in-tree-volume-source`) is enabled it reports them, with the same fix (a
    ///   claim of a CSI StorageClass), and this rule stays silent to avoid two findings on one
    ///   key; it speaks when PVL309 is turned off. A PVL309 finding suppressed by a comment
    ///   still silences this rule.
    ///
    /// ## Related
    /// - PVL309 (`in-tree-volume-source`): deprecated and removed in-tree volume sources.
    /// - PVL404 (`rwo-claim-shared-by-replicas`): one disk mounted by several pods.
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/)
    /// - [Kubernetes: Ephemeral Volumes, CSI ephemeral volumes](https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#csi-ephemeral-volumes)
    pub(crate) static RULE = Rule {
        code: "PVL409",
        name: "inline-cloud-volume",
        category: Category::BestPractice,
        summary: "pod volume embeds a cloud disk instead of using a claim",
        check: Check::Workload(check),
    };
}

/// Cloud disk sources with the field that names the disk.
const CLOUD_DISKS: [(&str, &str); 5] = [
    ("awsElasticBlockStore", "volumeID"),
    ("azureDisk", "diskName"),
    ("cinder", "volumeID"),
    ("gcePersistentDisk", "pdName"),
    ("vsphereVolume", "volumePath"),
];

/// The rule that reports deprecated in-tree sources, and so these disks, first.
const IN_TREE_RULE: &str = "PVL309";

fn check(_object: &Object<'_>, workload: &Workload<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(pod) = &workload.pod else {
        return;
    };
    let in_tree_reported = cx.settings.severity_of(IN_TREE_RULE).is_some();
    for volume in &pod.volumes {
        for entry in volume.node.as_mapping().unwrap_or_default() {
            let Some((key, id_field)) = entry
                .key_text()
                .and_then(|key| CLOUD_DISKS.into_iter().find(|(disk, _)| *disk == key))
            else {
                continue;
            };
            if entry.value.is_null() || (in_tree_reported && in_tree_source(key).is_some()) {
                continue;
            }
            let disk = entry
                .value
                .get(id_field)
                .and_then(Node::as_str)
                .map_or_else(String::new, |id| format!(" `{id}`"));
            cx.report(
                entry.key.span,
                format!(
                    "volume `{}` embeds the `{key}` disk{disk} instead of using a claim",
                    volume.name.value
                ),
            )
            .note(if workload.pods.is_several() {
                "no claim tracks the disk, and every pod of the workload tries to attach it, which a disk allows on one node at a time"
            } else {
                "no claim tracks the disk: its size, binding and deletion are invisible to Kubernetes"
            })
            .help("create a PersistentVolumeClaim (with a PersistentVolume that names an existing disk) and mount it with `persistentVolumeClaim.claimName`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{IN_TREE_RULE, RULE};
    use crate::diagnostic::Diagnostic;
    use crate::settings::Settings;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  \
                       containers: [{ name: web, image: nginx }]\n  volumes:\n    \
                       - name: data\n      gcePersistentDisk: { pdName: web }\n";

    fn findings(settings: &Settings) -> Vec<Diagnostic> {
        let inputs = crate::load::Inputs {
            stdin: Some(POD.to_owned()),
            ..crate::load::Inputs::default()
        };
        crate::check(&inputs, settings, crate::source::SourceMap::default()).diagnostics
    }

    #[test]
    fn alone_it_reports_the_disk() {
        let findings = findings(&Settings::for_rule(&RULE));
        assert_eq!(findings.len(), 1, "{findings:?}");
    }

    #[test]
    fn it_leaves_in_tree_sources_to_pvl309() {
        let mut settings = Settings::for_rule(&RULE);
        let in_tree = crate::rules::find(IN_TREE_RULE).expect("PVL309 is registered");
        settings
            .rules
            .push((in_tree, in_tree.category.default_severity()));
        let codes: Vec<&str> = findings(&settings)
            .iter()
            .map(|finding| finding.code)
            .collect();
        assert_eq!(codes, [IN_TREE_RULE]);
    }
}
