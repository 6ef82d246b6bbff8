use crate::load::LoadedFile;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Notes a file that is a template rather than a manifest: Helm/Go template syntax (a line
    /// that starts with `{{`, or `{{ }}` where it breaks the YAML), or a printf (`%s`) or sed
    /// (`@NAME@`) placeholder where the YAML cannot be read. The finding points at the first
    /// such place.
    ///
    /// ## Why is this bad?
    /// It is not wrong, but pvlint cannot lint the file as it is: the objects only exist once
    /// the template is rendered. Render it and pipe the output in, so that the objects the
    /// cluster will actually receive are checked: `helm template . | pvlint check -`.
    ///
    /// `{{ }}` placeholders inside quoted strings parse as YAML; such files are linted as they
    /// are (placeholder values are skipped) and not reported here.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    /// {{- if .Values.storageClass }}
    ///   storageClassName: {{ .Values.storageClass }}
    /// {{- end }}
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead: lint the rendered output, such as this from `helm template . | pvlint check -`:
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
    /// A file is only recognised as a printf or sed template when a placeholder is where the
    /// YAML parser gave up; placeholders in places where YAML reads them as plain text are
    /// linted as ordinary values.
    ///
    /// ## Related
    /// - PVL001 `yaml-syntax-error` (not reported for templated files)
    ///
    /// ## References
    /// - [Helm: `helm template`](https://helm.sh/docs/helm/helm_template/)
    pub(crate) static RULE = Rule {
        code: "PVL008",
        name: "templated-file",
        category: Category::Info,
        summary: "File is a template and cannot be linted as it is",
        check: Check::File(check),
    };
}

fn check(file: &LoadedFile, cx: &mut RuleContext<'_, '_>) {
    let Some(span) = file.templated else {
        return;
    };
    if cx.text(span).starts_with("{{") {
        cx.report(
            span,
            "file has Helm/Go template syntax and cannot be linted as it is",
        )
        .help("render it first and pipe the output in, e.g. `helm template . | pvlint check -`");
    } else {
        let placeholder = cx.text(span).to_owned();
        cx.report(
            span,
            format!("file is a text template (`{placeholder}`) and cannot be linted as it is"),
        )
        .help("render the template and pipe the output in: `<render command> | pvlint check -`");
    }
}
