#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, from corpora seeded by seed.sh,
# and prints libFuzzer's closing figures per target. A crash stops the script with libFuzzer's
# report and the input saved under fuzz/artifacts/TARGET/ (make it a regression test).
#
#   fuzz/run.sh 20                 # CI's smoke run
#   fuzz/run.sh 600 yaml check     # a longer campaign on two targets
#
# Stable Rust: `-s none` (no sanitizer) is what needs no nightly; libFuzzer's coverage
# instrumentation works with it. Panics still abort and are caught.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
shift || true
[ -d corpus ] || ./seed.sh
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
cargo fuzz build -s none -O
for target in "${targets[@]}"; do
    log=$(mktemp)
    if ! cargo fuzz run -s none -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 > "$log" 2>&1; then
        tail -60 "$log"
        echo "fuzz target $target failed: see fuzz/artifacts/$target/" >&2
        exit 1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
    echo "fuzz $target: ${seconds}s, ${execs:-?} executions, ${last:-no figures}"
    rm -f "$log"
done
