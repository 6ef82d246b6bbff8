//! What backs a claim, as far as the manifests tell: the PersistentVolume it is pre-bound or
//! reserved to, its class's provisioner, or the static PVs of its class; and from that, how its
//! volumes reach a node. Provisioners and CSI drivers are judged by the backend models, which
//! the caller passes as a [`DriverAttachment`]; in-tree PV sources by
//! [`attachment::source_attachment`].

use crate::index::{ClassResolution, Index, MAX_EXPANDED_REPLICAS};
use crate::model::attachment::{self, Attachment, DriverAttachment};
use crate::model::storage_class::NO_PROVISIONER;
use crate::model::{
    ClaimClass, ClaimId, Object, ObjectId, ObjectKind, PersistentVolume, is_placeholder,
};
use crate::source::FileId;

/// What backs a claim, as far as the manifests tell, and how its volumes reach a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimBackend<'s> {
    pub attachment: Attachment,
    /// The provisioner, CSI driver or in-tree PV source that decided it, for messages.
    pub name: &'s str,
}

impl<'s> ClaimBackend<'s> {
    /// The backend of a provisioner or CSI driver, by its model.
    fn driver(name: &'s str, drivers: &dyn DriverAttachment) -> Self {
        Self {
            attachment: drivers.attachment(name),
            name,
        }
    }
}

impl<'a> Index<'a> {
    /// The PersistentVolume a claim is pre-bound or reserved to in the manifests: the PV its
    /// `volumeName` names, else a PV whose `claimRef` names the claim (a `claimRef` without a
    /// namespace counts as naming it).
    #[must_use]
    pub fn claim_volume(&self, claim: ClaimId) -> Option<(&Object<'a>, &PersistentVolume<'a>)> {
        let claim = self.claim(claim);
        let from = self.object(claim.owner).file();
        if let Some(name) = claim.spec.volume_name
            && !name.value.is_empty()
            && !is_placeholder(name.value)
        {
            let object = self.volume(name.value, from)?;
            return Some((object, as_volume(object)?));
        }
        let reserved: Vec<ObjectId> = claim
            .cluster_names(MAX_EXPANDED_REPLICAS)
            .iter()
            .filter_map(|name| self.volumes_by_claim_ref_name.get(name.as_str()))
            .flatten()
            .copied()
            .filter(|&id| {
                as_volume(self.object(id))
                    .and_then(|volume| volume.claim_ref)
                    .is_some_and(|claim_ref| {
                        claim_ref
                            .namespace
                            .is_none_or(|namespace| namespace.value == claim.namespace)
                    })
            })
            .collect();
        let object = self.object(self.closest(Some(&reserved), from)?);
        Some((object, as_volume(object)?))
    }

