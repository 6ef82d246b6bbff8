use std::collections::HashMap;

use crate::rules::prelude::*;
use crate::source::directory_of as directory;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolumeClaim object that nothing in the linted manifests uses: no pod
    /// or workload mounts it, no VolumeSnapshot takes it as its source, no other claim clones
    /// it, and no other object (a Helm release's values, a backup schedule, a custom resource)
    /// names it in a string value. StatefulSet and ephemeral claim templates are not checked:
    /// their owner always uses them.
    ///
    /// A reference counts when its claim name matches and the namespaces may match: a
    /// namespace that is not written (a kustomize patch, a file applied with `kubectl -n`)
    /// matches any. Templated values of objects pvlint does not model count when their
    /// written parts match the name and they are in the claim's directory: a Flux HelmRelease
    /// named `media` with `existingClaim: "{{ .Release.Name }}-cache"` uses `media-cache`.
    ///
    /// ## Why is this bad?
    /// An unused claim still holds a volume, and its cost, for as long as it exists. It is
    /// often the leftover of a rename (the pod now mounts `data-v2`) or a typo on the pod side
    /// that `PVL401` reports from the other end.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: cache }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: { name: cache }
    /// spec:
    ///   accessModes: [ReadWriteOnce]
    ///   resources: { requests: { storage: 10Gi } }
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: { name: app }
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: nginx
    ///       volumeMounts: [{ name: cache, mountPath: /cache }]
    ///   volumes:
    ///     - name: cache
    ///       persistentVolumeClaim: { claimName: cache }
    /// ```
    ///
    /// ## Known problems
    /// pvlint only sees the manifests it loads. A claim used by something outside them (a
    /// chart installed with `--set persistence.existingClaim=…`, a pod created by an operator
    /// or a test program, a restore that is mounted later by hand) is reported; lint the user
    /// together with the claim (`--context`), or suppress the finding with a reason.
    ///
    /// Claims whose name is a placeholder (`${APP}`) are skipped. A templated value that
    /// writes out fewer than three letters or digits (`{{ .Values.claim }}`, `${A}-${B}`) could
    /// name any claim and is ignored. Only Flux's HelmRelease release name
    /// (`spec.releaseName`, else `[<targetNamespace>-]<name>`) is substituted; other
    /// placeholders match any text.
    ///
    /// ## Related
    /// - `PVL401` pod-claim-not-found
    /// - `PVL602` claim-waits-for-first-consumer
    pub(crate) static RULE = Rule {
        code: "PVL210",
        name: "dangling-pvc",
        category: Category::Info,
        summary: "PVC that no pod, workload, snapshot or clone uses",
        check: Check::Workspace(check),
    };
}

fn check(cx: &mut RuleContext<'_, '_>) {
    let index = cx.index;
    let references = name_references(index);
    let patterns = name_patterns(index, cx.workspace);
    for claim in index.claims() {
        if claim.origin != ClaimOrigin::Object || !index.claim_uses(claim.id).is_empty() {
            continue;
        }
        let Some(name) = claim.name else {
            continue;
        };
        if is_placeholder(name.value) {
            continue;
        }
        let owner = index.object(claim.owner);
        let namespace = owner.meta.namespace.map(|namespace| namespace.value);
        let by_name = references.get(name.value).is_some_and(|namespaces| {
            namespaces
                .iter()
                .any(|other| namespaces_may_match(*other, namespace))
        });
        let claim_directory = directory(cx.workspace.sources.name(owner.file()));
        let mentioned = patterns.iter().any(|(pattern_directory, pattern)| {
            *pattern_directory == claim_directory && pattern.matches(name.value)
        });
        if by_name || mentioned {
            continue;
        }
        cx.report(
            name.span,
            format!(
                "claim `{}` is not used by any pod, workload, snapshot or clone",
                name.value
            ),
        )
        .help("mount the claim in the workload that needs it, or delete it once its data is safe");
    }
}

