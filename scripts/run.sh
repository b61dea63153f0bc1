#!/usr/bin/env bash
# Set up whatever is missing, then run the action server, the Rasa server and the site
# (demo pages with the widget, the FAQ) under supervisord, which restarts any of them
# that crashes (service/servers/supervisord.conf). Ctrl-C stops all three.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"

export ROOT VENV_PY MODEL LOGS
export VAR_DIR="$ROOT/var"
export RASA_PORT="${RASA_PORT:-5005}"
export SITE_PORT="${SITE_PORT:-8080}"
export ACTION_PORT=5055   # fixed by endpoints.yml
export RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}"
export SITE_ROOT="$ROOT/build/site"
export ENDPOINTS="$ROOT/endpoints.yml"
export CREDENTIALS="$VAR_DIR/credentials.yml"
# Browsers may call the assistant from the site's own origin unless told otherwise.
export ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-http://localhost:$SITE_PORT,http://127.0.0.1:$SITE_PORT}"
# The Rasa server proves itself to the action server with this secret (endpoints.yml).
ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$("$VENV_PY" -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export ACTION_SERVER_TOKEN
SUPERVISOR_CONF="$VAR_DIR/supervisord.conf"
mkdir -p "$VAR_DIR"

for port in "$ACTION_PORT" "$RASA_PORT" "$SITE_PORT"; do
  if "$VENV_PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', int(sys.argv[1]))) != 0)" "$port"; then
    echo "run: port $port is already in use (is the assistant already running?)" >&2
    exit 1
  fi
done

# Messaging apps are on only when their environment variables are set (README).
CHANNELS="$("$VENV_PY" -m channels.app_settings "$CREDENTIALS")"
step build-site "$VENV_PY" scripts/build_site.py "$SITE_ROOT" --rasa-url "$RASA_URL"
ORGANISATION="$("$VENV_PY" -m knowledge_base.contacts)"

"$VENV_PY" -m service.servers.supervisor_config service/servers/supervisord.conf "$SUPERVISOR_CONF"
"$VENV/bin/supervisord" -c "$SUPERVISOR_CONF" >>"$LOGS/supervisord.out" 2>&1 &
SUPERVISOR_PID=$!
stop() { kill -TERM "$SUPERVISOR_PID" 2>/dev/null || true; wait "$SUPERVISOR_PID" 2>/dev/null || true; }
trap stop EXIT INT TERM

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
wait_for "action server" "http://localhost:$ACTION_PORT/health" "$LOGS/actions.log"
wait_for "Rasa server" "http://localhost:$RASA_PORT/" "$LOGS/rasa.log"
wait_for "site server" "http://localhost:$SITE_PORT/faq.json" "$LOGS/site.log"

cat <<MSG
The IEP mediation assistant is running (Ctrl-C stops it; a crashed server restarts by itself).
  Demo site with the chat widget:  http://localhost:$SITE_PORT/demo/   (en español: /demo/es/)
  FAQ page:        http://localhost:$SITE_PORT/faq/   (JSON: http://localhost:$SITE_PORT/faq.json)
  FAQ in Spanish:  http://localhost:$SITE_PORT/es/faq/   (JSON: http://localhost:$SITE_PORT/es/faq.json)
  Chat over REST:  POST http://localhost:$RASA_PORT/webhooks/rest/webhook
                   e.g. curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"is mediation free?"}'
  Socket.IO:       http://localhost:$RASA_PORT/socket.io   (browsers allowed from: $ALLOWED_ORIGINS)
  Servers:         $VENV/bin/supervisorctl -c var/supervisord.conf status
  Logs:            $LOGS/rasa.log, $LOGS/actions.log, $LOGS/site.log (rotated at 5 MB)
Messaging apps (PUBLIC_URL=${PUBLIC_URL:-http://localhost:$RASA_PORT}):
$CHANNELS
For the organisation:
  Insights report: $( [ -n "${INSIGHTS_TOKEN:-}" ] && echo "http://localhost:$SITE_PORT/insights/ (sign in with INSIGHTS_TOKEN)" || echo "off (set INSIGHTS_TOKEN; or run make report)")
  Callback requests: $( [ -n "${HANDOFF_INBOX:-}" ] && [ -n "${SMTP_HOST:-}" ] && [ -n "${SMTP_FROM:-}" ] && echo "e-mailed to $HANDOFF_INBOX via $SMTP_HOST" || echo "off (set HANDOFF_INBOX, SMTP_HOST, SMTP_FROM)")
  Conversations kept: ${RETENTION_DAYS:-90} days after the last message (RETENTION_DAYS)
  Your own contacts in "talk to a person": $ORGANISATION
MSG
wait "$SUPERVISOR_PID"
