//! How long each stage of one run took, for the hidden `--timings` flag and the benchmarks.
//!
//! Recording is a clock read per stage, cheap enough to be always on. This module only keeps
//! the figures; the CLI prints them.

use std::time::{Duration, Instant};

/// Stage durations in the order the stages ran. A stage recorded twice (the base revision's
/// model) adds up.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    /// Each rule's own time (rules run in parallel, so these add up to more than `rules`).
    pub rules: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Runs `work` and records its wall time under `stage`.
    pub fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.add(stage, start.elapsed());
        result
    }

    /// Adds `elapsed` to `stage`.
    pub fn add(&mut self, stage: &'static str, elapsed: Duration) {
        match self.stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += elapsed,
            None => self.stages.push((stage, elapsed)),
        }
    }

    /// Appends every stage of `other`.
    pub fn extend(&mut self, other: &Timings) {
        for &(stage, elapsed) in &other.stages {
            self.add(stage, elapsed);
        }
        self.rules.extend_from_slice(&other.rules);
    }

    /// The recorded time of `stage` (zero when it did not run).
    #[must_use]
    pub fn get(&self, stage: &str) -> Duration {
        self.stages
            .iter()
            .find(|(name, _)| *name == stage)
            .map_or(Duration::ZERO, |&(_, elapsed)| elapsed)
    }
}
