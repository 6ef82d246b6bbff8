use std::collections::{BTreeMap, BTreeSet};

use crate::index::ClusterClass;
use crate::load::ApplyUnit;
use crate::model::storage_class::default_annotations;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass marked default (`storageclass.kubernetes.io/is-default-class:
    /// "true"`, or the deprecated beta key) when another class applied with it is marked
    /// default too, or when `cluster.storage-classes` declares a default class that already
    /// exists in the cluster. Each default after the first is reported, every other default is
    /// labelled, and the finding says which one wins.
    ///
    /// Classes are compared within one *apply unit*: the same file, or the same directory when
    /// that directory holds a `kustomization.yaml` (kustomize applies it as a whole). Classes
    /// declared default in the config are compared with every default class in the manifests.
    ///
    /// ## Why is this bad?
    /// Claims without `storageClassName` get the default class. With several defaults,
    /// Kubernetes picks the most recently created one (largest `creationTimestamp`, ties by
    /// name) (SEMANTICS §2.2), so the class a new claim gets depends on the order the classes
    /// were applied, and changes silently when one of them is recreated. Before Kubernetes
    /// 1.26 the admission plugin rejected every class-less claim while more than one default
    /// existed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: efs
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: efs.csi.aws.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// ---
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: efs
    /// provisioner: efs.csi.aws.com
    /// ```
    ///
    /// ## Options
    /// - `cluster.storage-classes`
    ///
    /// ## Known problems
    /// Repositories often hold several independent examples, each with its own default class
    /// (one per cloud, one per tutorial), and a maintainer applies only one of them. Such
    /// classes are not compared, because they are neither in one file nor in one kustomize
    /// directory: two plain files in one directory of examples are alternatives just as often
    /// as they are applied together (`kubectl apply -f dir/`). Defaults that a repository
    /// applies together from different directories (a kustomization listing `../storage`) are
    /// therefore missed. Lint rendered output (`kustomize build | pvlint check -`) to see them
    /// as one unit. Conversely, a file in a kustomize directory that its `kustomization.yaml`
    /// does not list is still compared.
    ///
    /// A `creationTimestamp` is only present in objects exported from a cluster; without one,
    /// the finding says that the winner depends on the order in which the classes are created.
    ///
    /// ## Related
    /// - `PVL102` default-class-annotation-not-true
    ///
    /// ## References
    /// - [Kubernetes: Default StorageClass](https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass)
    pub(crate) static RULE = Rule {
        code: "PVL101",
        name: "multiple-default-storage-classes",
        category: Category::Suspicious,
        summary: "More than one StorageClass is marked default",
        check: Check::Workspace(check),
    };
}

/// One default class: in the manifests, or declared in the config.
#[derive(Debug, Clone, Copy)]
struct DefaultClass<'o> {
    name: &'o str,
    /// The `"true"` of its default annotation, or its entry in the config.
    span: Span,
    /// `metadata.creationTimestamp`, when the object was exported from a cluster.
    created: Option<&'o str>,
    in_cluster: bool,
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let cluster: Vec<DefaultClass<'_>> = index
        .cluster_classes()
        .iter()
        .filter(|class| class.default)
        .map(cluster_default)
        .collect();
    let mut units: BTreeMap<ApplyUnit<'_>, Vec<DefaultClass<'_>>> = BTreeMap::new();
    for object in index.default_classes() {
        let Some(default) = object_default(object) else {
            continue;
        };
        let unit = cx.workspace.apply_unit(object.file());
        units.entry(unit).or_default().push(default);
    }
    for members in units.values() {
        report_unit(members, &cluster, cx);
    }
}

