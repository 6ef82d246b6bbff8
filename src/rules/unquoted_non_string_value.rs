use crate::load::scalar::PlainValue;
use crate::load::tree::Scalar;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an unquoted YAML scalar that Kubernetes reads as a boolean or a number where the
    /// API only takes strings:
    /// - the values of `metadata.labels` and `metadata.annotations`, on every object, on the
    ///   pod template of every workload (and the job template of a CronJob), and on
    ///   StatefulSet and ephemeral volume claim templates;
    /// - the values of StorageClass `parameters`;
    /// - the items of StorageClass `mountOptions` and PersistentVolume `spec.mountOptions`.
    ///
    /// Keys of those maps are checked too: Kubernetes turns a non-string key into a string,
    /// which changes it (`on:` becomes `"true"`, `017:` becomes `"15"`, `1.10:` becomes
    /// `"1.1"`).
    ///
    /// ## Why is this bad?
    /// `kubectl` and the API server read YAML by YAML 1.1 rules (go-yaml v2): `yes`, `no`,
    /// `on`, `off`, `y`, `n`, `true` and `false` in any usual case are booleans; `3000`,
    /// `0x1F`, `017` (octal: 15) and `1.0` are numbers. These maps hold only strings, so the
    /// object is rejected (`cannot unmarshal bool into Go struct field ... of type string`) and
    /// nothing is created. A converted key is accepted silently, but selectors and drivers
    /// looking for the key as written never find it.
    ///
    /// Dates such as `2024-01-31` and empty values (`~`, `null`) are not reported: Kubernetes
    /// keeps the first as written and reads the second as `""`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: encrypted }
    /// provisioner: ebs.csi.aws.com
    /// parameters:
    ///   type: gp3
    ///   encrypted: yes
    ///   iops: 3000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: { name: encrypted }
    /// provisioner: ebs.csi.aws.com
    /// parameters:
    ///   type: gp3
    ///   encrypted: "yes"
    ///   iops: "3000"
    /// ```
    ///
    /// ## Known problems
    /// Files of `kind: Kustomization` are not checked: kustomize reads them into typed fields
    /// and converts numbers and booleans to strings itself. Other maps of strings
    /// (ConfigMap `data`, VolumeSnapshotClass `parameters`) are not checked.
    ///
    /// ## References
    /// - [Kubernetes: Labels and selectors](https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/)
    /// - [Kubernetes: Storage Classes, parameters](https://kubernetes.io/docs/concepts/storage/storage-classes/#parameters)
    /// - [YAML 1.1 booleans](https://yaml.org/type/bool.html)
    pub(crate) static RULE = Rule {
        code: "PVL012",
        name: "unquoted-non-string-value",
        category: Category::Correctness,
        summary: "a boolean or number where Kubernetes needs a string",
        check: Check::Object(check),
    };
}

/// Where a map of strings or a list of strings sits, for messages.
#[derive(Debug, Clone, Copy)]
enum Place {
    Label,
    Annotation,
    Parameter,
    MountOption,
}

impl Place {
    fn key(self) -> &'static str {
        match self {
            Place::Label => "label key",
            Place::Annotation => "annotation key",
            Place::Parameter => "parameter key",
            Place::MountOption => "key",
        }
    }

    fn values(self) -> &'static str {
        match self {
            Place::Label => "label values must be strings",
            Place::Annotation => "annotation values must be strings",
            Place::Parameter => "`parameters` values must be strings",
            Place::MountOption => "`mountOptions` items must be strings",
        }
    }
}

/// API groups whose files are read by a tool into typed fields, not sent to Kubernetes.
const TOOL_CONFIG_GROUPS: [&str; 1] = ["kustomize.config.k8s.io"];

fn check(object: &Object<'_>, cx: &mut RuleContext<'_, '_>) {
    if TOOL_CONFIG_GROUPS.contains(&object.meta.group()) {
        return;
    }
    let mut metadata = vec![object.meta.metadata];
    let mut maps = Vec::new();
    let mut lists = Vec::new();
    match &object.kind {
        ObjectKind::StorageClass(class) => {
            maps.push((class.parameters, Place::Parameter));
            lists.push(class.mount_options);
        }
        ObjectKind::Volume(volume) => {
            lists.push(volume.spec.and_then(|spec| spec.get("mountOptions")));
        }
        ObjectKind::Workload(workload) => {
            let root = object.meta.root;
            metadata.extend(
                template_paths(workload.kind)
                    .iter()
                    .map(|path| root.path(path)),
            );
            metadata.extend(
                cx.index
                    .claims_of(object)
                    .filter(|claim| claim.origin != ClaimOrigin::Object)
                    .map(|claim| claim.metadata),
            );
        }
        _ => {}
    }
    for metadata in metadata.into_iter().flatten() {
        maps.push((metadata.get("labels"), Place::Label));
        maps.push((metadata.get("annotations"), Place::Annotation));
    }
    for (map, place) in maps {
        for entry in map.and_then(Node::as_mapping).unwrap_or_default() {
            check_key(&entry.key, place, cx);
            check_value(&entry.value, Some(&entry.key), place, cx);
        }
    }
    for list in lists {
        for item in list.and_then(Node::as_sequence).unwrap_or_default() {
            check_value(item, None, Place::MountOption, cx);
        }
    }
}

