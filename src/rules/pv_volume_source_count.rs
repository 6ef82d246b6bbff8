use crate::model::persistent_volume::PV_SOURCES;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume without a volume source (`csi`, `nfs`, `local`, `hostPath`, …),
    /// or with more than one. A missing source is reported on a key that looks like a source
    /// (a misspelt one such as `hostpath`, a pod-only one such as `emptyDir`, or one left
    /// empty), else on the `spec` key; each extra source is reported on its key, with the
    /// first one labelled.
    ///
    /// ## Why is this bad?
    /// A PersistentVolume must name exactly one volume source (SEMANTICS §3.3). The API server
    /// rejects the object: "must specify a volume type" when there is none, "may not specify
    /// more than 1 volume type" on every extra one. An empty source (`nfs:` with no value) is
    /// null, and null is no source.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: { name: media }
    /// spec:
    ///   capacity: { storage: 100Gi }
    ///   accessModes: [ReadWriteMany]
    ///   nfs: { server: nas.example.com, path: /exports/media }
    ///   hostPath: { path: /mnt/media }
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
    /// - The API server walks the sources in its own field order and reports the later ones;
    ///   this rule keeps the first source as written and reports the ones after it.
    /// - A PersistentVolume with neither `capacity` nor `accessModes` is taken for a kustomize
    ///   strategic-merge patch (the base names the source) and skipped, as is a `spec` with a
    ///   placeholder key (`${SOURCE}:`).
    ///
    /// ## References
    /// - [Kubernetes: Persistent Volumes, types](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#types-of-persistent-volumes)
    pub(crate) static RULE = Rule {
        code: "PVL307",
        name: "pv-volume-source-count",
        category: Category::Correctness,
        summary: "PersistentVolume with no volume source, or more than one",
        check: Check::Volume(check),
    };
}

/// Pod volume sources that a PersistentVolume cannot have.
const POD_ONLY_SOURCES: [&str; 9] = [
    "configMap",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "gitRepo",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn check(object: &Object<'_>, volume: &PersistentVolume<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(spec) = volume.spec else {
        return;
    };
    if volume.looks_partial() {
        return;
    }
    let name = object.meta.name.map_or("<unnamed>", |name| name.value);
    match volume.sources.as_slice() {
        [] => report_missing(name, spec, volume.anchor, cx),
        [_] => {}
        [first, extra @ ..] => {
            for source in extra {
                cx.report(
                    source.span,
                    format!(
                        "persistent volume `{name}` has more than one volume source: `{}` after `{}`",
                        source.value, first.value
                    ),
                )
                .label(first.span, "the first volume source")
                .note("the API server rejects it: \"may not specify more than 1 volume type\"")
                .help("keep one volume source and remove the others");
            }
        }
    }
}

fn report_missing(name: &str, spec: &Node, anchor: Span, cx: &mut RuleContext<'_, '_>) {
    let entries = spec.as_mapping().unwrap_or_default();
    if entries
        .iter()
        .any(|entry| entry.key_text().is_none_or(is_placeholder))
    {
        return;
    }
    let message = format!("persistent volume `{name}` has no volume source");
    let note = "the API server rejects it: \"must specify a volume type\"";
    let help = "add one volume source, such as `csi`, `nfs` or `local`";
    for entry in entries {
        let Some(key) = entry.key_text() else {
            continue;
        };
        let (span, label, help) = if PV_SOURCES.contains(&key) {
            (
                entry.key.span,
                format!("`{key}` has no value, so it is no source"),
                format!("fill in the `{key}` source"),
            )
        } else if let Some(source) = PV_SOURCES
            .iter()
            .find(|source| source.eq_ignore_ascii_case(key))
        {
            (
                entry.key.span,
                format!("`{key}` is not a volume source"),
                format!("did you mean `{source}`?"),
            )
        } else if POD_ONLY_SOURCES.contains(&key) {
            (
                entry.key.span,
                format!("`{key}` is a pod volume source, not a PersistentVolume source"),
                help.to_owned(),
            )
        } else {
            continue;
        };
        cx.report(span, message).note(label).note(note).help(help);
        return;
    }
    cx.report(anchor, message).note(note).help(help);
}
