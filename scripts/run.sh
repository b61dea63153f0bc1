#!/usr/bin/env bash
# Set up whatever is missing, then start the action server, the Rasa server and the site
# (demo pages with the widget, the FAQ), and say where to find them. Ctrl-C stops both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"

RASA_PORT="${RASA_PORT:-5005}"
SITE_PORT="${SITE_PORT:-8080}"
ACTION_PORT=5055   # fixed by endpoints.yml
mkdir -p var

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for() {  # wait_for NAME URL LOG: poll until the server answers, or show its log
  local name="$1" url="$2" log="$3"
  for _ in $(seq 1 240); do
    if "$VENV_PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "run: the $name did not start; its log ($log) ends with:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

for port in "$ACTION_PORT" "$RASA_PORT" "$SITE_PORT"; do
  if "$VENV_PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', int(sys.argv[1]))) != 0)" "$port"; then
    echo "run: port $port is already in use (is the assistant already running?)" >&2
    exit 1
  fi
done

# Messaging apps are on only when their environment variables are set (README).
CHANNELS="$("$VENV_PY" -m channels.app_settings var/credentials.yml)"

"$VENV/bin/rasa" run actions --port "$ACTION_PORT" >"$LOGS/actions.log" 2>&1 &
pids+=($!)
"$VENV/bin/rasa" run --model "$MODEL" --port "$RASA_PORT" --cors "*" \
  --endpoints endpoints.yml --credentials var/credentials.yml >"$LOGS/rasa.log" 2>&1 &
pids+=($!)
step build-site "$VENV_PY" scripts/build_site.py build/site --rasa-url "http://localhost:$RASA_PORT"
"$VENV_PY" -m webapp.server --root build/site --port "$SITE_PORT" >"$LOGS/site.log" 2>&1 &
pids+=($!)
wait_for "action server" "http://localhost:$ACTION_PORT/health" "$LOGS/actions.log"
wait_for "Rasa server" "http://localhost:$RASA_PORT/" "$LOGS/rasa.log"
wait_for "site server" "http://localhost:$SITE_PORT/faq.json" "$LOGS/site.log"

cat <<MSG
The IEP mediation assistant is running (Ctrl-C stops it).
  Demo site with the chat widget:  http://localhost:$SITE_PORT/demo/
  FAQ page:        http://localhost:$SITE_PORT/faq/   (JSON: http://localhost:$SITE_PORT/faq.json)
  Chat over REST:  POST http://localhost:$RASA_PORT/webhooks/rest/webhook
                   e.g. curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"is mediation free?"}'
  Socket.IO:       http://localhost:$RASA_PORT/socket.io
  Logs:            $LOGS/rasa.log, $LOGS/actions.log, $LOGS/site.log
Messaging apps (PUBLIC_URL=${PUBLIC_URL:-http://localhost:$RASA_PORT}):
$CHANNELS
MSG
wait -n "${pids[@]}"
echo "run: a server stopped unexpectedly; see $LOGS" >&2
exit 1
