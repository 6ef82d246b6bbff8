//! The default StorageClass, chosen as Kubernetes does when several are marked default.

use crate::index::Index;
use crate::load::tree::Node;
use crate::model::ObjectKind;
use crate::model::storage_class::is_default;
use crate::provision::plan::Reason;

/// The default class, chosen as Kubernetes does when several are marked default: the most
/// recently created (repo objects are created in load order, after the cluster's classes).
pub(super) struct DefaultClass {
    pub(super) name: Option<String>,
    /// Every default, for the reason text when there are several.
    pub(super) all: Vec<String>,
}

impl DefaultClass {
    pub(super) fn find(index: &Index<'_>) -> Self {
        let mut all: Vec<(Option<String>, usize, String)> = index
            .cluster_classes()
            .iter()
            .filter(|class| class.default)
            .map(|class| (None, 0, class.name.clone()))
            .collect();
        for (order, object) in index.objects().iter().enumerate() {
            if matches!(object.kind, ObjectKind::StorageClass(_)) && is_default(&object.meta) {
                let created = object
                    .meta
                    .metadata
                    .and_then(|metadata| metadata.get("creationTimestamp"))
                    .and_then(Node::as_str)
                    .map(str::to_owned);
                all.push((created, order + 1, object.key.name.clone()));
            }
        }
        // Newest first: by timestamp when written, else by creation (load) order.
        all.sort_by(|a, b| (&b.0, b.1).cmp(&(&a.0, a.1)).then_with(|| a.2.cmp(&b.2)));
        Self {
            name: all.first().map(|(_, _, name)| name.clone()),
            all: all.into_iter().map(|(_, _, name)| name).collect(),
        }
    }

    pub(super) fn reason(&self) -> Option<Reason> {
        let name = self.name.as_ref()?;
        let text = if self.all.len() > 1 {
            format!(
                "admission sets the default class `{name}`, the newest of {} defaults ({})",
                self.all.len(),
                self.all.join(", ")
            )
        } else {
            format!("admission sets the default class `{name}`")
        };
        Some(Reason::new("default-class", text))
    }
}