/// Reports the defaults of one apply unit. A class defined twice (or one the config says is
/// in the cluster) is one class: the duplicate is `PVL004`'s, not a second default.
fn report_unit(
    members: &[DefaultClass<'_>],
    cluster: &[DefaultClass<'_>],
    cx: &mut RuleContext<'_, '_>,
) {
    let mut members = members.to_vec();
    let mut seen = BTreeSet::new();
    members.retain(|member| seen.insert(member.name));
    let cluster: Vec<DefaultClass<'_>> = cluster
        .iter()
        .filter(|class| !seen.contains(class.name))
        .copied()
        .collect();
    let all: Vec<DefaultClass<'_>> = cluster.iter().chain(&members).copied().collect();
    if all.len() < 2 {
        return;
    }
    let winner = winner(&all);
    // The first default of the unit is not reported, unless the cluster already has one.
    let skip = usize::from(cluster.is_empty());
    for reported in members.iter().skip(skip) {
        report(reported, &all, winner, cx);
    }
}

fn report(
    reported: &DefaultClass<'_>,
    all: &[DefaultClass<'_>],
    winner: Option<&str>,
    cx: &mut RuleContext<'_, '_>,
) {
    let others: Vec<&DefaultClass<'_>> = all
        .iter()
        .filter(|other| other.span != reported.span)
        .collect();
    let names: Vec<&str> = others.iter().map(|other| other.name).collect();
    let mut report = cx.report(
        reported.span,
        format!(
            "storage class `{}` is marked default, but so {} {}",
            reported.name,
            if names.len() == 1 { "is" } else { "are" },
            join_names(&names)
        ),
    );
    for other in &others {
        let label = if other.in_cluster {
            "also default (in the cluster, per the config)"
        } else {
            "also default"
        };
        report = report.label(other.span, label);
    }
    let note = match winner {
        Some(name) => format!(
            "claims without `storageClassName` get `{name}`: Kubernetes uses the most recently created default"
        ),
        None => "which class claims without `storageClassName` get depends on creation order: Kubernetes uses the most recently created default".to_owned(),
    };
    report
        .note(note)
        .help("keep the default-class annotation on one class only");
}

fn object_default<'o>(object: &'o Object<'_>) -> Option<DefaultClass<'o>> {
    let annotation =
        default_annotations(&object.meta).find(|entry| entry.value.as_str() == Some("true"))?;
    let created = object
        .meta
        .metadata
        .and_then(|metadata| metadata.get("creationTimestamp"))
        .and_then(Node::as_str)
        .filter(|created| !is_placeholder(created));
    Some(DefaultClass {
        name: object.key.name.as_str(),
        span: annotation.value.span,
        created,
        in_cluster: false,
    })
}

fn cluster_default(class: &ClusterClass) -> DefaultClass<'_> {
    DefaultClass {
        name: class.name.as_str(),
        span: class.span,
        created: None,
        in_cluster: true,
    }
}

/// The default Kubernetes picks (SEMANTICS §2.2), when the manifests tell. Classes without a
/// timestamp in the manifests are about to be created, so they are newer than every class
/// that exists; the order among several of them is the order they are applied in.
fn winner<'o>(all: &[DefaultClass<'o>]) -> Option<&'o str> {
    let new: Vec<&DefaultClass<'o>> = all
        .iter()
        .filter(|class| !class.in_cluster && class.created.is_none())
        .collect();
    match new.as_slice() {
        [only] => return Some(only.name),
        [] => {}
        _ => return None,
    }
    if all.iter().any(|class| class.in_cluster) {
        return None;
    }
    all.iter()
        .filter_map(|class| Some((class.created?, class.name)))
        .max_by(|(a_created, a_name), (b_created, b_name)| {
            a_created.cmp(b_created).then_with(|| b_name.cmp(a_name))
        })
        .map(|(_, name)| name)
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and `c` ``.
fn join_names(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class<'a>(name: &'a str, created: Option<&'a str>, in_cluster: bool) -> DefaultClass<'a> {
        DefaultClass {
            name,
            span: Span::default(),
            created,
            in_cluster,
        }
    }

    #[test]
    fn the_newest_default_wins_and_ties_go_to_the_first_name() {
        let a = class("a", Some("2024-01-01T00:00:00Z"), false);
        let b = class("b", Some("2024-06-01T00:00:00Z"), false);
        let c = class("c", Some("2024-06-01T00:00:00Z"), false);
        assert_eq!(winner(&[a, b]), Some("b"));
        assert_eq!(winner(&[c, b, a]), Some("b"));
    }

    #[test]
    fn a_class_about_to_be_created_is_the_newest() {
        let old = class("old", Some("2024-01-01T00:00:00Z"), false);
        let cluster = class("cluster", None, true);
        let new = class("new", None, false);
        let other = class("other", None, false);
        assert_eq!(winner(&[old, new]), Some("new"));
        assert_eq!(winner(&[cluster, new]), Some("new"));
        assert_eq!(winner(&[new, other]), None);
        assert_eq!(winner(&[cluster, old]), None);
    }

    #[test]
    fn names_are_joined_for_messages() {
        assert_eq!(join_names(&["a"]), "`a`");
        assert_eq!(join_names(&["a", "b"]), "`a` and `b`");
        assert_eq!(join_names(&["a", "b", "c"]), "`a`, `b` and `c`");
    }

    /// Findings for one default class `gp3` in the manifests, with `cluster` declared
    /// default in the config.
    fn with_cluster_default(cluster: &str) -> Vec<crate::diagnostic::Diagnostic> {
        let mut settings = crate::settings::Settings::for_rule(&RULE);
        settings.cluster_classes.push(ClusterClass {
            name: cluster.to_owned(),
            provisioner: None,
            default: true,
            span: Span::default(),
        });
        let yaml = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3\n  \
                    annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\n\
                    provisioner: ebs.csi.aws.com\n";
        let inputs = crate::load::Inputs {
            stdin: Some(yaml.to_owned()),
            ..crate::load::Inputs::default()
        };
        crate::check(&inputs, &settings, crate::source::SourceMap::default()).diagnostics
    }

    #[test]
    fn a_default_in_the_cluster_conflicts_with_every_default_in_the_manifests() {
        let findings = with_cluster_default("standard");
        let [finding] = findings.as_slice() else {
            panic!("expected one finding, got {findings:?}");
        };
        assert_eq!(
            finding.message,
            "storage class `gp3` is marked default, but so is `standard`"
        );
        assert!(finding.notes.iter().any(|note| note.contains("get `gp3`")));
    }

    #[test]
    fn a_cluster_default_that_the_manifests_define_is_the_same_class() {
        assert!(with_cluster_default("gp3").is_empty());
    }
}