/// Every claim name that a pod volume, a snapshot or a clone refers to, with the referrer's
/// written namespace (`None` when it has none). The index resolves each reference to one
/// claim only (the closest); a repository with alternative copies of a claim (one per cloud)
/// uses all of them.
fn name_references<'a>(index: &'a Index<'_>) -> HashMap<&'a str, Vec<Option<&'a str>>> {
    let mut references: HashMap<&str, Vec<Option<&str>>> = HashMap::new();
    for object in index.objects() {
        let namespace = object.meta.namespace.map(|namespace| namespace.value);
        match &object.kind {
            ObjectKind::Workload(workload) => {
                for volume in workload.pod.iter().flat_map(|pod| &pod.volumes) {
                    if let VolumeSource::Claim {
                        claim_name: Some(name),
                        ..
                    } = volume.source
                    {
                        references.entry(name.value).or_default().push(namespace);
                    }
                }
            }
            ObjectKind::VolumeSnapshot(snapshot) => {
                if let Some(name) = snapshot.source_claim {
                    references.entry(name.value).or_default().push(namespace);
                }
            }
            _ => {}
        }
    }
    for claim in index.claims() {
        let namespace = index
            .object(claim.owner)
            .meta
            .namespace
            .map(|namespace| namespace.value);
        for source in [claim.spec.data_source, claim.spec.data_source_ref]
            .into_iter()
            .flatten()
        {
            if source
                .kind
                .is_some_and(|kind| kind.value == "PersistentVolumeClaim")
                && let Some(name) = source.name
            {
                let namespace = source.namespace.map(|ns| ns.value).or(namespace);
                references.entry(name.value).or_default().push(namespace);
            }
        }
    }
    references
}

/// A namespace that is not written is chosen when the manifests are applied (`kubectl -n`,
/// kustomize's `namespace:`), so it may be any namespace.
fn namespaces_may_match(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Templated string values of objects pvlint does not model (a HelmRelease's
/// `existingClaim: "{{ .Release.Name }}-cache"`), as patterns, with the directory they are in.
fn name_patterns<'w>(
    index: &Index<'_>,
    workspace: &'w crate::load::Workspace,
) -> Vec<(&'w str, NamePattern)> {
    let mut patterns = Vec::new();
    for object in index.objects() {
        if !matches!(object.kind, ObjectKind::Other) {
            continue;
        }
        // Most objects hold no placeholder at all: only walk those whose text may (an escape
        // sequence could spell `${` too).
        let text = workspace.sources.slice(object.span());
        if !(text.contains("${") || text.contains("{{") || text.contains('\\')) {
            continue;
        }
        let release = helm_release_name(object);
        let object_directory = directory(workspace.sources.name(object.file()));
        object.meta.root.walk(&mut |node| {
            if let Some(scalar) = node.as_scalar()
                && scalar.is_string()
                && is_placeholder(&scalar.text)
                && let Some(pattern) = NamePattern::parse(&scalar.text, release.as_deref())
            {
                patterns.push((object_directory, pattern));
            }
        });
    }
    patterns
}

/// The release name of a Flux HelmRelease: `spec.releaseName`, else
/// `[<spec.targetNamespace>-]<metadata.name>`.
fn helm_release_name(object: &Object<'_>) -> Option<String> {
    if object.key.kind != "HelmRelease" || !object.key.group.starts_with("helm.toolkit.fluxcd.io") {
        return None;
    }
    let root = object.meta.root;
    if let Some(name) = root.path(&["spec", "releaseName"]).and_then(Node::as_str) {
        return Some(name.to_owned());
    }
    let name = object.meta.name?.value;
    Some(
        match root
            .path(&["spec", "targetNamespace"])
            .and_then(Node::as_str)
        {
            Some(namespace) => format!("{namespace}-{name}"),
            None => name.to_owned(),
        },
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A placeholder: any text.
    Any,
}

/// A string with placeholders: its literal parts must appear in order, each placeholder
/// stands for any text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NamePattern {
    segments: Vec<Segment>,
}

/// A pattern with a placeholder needs this many letters or digits written out to count:
/// `{{ .Values.name }}` alone, or `${A}-${B}`, could be any claim.
const MIN_LITERAL_CHARS: usize = 3;

impl NamePattern {
    /// Splits `text` at `{{ … }}` and `${…}`; `{{ .Release.Name }}` becomes `release` when
    /// known. `None` when the pattern says too little to identify a claim.
    fn parse(text: &str, release: Option<&str>) -> Option<Self> {
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let start = [rest.find("{{"), rest.find("${")]
                .into_iter()
                .flatten()
                .min();
            let Some(start) = start else {
                push_literal(&mut segments, rest);
                break;
            };
            push_literal(&mut segments, &rest[..start]);
            let (close, open_len) = if rest[start..].starts_with("{{") {
                ("}}", 2)
            } else {
                ("}", 2)
            };
            let Some(length) = rest[start + open_len..].find(close) else {
                push_literal(&mut segments, &rest[start..]);
                break;
            };
            let inner = &rest[start + open_len..start + open_len + length];
            let action = inner.trim().trim_matches('-').trim();
            match release {
                Some(release) if close == "}}" && action == ".Release.Name" => {
                    push_literal(&mut segments, release);
                }
                _ => segments.push(Segment::Any),
            }
            rest = &rest[start + open_len + length + close.len()..];
        }
        let literal_chars: usize = segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => text.chars().filter(char::is_ascii_alphanumeric).count(),
                Segment::Any => 0,
            })
            .sum();
        let has_placeholder = segments.contains(&Segment::Any);
        (!has_placeholder || literal_chars >= MIN_LITERAL_CHARS).then_some(Self { segments })
    }

    fn matches(&self, name: &str) -> bool {
        let mut rest = name;
        let mut after_any = false;
        let last = self.segments.len().saturating_sub(1);
        for (at, segment) in self.segments.iter().enumerate() {
            let Segment::Literal(literal) = segment else {
                after_any = true;
                continue;
            };
            if at == last {
                return if after_any {
                    rest.ends_with(literal.as_str())
                } else {
                    rest == literal
                };
            }
            let found = if after_any {
                rest.find(literal.as_str())
            } else {
                rest.starts_with(literal.as_str()).then_some(0)
            };
            let Some(found) = found else {
                return false;
            };
            rest = &rest[found + literal.len()..];
            after_any = false;
        }
        after_any || rest.is_empty()
    }
}