/// The `metadata` paths of a workload's pod template (and a CronJob's job template).
fn template_paths(kind: WorkloadKind) -> &'static [&'static [&'static str]] {
    match kind {
        WorkloadKind::Pod => &[],
        WorkloadKind::CronJob => &[
            &["spec", "jobTemplate", "metadata"],
            &["spec", "jobTemplate", "spec", "template", "metadata"],
        ],
        _ => &[&["spec", "template", "metadata"]],
    }
}

/// A scalar that Kubernetes reads as a boolean or a number.
fn non_string(node: &Node) -> Option<&Scalar> {
    let scalar = node.as_scalar()?;
    matches!(
        scalar.value,
        PlainValue::Bool(_) | PlainValue::Int(_) | PlainValue::Float(_)
    )
    .then_some(scalar)
}

fn check_value(node: &Node, key: Option<&Node>, place: Place, cx: &mut RuleContext<'_, '_>) {
    let Some(scalar) = non_string(node) else {
        return;
    };
    let written = match key.and_then(Node::as_scalar) {
        Some(key) => format!("{}: {}", key.text, scalar.text),
        None => scalar.text.clone(),
    };
    cx.report(
        node.span,
        format!(
            "`{written}` is read as {}; {}",
            described(scalar),
            place.values()
        ),
    )
    .help(format!("quote the value: `\"{}\"`", scalar.text));
}

fn check_key(key: &Node, place: Place, cx: &mut RuleContext<'_, '_>) {
    let Some(scalar) = key.as_scalar() else {
        return;
    };
    let message = match &scalar.value {
        PlainValue::String | PlainValue::Timestamp(_) => return,
        PlainValue::Null => format!(
            "{} `{}` is read as null, which Kubernetes cannot use as a key",
            place.key(),
            scalar.text
        ),
        value => match json_key(value) {
            None => format!(
                "{} `{}` is read as {}, which Kubernetes cannot use as a key",
                place.key(),
                scalar.text,
                described(scalar)
            ),
            Some(converted) if converted == scalar.text => return,
            Some(converted) => format!(
                "{} `{}` is read as {} and becomes `\"{converted}\"`",
                place.key(),
                scalar.text,
                described(scalar)
            ),
        },
    };
    cx.report(key.span, message)
        .help(format!("quote the key: `\"{}\"`", scalar.text));
}

/// "the boolean `true`", "the integer `15`", …
fn described(scalar: &Scalar) -> String {
    let json = scalar
        .value
        .json_text()
        .unwrap_or_else(|| scalar.text.clone());
    format!("the {} `{json}`", scalar.value.type_name())
}

/// The string `sigs.k8s.io/yaml` makes of a non-string map key when it converts YAML to
/// JSON; `None` when it rejects the key (integers beyond `int64`).
fn json_key(value: &PlainValue) -> Option<String> {
    match value {
        PlainValue::Bool(value) => Some(value.to_string()),
        PlainValue::Int(value) => i64::try_from(*value).ok().map(|value| value.to_string()),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the key is formatted as a float32, as sigs.k8s.io/yaml does"
        )]
        PlainValue::Float(value) => Some(go_format_float32(*value as f32)),
        PlainValue::Null | PlainValue::Timestamp(_) | PlainValue::String => None,
    }
}

/// Go's `strconv.FormatFloat(value, 'g', -1, 32)` with go-yaml's spellings of infinities and
/// NaN: the shortest digits that read back as the same `float32`, in exponent form when the
/// exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`).
fn go_format_float32(value: f32) -> String {
    if value.is_nan() {
        return ".nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let scientific = format!("{value:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return scientific;
    };
    let Ok(exponent) = exponent.parse::<i64>() else {
        return scientific;
    };
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs());
    }
    let (sign, unsigned) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = unsigned.chars().filter(char::is_ascii_digit).collect();
    // The decimal point goes after `exponent + 1` digits.
    let point = exponent + 1;
    let count = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let zeros = |n: i64| "0".repeat(usize::try_from(n).unwrap_or(0));
    let body = if point <= 0 {
        format!("0.{}{digits}", zeros(-point))
    } else if point >= count {
        format!("{digits}{}", zeros(point - count))
    } else {
        let (whole, fraction) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{whole}.{fraction}")
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::scalar::resolve_plain;

    #[test]
    fn formats_float_keys_like_go() {
        let cases = [
            ("1.0", "1"),
            ("1.10", "1.1"),
            ("1.5", "1.5"),
            ("0.1", "0.1"),
            ("3.14159265358979", "3.1415927"),
            ("100000.0", "100000"),
            ("1e6", "1e+06"),
            ("1234567.0", "1.234567e+06"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("-2.5", "-2.5"),
            ("1e39", ".inf"),
            ("-1e39", "-.inf"),
            (".nan", ".nan"),
            ("0.0", "0"),
            ("1e21", "1e+21"),
        ];
        for (text, expected) in cases {
            let value = resolve_plain(text);
            assert_eq!(json_key(&value).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn converts_other_keys() {
        let key = |text: &str| json_key(&resolve_plain(text));
        assert_eq!(key("on").as_deref(), Some("true"));
        assert_eq!(key("No").as_deref(), Some("false"));
        assert_eq!(key("017").as_deref(), Some("15"));
        assert_eq!(key("0x1F").as_deref(), Some("31"));
        assert_eq!(key("1_000").as_deref(), Some("1000"));
        assert_eq!(key("18446744073709551615"), None);
        assert_eq!(key("2001-12-14"), None);
        assert_eq!(key("app"), None);
    }
}
