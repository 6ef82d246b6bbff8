#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET/) from the test fixtures, the examples
# and the embedded backend models, so that the fuzzer starts from real manifests instead of
# nothing. The corpora are generated, never committed.
set -euo pipefail
cd "$(dirname "$0")"
repo=..
sep=$'\n#---8<---\n'
revisions=$'\n#===8<===\n'
mkdir -p corpus/{yaml,scalar,quantity,check,own_files,change}
n=0
while IFS= read -r -d '' file; do
    n=$((n + 1))
    cp "$file" "corpus/yaml/$n"
    cp "$file" "corpus/check/$n"
done < <(find "$repo/tests/fixtures" "$repo/examples" "$repo/tests/cli" -type f \
    \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k -print0 | sort -z)
# Up to four files of a directory in one input, joined by the file separator.
join() {
    local first=1
    while IFS= read -r -d '' file; do
        [ "$first" = 1 ] || printf '%s' "$sep"
        cat "$file"
        first=0
    done < <(find "$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 \
        | sort -z | head -z -n 4)
}
for dir in "$repo/examples" "$repo/tests/cli/basic"; do
    join "$dir" > "corpus/check/repo-$(basename "$dir")"
done
# Change fixtures: the base files, the revision line, the head files.
for case in "$repo"/tests/fixtures/PVL7*/*/; do
    [ -d "$case/base" ] || continue
    out="corpus/change/$(basename "$(dirname "$case")")-$(basename "$case")"
    { join "$case/base"; printf '%s' "$revisions"; join "$case/head"; } > "$out"
done
for file in "$repo"/backends/*.yaml "$repo"/tests/cli/*/.pvlint.yaml "$repo"/tests/cli/*/*.yaml \
    "$repo"/rules/*/pack.yaml "$repo"/tests/packs/*/pack.yaml "$repo"/tests/packs-broken/*/*.yaml; do
    [ -f "$file" ] && cp "$file" "corpus/own_files/$(echo "${file#../}" | tr / _)"
done
# Scalars and quantities: the spellings the resolvers and the parser distinguish.
i=0
for text in yes No on OFF y ~ null 017 0o17 0x1F 0b101 1_000 -0 .inf -.Inf .NaN 1e3 1.5e-3 \
    2001-12-14 2001-12-14t21:59:43.10-05:00 12:30:45 '"x"' 1.0 +12 0.1 190:20:30; do
    i=$((i + 1)); printf '%s' "$text" > "corpus/scalar/$i"
done
for text in 10Gi 1.5G 100m 1e3 1E3 0.5Ki 12345678901234567890Ei -1 +5M .5 5. 1e-9 \
    '10Gi|2Gi' '1Ei|1Ei' 0 0.000001 1n 999999999999999999999999k; do
    i=$((i + 1)); printf '%s' "$text" > "corpus/quantity/$i"
done
echo "seeded: $(for t in corpus/*; do printf '%s=%s ' "$(basename "$t")" "$(ls "$t" | wc -l)"; done)"
