//! Admission of new claims: `LimitRange` min/max for `PersistentVolumeClaim` and
//! `ResourceQuota` storage keys (SEMANTICS §8), charged in creation order so that the claim
//! that crosses a limit is the one refused.

use std::collections::HashMap;

use crate::index::Index;
use crate::load::tree::{Node, Scalar};
use crate::model::{ObjectId, Quantity};
use crate::provision::plan::Reason;
use crate::source::Span;

/// One `hard` entry of a quota that applies to claims.
#[derive(Debug)]
struct Limit {
    key: String,
    hard: i128,
    used: i128,
    /// The `hard` entry's value.
    span: Span,
}

/// A ResourceQuota and its running usage.
#[derive(Debug)]
struct Quota {
    object: ObjectId,
    name: String,
    limits: Vec<Limit>,
}

/// A LimitRange item for claims.
#[derive(Debug)]
struct ClaimRange {
    object: ObjectId,
    name: String,
    min: Option<Bound>,
    max: Option<Bound>,
}

/// A LimitRange `min` or `max`: bytes, as written, and where.
#[derive(Debug)]
struct Bound {
    bytes: i128,
    text: String,
    span: Span,
}

/// Quotas and limit ranges by namespace.
#[derive(Debug, Default)]
pub struct Admission {
    quotas: HashMap<String, Vec<Quota>>,
    ranges: HashMap<String, Vec<ClaimRange>>,
}

/// The resource names a claim is charged to (§8.1).
const COUNT_KEYS: [&str; 2] = ["persistentvolumeclaims", "count/persistentvolumeclaims"];
const STORAGE_KEY: &str = "requests.storage";
const CLASS_SUFFIX: &str = ".storageclass.storage.k8s.io/";

impl Admission {
    /// Reads every ResourceQuota and LimitRange of the manifests. Quotas with `scopes` or a
    /// `scopeSelector` are left out: their scopes do not select claims by storage.
    #[must_use]
    pub fn new(index: &Index<'_>) -> Self {
        let mut admission = Self::default();
        for object in index.objects() {
            if !object.key.group.is_empty() {
                continue;
            }
            let namespace = object.key.namespace.clone().unwrap_or_default();
            let root = object.meta.root;
            match object.key.kind.as_str() {
                "ResourceQuota" => {
                    let spec = root.get("spec");
                    if spec.is_some_and(|spec| {
                        spec.get("scopes").is_some() || spec.get("scopeSelector").is_some()
                    }) {
                        continue;
                    }
                    let limits = spec
                        .into_iter()
                        .flat_map(|spec| spec.entries("hard"))
                        .filter_map(|entry| {
                            let key = entry.key_text()?;
                            let applies = COUNT_KEYS.contains(&key)
                                || key == STORAGE_KEY
                                || key.contains(CLASS_SUFFIX);
                            applies.then_some(())?;
                            Some(Limit {
                                key: key.to_owned(),
                                hard: bytes(&entry.value)?,
                                used: 0,
                                span: entry.value.span,
                            })
                        })
                        .collect::<Vec<_>>();
                    if !limits.is_empty() {
                        admission.quotas.entry(namespace).or_default().push(Quota {
                            object: object.id,
                            name: object.key.name.clone(),
                            limits,
                        });
                    }
                }
                "LimitRange" => {
                    for item in root
                        .path(&["spec"])
                        .into_iter()
                        .flat_map(|spec| spec.items("limits"))
                    {
                        if item.get("type").and_then(Node::as_str) != Some("PersistentVolumeClaim")
                        {
                            continue;
                        }
                        let bound = |key| {
                            let node = item.path(&[key, "storage"])?;
                            Some(Bound {
                                bytes: bytes(node)?,
                                text: node
                                    .as_scalar()
                                    .map(|scalar| scalar.text.clone())
                                    .unwrap_or_default(),
                                span: node.span,
                            })
                        };
                        admission
                            .ranges
                            .entry(namespace.clone())
                            .or_default()
                            .push(ClaimRange {
                                object: object.id,
                                name: object.key.name.clone(),
                                min: bound("min"),
                                max: bound("max"),
                            });
                    }
                }
                _ => {}
            }
        }
        admission
    }

