#!/usr/bin/env bash
# Set up whatever is missing, then load-test the assistant against a stock `rasa init` bot
# (and the cluster, when scripts/cluster.sh exists) and print the figures (scripts/loadtest.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "$VENV_PY" "$ROOT/scripts/loadtest.py" "$@"
