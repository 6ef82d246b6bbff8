use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a suppression that silenced nothing: a `# pvlint: ignore …` comment, a
    /// `pvlint.dev/ignore` annotation or a config `ignore:` entry that matches no finding, and
    /// one that names a rule that does not exist.
    ///
    /// A suppression is only judged when the rule it names ran: one naming a rule that is
    /// switched off (`--select`, `ignore`, `rules:`) is left alone. A bare `# pvlint: ignore`
    /// (every rule) is always judged.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding on that line or object, and a misspelled
    /// rule name suppresses nothing while looking as if it did.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    ///   annotations:
    ///     pvlint.dev/ignore: "pvc-storage-class-missing -- the class lives in the cluster"
    /// spec:
    ///   storageClassName: ceph-block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    ///   annotations:
    ///     pvlint.dev/ignore: "pvc-storage-class-not-found -- the class lives in the cluster"
    /// spec:
    ///   storageClassName: ceph-block
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// A comment matches findings that start on its own line (or, when it stands on a line of
    /// its own, on the next line; at the top of a document, anywhere in the document). A
    /// finding that starts on another line of the object is not matched: suppress a whole
    /// object with the annotation.
    ///
    /// ## References
    /// - [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    pub(crate) static RULE = Rule {
        code: "PVL009",
        name: "unused-suppression",
        category: Category::Suspicious,
        summary: "Suppression that matches no finding",
        check: Check::Engine,
    };
}