fn push_literal(segments: &mut Vec<Segment>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Segment::Literal(last)) = segments.last_mut() {
        last.push_str(text);
    } else {
        segments.push(Segment::Literal(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str, release: Option<&str>) -> Option<NamePattern> {
        NamePattern::parse(text, release)
    }

    #[test]
    fn release_names_are_substituted() {
        let cache = pattern("{{ .Release.Name }}-cache", Some("home-assistant")).unwrap();
        assert!(cache.matches("home-assistant-cache"));
        assert!(!cache.matches("other-cache"));
        let bare = pattern("{{- .Release.Name -}}", Some("home-assistant")).unwrap();
        assert!(bare.matches("home-assistant"));
        assert!(!bare.matches("home-assistant-cache"));
    }

    #[test]
    fn other_placeholders_match_any_text() {
        let cache = pattern("{{ .Release.Name }}-cache", None).unwrap();
        assert!(cache.matches("app-cache"));
        assert!(!cache.matches("app-cache-2"));
        let middle = pattern("data-${APP}-v1", None).unwrap();
        assert!(middle.matches("data-web-v1"));
        assert!(!middle.matches("data-web-v2"));
        let prefix = pattern("${APP}-config-${N}", None).unwrap();
        assert!(prefix.matches("web-config-0"));
        assert!(!prefix.matches("web-data-0"));
    }

    #[test]
    fn patterns_that_could_be_anything_are_dropped() {
        assert_eq!(pattern("{{ .Values.claim }}", None), None);
        assert_eq!(pattern("${A}-${B}", None), None);
        assert!(pattern("${A}-db", None).is_none());
        assert!(pattern("${A}-logs", None).is_some());
    }

    #[test]
    fn unwritten_namespaces_match_any() {
        assert!(namespaces_may_match(None, Some("ui")));
        assert!(namespaces_may_match(Some("ui"), None));
        assert!(namespaces_may_match(Some("ui"), Some("ui")));
        assert!(!namespaces_may_match(Some("ui"), Some("web")));
    }
}
