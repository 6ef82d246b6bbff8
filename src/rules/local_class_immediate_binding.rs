use crate::provision::backend::{Backend, Topology};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass for node-local storage (a backend model with `topology:
    /// node-local` whose volumes are tied to a node: `kubernetes.io/no-provisioner` for local
    /// PersistentVolumes, `rancher.io/local-path`, OpenEBS Local PV, TopoLVM, the CSI hostpath
    /// driver) that binds claims `Immediate`ly, whether `volumeBindingMode: Immediate` is
    /// written or the field is left out and defaults to it (SEMANTICS §3.5). The finding
    /// points at the mode, or at the provisioner when the mode is defaulted.
    ///
    /// ## Why is this bad?
    /// With `Immediate` binding the claim is bound, or its volume provisioned, as soon as it
    /// is created, before the scheduler has picked a node for the pod (SEMANTICS §2.1). For
    /// storage that lives on one node this decides where the pod must run, without regard to
    /// its CPU, memory, node selector or affinity, or to the other volumes it mounts: the pod
    /// can end up unschedulable. With `kubernetes.io/no-provisioner` the claim binds to any
    /// matching local PersistentVolume; the Kubernetes documentation recommends
    /// `WaitForFirstConsumer` for local volumes.
    ///
    /// Some provisioners cannot work at all without a selected node (the model's
    /// `requires-consumer`, e.g. `rancher.io/local-path`: "configuration error, no node was
    /// specified"): provisioning fails and the claims stay `Pending`.
    ///
    /// `volumeBindingMode` cannot be changed once the class exists (SEMANTICS §4.3).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-storage }
    /// provisioner: kubernetes.io/no-provisioner
    /// volumeBindingMode: Immediate
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-storage }
    /// provisioner: kubernetes.io/no-provisioner
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Known problems
    /// Drivers whose volumes carry no node affinity (minikube's `k8s.io/minikube-hostpath`,
    /// a model without `topology-keys`) are not reported: the binding mode does not tie their
    /// pods to a node. A CSI hostpath driver deployed on a single node works with
    /// `Immediate`, but only because there is one node to choose.
    ///
    /// ## Related
    /// - PVL109 (`zonal-class-immediate-binding`): the same for zonal storage.
    /// - PVL303 (`local-pv-missing-node-affinity`): local PersistentVolumes without a node.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, volume binding mode](https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode)
    /// - [Kubernetes: Volumes, local](https://kubernetes.io/docs/concepts/storage/volumes/#local)
    pub(crate) static RULE = Rule {
        code: "PVL108",
        name: "local-class-immediate-binding",
        category: Category::Suspicious,
        summary: "Node-local StorageClass binds claims before their pod is scheduled",
        check: Check::StorageClass(check),
    };
}

fn check(_object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let settings = cx.settings;
    let Some(backend) = settings.backends.find(provisioner.value) else {
        return;
    };
    if backend.topology != Topology::NodeLocal
        || backend.topology_keys.is_empty()
        || !class.binds_immediately()
    {
        return;
    }
    let (span, how) = match class.volume_binding_mode {
        Some(mode) => (mode.span, "the class binds claims `Immediate`ly"),
        None => (
            provisioner.span,
            "`volumeBindingMode` is not set, so the class binds claims `Immediate`ly",
        ),
    };
    let report = cx.report(span, format!("{how}: {}", consequence(backend)));
    let report = if class.volume_binding_mode.is_some() {
        report.label(
            provisioner.span,
            format!("volumes of `{}` live on one node", backend.name),
        )
    } else {
        report
    };
    report.help(
        "use `volumeBindingMode: WaitForFirstConsumer` (in a new class: the mode of an existing class cannot be changed)",
    );
}

fn consequence(backend: &Backend) -> String {
    let name = &backend.name;
    if !backend.provisions {
        "each claim binds to a matching local PersistentVolume before its pod is scheduled, whatever node the pod needs".to_owned()
    } else if backend.requires_consumer {
        format!(
            "`{name}` provisions only on the node of a scheduled pod, so provisioning fails and the claims stay `Pending`"
        )
    } else {
        format!(
            "`{name}` creates each volume on a node picked before the pod is scheduled, and the pod must then run there"
        )
    }
}
