#!/usr/bin/env bash
# Lint, format check, types and dead code (pyproject.toml has the settings), and the site's
# JavaScript with ESLint (eslint.config.js; pinned in package.json). Quiet when clean.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_DEV=1 SETUP_SKIP_TRAIN=1 . "$ROOT/scripts/setup.sh"
cd "$ROOT"
status=0
run() {  # run NAME COMMAND...: show the output only when it fails
  local out
  if ! out="$("$@" 2>&1)"; then
    echo "lint: $1 found problems:" >&2
    echo "$out" >&2
    status=1
  fi
}
run "$VENV/bin/ruff" check --quiet .
run "$VENV/bin/ruff" format --check --quiet .
run "$VENV/bin/mypy"
run "$VENV/bin/vulture"
run "$ROOT/node_modules/.bin/eslint" --max-warnings 0 eslint.config.js site
exit "$status"
