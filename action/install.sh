#!/usr/bin/env bash
# Installs pvlint for the action: builds this action's source with cargo into a cached
# directory (`version: source`), or checks that a pvlint is on PATH (`version: path`).
# Inputs come only through the environment (see action.yml).
set -euo pipefail

case "${PVLINT_VERSION:-source}" in
  path)
    command -v pvlint >/dev/null || { echo "::error title=pvlint::no pvlint on PATH (version: path)"; exit 2; }
    ;;
  source)
    bin_dir="${PVLINT_BIN_DIR:?}"
    if [ ! -x "$bin_dir/bin/pvlint" ]; then
      cargo install --locked --quiet --root "$bin_dir" --path "$GITHUB_ACTION_PATH"
    fi
    echo "$bin_dir/bin" >> "$GITHUB_PATH"
    ;;
  *)
    echo "::error title=pvlint::unknown version mode '${PVLINT_VERSION}' (use source or path)"
    exit 2
    ;;
esac
