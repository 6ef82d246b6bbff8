use crate::rules::prelude::*;
use crate::source::FileId;

declare_rule! {
    /// ## What it does
    /// Flags an object whose group, kind, namespace and name are the same as those of an earlier
    /// object that is applied together with it: in the same file, or in two files that one
    /// `kustomization.yaml` lists under `resources`. The later definition is reported, with a
    /// label on the first.
    ///
    /// Other files are not compared, not even in one directory: repositories keep alternative
    /// variants side by side (`deploy/app.yaml` and `deploy/app-openshift.yaml`, test data
    /// `before.yaml` and `after.yaml`) and independent examples (`examples/a/pvc.yaml` and
    /// `examples/b/pvc.yaml` both defining `test-pvc`), and kustomize overlays and patches
    /// restate the objects of their base. Objects without a name (`generateName`) and names with
    /// placeholders are not compared either.
    ///
    /// ## Why is this bad?
    /// Both definitions go to the same object. `kubectl apply` applies one after the other, so
    /// the later silently overwrites the earlier and half of what is written never takes
    /// effect; kustomize refuses to build ("may not add resource with an already registered
    /// id").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 50Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: logs
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 50Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Two files of one directory applied with `kubectl apply -f dir/` are not compared, since
    /// pvlint cannot tell them from alternative variants kept side by side. Kustomizations are
    /// followed one level: a `resources` entry that names a directory is not expanded.
    ///
    /// ## References
    /// - [Kubernetes: Object names and IDs](https://kubernetes.io/docs/concepts/overview/working-with-objects/names/)
    pub(crate) static RULE = Rule {
        code: "PVL004",
        name: "duplicate-object",
        category: Category::Correctness,
        summary: "The same object is defined twice",
        check: Check::Workspace(check),
    };
}

/// File names of kustomize's own file.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let units = kustomize_units(cx);
    for object in index.objects() {
        if !is_comparable(object) {
            continue;
        }
        let Some(first) = index
            .objects_with_key(&object.key)
            .iter()
            .map(|&id| index.object(id))
            .take_while(|other| other.id != object.id)
            .find(|other| same_unit(&units, other.file(), object.file()))
        else {
            continue;
        };
        let key = &object.key;
        let name = match &key.namespace {
            Some(namespace) => format!("{namespace}/{}", key.name),
            None => key.name.clone(),
        };
        cx.report(
            object.meta.name_span(),
            format!("{} `{name}` is already defined", key.kind),
        )
        .label(first.meta.name_span(), "first defined here")
        .help(
            "rename one of them or remove the duplicate: the later definition overwrites the \
             earlier",
        );
    }
}

/// Named objects, without placeholders in their identity.
fn is_comparable(object: &Object<'_>) -> bool {
    let key = &object.key;
    !key.name.is_empty()
        && !is_placeholder(&key.name)
        && !key.namespace.as_deref().is_some_and(is_placeholder)
}

/// The same file, or two files that one kustomization lists as resources.
fn same_unit(units: &[Vec<FileId>], a: FileId, b: FileId) -> bool {
    a == b
        || units
            .iter()
            .any(|unit| unit.contains(&a) && unit.contains(&b))
}

/// For each `kustomization.yaml`, the loaded files its `resources` list names.
fn kustomize_units(cx: &RuleContext<'_, '_>) -> Vec<Vec<FileId>> {
    let sources = &cx.workspace.sources;
    let mut units = Vec::new();
    for file in &cx.workspace.files {
        let (directory, base) = split_path(sources.name(file.id));
        if !KUSTOMIZATION_FILES.contains(&base) {
            continue;
        }
        for root in file.parsed.documents.iter().filter_map(|d| d.root.as_ref()) {
            let unit: Vec<FileId> = root
                .items("resources")
                .filter_map(Node::as_str)
                .filter_map(|resource| {
                    let path = normalize(&format!("{directory}/{resource}"));
                    sources
                        .iter()
                        .find(|(_, source)| normalize(&source.name) == path)
                        .map(|(id, _)| id)
                })
                .collect();
            if unit.len() > 1 {
                units.push(unit);
            }
        }
    }
    units
}

/// `(directory, file name)` of a path as shown (`""` for the working directory).
fn split_path(path: &str) -> (&str, &str) {
    path.rsplit_once(['/', '\\']).unwrap_or(("", path))
}

/// A path with `.` and `dir/..` removed, for comparing paths lexically.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize("app/./pvc.yaml"), "app/pvc.yaml");
        assert_eq!(normalize("/app/base/../pvc.yaml"), "app/pvc.yaml");
        assert_eq!(normalize("../x/y.yaml"), "../x/y.yaml");
        assert_eq!(normalize("/pvc.yaml"), "pvc.yaml");
    }

    #[test]
    fn paths_split_into_directory_and_name() {
        assert_eq!(split_path("a/b/c.yaml"), ("a/b", "c.yaml"));
        assert_eq!(split_path("c.yaml"), ("", "c.yaml"));
    }
}
