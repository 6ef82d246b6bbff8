use crate::load::LoadedFile;
use crate::load::yaml::ParseProblem;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a mapping that has the same key twice, such as two `storageClassName` lines in one
    /// `spec`. The finding points at the second key and labels the first.
    ///
    /// ## Why is this bad?
    /// Kubernetes does not merge the two: `kubectl` converts the YAML to JSON and keeps only one
    /// of the values, silently, and the API server's strict field validation rejects the object
    /// outright (SEMANTICS §12). Either way one of the two values you wrote is ignored, and it is
    /// easy to fix the wrong one.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: standard
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: fast-ssd
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   storageClassName: fast-ssd
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// Keys are compared as written: `"on"` and `on` are different keys here, although plain
    /// `on` is read as the boolean `true`. Keys brought in by a `<<` merge are meant to be
    /// overridden and are not reported. Files with Helm/Go template syntax are skipped, since
    /// their `{{ if }}`/`{{ else }}` branches often set the same key twice (PVL008 reports them).
    ///
    /// ## References
    /// - [Kubernetes: Field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
    pub(crate) static RULE = Rule {
        code: "PVL002",
        name: "duplicate-key",
        category: Category::Correctness,
        summary: "Mapping has the same key twice",
        check: Check::File(check),
    };
}

fn check(file: &LoadedFile, cx: &mut RuleContext<'_, '_>) {
    if file.templated.is_some() {
        return;
    }
    let duplicates: Vec<(&str, Span, Span)> = file
        .parsed
        .problems
        .iter()
        .filter_map(|problem| match problem {
            ParseProblem::DuplicateKey { key, span, first } => Some((key.as_str(), *span, *first)),
            _ => None,
        })
        .collect();
    for &(key, span, first) in &duplicates {
        let first = original(&duplicates, first);
        cx.report(
            span,
            format!("key `{key}` is already defined in this mapping"),
        )
        .label(first, "first defined here")
        .help("remove one of the keys; Kubernetes keeps only one of their values");
    }
}

/// The loader pairs each repeat with the previous occurrence; follow the chain back to the
/// first one, so a key written three times labels the same first key twice.
fn original(duplicates: &[(&str, Span, Span)], mut first: Span) -> Span {
    // Each step moves to an earlier key, so the chain ends within `duplicates.len()` steps.
    for _ in 0..duplicates.len() {
        match duplicates.iter().find(|(_, span, _)| *span == first) {
            Some(&(_, _, earlier)) => first = earlier,
            None => break,
        }
    }
    first
}
