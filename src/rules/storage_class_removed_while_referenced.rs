use crate::change::{Base, ObjectChange, revision_path};
use crate::model::ObjectId;
use crate::model::storage_class::is_default;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass that the base revision (`--base`) defines and the head revision
    /// removes while claims of the head revision still use it: PersistentVolumeClaims,
    /// StatefulSet claim templates and ephemeral volumes that name it in `storageClassName`
    /// (or the beta annotation), and, when it was the default class, claims without a class
    /// that existed at the base revision: admission wrote the default class into them when
    /// they were created (SEMANTICS §2.2), so they name it in the cluster.
    ///
    /// The finding points at each claim's class; the label shows where the base revision
    /// defined the class.
    ///
    /// ## Why is this bad?
    /// Volumes already provisioned keep working, but nothing new can be provisioned for these
    /// claims: a claim created again (a new environment, a StatefulSet scaling up, an
    /// ephemeral volume for a new pod) stays `Pending` with `ProvisioningFailed`
    /// ("storageclass.storage.k8s.io \"fast\" not found", SEMANTICS §2.1), and expanding an
    /// existing claim is refused because its class must exist (§4.1).
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: legacy }
    /// provisioner: kubernetes.io/aws-ebs
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// After (only a class nothing uses is removed):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: fast }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: fast
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// - A class the config lists under `cluster.storage-classes` is taken to exist in the
    ///   cluster, so removing its manifest is not reported.
    /// - Claims without a class that the change adds get the head revision's default class,
    ///   if any; when there is none, PVL6xx rules report what happens to them.
    ///
    /// ## Related
    /// PVL201 (a claim names a class that does not exist), PVL705 (claims removed with
    /// their data).
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes](https://kubernetes.io/docs/concepts/storage/storage-classes/)
    /// - [Kubernetes: Changing the default StorageClass](https://kubernetes.io/docs/tasks/administer-cluster/change-default-storage-class/)
    pub(crate) static RULE = Rule {
        code: "PVL706",
        name: "storage-class-removed-while-referenced",
        category: Category::Correctness,
        summary: "a StorageClass removed by the change is still used by claims",
        check: Check::Change(check),
    };
}

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), None, Some(base)) = (change.before, change.after, cx.base) else {
        return;
    };
    if !matches!(before.kind, ObjectKind::StorageClass(_)) {
        return;
    }
    let class = change.key.name.as_str();
    let was_default = is_default(&before.meta);
    let index = cx.index;
    let definitions = base.index.objects_with_key(change.key);
    for claim in index.claims() {
        // Each of several definitions of the class is a removal: report a claim once, for
        // the definition closest to it.
        if definitions.len() > 1
            && closest_definition(cx, definitions, base, claim) != Some(before.id)
        {
            continue;
        }
        let (at, message) = match claim.class() {
            ClaimClass::Named(name) if name.value == class => {
                if index.claim_class(claim.id) != ClassResolution::Missing {
                    continue;
                }
                (
                    name.span,
                    format!(
                        "{} uses class `{class}`, which this change removes",
                        claim.describe()
                    ),
                )
            }
            ClaimClass::Unset if was_default && got_default(base, index, claim, class) => (
                claim.name.map_or(claim.spec.anchor, |name| name.span),
                format!(
                    "{} names no class, so it got the default class `{class}` when it was created, and this change removes that class",
                    claim.describe()
                ),
            ),
            _ => continue,
        };
        cx.report(at, message)
            .label(
                before.meta.name_span(),
                format!("class `{class}` at `{}`", base.revision),
            )
            .help(format!(
                "keep class `{class}` until no claim uses it; existing claims cannot change class, so move their data to claims of another class first"
            ))
            .note("existing volumes keep working, but claims of a missing class are never provisioned and cannot be expanded");
    }
}

/// Whether a class-less claim of the head revision existed at the base revision and got
/// `class` there as its default.
fn got_default(base: &Base<'_, '_>, head: &Index<'_>, claim: &Claim<'_>, class: &str) -> bool {
    let owner = head.object(claim.owner);
    let name = claim.name.map(|name| name.value);
    base.index
        .objects_with_key(&owner.key)
        .iter()
        .flat_map(|&id| base.index.claims_of(base.index.object(id)))
        .filter(|old| {
            old.name.map(|name| name.value) == name
                && std::mem::discriminant(&old.origin) == std::mem::discriminant(&claim.origin)
        })
        .filter(|old| matches!(old.class(), ClaimClass::Unset))
        .any(|old| {
            base.plan.for_claim(old.id).next().is_some_and(|plan| {
                plan.class.how == "default" && plan.class.name.as_deref() == Some(class)
            })
        })
}

/// Of several base definitions of a class, the one whose file shares the most directories with
/// the claim's file (the first on a tie).
fn closest_definition(
    cx: &RuleContext<'_, '_>,
    definitions: &[ObjectId],
    base: &Base<'_, '_>,
    claim: &Claim<'_>,
) -> Option<ObjectId> {
    let sources = &cx.workspace.sources;
    let from = revision_path(sources, cx.index.object(claim.owner).file());
    let shared = |id: ObjectId| {
        let to = revision_path(sources, base.index.object(id).file());
        from.split('/')
            .zip(to.split('/'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    definitions
        .iter()
        .copied()
        .min_by_key(|&id| std::cmp::Reverse(shared(id)))
}
