//! Per-stage benchmark of `check` on a generated corpus (`cargo bench --bench stages`):
//! discover, read, parse, model, index, plan, graph, rules (with the schema rule PVL005 on its
//! own), findings (attach, suppress, sort) and report (human and JSON), and end to end.
//!
//! Without an argument it generates a corpus of 1,000 app files (seed 1, about 7,000 objects)
//! in a temporary directory with the generator of `examples/gen-corpus`; with a directory
//! argument (`cargo bench --bench stages -- /tmp/pvlint-corpora/seed1-files10000`) it checks
//! that. Each stage's figure is the median of several runs, from the durations `check` records
//! (the same ones `pvlint check --timings` prints). Whole-process time and peak memory are
//! `bench/run.sh`'s job.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark prints its figures"
)]

#[path = "../examples/gen-corpus/corpus.rs"]
#[allow(dead_code, reason = "the generator's summary is only partly used here")]
mod corpus;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use pvlint::load::Inputs;
use pvlint::report::{self, Format, HumanStyle};
use pvlint::settings::Settings;
use pvlint::source::SourceMap;
use pvlint::timings::Timings;

/// The binary's allocator, so the figures are the ones users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn main() {
    let argument = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(PathBuf::from);
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let path = argument.unwrap_or_else(|| {
        let path = scratch.path().join("corpus");
        let summary = corpus::write(&path, 1_000, 1).expect("the corpus is written");
        println!(
            "generated {} files, {} objects, {} bytes",
            summary.files, summary.objects, summary.bytes
        );
        path
    });
    let inputs = Inputs {
        paths: vec![path.clone()],
        ..Inputs::default()
    };
    let settings = Settings::default();
    let style = HumanStyle {
        color: false,
        width: 100,
    };
    let links = report::markdown::LinkBase::default();
    let mut runs: Vec<Timings> = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut result = pvlint::check(&inputs, &settings, SourceMap::default());
        for (stage, format) in [
            ("report: human", Format::Human),
            ("report: json", Format::Json),
        ] {
            let report_start = Instant::now();
            report::write(&result, format, style, &links, &mut std::io::sink()).unwrap();
            result.timings.add(stage, report_start.elapsed());
        }
        totals.push(start.elapsed());
        black_box(result.diagnostics.len());
        runs.push(result.timings);
    }
    println!(
        "check {} ({} threads), median of {RUNS} runs:",
        path.display(),
        rayon::current_num_threads()
    );
    let Some(first) = runs.first() else {
        return;
    };
    for (stage, _) in &first.stages {
        let times = runs.iter().map(|timings| timings.get(stage)).collect();
        println!("  {stage:<24} {:>10.1} ms", millis(median(times)));
    }
    let rule = |timings: &Timings, code: &str| {
        timings
            .rules
            .iter()
            .filter(|(rule, _)| *rule == code)
            .map(|(_, elapsed)| *elapsed)
            .sum::<Duration>()
    };
    let schema = median(runs.iter().map(|timings| rule(timings, "PVL005")).collect());
    let all: Duration = median(
        runs.iter()
            .map(|timings| timings.rules.iter().map(|(_, elapsed)| *elapsed).sum())
            .collect(),
    );
    println!(
        "  of the rules, summed over threads: schema (PVL005) {:.1} ms, the others {:.1} ms",
        millis(schema),
        millis(all.saturating_sub(schema))
    );
    println!(
        "  end to end (check, human and JSON reports) {:>6.1} ms",
        millis(median(totals))
    );
}
