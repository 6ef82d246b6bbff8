use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a StorageClass whose `volumeBindingMode` is neither `Immediate` nor
    /// `WaitForFirstConsumer`. The values are case-sensitive, so `waitForFirstConsumer` and
    /// `WaitForFirstConsumer ` are reported too, and so is an empty string. The finding points
    /// at the value.
    ///
    /// ## Why is this bad?
    /// The API server rejects the class: `Unsupported value: ...: supported values:
    /// "Immediate", "WaitForFirstConsumer"` (SEMANTICS §3.5). Only an absent field is defaulted
    /// to `Immediate`; a misspelt one is not corrected. Every claim that names the class then
    /// waits for a class that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-ssd }
    /// provisioner: rancher.io/local-path
    /// volumeBindingMode: WaitForFirstConsumers
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: local-ssd }
    /// provisioner: rancher.io/local-path
    /// volumeBindingMode: WaitForFirstConsumer
    /// ```
    ///
    /// ## Related
    /// - PVL108 (`local-class-immediate-binding`), PVL109 (`zonal-class-immediate-binding`):
    ///   valid modes that do not suit the driver.
    ///
    /// ## References
    /// - [Kubernetes: Storage Classes, volume binding mode](https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode)
    pub(crate) static RULE = Rule {
        code: "PVL107",
        name: "invalid-volume-binding-mode",
        category: Category::Correctness,
        summary: "StorageClass `volumeBindingMode` is not `Immediate` or `WaitForFirstConsumer`",
        check: Check::StorageClass(check),
    };
}

/// The binding modes a StorageClass may name.
const MODES: [&str; 2] = ["Immediate", "WaitForFirstConsumer"];

fn check(_object: &Object<'_>, class: &StorageClass<'_>, cx: &mut RuleContext<'_, '_>) {
    let Some(mode) = class.volume_binding_mode else {
        return;
    };
    let value = mode.value;
    if is_placeholder(value) || MODES.contains(&value) {
        return;
    }
    let message = if value.is_empty() {
        "volume binding mode is an empty string: the API server rejects the class (only an absent mode defaults to `Immediate`)".to_owned()
    } else {
        format!(
            "volume binding mode `{value}` is not `Immediate` or `WaitForFirstConsumer`: the API server rejects the class"
        )
    };
    let report = cx.report(mode.span, message);
    match suggestion(value) {
        Some(similar) => report.help(format!("did you mean `{similar}`?")),
        None => report.help("use `WaitForFirstConsumer` (or `Immediate`)"),
    };
}

/// The mode meant by a near miss (`waitForFirstConsumer`, `Imediate`).
fn suggestion(value: &str) -> Option<&'static str> {
    let lower = value.trim().to_ascii_lowercase();
    MODES
        .into_iter()
        .find(|mode| mode.eq_ignore_ascii_case(&lower))
        .or_else(|| {
            let lower_modes = MODES.map(str::to_ascii_lowercase);
            let found = crate::suggest::closest(&lower, lower_modes.iter().map(String::as_str))?;
            MODES
                .into_iter()
                .find(|mode| mode.eq_ignore_ascii_case(found))
        })
}

#[cfg(test)]
mod tests {
    use super::suggestion;

    #[test]
    fn near_misses_suggest_the_mode() {
        assert_eq!(
            suggestion("waitForFirstConsumer"),
            Some("WaitForFirstConsumer")
        );
        assert_eq!(
            suggestion("WaitForFirstConsumers"),
            Some("WaitForFirstConsumer")
        );
        assert_eq!(suggestion("immediate"), Some("Immediate"));
        assert_eq!(suggestion("Imediate"), Some("Immediate"));
        assert_eq!(suggestion(""), None);
        assert_eq!(suggestion("Later"), None);
    }
}
