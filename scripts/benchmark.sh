#!/usr/bin/env bash
# Set up whatever is missing, then print the benchmark figures (scripts/benchmark.py) and
# latency and memory against an earlier release (scripts/compare_release.py), and the SMS
# segments of every answer and of the scripted SMS conversations (scripts/sms_segments.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
"$VENV_PY" "$ROOT/scripts/benchmark.py" "$@"
# Latency and memory against the last English-only release, side by side (BASELINE=none skips).
if [ "${BASELINE:-11b86dd}" != none ]; then
  "$VENV_PY" "$ROOT/scripts/compare_release.py" --baseline "${BASELINE:-11b86dd}"
fi
echo "SMS segments (scripts/sms_segments.py):"
"$VENV_PY" "$ROOT/scripts/sms_segments.py"