    /// Admits a new claim of `bytes` with class `class` in `namespace`, charging quotas; the
    /// reason is the refusal, naming the limit crossed.
    #[expect(
        clippy::result_large_err,
        reason = "the refusal is the Plan's own reason, moved into it once per refused claim"
    )]
    pub fn admit(
        &mut self,
        namespace: &str,
        class: Option<&str>,
        bytes: i128,
    ) -> Result<(), Reason> {
        for range in self.ranges.get(namespace).into_iter().flatten() {
            if let Some(min) = &range.min
                && bytes < min.bytes
            {
                return Err(Reason::new(
                    "limit-range",
                    format!(
                        "LimitRange `{}`: minimum storage usage per PersistentVolumeClaim is {}, but request is {}",
                        range.name,
                        min.text,
                        amount(STORAGE_KEY, bytes)
                    ),
                )
                .kind("min")
                .related(range.object, min.span, "the minimum is set here"));
            }
            if let Some(max) = &range.max
                && bytes > max.bytes
            {
                return Err(Reason::new(
                    "limit-range",
                    format!(
                        "LimitRange `{}`: maximum storage usage per PersistentVolumeClaim is {}, but request is {}",
                        range.name,
                        max.text,
                        amount(STORAGE_KEY, bytes)
                    ),
                )
                .kind("max")
                .related(range.object, max.span, "the maximum is set here"));
            }
        }
        let Some(quotas) = self.quotas.get_mut(namespace) else {
            return Ok(());
        };
        let charges = |key: &str| -> Option<i128> {
            if COUNT_KEYS.contains(&key) {
                return Some(1);
            }
            if key == STORAGE_KEY {
                return Some(bytes);
            }
            let (prefix, resource) = key.split_once(CLASS_SUFFIX)?;
            if class != Some(prefix) {
                return None;
            }
            match resource {
                "persistentvolumeclaims" => Some(1),
                "requests.storage" => Some(bytes),
                _ => None,
            }
        };
        for quota in quotas.iter() {
            for limit in &quota.limits {
                if let Some(charge) = charges(&limit.key)
                    && limit.used + charge > limit.hard
                {
                    return Err(Reason::new(
                        "quota-exceeded",
                        format!(
                            "exceeded quota `{}`: `{}` would be {} of {}",
                            quota.name,
                            limit.key,
                            amount(&limit.key, limit.used + charge),
                            amount(&limit.key, limit.hard)
                        ),
                    )
                    .kind(if limit.key.ends_with(STORAGE_KEY) {
                        "storage"
                    } else {
                        "count"
                    })
                    .related(
                        quota.object,
                        limit.span,
                        format!(
                            "`{}` allows {} in namespace `{namespace}`; earlier claims use {}",
                            limit.key,
                            amount(&limit.key, limit.hard),
                            amount(&limit.key, limit.used)
                        ),
                    ));
                }
            }
        }
        for quota in quotas.iter_mut() {
            for limit in &mut quota.limits {
                if let Some(charge) = charges(&limit.key) {
                    limit.used += charge;
                }
            }
        }
        Ok(())
    }

    /// The quota object a refusal names, for labels.
    #[must_use]
    pub fn quota_object(&self, namespace: &str, name: &str) -> Option<ObjectId> {
        self.quotas
            .get(namespace)?
            .iter()
            .find(|quota| quota.name == name)
            .map(|quota| quota.object)
    }
}

/// A quota amount as people write it: storage in binary units when exact (`25Gi`), counts as
/// numbers.
fn amount(key: &str, value: i128) -> String {
    if key.ends_with(STORAGE_KEY) && value > 0 {
        for (suffix, unit) in [
            ("Ti", 1_i128 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ] {
            if value % unit == 0 {
                return format!("{}{suffix}", value / unit);
            }
        }
    }
    value.to_string()
}

/// A quantity node in whole units (bytes, or a count), rounded up.
fn bytes(node: &Node) -> Option<i128> {
    let text = node.as_scalar().map(Scalar::as_json_string)?;
    Quantity::parse(text.trim()).ok()?.ceil_integer()
}
