//! JSON Schema validation of spanned YAML documents.
//!
//! - [`generate`] turns the upstream Kubernetes OpenAPI documents and CRDs into one JSON Schema
//!   per kind and API version (the committed `schemas/kubernetes/<release>/` tree; the
//!   `gen-schemas` example writes it, `tests/schemas.rs` checks it is fresh).
//! - [`builtin`] embeds those schemas in the binary and compiles each one lazily, once, into a
//!   [`Validator`] shared by every thread.
//! - [`user`] reads the schemas a user supplies (`schemas:` in the config: CRDs or JSON Schema
//!   files).
//! - [`validate`] runs a [`Validator`] over a [`Node`](crate::load::tree::Node) tree directly
//!   ([`instance`] makes the tree a `jsonschema` instance) and maps every error to the span of
//!   the exact key or value, with a message in pvlint's words.
//!
//! The validator is reusable for any spanned YAML input (pvlint's own config and backend
//! files can be validated the same way).

#![warn(clippy::disallowed_methods)]

pub mod builtin;
pub mod generate;
pub mod instance;
pub mod user;
mod validate;

pub use builtin::{DEFAULT_KUBE_MINOR, KUBE_MINORS};
pub use user::UserSchemas;
pub use validate::{PathSegment, SchemaError, SchemaErrorKind, Validator, validate};
