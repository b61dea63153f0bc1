#!/usr/bin/env bash
# Set up whatever is missing (including a trained model), then run every test: the
# widget's JavaScript unit tests (node --test, site/widget/test/), pytest's tiers
# (tests/unit, tests/e2e, tests/browser, tests/cluster; docs/architecture.md, "Tests") and
# the conversation tests (`rasa test`). `make test-fast` runs the unit tier only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# What the tests need outside Python, first (a missing one stops here, not in 11 errors):
# Chromium for the browser tests, PostgreSQL, Redis and nginx for the cluster tests.
# Installed with apt when root; otherwise one line says what to install and how.
. "$ROOT/scripts/system_packages.sh"
ensure_debian_packages chromium postgresql redis-server nginx
SETUP_DEV=1 . "$ROOT/scripts/setup.sh"
cd "$ROOT"

# The widget's pure modules (markdown, storage, config), with Node's own test runner.
node --test --test-reporter=dot site/widget/test/*.test.js

# Two pytest-xdist workers (TEST_WORKERS), each taking a whole module at a time so that its
# servers start once (docs/architecture.md, "Tests"); everything they share outside their
# temporary folders (the spaCy pipeline in build/, the model) the set-up above has built.
IEP_REQUIRE_MODEL=1 "$VENV_PY" -m pytest -q -p no:warnings -p no:cacheprovider \
  -n "${TEST_WORKERS:-2}" --dist loadscope --no-loadscope-reorder tests

RESULTS="$ROOT/var/results"
if ! "$VENV/bin/rasa" test core --model "$MODEL" --stories tests/conversations \
     --fail-on-prediction-errors --out "$RESULTS" >"$LOGS/rasa-test.log" 2>&1; then
  echo "conversation tests failed; stories that failed ($RESULTS/failed_test_stories.yml):" >&2
  cat "$RESULTS/failed_test_stories.yml" >&2 2>/dev/null || tail -n 40 "$LOGS/rasa-test.log" >&2
  exit 1
fi
echo "conversation tests passed ($(cat tests/conversations/*.yml | grep -c '^- story:') stories)"
