use crate::change::ObjectChange;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Compares each PersistentVolumeClaim with the same claim at the base revision
    /// (`--base`) and flags a `spec.resources.requests.storage` that grew when the claim
    /// cannot be expanded:
    /// - its StorageClass (as the head revision defines it) lacks `allowVolumeExpansion: true`;
    /// - its class does not exist;
    /// - it has no class (`storageClassName: ""`): it was bound statically;
    /// - the class allows expansion, but the backend model of its provisioner says the driver
    ///   cannot expand volumes (EFS, local-path, `kubernetes.io/no-provisioner`, …).
    ///
    /// A claim that names no class has the default class written into it when it is created
    /// (SEMANTICS §2.2); the rule judges that class, as the base revision's dry run chose it.
    ///
    /// ## Why is this bad?
    /// The `PersistentVolumeClaimResize` admission plugin rejects the update: "only
    /// dynamically provisioned pvc can be resized and the storageclass that provisions the pvc
    /// must support resize" (SEMANTICS §4.1). The apply fails. When only the driver cannot
    /// expand, the API server accepts the larger request and nothing ever carries it out: the
    /// volume keeps its size, and the claim's spec and status disagree from then on.
    ///
    /// ## Example
    /// Before (the base revision):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: standard
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// After:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: standard
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 20Gi } }
    /// ```
    ///
    /// Use instead:
    ///
    /// Before:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard }
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: standard
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// After (the class may start allowing expansion in the same change):
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: standard }
    /// provisioner: ebs.csi.aws.com
    /// allowVolumeExpansion: true
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: data }
    /// spec:
    ///   storageClassName: standard
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 20Gi } }
    /// ```
    ///
    /// ## Known problems
    /// - Only bound claims can be expanded at all ("Only bound persistent volume claims can be
    ///   expanded"). Manifests do not say whether a claim is bound, so the rule assumes it is.
    /// - A claim without a class whose default class the manifests do not define (it lives in
    ///   the cluster) is not judged, nor is a class the manifests do not define when they do
    ///   not manage classes for the claim's directory, nor a class name that only
    ///   PersistentVolumes carry (`storageClassName: manual`): the cluster, or an operator,
    ///   may define that class. Without a StorageClass object of that name, expanding such a
    ///   claim is refused too.
    /// - Drivers without a backend model are assumed to expand (PVL104).
    /// - When the class gains `allowVolumeExpansion: true` in the same change, the class must
    ///   be applied before the claim.
    ///
    /// ## Related
    /// PVL701 (a decrease), PVL110 (a class that allows expansion on a driver that cannot),
    /// PVL704 (StatefulSet claim templates cannot be resized at all).
    ///
    /// ## References
    /// - [Kubernetes: Expanding Persistent Volumes Claims](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims)
    /// - [Kubernetes: Storage Classes, allow volume expansion](https://kubernetes.io/docs/concepts/storage/storage-classes/#allow-volume-expansion)
    pub(crate) static RULE = Rule {
        code: "PVL702",
        name: "pvc-expansion-not-allowed",
        category: Category::Correctness,
        summary: "a claim's storage request increased, but the claim cannot be expanded",
        check: Check::Change(check),
    };
}

/// Why the claim cannot grow, with the node that shows it.
struct Refusal {
    /// The end of the message: `, but …`.
    reason: String,
    label: Option<(Span, String)>,
    help: String,
}

