use crate::provision::backend::Topology;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass that binds claims `Immediate`ly (written, or defaulted when
    /// `volumeBindingMode` is left out, SEMANTICS §3.5) while its volumes are bound to a zone:
    /// its driver's backend model says `topology: zonal` (EBS, GCE PD, Azure Disk), or the
    /// class restricts where volumes may go with `allowedTopologies`. The finding points at
    /// the mode, or, when it is defaulted, at the provisioner or `allowedTopologies`.
    ///
    /// Node-local drivers are PVL108's.
    ///
    /// ## Why is this bad?
    /// With `Immediate` binding the volume is provisioned as soon as the claim exists, in a
    /// zone the driver picks (among `allowedTopologies`, if set) without knowing which pod will
    /// use it (SEMANTICS §2.1, §2.3). The volume's node affinity then confines the pod to that
    /// zone: if the pod's node selector, affinity, resources or other volumes need another
    /// zone, it stays `Pending` ("node(s) had volume node affinity conflict"), and a
    /// StatefulSet's replicas can pile into one zone. `WaitForFirstConsumer` provisions the
    /// volume in the zone of the node the scheduler chose.
    ///
    /// `volumeBindingMode` cannot be changed once the class exists (SEMANTICS §4.3).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3 }
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Known problems
    /// - Zone-redundant volumes of a zonal driver (Azure `Premium_ZRS`/`StandardSSD_ZRS`
    ///   disks, GCE regional PDs) are reported too: their models do not tell them apart.
    /// - A class that only serves claims no pod mounts (provisioning, snapshot and scale
    ///   tests) needs `Immediate`: `WaitForFirstConsumer` never provisions such claims. The
    ///   rule cannot tell when those claims live elsewhere, so it reports the class. Classes in
    ///   a file with template syntax (PVL008) are skipped: the claims and pods rendered with
    ///   them cannot be read.
    ///
    /// ## Related
    /// - PVL108 (`local-class-immediate-binding`): the same for node-local storage.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, volume binding mode](https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode)
    /// - [Kubernetes: Storage Classes, allowed topologies](https://kubernetes.io/docs/concepts/storage/storage-classes/#allowed-topologies)
    pub(crate) static RULE = Rule {
        code: "PVL109",
        name: "zonal-class-immediate-binding",
        category: Category::BestPractice,
        summary: "Zonal StorageClass provisions volumes before their pod is scheduled",
        check: Check::StorageClass(check),
    };
}

fn check(object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    if !class.binds_immediately() || in_templated_file(object, cx) {
        return;
    }
    let settings = cx.settings;
    let backend = class
        .provisioner
        .and_then(|provisioner| settings.backends.find(provisioner.value));
    if backend.is_some_and(|backend| backend.topology == Topology::NodeLocal) {
        return;
    }
    let zonal = backend
        .filter(|backend| backend.topology == Topology::Zonal)
        .zip(class.provisioner);
    let topologies = object.meta.root.entry("allowedTopologies").filter(|entry| {
        entry
            .value
            .as_sequence()
            .is_some_and(|terms| !terms.is_empty())
    });
    let (reason, reason_label, where_) = match (zonal, topologies) {
        (Some((backend, provisioner)), _) => (
            provisioner.span,
            format!("volumes of `{}` live in one zone", backend.name),
            format!("`{}` creates each volume in a zone", backend.name),
        ),
        (None, Some(entry)) => (
            entry.key.span,
            "`allowedTopologies` confines volumes to zones".to_owned(),
            "each volume is created in a zone of `allowedTopologies`".to_owned(),
        ),
        (None, None) => return,
    };
    let message = |how: &str| {
        format!(
            "{how}: {where_} picked before the pod is scheduled, where the pod may not be able to run"
        )
    };
    let report = match class.volume_binding_mode {
        Some(mode) => cx
            .report(mode.span, message("the class binds claims `Immediate`ly"))
            .label(reason, reason_label),
        None => cx.report(
            reason,
            message("`volumeBindingMode` is not set, so the class binds claims `Immediate`ly"),
        ),
    };
    report.help(
        "use `volumeBindingMode: WaitForFirstConsumer` (in a new class: the mode of an existing class cannot be changed)",
    );
}

/// Whether the class sits in a file with template syntax (PVL008), whose claims and pods
/// pvlint cannot read.
fn in_templated_file(object: &Object<'_>, cx: &RuleContext<'_, '_>) -> bool {
    cx.workspace
        .files
        .iter()
        .any(|file| file.id == object.file() && file.templated.is_some())
}
