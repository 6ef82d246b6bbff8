//! What every rule file imports.
#![allow(
    unused_imports,
    reason = "the prelude offers what rules commonly need; each rule uses a part"
)]

pub(crate) use crate::diagnostic::Severity;
pub(crate) use crate::index::{ClaimUse, ClaimVolume, ClassResolution, Index};
pub(crate) use crate::load::tree::{Entry, Node, NodeKind};
pub(crate) use crate::model::{
    Claim, ClaimClass, ClaimId, ClaimOrigin, Object, ObjectKind, PersistentVolume, StorageClass,
    VolumeSource, Workload, WorkloadKind, is_placeholder,
};
pub(crate) use crate::rules::{Category, Check, Rule, RuleContext, declare_rule};
pub(crate) use crate::source::{Span, Spanned};
