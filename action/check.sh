#!/usr/bin/env bash
# Runs one pvlint check for the action: annotations (stdout), SARIF, the job summary, and the
# step outputs. Inputs come only through the environment (see action.yml); nothing here is
# expanded by the workflow engine.
set -euo pipefail

report="${RUNNER_TEMP:?}/pvlint-report.json"
summary="${RUNNER_TEMP}/pvlint-summary.md"
args=(check --fail-level "${PVLINT_FAIL_LEVEL:-error}" --format "json=$report" --format "sarif=${PVLINT_SARIF_FILE:-pvlint.sarif}")
if [ "${PVLINT_ANNOTATIONS:-true}" = "true" ]; then
  args+=(--format github)
fi
if [ "${PVLINT_SUMMARY:-true}" = "true" ]; then
  args+=(--format "markdown=$summary")
fi
if [ -n "${PVLINT_CONFIG:-}" ]; then
  args+=(--config "$PVLINT_CONFIG")
fi
if [ -n "${PVLINT_KUBE_VERSION:-}" ]; then
  args+=(--kube-version "$PVLINT_KUBE_VERSION")
fi
while IFS= read -r backend; do
  if [ -n "$backend" ]; then
    args+=(--backend "$backend")
  fi
done <<< "${PVLINT_BACKEND:-}"

# PR mode: the merge base with the target branch.
base_ref="${PVLINT_BASE_REF:-${GITHUB_BASE_REF:-}}"
if [ -n "$base_ref" ]; then
  base="$(git merge-base "origin/$base_ref" HEAD 2>/dev/null || git merge-base "$base_ref" HEAD 2>/dev/null || true)"
  if [ -z "$base" ]; then
    echo "::error title=pvlint::cannot find the merge base with '$base_ref': check out the history (actions/checkout with fetch-depth: 0)"
    exit 2
  fi
  args+=(--base "$base" --new-only)
fi

read -r -a paths <<< "${PVLINT_PATHS:-.}"
status=0
pvlint "${args[@]}" "${paths[@]}" || status=$?

if [ -f "$summary" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -f "$report" ]; then
  python3 - "$report" "${PVLINT_SARIF_FILE:-pvlint.sarif}" >> "$GITHUB_OUTPUT" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
findings = summary["errors"] + summary["warnings"] + summary["info"]
print(f"findings={findings}")
print(f"errors={summary['errors']}")
print(f"sarif-file={sys.argv[2]}")
PY
fi
exit "$status"
