use crate::index::DataSource;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the data source of a claim (`dataSourceRef`, else `dataSource`) that the driver
    /// of its StorageClass cannot fill, as the driver's backend model says: a clone of another
    /// claim (`kind: PersistentVolumeClaim`) on a driver with `clones: false`, or a restore of
    /// a VolumeSnapshot on a driver with `snapshots: false`. The class is the one the dry run
    /// chose: the claim's `storageClassName`, or the default class when it names none.
    ///
    /// ## Why is this bad?
    /// The new volume is created by the driver from the source (SEMANTICS §6.2, §6.3). A
    /// driver that cannot clone or restore (EFS, `rancher.io/local-path`) refuses it, so the
    /// claim stays `Pending` and the pods that mount it never start.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: efs }
    /// provisioner: efs.csi.aws.com
    /// parameters: { provisioningMode: efs-ap, fileSystemId: fs-0123456789abcdef0, directoryPerms: "700" }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: efs
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data-copy }
    /// spec:
    ///   storageClassName: efs
    ///   dataSource: { kind: PersistentVolumeClaim, name: data }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data-copy }
    /// spec:
    ///   storageClassName: gp3
    ///   dataSource: { kind: PersistentVolumeClaim, name: data }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Only drivers with a backend model are checked (`backends/`, or your own with
    /// `--backend`). Data sources of other kinds are filled by volume populators, not the
    /// driver, and are not checked. A claim that binds an existing PersistentVolume, or that
    /// waits for its first consumer when no pod in the manifests uses it, is not checked.
    ///
    /// ## Related
    /// - PVL503 (`snapshot-unsupported-by-backend`): taking the snapshot in the first place
    ///
    /// ## References
    /// - [Kubernetes: CSI Volume Cloning](https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/)
    /// - [Kubernetes: Volume Snapshots, provisioning volumes from snapshots](https://kubernetes.io/docs/concepts/storage/volume-snapshots/#provisioning-volumes-from-snapshots)
    pub(crate) static RULE = Rule {
        code: "PVL506",
        name: "clone-unsupported-by-backend",
        category: Category::Correctness,
        summary: "claim clones or restores on a driver that cannot",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some((plan, reason)) = cx.plan.claim_reason(claim.id, "data-source-unsupported") else {
        return;
    };
    let (Some(kind), Some(driver)) = (reason.value.as_deref(), plan.driver.as_deref()) else {
        return;
    };
    let Some(source) = claim.spec.data_source_ref.or(claim.spec.data_source) else {
        return;
    };
    let restore = kind == "VolumeSnapshot";
    let source_name = source.name.map_or("", |name| name.value);
    let (what, capability) = if restore {
        (format!("restore snapshot `{source_name}`"), "snapshots")
    } else {
        (format!("clone claim `{source_name}`"), "clones")
    };
    let source_label = match cx.index.data_source(claim) {
        Some(DataSource::Claim(id)) => cx
            .index
            .claim(id)
            .name
            .map(|name| (name.span, "the source claim".to_owned())),
        Some(DataSource::Snapshot(id)) => Some((
            cx.index.object(id).meta.name_span(),
            "the source snapshot".to_owned(),
        )),
        _ => None,
    };
    let from = cx.index.object(claim.owner).file();
    let class_label = plan.class_label(cx.index, from);
    let mut finding = cx.report(
        source.kind.map_or(source.span, |kind| kind.span),
        format!("`{driver}` cannot {what}"),
    );
    for (span, text) in [class_label, source_label].into_iter().flatten() {
        finding = finding.label(span, text);
    }
    finding
        .note(format!(
            "the backend model of `{driver}` says `{capability}: false`: the claim stays `Pending`"
        ))
        .help(format!(
            "use a class whose driver supports {capability}, or copy the data into the new \
             claim another way (a Job)"
        ));
}
