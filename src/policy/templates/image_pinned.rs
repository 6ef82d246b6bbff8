//! `image-pinned`: every image at `path` must name a tag other than `latest`, or a digest;
//! with `requireDigest`, a digest (`@sha256:…`) is required. Placeholders are left alone.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::policy::matcher::{Subject, Value};
use crate::policy::path::FieldPath;
use crate::policy::templates::{Compiled, Hit, Params, Template, TemplateDef};
use crate::provision::Plan;
use crate::spanned_yaml::InputError;

pub const DEF: TemplateDef = TemplateDef {
    name: "image-pinned",
    summary: "every image at `path` must be pinned: a tag other than `latest`, or a digest",
    placeholders: &["problem"],
    schema: |generator| generator.subschema_for::<ImagePinnedParams>(),
    compile,
};

fn default_path() -> String {
    "spec.containers[*].image".to_owned()
}

/// Params of `image-pinned`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImagePinnedParams {
    /// The images to check (default `spec.containers[*].image`, which also reaches every pod
    /// template).
    #[serde(default = "default_path")]
    pub path: String,
    /// Require a digest (`image@sha256:…`) even when a tag is given.
    #[serde(default)]
    pub require_digest: bool,
}

#[derive(Debug)]
struct ImagePinned {
    path: FieldPath,
    require_digest: bool,
}

fn compile(params: &Params<'_>) -> Result<Compiled, InputError> {
    let read: ImagePinnedParams = params.read()?;
    Ok(Compiled {
        template: Box::new(ImagePinned {
            path: params.path("path", &read.path)?,
            require_digest: read.require_digest,
        }),
        vars: Vec::new(),
    })
}

/// What is wrong with an image reference, if anything.
fn problem(image: &str, require_digest: bool) -> Option<&'static str> {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, tag)| tag);
    if digest.is_some() {
        return None;
    }
    match tag {
        _ if require_digest => Some("is not pinned by digest"),
        None | Some("") => Some("has no tag, so it runs `latest`"),
        Some("latest") => Some("uses the `latest` tag"),
        Some(_) => None,
    }
}

impl Template for ImagePinned {
    fn evaluate(&self, subject: &Subject<'_>, _: &Plan, hits: &mut Vec<Hit>) {
        for Value {
            node,
            path,
            text: image,
        } in subject.values(&self.path)
        {
            let Some(problem) = problem(image.trim(), self.require_digest) else {
                continue;
            };
            hits.push(Hit {
                span: node.span,
                path,
                value: Some(image),
                vars: vec![("problem", problem.to_owned())],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn tags_and_digests() {
        assert_eq!(
            problem("registry.k8s.io/sig-storage/csi-provisioner:v5.0.1", false),
            None
        );
        assert_eq!(
            problem("localhost:5000/driver", false),
            Some("has no tag, so it runs `latest`")
        );
        assert_eq!(
            problem("driver:latest", false),
            Some("uses the `latest` tag")
        );
        assert_eq!(problem("driver@sha256:abc", true), None);
        assert_eq!(problem("driver:v1", true), Some("is not pinned by digest"));
        assert_eq!(problem("localhost:5000/driver:v1", false), None);
    }
}
