use crate::model::claim::{QuantityField, QuantityValue};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the `capacity` of a PersistentVolume that the API server rejects:
    /// - no `capacity` (reported on the `spec` key), an empty one, or one that is not a
    ///   mapping;
    /// - no `storage` key in it (reported on the `capacity` key);
    /// - any key other than `storage` (reported on that key);
    /// - a `storage` value that is not greater than zero (reported on the value).
    ///
    /// ## Why is this bad?
    /// `capacity` is required and must hold exactly one key, `storage`, with a value greater
    /// than zero (SEMANTICS §3.3). `kubectl apply` fails: "spec.capacity: Required value",
    /// "spec.capacity: Unsupported value: … supported values: \"storage\"", or
    /// "spec.capacity[storage]: Invalid value: \"0\": must be greater than zero".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media }
    /// spec:
    ///   capacity: { storage: 100Gi, iops: "3000" }
    ///   accessModes: [ReadWriteMany]
    ///   nfs: { server: nas.example.com, path: /exports/media }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   nfs: { server: nas.example.com, path: /exports/media }
    /// ```
    ///
    /// ## Known problems
    /// - A `storage` value that is not a valid quantity (`100GB`) is PVL010's finding, and a
    ///   placeholder (`${SIZE}`) is unknown: neither is reported here.
    /// - A PersistentVolume with neither `capacity.storage` nor `accessModes` is taken for a
    ///   kustomize strategic-merge patch and skipped.
    ///
    /// ## Related
    /// - PVL010 (`invalid-quantity`): a quantity Kubernetes cannot parse.
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, capacity](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#capacity)
    pub(crate) static RULE = Rule {
        code: "PVL308",
        name: "pv-capacity-invalid",
        category: Category::Correctness,
        summary: "PersistentVolume `capacity` is missing, has keys other than `storage`, or is not positive",
        check: Check::Volume(check),
    };
}

const HELP: &str = "set `capacity: { storage: <size> }` to the size of the volume, e.g. `10Gi`";

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(spec) = volume.spec else {
        return;
    };
    if volume.looks_partial() {
        return;
    }
    let name = object.meta.name.map_or("<unnamed>", |name| name.value);
    let Some(capacity) = spec.entry("capacity") else {
        cx.report(
            volume.anchor,
            format!("persistent volume `{name}` has no `capacity`"),
        )
        .note("the API server rejects it: \"spec.capacity: Required value\"")
        .help(HELP);
        return;
    };
    if capacity.value.is_null() {
        cx.report(
            capacity.key.span,
            format!("`capacity` of persistent volume `{name}` has no value"),
        )
        .note("the API server rejects it: \"spec.capacity: Required value\"")
        .help(HELP);
        return;
    }
    let Some(entries) = capacity.value.as_mapping() else {
        if capacity.value.as_str().is_some_and(is_placeholder) {
            return;
        }
        cx.report(
            capacity.value.span,
            format!("`capacity` of persistent volume `{name}` is not a mapping"),
        )
        .help(HELP);
        return;
    };
    check_entries(name, capacity, entries, cx);
}

fn check_entries(name: &str, capacity: &Entry, entries: &[Entry], cx: &mut RuleContext<'_, '_>) {
    if entries.is_empty() {
        cx.report(
            capacity.value.span,
            format!("`capacity` of persistent volume `{name}` is empty"),
        )
        .note("the API server rejects it: \"spec.capacity: Required value\"")
        .help(HELP);
        return;
    }
    let storage = entries
        .iter()
        .find(|entry| entry.key_text() == Some("storage"));
    let unknown_key = entries
        .iter()
        .any(|entry| entry.key_text().is_none_or(is_placeholder));
    if storage.is_none() && !unknown_key {
        cx.report(
            capacity.key.span,
            format!("`capacity` of persistent volume `{name}` has no `storage`"),
        )
        .note("the API server rejects it: only `storage` is supported")
        .help(HELP);
    }
    for entry in entries {
        let Some(key) = entry
            .key_text()
            .filter(|key| *key != "storage" && !is_placeholder(key))
        else {
            continue;
        };
        cx.report(
            entry.key.span,
            format!("`capacity` of persistent volume `{name}` has the unsupported key `{key}`"),
        )
        .note("the API server rejects it: the only supported key is `storage`")
        .help(format!("remove `{key}`"));
    }
    if let Some(storage) = storage {
        check_storage(name, storage, cx);
    }
}

fn check_storage(name: &str, storage: &Entry, cx: &mut RuleContext<'_, '_>) {
    let Some(field) = QuantityField::read(&storage.value) else {
        // A null quantity decodes as zero.
        cx.report(
            storage.key.span,
            format!("`capacity.storage` of persistent volume `{name}` has no value"),
        )
        .note("the API server reads it as zero: \"must be greater than zero\"")
        .help(HELP);
        return;
    };
    let QuantityValue::Valid(quantity) = &field.value else {
        return;
    };
    if quantity.signum() > 0 {
        return;
    }
    cx.report(
        field.span,
        format!(
            "capacity `{}` of persistent volume `{name}` is not greater than zero",
            field.text
        ),
    )
    .note("the API server rejects it: \"must be greater than zero\"")
    .help(HELP);
}
