use std::collections::{BTreeMap, BTreeSet};

use crate::load::ApplyUnit;
use crate::model::snapshot::{DEFAULT_SNAPSHOT_CLASS_ANNOTATION, is_default_snapshot_class};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a VolumeSnapshotClass marked default
    /// (`snapshot.storage.kubernetes.io/is-default-class: "true"`) when another class for the
    /// same `driver`, applied with it, is marked default too. Each default after the first is
    /// reported, and the other defaults of that driver are labelled.
    ///
    /// Classes are compared within one *apply unit*, as for `multiple-default-storage-classes`:
    /// the same file, or the same directory when that directory holds a `kustomization.yaml`.
    ///
    /// ## Why is this bad?
    /// Unlike StorageClasses, there is no "newest default wins": the snapshot controller looks
    /// for the single default class of the source volume's CSI driver, and with several it
    /// refuses every VolumeSnapshot of that driver that names no class ("2 default snapshot
    /// classes were found", SEMANTICS §6.1). Defaults for different drivers are fine.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata:
    ///   name: ebs-delete
    ///   annotations:
    ///     snapshot.storage.kubernetes.io/is-default-class: "true"
    /// driver: ebs.csi.aws.com
    /// deletionPolicy: Delete
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata:
    ///   name: ebs-retain
    ///   annotations:
    ///     snapshot.storage.kubernetes.io/is-default-class: "true"
    /// driver: ebs.csi.aws.com
    /// deletionPolicy: Retain
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata:
    ///   name: ebs-delete
    ///   annotations:
    ///     snapshot.storage.kubernetes.io/is-default-class: "true"
    /// driver: ebs.csi.aws.com
    /// deletionPolicy: Delete
    /// ---
    /// apiVersion: snapshot.storage.k8s.io/v1
    /// kind: VolumeSnapshotClass
    /// metadata:
    ///   name: ebs-retain
    /// driver: ebs.csi.aws.com
    /// deletionPolicy: Retain
    /// ```
    ///
    /// ## Known problems
    /// Defaults that a repository applies together from different directories (a
    /// kustomization listing `../snapshots`) are missed, and two plain files of one directory
    /// are not compared, because repositories often hold alternative examples side by side.
    /// Lint rendered output (`kustomize build | pvlint check -`) to see them as one unit.
    ///
    /// ## Related
    /// - PVL101 (`multiple-default-storage-classes`)
    /// - PVL511 (`snapshot-default-class-missing`)
    ///
    /// ## References
    /// - [Kubernetes: Volume Snapshot Classes — default class](https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/#default-volumesnapshotclass)
    pub(crate) static RULE = Rule {
        code: "PVL510",
        name: "multiple-default-snapshot-classes",
        category: Category::Correctness,
        summary: "more than one default VolumeSnapshotClass for one driver",
        check: Check::Workspace(check),
    };
}

/// One default snapshot class.
#[derive(Debug, Clone, Copy)]
struct DefaultClass<'o> {
    name: &'o str,
    /// The `"true"` of its default annotation.
    span: Span,
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let mut groups: BTreeMap<(ApplyUnit<'_>, &str), Vec<DefaultClass<'_>>> = BTreeMap::new();
    for (object, class) in index.snapshot_classes() {
        let Some(driver) = class.driver else {
            continue;
        };
        if is_placeholder(driver.value) || !is_default_snapshot_class(&object.meta) {
            continue;
        }
        let Some(annotation) = object.meta.annotation(DEFAULT_SNAPSHOT_CLASS_ANNOTATION) else {
            continue;
        };
        let unit = cx.workspace.apply_unit(object.file());
        groups
            .entry((unit, driver.value))
            .or_default()
            .push(DefaultClass {
                name: object.key.name.as_str(),
                span: annotation.value.span,
            });
    }
    for ((_, driver), members) in &groups {
        report_group(driver, members, cx);
    }
}

/// Reports the defaults of one driver in one apply unit. A class defined twice is one class:
/// the duplicate is `PVL004`'s.
fn report_group(driver: &str, members: &[DefaultClass<'_>], cx: &mut RuleContext<'_, '_>) {
    let mut seen = BTreeSet::new();
    let members: Vec<DefaultClass<'_>> = members
        .iter()
        .copied()
        .filter(|member| seen.insert(member.name))
        .collect();
    let Some((_, rest)) = members.split_first() else {
        return;
    };
    for reported in rest {
        let others: Vec<&DefaultClass<'_>> = members
            .iter()
            .filter(|other| other.span != reported.span)
            .collect();
        let so = match others.as_slice() {
            [only] => format!("so is `{}`", only.name),
            _ => format!("so are {} other classes", others.len()),
        };
        let mut report = cx.report(
            reported.span,
            format!(
                "snapshot class `{}` is marked default for driver `{driver}`, but {so}",
                reported.name
            ),
        );
        for other in others {
            report = report.label(other.span, format!("`{}` is default too", other.name));
        }
        report
            .note(format!(
                "every VolumeSnapshot of a volume of `{driver}` that names no class fails: \"{} default snapshot classes were found\"",
                members.len()
            ))
            .help(format!(
                "keep the default-class annotation on one class for `{driver}` only"
            ));
    }
}
