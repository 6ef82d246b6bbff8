#!/usr/bin/env bash
# Whole-process wall time and peak memory of `pvlint check` on generated corpora, next to the
# parse-only floor (`pvlint check --parse-only`: discover, read and parse, nothing else)
# measured by the same binary, plus the pre-commit case (one changed file, `--context .`).
#
#   bench/run.sh                 # 1k, 10k and 100k app files
#   bench/run.sh 1000 10000      # chosen sizes
#
# Environment: SEED (1), RUNS (3; the best wall time is kept, and the peak memory of that run),
# CORPORA (where corpora are generated and cached, by seed and size; /tmp/pvlint-corpora),
# KEEP=0 to delete each corpus after measuring it. Needs GNU time (`apt-get install -y time`).
# Timing is never a test: nothing here fails because the machine is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1000 10000 100000); fi
seed=${SEED:-1}
runs=${RUNS:-3}
corpora=${CORPORA:-/tmp/pvlint-corpora}
if [ ! -x /usr/bin/time ]; then
    echo "bench/run.sh needs GNU time at /usr/bin/time (apt-get install -y time)" >&2
    exit 2
fi
cargo build --release --quiet --bin pvlint --example gen-corpus
bin=$root/target/release/pvlint
gen=$root/target/release/examples/gen-corpus
mkdir -p "$corpora"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# measure NAME DIR ARGS...: runs pvlint RUNS times in DIR; sets wall, cpu (user+sys) and peak
# (KB) of the fastest run, and writes its --timings lines to $scratch/NAME.timings.
measure() {
    local name=$1 dir=$2
    shift 2
    wall="" cpu="" peak=""
    for _ in $(seq "$runs"); do
        (cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" \
            "$bin" "$@" --timings >/dev/null 2>"$scratch/stderr") || true
        read -r w u s m < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$scratch/time" | tail -n 1)
        if [ -z "$wall" ] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'; then
            wall=$w cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') peak=$m
            grep '^timing' "$scratch/stderr" >"$scratch/$name.timings" || true
        fi
    done
}

printf '%-7s %7s %8s %9s | %8s %8s %8s | %8s %8s %8s | %6s %6s %6s\n' \
    files MB objects "" "parse s" "cpu s" "peak MB" "check s" "cpu s" "peak MB" ratio "cpu r" "mem/MB"
for files in "${sizes[@]}"; do
    corpus=$corpora/seed$seed-files$files
    if [ ! -f "$corpus.summary" ]; then
        rm -rf "$corpus"
        "$gen" --files "$files" --seed "$seed" "$corpus" 2>"$corpus.summary"
    fi
    # "wrote F files, O objects, B bytes, D seeded defects, to DIR"
    read -r total objects bytes < <(awk '{ print $2, $4, $6 }' "$corpus.summary")
    measure parse "$corpus" check --no-config --parse-only .
    parse_wall=$wall parse_cpu=$cpu parse_peak=$peak
    measure check "$corpus" check --no-config .
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    printf '%-7s %7s %8s %9s | %8s %8s %8.0f | %8s %8s %8.0f | %6.2f %6.2f %6.1f\n' \
        "$total" "$mb" "$objects" "" "$parse_wall" "$parse_cpu" "$(awk -v k="$parse_peak" 'BEGIN { print k / 1024 }')" \
        "$wall" "$cpu" "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" \
        "$(awk -v a="$wall" -v b="$parse_wall" 'BEGIN { print a / b }')" \
        "$(awk -v a="$cpu" -v b="$parse_cpu" 'BEGIN { print a / b }')" \
        "$(awk -v k="$peak" -v b="$bytes" 'BEGIN { print k * 1024 / b }')"
    sed 's/^timing /    /' "$scratch/check.timings"
    if [ "$files" = 10000 ]; then
        changed=$(cd "$corpus" && ls team-3/*/app.yaml | head -n 1)
        measure precommit "$corpus" check --no-config --context . "$changed"
        printf '    pre-commit: check --context . %s: %s s wall, %s s cpu, %.0f MB peak\n' \
            "$changed" "$wall" "$cpu" "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')"
    fi
    if [ "${KEEP:-1}" = 0 ]; then rm -rf "$corpus" "$corpus.summary"; fi
done
echo "ratio: check wall / parse-only wall; cpu r: the same for user+sys CPU time; mem/MB: check peak / corpus bytes"
