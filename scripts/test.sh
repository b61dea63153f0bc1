#!/usr/bin/env bash
# Set up whatever is missing (including a trained model), then run every test:
# pytest (knowledge base, actions, rendering, project files and `rasa data validate`,
# end to end over REST) and the conversation tests (`rasa test`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"

"$VENV_PY" -m pytest -q -p no:warnings -p no:cacheprovider tests

RESULTS="$ROOT/var/results"
if ! "$VENV/bin/rasa" test core --model "$MODEL" --stories tests/conversations \
     --fail-on-prediction-errors --out "$RESULTS" >"$LOGS/rasa-test.log" 2>&1; then
  echo "conversation tests failed; stories that failed ($RESULTS/failed_test_stories.yml):" >&2
  cat "$RESULTS/failed_test_stories.yml" >&2 2>/dev/null || tail -n 40 "$LOGS/rasa-test.log" >&2
  exit 1
fi
echo "conversation tests passed ($(cat tests/conversations/*.yml | grep -c '^- story:') stories)"
