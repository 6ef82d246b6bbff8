//! Provision: what would the cluster do.
//!
//! A dry run of the PV controller, the scheduler's volume binder and the CSI provisioner over
//! the index, against modelled backends. It produces facts (a Plan) and never diagnostics: the
//! PVL6xx rules turn outcomes into findings.

#![warn(clippy::disallowed_methods)]

pub mod backend;
pub mod backend_file;

pub use backend::{Backend, Backends};
pub mod admission;
pub mod binding;
pub mod dynamic;
pub mod plan;
mod simulate;
pub mod topology;

pub use backend_file::BackendError;
pub use plan::{ClaimPlan, Outcome, ParameterChoice, Plan, PodPlan, Reason, Related};
pub use simulate::simulate;
