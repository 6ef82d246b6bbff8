//! Benchmark of the dry run's matching work: N claims against N static PVs in 50 classes
//! (`cargo bench --bench plan`). Loading, modelling and indexing happen once, outside the
//! timing; `simulate` is timed alone, several times, and the best and median are printed, with
//! the growth from the smallest to the largest size.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use pvlint::index::Index;
use pvlint::load::{self, Inputs, LoadOptions};
use pvlint::model::{Model, ModelOptions};
use pvlint::provision::{self, Backends};
use pvlint::source::SourceMap;

/// The binary's allocator, so the figures are the ones users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MODES: [&str; 4] = [
    "[ReadWriteOnce]",
    "[ReadWriteOnce, ReadWriteMany]",
    "[ReadOnlyMany]",
    "[ReadWriteOncePod]",
];

fn manifests(count: usize) -> String {
    let mut text = String::with_capacity(count * 500);
    for class in 0..50 {
        let _ = write!(
            text,
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: class-{class}}}\nprovisioner: example.com/driver-{}\n",
            class % 5
        );
    }
    for at in 0..count {
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: pv-{at}}}\nspec:\n  capacity: {{storage: {}Gi}}\n  accessModes: {}\n  storageClassName: class-{}\n  nfs: {{server: nfs.example.com, path: /pv-{at}}}\n",
            1 + (at * 7919) % 500,
            MODES[at % MODES.len()],
            at % 50
        );
    }
    for at in 0..count {
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: claim-{at}, namespace: ns-{}}}\nspec:\n  storageClassName: class-{}\n  accessModes: {}\n  resources: {{requests: {{storage: {}Gi}}}}\n",
            at % 100,
            (at * 31) % 50,
            MODES[(at / 3) % MODES.len()],
            1 + (at * 104_729) % 400
        );
    }
    text
}

fn bench(count: usize, runs: usize) -> Duration {
    let inputs = Inputs {
        stdin: Some(manifests(count)),
        ..Inputs::default()
    };
    let workspace = load::load(&inputs, &LoadOptions::default(), SourceMap::default());
    let model = Model::build(workspace.documents(), &ModelOptions::default());
    let index = Index::build(model, &workspace.sources, Vec::new());
    let backends = Backends::default();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let plan = provision::simulate(&index, &backends);
            let elapsed = start.elapsed();
            assert_eq!(plan.claims.len(), count);
            elapsed
        })
        .collect();
    times.sort();
    let best = times[0];
    let median = times[times.len() / 2];
    println!(
        "plan {count:>7} claims x {count:>7} PVs, 50 classes: best {best:>10.2?}, median {median:>10.2?}"
    );
    best
}

fn main() {
    let small = bench(10_000, 5);
    bench(30_000, 3);
    let large = bench(100_000, 3);
    let growth = large.as_secs_f64() / small.as_secs_f64();
    println!("growth of the best time for 10x the objects: {growth:.1}x");
}
