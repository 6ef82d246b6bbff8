use crate::index::DataSource;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a claim cloned from another claim (`dataSource`/`dataSourceRef` kind
    /// `PersistentVolumeClaim`) when the clone's StorageClass provisions with another driver
    /// than the one holding the source claim's volume, or when the clone cannot be provisioned
    /// for want of a class: `storageClassName: ""`, or no `storageClassName` on either claim
    /// while no default class exists. A claim's driver is its class's `provisioner` (the
    /// default class when it names none and the manifests tell which one applies), or the
    /// `csi.driver` of the PersistentVolume it is pre-bound to. Unknown drivers are skipped.
    ///
    /// ## Why is this bad?
    /// The clone is made by the CSI driver of the new claim's class, and only from a CSI
    /// volume of that same driver; the classes themselves may differ (SEMANTICS §6.3).
    /// Otherwise the provisioner refuses ("claim in dataSource not bound or invalid") and the
    /// clone stays `Pending`. It also refuses a source or a clone without a class ("storageclass
    /// cannot be empty"), and a clone with `storageClassName: ""` is never provisioned at all:
    /// it only binds an existing volume without a class, with none of the source's data.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: efs }
    /// provisioner: efs.csi.aws.com
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
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3-encrypted }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { encrypted: "true" }
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
    ///   storageClassName: gp3-encrypted
    ///   dataSource: { kind: PersistentVolumeClaim, name: data }
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// A claim without `storageClassName` gets the default class at creation; it is only
    /// reported when the manifests manage the classes (they define classes beside or above the
    /// claim, or the config lists them) and none of them, and no class in the config, is
    /// default. A source with `storageClassName: ""` is not reported: the provisioner accepts
    /// it when its static volume is a CSI volume of the clone's driver. In-tree provisioners
    /// (`kubernetes.io/…`) are skipped: they do not clone.
    ///
    /// ## Related
    /// - PVL504 (`snapshot-class-driver-mismatch`)
    /// - PVL505 (`pvc-data-source-not-found`)
    /// - PVL509 (`clone-volume-mode-mismatch`)
    ///
    /// ## References
    /// - [Kubernetes: CSI volume cloning](https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/)
    pub(crate) static RULE = Rule {
        code: "PVL508",
        name: "clone-driver-mismatch",
        category: Category::Correctness,
        summary: "clone and source claim are on different drivers, or a clone has no class",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let Some(DataSource::Claim(source)) = index.data_source(claim) else {
        return;
    };
    let prebound = claim
        .spec
        .volume_name
        .is_some_and(|name| !name.value.is_empty());
    if source == claim.id || prebound {
        return;
    }
    let Some(source_name) = claim
        .spec
        .data_source_ref
        .or(claim.spec.data_source)
        .and_then(|reference| reference.name)
    else {
        return;
    };
    if class_missing(claim, source, source_name, cx) {
        return;
    }
    let (Some(target), Some(origin)) = (
        index.class_provisioner(claim.id),
        index.claim_driver(source),
    ) else {
        return;
    };
    if target.is_in_tree() || origin.is_in_tree() || target.name == origin.name {
        return;
    }
    let span = match claim.class() {
        ClaimClass::Named(class) => class.span,
        ClaimClass::Unset => source_name.span,
    };
    let source_claim = index.claim(source);
    cx.report(
        span,
        format!(
            "clone is provisioned by `{}`, but its source {} is on `{}`",
            target.name,
            source_claim.describe(),
            origin.name
        ),
    )
    .label(target.span, target.label("the clone"))
    .label(origin.span, origin.label("the source claim"))
    .note("a CSI driver clones only volumes of its own driver; the provisioner refuses with \"claim in dataSource not bound or invalid\"")
    .help(format!(
        "give the clone a StorageClass whose provisioner is `{}`",
        origin.name
    ));
}

/// A clone needs a class on both claims (§6.3). Reports and returns `true` when one lacks it.
fn class_missing(
    claim: &Claim<'_>,
    source: ClaimId,
    source_name: Spanned<&str>,
    cx: &mut RuleContext<'_, '_>,
) -> bool {
    let index = cx.index;
    match claim.class() {
        ClaimClass::Named(class) if class.value.is_empty() => {
            cx.report(class.span, "clone has `storageClassName: \"\"`, so it is never provisioned")
                .note("a claim without a class only binds an existing volume without a class, and gets none of the source's data")
                .help("give the clone a StorageClass whose provisioner can clone the source");
            return true;
        }
        ClaimClass::Unset if !has_default_for(claim, cx) => {
            cx.report(
                claim.spec.anchor,
                "clone has no `storageClassName`, and no default StorageClass is defined",
            )
            .note("the CSI provisioner refuses a clone without a class: \"storageclass cannot be empty\"")
            .help("set `storageClassName` to a class whose provisioner can clone the source");
            return true;
        }
        _ => {}
    }
    let source_claim = index.claim(source);
    if source_claim.class() == ClaimClass::Unset && !has_default_for(source_claim, cx) {
        let label = source_claim
            .name
            .map_or(source_claim.spec.anchor, |name| name.span);
        cx.report(
            source_name.span,
            format!(
                "source {} has no `storageClassName`, and no default StorageClass is defined",
                source_claim.describe()
            ),
        )
        .label(label, "this claim has no class")
        .note("the CSI provisioner refuses to clone a claim without a class: \"storageclass cannot be empty\"")
        .help("set `storageClassName` on the source claim");
        return true;
    }
    false
}

/// Whether a claim without a class may get a default: some default class exists, or the
/// manifests do not manage the classes where the claim is written.
fn has_default_for(claim: &Claim<'_>, cx: &RuleContext<'_, '_>) -> bool {
    let file = cx.index.object(claim.owner).file();
    cx.index.has_default_class() || !cx.index.knows_classes_for(file)
}
