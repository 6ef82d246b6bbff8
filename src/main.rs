//! The `pvlint` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use pvlint::cli::{self, Args};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    match cli::run(args) {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) => {
            let broken_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            #[expect(clippy::print_stderr, reason = "main reports the failure of the run")]
            {
                eprintln!("pvlint failed: {error:#}");
            }
            ExitCode::from(2)
        }
    }
}
