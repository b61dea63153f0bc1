#!/usr/bin/env bash
# Set up whatever is missing, then print the benchmark figures (scripts/benchmark.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
exec "$VENV_PY" "$ROOT/scripts/benchmark.py" "$@"
