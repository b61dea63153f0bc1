#!/usr/bin/env bash
# The unit tier only (tests/unit/, marker `unit`): no servers, trained model, browser or root,
# so it sets up without training and without the Debian packages. `make test` runs every tier.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_DEV=1 SETUP_SKIP_TRAIN=1 . "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "$VENV_PY" -m pytest -q -p no:warnings -p no:cacheprovider -m unit tests "$@"
