use crate::load::yaml::ParseProblem;
use crate::load::{EncodingProblem, LoadedFile};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags text that is not valid YAML (or JSON): a syntax error, a tab in indentation, an
    /// alias that names no anchor, a file that is not valid UTF-8, anchors and aliases that copy
    /// more nodes than the budget (a "billion laughs" document; config `max-alias-nodes`,
    /// default 100,000) or nesting deeper than the limit (config `max-depth`, default 200). The
    /// finding points at the position where the parser gave up.
    ///
    /// Only the broken document is lost: the documents after it in the same file are still
    /// linted. Files with Helm/Go template syntax are reported by `templated-file` (PVL008)
    /// instead.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` rejects the whole file, so none of its objects reach the cluster, and no
    /// other rule can check the broken document.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata:
    ///   name: data
    /// spec:
    ///   accessModes: [ReadWriteOnce
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
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// ## Known problems
    /// The parser reports where it noticed the problem, which can be after the actual mistake
    /// (an unclosed `[` is noticed at the next line that does not fit).
    ///
    /// ## Related
    /// - PVL008 `templated-file`
    ///
    /// ## References
    /// - [YAML 1.2 specification](https://yaml.org/spec/1.2.2/)
    pub(crate) static RULE = Rule {
        code: "PVL001",
        name: "yaml-syntax-error",
        category: Category::Correctness,
        summary: "File or document is not valid YAML",
        check: Check::File(check),
    };
}

fn check(file: &LoadedFile, cx: &mut RuleContext<'_, '_>) {
    if file.templated.is_some() {
        return;
    }
    if let Some(EncodingProblem::InvalidUtf8(span)) = &file.encoding {
        let span = widen(cx, *span);
        cx.report(span, "file is not valid UTF-8")
            .note("the bytes that are not UTF-8 are shown as `\u{FFFD}`")
            .help("save the file as UTF-8");
    }
    for problem in &file.parsed.problems {
        match problem {
            ParseProblem::Syntax { span, message } => {
                let span = widen(cx, *span);
                let (message, help) = describe(message, cx.text(span));
                cx.report(span, message).help(help);
            }
            ParseProblem::AliasBudget { span, limit } => {
                cx.report(
                    widen(cx, *span),
                    format!("alias expansion exceeds the budget of {limit} nodes"),
                )
                .note(
                    "anchored nodes are copied for their aliases, and aliases of aliases grow \
                     exponentially (a \"billion laughs\" document); the rest of this document \
                     is not read",
                )
                .help(
                    "write the repeated values out, nest fewer aliases, or raise `max-alias-nodes`",
                );
            }
            ParseProblem::TooDeep { span, limit } => {
                cx.report(
                    widen(cx, *span),
                    format!("nesting is deeper than {limit} levels"),
                )
                .note("the rest of this document is not read")
                .help("flatten the document, or raise `max-depth`");
            }
            ParseProblem::DuplicateKey { .. } => {}
        }
    }
}

/// A zero-width position widened to the character there (or to the whole `*alias`), so the
/// renderer underlines something.
fn widen(cx: &RuleContext<'_, '_>, span: Span) -> Span {
    if !span.is_empty() {
        return span;
    }
    let Some(file) = cx.workspace.sources.get(span.file) else {
        return span;
    };
    let start = span.start as usize;
    let rest = file.text.get(start..).unwrap_or("");
    let len = match rest.chars().next() {
        None | Some('\n' | '\r') => 0,
        Some('*') => rest
            .find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
            .unwrap_or(rest.len()),
        Some(c) => c.len_utf8(),
    };
    Span::new(span.file, start, start + len)
}

/// The message and help for a parser error; `at` is the text the (widened) span covers.
fn describe(message: &str, at: &str) -> (String, &'static str) {
    if message.contains("unknown anchor") && at.starts_with('*') {
        return (
            format!("alias `{at}` refers to no anchor"),
            "define the anchor (`&name`) before the alias, or fix the alias name",
        );
    }
    if message.contains("recursion limit") {
        return (
            "nesting is too deep: the parser's recursion limit is exceeded".to_owned(),
            "flatten the document",
        );
    }
    let help = if message.contains("tabs") {
        "indent with spaces: YAML does not allow tabs in indentation"
    } else {
        "fix the YAML at this position"
    };
    (clean_message(message), help)
}

/// The parser's message, first line only (later lines name granit-parser internals), lower-cased
/// at the start and without a trailing period.
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    let first = first.trim_end_matches('.');
    let mut chars = first.chars();
    match chars.next() {
        None => "invalid YAML".to_owned(),
        Some(c) => c.to_lowercase().chain(chars).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cleaned() {
        assert_eq!(
            clean_message("Mapping values are not allowed in this context.\nwhile parsing x"),
            "mapping values are not allowed in this context"
        );
        assert_eq!(clean_message(""), "invalid YAML");
    }

    #[test]
    fn known_errors_get_their_own_wording() {
        let (message, _) = describe("while parsing node, found unknown anchor", "*base");
        assert_eq!(message, "alias `*base` refers to no anchor");
        let (message, help) = describe("tabs disallowed within this context", "b");
        assert_eq!(message, "tabs disallowed within this context");
        assert!(help.contains("spaces"));
        let (message, _) = describe("recursion limit exceeded", "[");
        assert!(message.starts_with("nesting is too deep"));
    }
}
