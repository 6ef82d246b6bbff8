//! Generates a deterministic, realistic repository of Kubernetes manifests for benchmarks:
//! `cargo run --release --example gen-corpus -- --files 10000 --seed 1 OUT/`.
//!
//! The generator itself is `corpus.rs`, shared with `benches/stages.rs`; this is its command
//! line. It prints the number of files, objects, bytes and seeded defects it wrote.

#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reporting what it wrote"
)]

mod corpus;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut files = 1_000u64;
    let mut seed = 1u64;
    let mut out = PathBuf::from("corpus");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--files" => files = args.next().and_then(|n| n.parse().ok()).unwrap_or(files),
            "--seed" => seed = args.next().and_then(|n| n.parse().ok()).unwrap_or(seed),
            other => out = PathBuf::from(other),
        }
    }
    let summary = corpus::write(&out, files, seed)?;
    eprintln!(
        "wrote {} files, {} objects, {} bytes, {} seeded defects, to {}",
        summary.files,
        summary.objects,
        summary.bytes,
        summary.defects,
        out.display()
    );
    Ok(())
}
