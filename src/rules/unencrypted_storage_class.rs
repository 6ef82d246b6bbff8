use crate::load::tree::Scalar;
use crate::provision::backend::{Backend, Encryption};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass whose driver can encrypt volumes at rest (its backend model has
    /// `encryption`: EBS, Ceph RBD, CephFS, Longhorn) when the class does not turn encryption
    /// on: the encryption parameter is missing or has another value (`encrypted: "false"`),
    /// and no parameter that implies encryption (EBS `kmsKeyId`) is set. The finding points
    /// at the parameter's value, or at the provisioner when it is missing.
    ///
    /// This is a `policy` rule: off unless selected (`--select PVL111`).
    ///
    /// ## Why restrict this?
    /// Volumes of such a class are written to disk in the clear. Many organisations require
    /// encryption at rest for every persistent volume (compliance, lost or reused disks,
    /// snapshots copied to other accounts), and a class is where that is decided: its
    /// `parameters` cannot be changed later (SEMANTICS §4.3), and existing volumes stay
    /// unencrypted.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3 }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3 }
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: gp3-encrypted }
    /// provisioner: ebs.csi.aws.com
    /// parameters: { type: gp3, encrypted: "true" }
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Known problems
    /// - Encryption the platform applies by itself is invisible to the rule (EBS encryption by
    ///   default for an AWS account); drivers that always encrypt (GCE PD, Azure Disk) have no
    ///   `encryption` in their models and are never reported.
    /// - Ceph and Longhorn need a key management setup for `encrypted: "true"`; the rule does
    ///   not check it.
    ///
    /// ## References
    /// - [Amazon EBS CSI driver: parameters](https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md)
    pub(crate) static RULE = Rule {
        code: "PVL111",
        name: "unencrypted-storage-class",
        category: Category::Policy,
        summary: "StorageClass does not turn on the driver's encryption at rest",
        check: Check::StorageClass(check),
    };
}

fn check(object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(provisioner) = class.provisioner else {
        return;
    };
    let settings = cx.settings;
    let Some(backend) = settings.backends.find(provisioner.value) else {
        return;
    };
    let Some(encryption) = &backend.encryption else {
        return;
    };
    let entries = match class.parameters {
        None => &[][..],
        Some(parameters) => {
            // Rendered later: the encryption switch may be among them.
            let Some(entries) = parameters.as_mapping() else {
                return;
            };
            entries
        }
    };
    if entries
        .iter()
        .any(|entry| entry.key_text().is_some_and(is_placeholder))
    {
        return;
    }
    let value_of = |key: &str| {
        entries.iter().rev().find(|entry| {
            entry
                .key_text()
                .is_some_and(|name| backend.same_text(name, key))
        })
    };
    let implied = encryption.implied_by.iter().any(|key| {
        value_of(key)
            .and_then(|entry| entry.value.as_scalar())
            .is_some_and(|value| !value.text.is_empty())
    });
    if implied {
        return;
    }
    let name = &object.key.name;
    let help = help(encryption);
    match value_of(&encryption.parameter) {
        Some(entry) => {
            let Some(value) = entry.value.as_scalar().map(Scalar::as_json_string) else {
                return;
            };
            if value == encryption.value || is_placeholder(&value) {
                return;
            }
            cx.report(
                entry.value.span,
                format!(
                    "storage class `{name}` does not encrypt volumes at rest: `{}` is `{value}`, not `{}`",
                    encryption.parameter, encryption.value
                ),
            )
            .help(help);
        }
        None => {
            cx.report(
                provisioner.span,
                format!(
                    "storage class `{name}` does not encrypt volumes at rest: {}",
                    missing(backend, encryption)
                ),
            )
            .help(help);
        }
    }
}

fn missing(backend: &Backend, encryption: &Encryption) -> String {
    format!(
        "`{}` encrypts only with `{}: \"{}\"`, which is not set",
        backend.name, encryption.parameter, encryption.value
    )
}

fn help(encryption: &Encryption) -> String {
    let implied: Vec<String> = encryption
        .implied_by
        .iter()
        .map(|key| format!("`{key}`"))
        .collect();
    let also = if implied.is_empty() {
        String::new()
    } else {
        format!(" (or set {})", implied.join(", "))
    };
    format!(
        "set `{}: \"{}\"` in `parameters`{also}, in a new class: parameters cannot be changed",
        encryption.parameter, encryption.value
    )
}
