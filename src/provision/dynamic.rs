//! Dynamic provisioning decisions (SEMANTICS §2.1, §2.3): whether a class's provisioner would
//! create a volume for a claim, and with what size, once static binding found nothing.

use std::collections::BTreeMap;

use crate::load::tree::Node;
use crate::model::Quantity;
use crate::model::in_tree::migrated_provisioner;
use crate::provision::backend::Backend;
use crate::provision::plan::{ParameterChoice, Reason};

/// What the provisioner is asked for.
#[derive(Debug)]
pub struct Ask<'r> {
    pub provisioner: &'r str,
    pub parameters: &'r BTreeMap<String, String>,
    pub modes: &'r [&'static str],
    pub block: bool,
    pub bytes: i128,
    pub waits_for_consumer: bool,
    pub has_selector: bool,
    /// The kind of the claim's `dataSourceRef` (else `dataSource`), when it has one.
    pub data_source: Option<&'r str>,
}

/// The provisioner's answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// A volume of this many bytes; `notes` say what the driver changed (rounding).
    Volume {
        bytes: i128,
        notes: Vec<Reason>,
    },
    Refused(Reason),
}

/// The provisioner name that marks classes for static PVs only.
pub use crate::model::storage_class::NO_PROVISIONER;

/// Decides for a class whose provisioner is `ask.provisioner`; `backend` is its model, if any.
#[must_use]
pub fn decide(ask: &Ask<'_>, backend: Option<&Backend>) -> Answer {
    if ask.provisioner == NO_PROVISIONER {
        return Answer::Refused(Reason::new(
            "no-provisioner",
            "the class uses `kubernetes.io/no-provisioner`: only a matching static PV can bind it, and none matches",
        ));
    }
    if ask.has_selector {
        return Answer::Refused(Reason::new(
            "selector-not-supported",
            "claim Selector is not supported: dynamic provisioning refuses claims with a `selector`",
        ));
    }
    if ask.provisioner.starts_with("kubernetes.io/")
        && backend.is_none()
        && migrated_provisioner(ask.provisioner).is_none()
    {
        return Answer::Refused(Reason::new(
            "in-tree-provisioner",
            format!(
                "`{}` is an in-tree provisioner with no plugin or CSI migration in current Kubernetes",
                ask.provisioner
            ),
        ));
    }
    let Some(backend) = backend else {
        let text = match migrated_provisioner(ask.provisioner) {
            Some(driver) => format!(
                "CSI migration routes `{}` to `{driver}`, which has no backend model: its capabilities are not checked",
                ask.provisioner
            ),
            None => format!(
                "no backend model for `{}`: its capabilities are not checked",
                ask.provisioner
            ),
        };
        return Answer::Volume {
            bytes: ask.bytes,
            notes: vec![Reason::new("backend-unknown", text)],
        };
    };
    if let Some(refusal) = capability_refusal(ask, backend) {
        return Answer::Refused(refusal);
    }
    size(ask, backend)
}

fn capability_refusal(ask: &Ask<'_>, backend: &Backend) -> Option<Reason> {
    if !backend.provisions {
        return Some(Reason::new(
            "no-provisioner",
            format!("`{}` does not provision volumes", backend.name),
        ));
    }
    if ask.block && !backend.supports_block() {
        return Some(Reason::new(
            "volume-mode-unsupported",
            format!("`{}` does not provide `Block` volumes", backend.name),
        ));
    }
    let offered = backend.access_modes.for_mode(ask.block);
    if let Some(mode) = ask
        .modes
        .iter()
        .find(|mode| !offered.iter().any(|o| o == *mode))
    {
        let volume_mode = if ask.block { "Block" } else { "Filesystem" };
        return Some(
            Reason::new(
                "access-mode-unsupported",
                format!(
                    "`{}` does not provide `{mode}` for `{volume_mode}` volumes",
                    backend.name
                ),
            )
            .value(*mode),
        );
    }
    if backend.requires_consumer && !ask.waits_for_consumer {
        return Some(Reason::new(
            "requires-consumer",
            format!(
                "`{}` needs a selected node: its class must use `WaitForFirstConsumer`",
                backend.name
            ),
        ));
    }
    data_source_refusal(ask.data_source?, backend)
}