fn check(change: &ObjectChange<'_, '_>, cx: &mut RuleContext<'_, '_>) {
    let (Some(before), Some(after), Some(base)) = (change.before, change.after, cx.base) else {
        return;
    };
    let (ObjectKind::Claim(old_id), ObjectKind::Claim(new_id)) = (&before.kind, &after.kind) else {
        return;
    };
    let index = cx.index;
    let (old, new) = (base.index.claim(*old_id), index.claim(*new_id));
    let (Some(old_request), Some(new_request)) = (&old.spec.request, &new.spec.request) else {
        return;
    };
    let (Some(old_size), Some(new_size)) = (old_request.quantity(), new_request.quantity()) else {
        return;
    };
    if new_size <= old_size {
        return;
    }
    // The class the claim has in the cluster: as written, else the default admission wrote.
    let class = match new.class() {
        ClaimClass::Named(name) => Some((name.value, Some(name.span))),
        ClaimClass::Unset => match old.class() {
            ClaimClass::Named(name) => Some((name.value, Some(name.span))),
            ClaimClass::Unset => base
                .plan
                .for_claim(*old_id)
                .next()
                .filter(|plan| plan.class.how == "default")
                .and_then(|plan| plan.class.name.as_deref())
                .map(|name| (name, None)),
        },
    };
    let Some((class, written)) = class else {
        return;
    };
    let Some(refusal) = refusal(cx, new, class, written) else {
        return;
    };
    let (old_text, new_text) = (old_request.text.trim(), new_request.text.trim());
    let mut report = cx
        .report(
            new_request.span,
            format!(
                "{} grows from `{old_text}` to `{new_text}`{}",
                new.describe(),
                refusal.reason
            ),
        )
        .label(new_request.span, format!("now `{new_text}`"))
        .label(
            old_request.span,
            format!("`{old_text}` at `{}`", base.revision),
        );
    if let Some((span, text)) = refusal.label {
        report = report.label(span, text);
    }
    report.help(refusal.help);
}

fn refusal(
    cx: &RuleContext<'_, '_>,
    claim: &Claim<'_>,
    class: &str,
    written: Option<Span>,
) -> Option<Refusal> {
    let keep = "keep the request as it was; for more space, copy the data to a new, larger claim";
    if class.is_empty() {
        return Some(Refusal {
            reason: ", but it has no class (`storageClassName: \"\"`): only dynamically provisioned claims can be expanded".to_owned(),
            label: written.map(|span| (span, "bound statically".to_owned())),
            help: keep.to_owned(),
        });
    }
    if is_placeholder(class) {
        return None;
    }
    let index = cx.index;
    let from = index.object(claim.owner).file();
    if let Some((object, storage_class)) = index.storage_class(class, from) {
        let allowed = storage_class
            .allow_volume_expansion
            .and_then(Node::as_bool)
            .unwrap_or(false);
        if !allowed {
            let label = match storage_class.allow_volume_expansion {
                Some(node) => (
                    node.span,
                    format!("class `{class}` does not allow expansion"),
                ),
                None => (
                    object.meta.name_span(),
                    format!("class `{class}` does not set `allowVolumeExpansion`"),
                ),
            };
            return Some(Refusal {
                reason: format!(
                    ", but {} `{class}` does not allow volume expansion",
                    whose(written)
                ),
                label: Some(label),
                help: format!(
                    "set `allowVolumeExpansion: true` on class `{class}` (it may change), or keep the request as it was"
                ),
            });
        }
        let provisioner = storage_class.provisioner?;
        return driver_refusal(cx, class, provisioner.value, Some(provisioner.span), keep);
    }
    if let Some(cluster) = index.cluster_classes().iter().find(|c| c.name == class) {
        let provisioner = cluster.provisioner.as_deref()?;
        return driver_refusal(cx, class, provisioner, Some(cluster.span), keep);
    }
    // Not a class of the manifests: it may live in the cluster, unless the manifests manage
    // the classes of this directory. A name PersistentVolumes carry is a static-binding name
    // or a class the cluster (or an operator) creates: unknown either way.
    if !index.knows_classes_for(from) || index.has_volume_with_class(class) {
        return None;
    }
    Some(Refusal {
        reason: format!(", but {} `{class}` does not exist", whose(written)),
        label: written.map(|span| (span, "no StorageClass has this name".to_owned())),
        help: format!(
            "define class `{class}` with `allowVolumeExpansion: true`, or keep the request as it was"
        ),
    })
}

fn driver_refusal(
    cx: &RuleContext<'_, '_>,
    class: &str,
    provisioner: &str,
    at: Option<Span>,
    keep: &str,
) -> Option<Refusal> {
    if is_placeholder(provisioner) {
        return None;
    }
    let backend = cx.settings.backends.find(provisioner)?;
    if backend.expansion {
        return None;
    }
    Some(Refusal {
        reason: format!(
            ", but `{}`, the driver of class `{class}`, cannot expand volumes: the larger request is accepted and never carried out",
            backend.name
        ),
        label: at.map(|span| (span, format!("`{}` has no expansion support", backend.name))),
        help: keep.to_owned(),
    })
}

/// `its class`, or `its default class` for a claim that names none.
fn whose(written: Option<Span>) -> &'static str {
    if written.is_some() {
        "its class"
    } else {
        "its default class"
    }
}
