use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the claim whose provisioning crosses the capacity a backend model declares for a
    /// pool (`capacity: [{zone, capacity}]`): the dry run charges each provisioned claim to
    /// the pool of its driver and zone (a zone's own pool, else a pool for every zone), in
    /// creation order, and reports the first claim that does not fit and every one after it
    /// that does not either. For a StatefulSet claim template, the first replica that does
    /// not fit is named.
    ///
    /// ## Why is this bad?
    /// The backend runs out of space: the driver fails to create the volume, the claim stays
    /// `Pending`, and its pods never start. Capacity pools are declared in user models for
    /// backends with a known, fixed size (an LVM volume group, a SAN pool, a quota).
    ///
    /// ## Example
    /// With this backend model (`--backend lvm.yaml`):
    /// ```yaml backend
    /// name: lvm.example.com
    /// attachable: false
    /// topology: node-local
    /// access-modes: { filesystem: [ReadWriteOnce] }
    /// expansion: true
    /// snapshots: false
    /// clones: false
    /// mount-options: true
    /// capacity:
    ///   - capacity: 10Gi
    /// ```
    ///
    /// these claims need 12Gi:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: lvm }
    /// provisioner: lvm.example.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: lvm
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 8Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs }
    /// spec:
    ///   storageClassName: lvm
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 4Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: lvm }
    /// provisioner: lvm.example.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: lvm
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 6Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: logs }
    /// spec:
    ///   storageClassName: lvm
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 4Gi } }
    /// ```
    ///
    /// ## Known problems
    /// The embedded models declare no capacity, so the rule only fires with your own models
    /// (`--backend` or the config's `backends:`). Volumes that already exist in the cluster
    /// and are not in the manifests are not charged.
    ///
    /// ## Related
    /// - PVL603 (`storage-quota-exceeded`): the same against a ResourceQuota
    ///
    /// ## References
    /// - [Kubernetes: Storage Capacity](https://kubernetes.io/docs/concepts/storage/storage-capacity/)
    pub(crate) static RULE = Rule {
        code: "PVL605",
        name: "backend-capacity-exceeded",
        category: Category::Correctness,
        summary: "provisioned claims exceed the capacity a backend model declares",
        check: Check::Claim(check),
    };
}

fn check(claim: &Claim<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some((plan, reason)) = cx.plan.claim_reason(claim.id, "capacity-exceeded") else {
        return;
    };
    let (Some(capacity), Some(driver)) = (reason.value.as_deref(), plan.driver.as_deref()) else {
        return;
    };
    let span = claim
        .spec
        .request
        .as_ref()
        .map_or(claim.spec.anchor, |request| request.span);
    let zone = plan
        .zone
        .as_deref()
        .map_or_else(String::new, |zone| format!(" in zone `{zone}`"));
    let model_span = cx
        .settings
        .backends
        .find(driver)
        .and_then(|model| model.span);
    let mut finding = cx.report(
        span,
        format!(
            "claim `{}` does not fit in the `{capacity}` capacity of `{driver}`{zone}",
            plan.name
        ),
    );
    if let Some(model_span) = model_span {
        finding = finding.label(model_span, "the backend model declaring the capacity");
    }
    finding
        .note(format!("{}: the claim stays `Pending`", reason.text))
        .help("request less, move claims to another backend, or declare the capacity the backend really has");
}