/// A clone needs `clones`, a restore `snapshots` (SEMANTICS §6.2, §6.3); other kinds are
/// filled by a volume populator, not the driver (§6.4).
fn data_source_refusal(kind: &str, backend: &Backend) -> Option<Reason> {
    let text = match kind {
        "PersistentVolumeClaim" if !backend.clones => "cannot clone volumes",
        "VolumeSnapshot" if !backend.snapshots => "cannot restore snapshots",
        _ => return None,
    };
    Some(
        Reason::new(
            "data-source-unsupported",
            format!("`{}` {text}", backend.name),
        )
        .value(kind),
    )
}

fn size(ask: &Ask<'_>, backend: &Backend) -> Answer {
    let mut notes = Vec::new();
    if backend.size.ignored {
        return Answer::Volume {
            bytes: ask.bytes,
            notes: vec![Reason::new(
                "size-ignored",
                format!("`{}` does not enforce the requested capacity", backend.name),
            )],
        };
    }
    let limits = backend.size_limits(ask.parameters);
    // Drivers round the request up to their allocation unit first; the minimum and maximum
    // apply to the rounded size (EBS rounds 100Mi to 1Gi, which gp3 accepts).
    let mut bytes = ask.bytes;
    if let Some(step) = backend.size.step.as_ref().and_then(Quantity::ceil_integer)
        && step > 0
        && bytes % step != 0
    {
        bytes = (bytes / step + 1) * step;
        notes.push(Reason::new(
            "size-rounded",
            format!(
                "`{}` rounds the size up to a multiple of {}",
                backend.name,
                show(backend.size.step.as_ref())
            ),
        ));
    }
    if let Some(min) = limits.min.as_ref()
        && let Some(min_bytes) = min.ceil_integer()
        && bytes < min_bytes
    {
        let parameter = size_parameter(ask, backend, |limits| limits.min.is_some());
        if !backend.size.raise_to_min {
            return Answer::Refused(
                Reason::new(
                    "size-below-minimum",
                    format!("`{}` needs at least {} here", backend.name, show(Some(min))),
                )
                .value(min.as_written())
                .parameter(parameter),
            );
        }
        notes.push(
            Reason::new(
                "size-raised",
                format!(
                    "`{}` raises the size to its minimum of {}",
                    backend.name,
                    show(Some(min))
                ),
            )
            .value(min.as_written())
            .parameter(parameter),
        );
        bytes = min_bytes;
    }
    if let Some(max) = limits.max.as_ref()
        && max.ceil_integer().is_some_and(|max| bytes > max)
    {
        let parameter = size_parameter(ask, backend, |limits| limits.max.is_some());
        return Answer::Refused(
            Reason::new(
                "size-above-maximum",
                format!(
                    "`{}` provides at most {} here",
                    backend.name,
                    show(Some(max))
                ),
            )
            .value(max.as_written())
            .parameter(parameter),
        );
    }
    Answer::Volume { bytes, notes }
}

/// The class parameter whose value chose a size limit (`sets` tells whether the chosen
/// value's limits set it), when the model sizes by a parameter.
fn size_parameter(
    ask: &Ask<'_>,
    backend: &Backend,
    sets: impl Fn(&crate::provision::backend::SizeLimits) -> bool,
) -> Option<Box<ParameterChoice>> {
    let by = backend.size.by_parameter.as_ref()?;
    let written = backend.parameter(ask.parameters, &by.parameter);
    let value = written.or(by.default_value.as_deref())?;
    let limits = by
        .values
        .iter()
        .find_map(|(key, limits)| backend.same_text(key, value).then_some(limits))?;
    sets(limits)
        .then(|| ParameterChoice {
            key: by.parameter.clone(),
            value: value.to_owned(),
            defaulted: written.is_none(),
        })
        .map(Box::new)
}

fn show(quantity: Option<&Quantity>) -> String {
    quantity.map_or_else(String::new, |quantity| {
        format!("`{}`", quantity.as_written())
    })
}

/// The class parameters as strings, as Kubernetes reads them.
#[must_use]
pub fn parameters(node: Option<&Node>) -> BTreeMap<String, String> {
    node.and_then(Node::as_mapping)
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let key = entry.key_text()?.to_owned();
            let value = entry.value.as_scalar()?.as_json_string();
            Some((key, value))
        })
        .collect()
}