    /// What backs a claim, as far as the manifests tell (SEMANTICS §5.4): the PV it is
    /// pre-bound or reserved to, else its class's provisioner (the default class when it names
    /// none), else the static PVs of its class closest to it. `None` when unknown.
    /// Provisioners and CSI drivers are judged by `drivers` (the backend models).
    #[must_use]
    pub fn claim_backend(
        &self,
        id: ClaimId,
        drivers: &dyn DriverAttachment,
    ) -> Option<ClaimBackend<'_>> {
        let claim = self.claim(id);
        if let Some(name) = claim.spec.volume_name
            && !name.value.is_empty()
        {
            // Pre-bound: the named PV decides, and it is unknown when it is not in the input.
            if is_placeholder(name.value) {
                return None;
            }
            return volume_backend(self.claim_volume(id)?.1, drivers);
        }
        if let Some((_, volume)) = self.claim_volume(id) {
            return volume_backend(volume, drivers);
        }
        let from = self.object(claim.owner).file();
        let (class, provisioner) = match self.claim_class(id) {
            ClassResolution::Object(class) => {
                let object = self.object(class);
                let ObjectKind::StorageClass(class) = &object.kind else {
                    return None;
                };
                (object.key.name.as_str(), class.provisioner?.value)
            }
            ClassResolution::Cluster(at) => {
                let class = self.cluster_class(at)?;
                (class.name.as_str(), class.provisioner.as_deref()?)
            }
            ClassResolution::Unset => return self.default_class_backend(from, drivers),
            ClassResolution::Empty => return self.static_backend("", from, drivers),
            ClassResolution::Missing => {
                let ClaimClass::Named(name) = claim.class() else {
                    return None;
                };
                return self.static_backend(name.value, from, drivers);
            }
            ClassResolution::Placeholder => return None,
        };
        if is_placeholder(provisioner) {
            return None;
        }
        let backend = ClaimBackend::driver(provisioner, drivers);
        if provisioner == NO_PROVISIONER {
            return self.static_backend(class, from, drivers).or(Some(backend));
        }
        Some(backend)
    }

    fn default_class_backend(
        &self,
        from: FileId,
        drivers: &dyn DriverAttachment,
    ) -> Option<ClaimBackend<'_>> {
        let defaults: Vec<ObjectId> = self.default_classes().map(|object| object.id).collect();
        if let Some(class) = self.closest(Some(&defaults), from) {
            let ObjectKind::StorageClass(class) = &self.object(class).kind else {
                return None;
            };
            let provisioner = class.provisioner?.value;
            return (!is_placeholder(provisioner))
                .then(|| ClaimBackend::driver(provisioner, drivers));
        }
        let mut defaults = self
            .cluster_classes
            .iter()
            .filter(|class| class.default)
            .map(|class| {
                class
                    .provisioner
                    .as_deref()
                    .map(|name| ClaimBackend::driver(name, drivers))
            });
        let first = defaults.next()??;
        defaults
            .all(|other| other.is_some_and(|other| other.attachment == first.attachment))
            .then_some(first)
    }

    /// The backend shared by the unreserved PVs of `class` closest to `from`, when they agree.
    fn static_backend(
        &self,
        class: &str,
        from: FileId,
        drivers: &dyn DriverAttachment,
    ) -> Option<ClaimBackend<'_>> {
        let candidates: Vec<(&Object<'a>, &PersistentVolume<'a>)> = self
            .model
            .objects
            .iter()
            .filter_map(|object| match &object.kind {
                ObjectKind::Volume(volume)
                    if volume.class() == class && volume.claim_ref.is_none() =>
                {
                    Some((object, volume))
                }
                _ => None,
            })
            .collect();
        let nearest = candidates
            .iter()
            .map(|(object, _)| self.proximity.closeness(from, object.file()))
            .max()?;
        let mut backends = candidates
            .iter()
            .filter(|(object, _)| self.proximity.closeness(from, object.file()) == nearest)
            .map(|(_, volume)| volume_backend(volume, drivers));
        let first = backends.next()??;
        backends
            .all(|other| other.is_some_and(|other| other.attachment == first.attachment))
            .then_some(first)
    }

    /// The backend of a `ReadWriteOnce` claim (neither `ReadWriteMany`, `ReadOnlyMany` nor
    /// `ReadWriteOncePod`) whose volume the attach/detach controller refuses to attach to a
    /// second node (SEMANTICS §5.4): the backend is known to be attachable, and the claim is
    /// not pinned to a node-local PV or bound to a PV that allows several nodes. `None` when
    /// any of that is not so, or not known. Provisioners and CSI drivers are judged by
    /// `drivers` (the backend models).
    #[must_use]
    pub fn single_node_backend(
        &self,
        id: ClaimId,
        drivers: &dyn DriverAttachment,
    ) -> Option<ClaimBackend<'_>> {
        let modes = self.claim(id).spec.access_modes.as_ref()?;
        let shared = ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"];
        if !modes.contains("ReadWriteOnce") || shared.iter().any(|mode| modes.contains(mode)) {
            return None;
        }
        if let Some((_, volume)) = self.claim_volume(id)
            && volume.access_modes.as_ref().is_some_and(|modes| {
                modes.contains("ReadWriteMany") || modes.contains("ReadOnlyMany")
            })
        {
            return None;
        }
        self.claim_backend(id, drivers)
            .filter(|backend| backend.attachment == Attachment::Attachable)
    }
}

fn as_volume<'o, 'a>(object: &'o Object<'a>) -> Option<&'o PersistentVolume<'a>> {
    match &object.kind {
        ObjectKind::Volume(volume) => Some(volume),
        _ => None,
    }
}

/// The backend of a PV: node-local when pinned to a node, else by its CSI driver's model or
/// its in-tree source.
fn volume_backend<'s>(
    volume: &PersistentVolume<'s>,
    drivers: &dyn DriverAttachment,
) -> Option<ClaimBackend<'s>> {
    if let Some(pinned) = volume
        .sources
        .iter()
        .find(|source| matches!(source.value, "local" | "hostPath"))
    {
        return Some(ClaimBackend {
            attachment: Attachment::NodeLocal,
            name: pinned.value,
        });
    }
    if volume.is_node_local() {
        return Some(ClaimBackend {
            attachment: Attachment::NodeLocal,
            name: "nodeAffinity",
        });
    }
    if let Some(driver) = volume.csi_driver() {
        return (!is_placeholder(driver.value))
            .then(|| ClaimBackend::driver(driver.value, drivers));
    }
    let source = volume.sources.first()?.value;
    Some(ClaimBackend {
        attachment: attachment::source_attachment(source),
        name: source,
    })
}
