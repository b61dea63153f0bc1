#!/usr/bin/env bash
# The assistant scaled out on one machine: N Rasa instances, each with its own action server,
# behind nginx; conversations in PostgreSQL (Rasa's SQL tracker store), Redis as the lock store.
#
#   scripts/cluster.sh start [--instances N]   set up what is missing, start what is not running
#   scripts/cluster.sh stop                    stop everything (by PID); safe to repeat
#   scripts/cluster.sh status                  what runs; exit 1 if something does not
#
# Every port and path can be changed by environment variables (defaults below). Secrets are
# generated once into $CLUSTER_DIR/secrets.env (mode 600) and reach the servers through the
# environment only; the generated endpoints.yml refers to them as ${...}. See docs/deploy.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: scripts/cluster.sh start|stop|status [--instances N]" >&2; exit 2; }
CMD="${1:-}"; [ $# -gt 0 ] && shift
INSTANCES="${CLUSTER_INSTANCES:-2}"
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) [ $# -ge 2 ] || usage; INSTANCES="$2"; shift 2 ;;
    --instances=*) INSTANCES="${1#*=}"; shift ;;
    *) usage ;;
  esac
done
[[ "$INSTANCES" =~ ^[1-9][0-9]*$ ]] || { echo "cluster: --instances must be a positive number" >&2; exit 2; }

CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/var/cluster}"
CLUSTER_LOGS="${CLUSTER_LOGS:-$ROOT/var/logs/cluster}"
CLUSTER_BIND="${CLUSTER_BIND:-127.0.0.1}"          # nginx's listen address
CLUSTER_PORT="${CLUSTER_PORT:-8088}"               # nginx: the one public port
CLUSTER_PUBLIC_URL="${CLUSTER_PUBLIC_URL:-http://localhost:$CLUSTER_PORT}"
CLUSTER_RASA_PORT="${CLUSTER_RASA_PORT:-5105}"     # instance i listens on CLUSTER_RASA_PORT+i-1
CLUSTER_ACTION_PORT="${CLUSTER_ACTION_PORT:-5155}" # its action server on CLUSTER_ACTION_PORT+i-1
CLUSTER_PG_PORT="${CLUSTER_PG_PORT:-5433}"
CLUSTER_PG_BIN="${CLUSTER_PG_BIN:-/usr/lib/postgresql/15/bin}"
CLUSTER_PG_OS_USER="${CLUSTER_PG_OS_USER:-postgres}"  # initdb refuses root: as root, run PostgreSQL as this user
CLUSTER_PG_DB="${CLUSTER_PG_DB:-rasa}"
CLUSTER_PG_USER="${CLUSTER_PG_USER:-rasa}"
CLUSTER_REDIS_PORT="${CLUSTER_REDIS_PORT:-6380}"
CLUSTER_REDIS_DB="${CLUSTER_REDIS_DB:-1}"
CLUSTER_RASA_BIND="${CLUSTER_RASA_BIND:-127.0.0.1}" # instances take traffic from nginx only
CLUSTER_NGINX_USER="${CLUSTER_NGINX_USER:-nobody}"    # nginx workers' user and group when started as root
CLUSTER_NGINX_GROUP="${CLUSTER_NGINX_GROUP:-nogroup}"
# A turn holds its conversation's lock for ~50 ms; a lock left by a killed instance blocks that
# conversation until it expires (Rasa's default: 60 s). 20 s keeps a wide margin either way.
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-20}"
# Browsers may call the instances (through nginx) from the cluster's own site.
export ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-$CLUSTER_PUBLIC_URL}"
# The instances sit behind one proxy (nginx, which sets X-Forwarded-For): Sanic then takes the
# client's address from it (the callback limit counts per client: channels/client_tag.py).
export SANIC_PROXIES_COUNT="${SANIC_PROXIES_COUNT:-1}"
# Rasa's defaults (50 + 100 connections per instance) would exceed PostgreSQL's limit.
export SQL_POOL_SIZE="${SQL_POOL_SIZE:-10}" SQL_MAX_OVERFLOW="${SQL_MAX_OVERFLOW:-20}"

PIDS="$CLUSTER_DIR/pids"
PGROOT="${CLUSTER_PG_DIR:-$CLUSTER_DIR/postgres}"
PGDATA="$PGROOT/data"
PGSOCK="$PGROOT/run"
SECRETS="$CLUSTER_DIR/secrets.env"
NGINX_CONF="$CLUSTER_DIR/nginx.conf"
NGINX_PREFIX="$CLUSTER_DIR/nginx/"
ENDPOINTS="$CLUSTER_DIR/endpoints.yml"
CREDENTIALS="$CLUSTER_DIR/credentials.yml"
SITE="$CLUSTER_DIR/site"

fail() { echo "cluster: $*" >&2; exit 1; }

show_log() {  # show_log WHAT LOG: say what failed and show the end of its log
  echo "cluster: $1; its log ($2) ends with:" >&2
  tail -n 40 "$2" >&2 2>/dev/null || true
  exit 1
}

pid_alive() {  # pid_alive PIDFILE WORD: the process in PIDFILE runs and its command line has WORD
  local pid
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

wait_http() {  # wait_http NAME URL LOG [PIDFILE]: poll until URL answers, or show LOG
  local i
  for i in $(seq 1 480); do
    http_ok "$2" && return 0
    if [ -n "${4:-}" ] && [ "$((i % 10))" -eq 0 ] && ! pid_alive "$4" ""; then break; fi
    sleep 0.25
  done
  show_log "the $1 did not start" "$3"
}

stop_pid() {  # stop_pid NAME PIDFILE WORD: SIGTERM, wait up to 30 s, then SIGKILL
  local pid i
  if pid_alive "$2" "$3"; then
    pid="$(cat "$2")"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster: $1 (pid $pid) did not stop in 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$2"
}

as_pg() {  # run a PostgreSQL command as the database's OS user
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$CLUSTER_PG_OS_USER" -- "$@"; else "$@"; fi
}

pg_running() { [ -f "$PGDATA/PG_VERSION" ] && as_pg "$CLUSTER_PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

rasa_port() { echo $((CLUSTER_RASA_PORT + $1 - 1)); }
action_port() { echo $((CLUSTER_ACTION_PORT + $1 - 1)); }

running_instances() {  # instance numbers with a PID file, in order
  local f
  for f in "$PIDS"/rasa-*.pid "$PIDS"/actions-*.pid; do
    [ -e "$f" ] || continue
    f="${f##*-}"; echo "${f%.pid}"
  done | sort -nu
}

# ---------------------------------------------------------------- start

ensure_secrets() {  # generated once; never committed (var/ is ignored)
  if [ ! -s "$SECRETS" ]; then
    (umask 077; {
      echo "# Generated by scripts/cluster.sh; keep private."
      echo "CLUSTER_PG_PASSWORD=$(openssl rand -hex 24)"
      echo "CLUSTER_REDIS_PASSWORD=$(openssl rand -hex 24)"
      echo "ACTION_SERVER_TOKEN=$(openssl rand -hex 32)"
    } >"$SECRETS")
  fi
  # Files from before the action server token was added get one.
  grep -q '^ACTION_SERVER_TOKEN=' "$SECRETS" || echo "ACTION_SERVER_TOKEN=$(openssl rand -hex 32)" >>"$SECRETS"
  set -a; . "$SECRETS"; set +a
}

start_postgres() {
  local log="$CLUSTER_LOGS/postgres.log"
  mkdir -p "$PGROOT"
  if [ "$(id -u)" -eq 0 ]; then
    id "$CLUSTER_PG_OS_USER" >/dev/null 2>&1 \
      || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$CLUSTER_PG_OS_USER"
    touch "$log"
    chown "$CLUSTER_PG_OS_USER:" "$PGROOT" "$log"
  fi
  chmod 700 "$PGROOT"
  as_pg test -w "$PGROOT" \
    || fail "$PGROOT is out of reach of the '$CLUSTER_PG_OS_USER' user (a parent folder lacks o+x); set CLUSTER_PG_DIR elsewhere"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    as_pg mkdir -p "$PGDATA" "$PGSOCK"
    # No password for the superuser: it logs in only over the local socket as its OS user.
    as_pg "$CLUSTER_PG_BIN/initdb" -D "$PGDATA" -E UTF8 --no-locale \
      --auth-local=peer --auth-host=scram-sha-256 >"$CLUSTER_LOGS/postgres-initdb.log" 2>&1 \
      || show_log "initdb failed" "$CLUSTER_LOGS/postgres-initdb.log"
  fi
  if ! pg_running; then
    port_busy "$CLUSTER_PG_PORT" && fail "port $CLUSTER_PG_PORT (PostgreSQL) is already in use"
    as_pg "$CLUSTER_PG_BIN/pg_ctl" -D "$PGDATA" -l "$log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -c port=$CLUSTER_PG_PORT -c unix_socket_directories='$PGSOCK' -c max_connections=200" \
      start >/dev/null 2>&1 || show_log "PostgreSQL did not start" "$log"
  fi
  # The application's role and database (idempotent; the password follows secrets.env).
  as_pg "$CLUSTER_PG_BIN/psql" -h "$PGSOCK" -p "$CLUSTER_PG_PORT" -d postgres -qAt -v ON_ERROR_STOP=1 \
    >"$CLUSTER_LOGS/postgres-provision.log" 2>&1 <<SQL || show_log "creating the database failed" "$CLUSTER_LOGS/postgres-provision.log"
SELECT 'CREATE ROLE "$CLUSTER_PG_USER" LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$CLUSTER_PG_USER')\gexec
ALTER ROLE "$CLUSTER_PG_USER" PASSWORD '$CLUSTER_PG_PASSWORD';
SELECT 'CREATE DATABASE "$CLUSTER_PG_DB" OWNER "$CLUSTER_PG_USER"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$CLUSTER_PG_DB')\gexec
SQL
}

start_redis() {
  local conf="$CLUSTER_DIR/redis/redis.conf"
  pid_alive "$PIDS/redis.pid" redis-server && return 0
  port_busy "$CLUSTER_REDIS_PORT" && fail "port $CLUSTER_REDIS_PORT (Redis) is already in use"
  mkdir -p "$CLUSTER_DIR/redis"
  # The password goes in a private file, not on the command line (ps would show it).
  (umask 077; cat >"$conf" <<CONF
bind 127.0.0.1
port $CLUSTER_REDIS_PORT
protected-mode yes
daemonize yes
pidfile $PIDS/redis.pid
dir $CLUSTER_DIR/redis
logfile $CLUSTER_LOGS/redis.log
requirepass $CLUSTER_REDIS_PASSWORD
# Locks live seconds: nothing to persist.
save ""
appendonly no
CONF
)
  redis-server "$conf" >>"$CLUSTER_LOGS/redis.log" 2>&1 || show_log "Redis did not start" "$CLUSTER_LOGS/redis.log"
  local i
  for i in $(seq 1 40); do
    REDISCLI_AUTH="$CLUSTER_REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$CLUSTER_REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.25
  done
  show_log "Redis did not answer" "$CLUSTER_LOGS/redis.log"
}

tracker_store_type() {  # make run's tracker store class (endpoints.yml) when it is a custom SQL one, else Rasa's
  local t
  t="$(sed -n '/^tracker_store:/,/^[^ #]/s/^  type: *"\{0,1\}\([A-Za-z0-9_.]*\).*/\1/p' "$ROOT/endpoints.yml" | head -n 1)"
  case "$t" in *.*) echo "$t" ;; *) echo SQL ;; esac
}

write_endpoints() {  # one file for every instance; what differs comes from the environment
  cat >"$ENDPOINTS" <<YML
# Generated by scripts/cluster.sh: do not edit. The unquoted \${...} are filled from each
# server's environment (Rasa expands them in plain YAML values only), so no secret is stored here.
action_endpoint:
  url: \${CLUSTER_ACTION_URL}
  headers:
    Authorization: Bearer \${ACTION_SERVER_TOKEN}

tracker_store:
  type: $(tracker_store_type)
  dialect: "postgresql"
  url: "127.0.0.1"
  port: $CLUSTER_PG_PORT
  db: "$CLUSTER_PG_DB"
  username: "$CLUSTER_PG_USER"
  password: \${CLUSTER_PG_PASSWORD}

# Serialises each conversation's turns across instances.
lock_store:
  type: service.stores.lock_store.SafeRedisLockStore  # Rasa's redis store, fixed: see that file
  url: "127.0.0.1"
  port: $CLUSTER_REDIS_PORT
  password: \${CLUSTER_REDIS_PASSWORD}
  db: $CLUSTER_REDIS_DB
YML
}

start_instance() {  # start_instance I: its action server, then its Rasa server (in the background)
  local i="$1" aport rport
  aport="$(action_port "$i")"; rport="$(rasa_port "$i")"
  if ! pid_alive "$PIDS/actions-$i.pid" "$aport"; then
    port_busy "$aport" && fail "port $aport (action server $i) is already in use"
    # setsid: the servers outlive this script and the terminal it ran in. The commands are
    # make run's (service/servers/supervisord.conf); ACTION_SERVER_TOKEN comes from secrets.env.
    setsid "$VENV_PY" -m service.servers.action_server --port "$aport" \
      </dev/null >>"$CLUSTER_LOGS/actions-$i.log" 2>&1 &
    echo $! >"$PIDS/actions-$i.pid"
  fi
  if ! pid_alive "$PIDS/rasa-$i.pid" "$rport"; then
    port_busy "$rport" && fail "port $rport (Rasa instance $i) is already in use"
    CLUSTER_ACTION_URL="http://127.0.0.1:$aport/webhook" RASA_INTERFACE="$CLUSTER_RASA_BIND" \
    setsid "$VENV_PY" -m service.servers.rasa_server --model "$MODEL" --port "$rport" \
      --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" \
      </dev/null >>"$CLUSTER_LOGS/rasa-$i.log" 2>&1 &
    echo $! >"$PIDS/rasa-$i.pid"
  fi
}

write_nginx_conf() {
  local i servers=""
  for i in $(seq 1 "$INSTANCES"); do
    servers+="    server 127.0.0.1:$(rasa_port "$i") max_fails=1 fail_timeout=5s;"$'\n'
  done
  local csp user_line=""
  csp="$("$VENV_PY" -c 'import sys; from webapp.server import content_security_policy as c; print(c(sys.argv[1]))' "$CLUSTER_PUBLIC_URL")"
  if [ "$(id -u)" -eq 0 ]; then user_line="user $CLUSTER_NGINX_USER $CLUSTER_NGINX_GROUP;"; fi
  mkdir -p "$NGINX_PREFIX/tmp"
  [ -z "$user_line" ] || chown "$CLUSTER_NGINX_USER" "$NGINX_PREFIX/tmp"
  # Who the client is, for every proxied location (one that sets any header inherits none).
  local forwarded='    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;'
  cat >"$NGINX_CONF" <<CONF
# Generated by scripts/cluster.sh: do not edit. Every path is under var/, none root-owned by default.
$user_line
worker_processes auto;
pid $PIDS/nginx.pid;
error_log $CLUSTER_LOGS/nginx-error.log warn;
events { worker_connections 1024; }

http {
  types {
    text/html html; text/css css; text/javascript js; application/json json;
    image/png png; image/svg+xml svg; image/x-icon ico;
  }
  default_type application/octet-stream;
  access_log $CLUSTER_LOGS/nginx-access.log combined buffer=64k flush=5s;
  client_body_temp_path $NGINX_PREFIX/tmp/body;
  proxy_temp_path $NGINX_PREFIX/tmp/proxy;
  fastcgi_temp_path $NGINX_PREFIX/tmp/fastcgi;
  uwsgi_temp_path $NGINX_PREFIX/tmp/uwsgi;
  scgi_temp_path $NGINX_PREFIX/tmp/scgi;
  server_tokens off;
  absolute_redirect off;  # /faq -> /faq/ stays right behind a TLS proxy
  client_max_body_size 1m;

  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }

  # REST and the messaging webhooks: round robin. The Redis lock store serialises a
  # conversation's turns whichever instance takes them.
  upstream rasa_rest {
$servers  }
  # socket.io: sticky. Its long-polling requests and its websocket belong to one session
  # held in one instance's memory.
  upstream rasa_socketio {
    hash \$remote_addr consistent;
$servers  }

  server {
    listen $CLUSTER_BIND:$CLUSTER_PORT;

$forwarded
    # Kept on a retry to another instance, so a turn already stored is not handled twice
    # (channels/request_replay.py).
    proxy_set_header X-Request-ID \$request_id;
    proxy_connect_timeout 2s;

    location /webhooks/ {
      proxy_pass http://rasa_rest;
      # A dead instance is skipped. non_idempotent: a POST cut off by an instance's death is
      # retried on another; Rasa stores a turn only after it has been handled completely.
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_read_timeout 120s;
    }

    location /socket.io/ {
      proxy_pass http://rasa_socketio;
      proxy_http_version 1.1;
      # A location that sets any header inherits none from the server block: the client's
      # address must be passed again, or every widget user shares nginx's (the callback
      # limit counts by it: channels/client_tag.py).
$forwarded
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_next_upstream error timeout;
      proxy_read_timeout 1h;
      proxy_buffering off;
    }

    # The demo site and the FAQ, built for this address: static files, served even when every
    # Rasa instance is down (the FAQ's search then falls back to a text match).
    # The headers are the site server's (webapp/server.py), its CSP computed by it.
    location / {
      root $SITE;
      index index.html;
      add_header Content-Security-Policy "$csp" always;
      add_header Cache-Control no-cache always;
      add_header X-Frame-Options SAMEORIGIN always;
      add_header X-Content-Type-Options nosniff always;
      add_header Referrer-Policy no-referrer always;
    }
  }
}
CONF
}

start_nginx() {
  local log="$CLUSTER_LOGS/nginx-error.log" args=(-c "$NGINX_CONF" -p "$NGINX_PREFIX" -e "$CLUSTER_LOGS/nginx-error.log")
  nginx -t -q "${args[@]}" >"$CLUSTER_LOGS/nginx-test.log" 2>&1 || show_log "the nginx configuration is invalid" "$CLUSTER_LOGS/nginx-test.log"
  if pid_alive "$PIDS/nginx.pid" nginx; then
    nginx -s reload "${args[@]}" >>"$log" 2>&1 || show_log "nginx did not reload" "$log"
  else
    port_busy "$CLUSTER_PORT" && fail "port $CLUSTER_PORT (nginx) is already in use"
    nginx "${args[@]}" >>"$log" 2>&1 || show_log "nginx did not start" "$log"
  fi
}

cmd_start() {
  local started="$EPOCHREALTIME" i
  . "$ROOT/scripts/setup.sh"          # VENV, VENV_PY, LOGS, MODEL; trains when needed
  . "$ROOT/scripts/system_packages.sh"
  ensure_debian_packages postgresql redis-server nginx
  cd "$ROOT"
  mkdir -p "$CLUSTER_DIR" "$PIDS" "$CLUSTER_LOGS"
  ensure_secrets
  start_postgres
  start_redis
  write_endpoints
  # The web channels plus every messaging app whose variables are set (as `make run` does).
  "$VENV_PY" -m channels.app_settings "$CREDENTIALS" >"$CLUSTER_LOGS/channels.txt" 2>&1 \
    || show_log "the credentials could not be written" "$CLUSTER_LOGS/channels.txt"
  for i in $(seq 1 "$INSTANCES"); do start_instance "$i"; done
  "$VENV_PY" scripts/build_site.py "$SITE" --rasa-url "$CLUSTER_PUBLIC_URL" >"$CLUSTER_LOGS/build-site.log" 2>&1 \
    || show_log "building the site failed" "$CLUSTER_LOGS/build-site.log"
  for i in $(seq 1 "$INSTANCES"); do
    wait_http "action server $i" "http://127.0.0.1:$(action_port "$i")/health" "$CLUSTER_LOGS/actions-$i.log" "$PIDS/actions-$i.pid"
    wait_http "Rasa instance $i" "http://127.0.0.1:$(rasa_port "$i")/" "$CLUSTER_LOGS/rasa-$i.log" "$PIDS/rasa-$i.pid"
  done
  write_nginx_conf
  start_nginx
  wait_http "nginx" "http://127.0.0.1:$CLUSTER_PORT/faq.json" "$CLUSTER_LOGS/nginx-error.log"
  # Instances beyond --instances (after a scale-down) leave once nginx no longer sends to them.
  for i in $(running_instances); do
    [ "$i" -le "$INSTANCES" ] && continue
    stop_pid "Rasa instance $i" "$PIDS/rasa-$i.pid" "$(rasa_port "$i")"
    stop_pid "action server $i" "$PIDS/actions-$i.pid" "$(action_port "$i")"
  done
  echo "$INSTANCES" >"$CLUSTER_DIR/instances"
  cat <<MSG
The IEP mediation assistant runs as a cluster: $INSTANCES Rasa instances behind nginx, PostgreSQL, Redis (ready in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $started }") s).
  Demo site:  $CLUSTER_PUBLIC_URL/demo/    FAQ: $CLUSTER_PUBLIC_URL/faq/
  REST:       curl -s $CLUSTER_PUBLIC_URL/webhooks/rest/webhook -d '{"sender":"me","message":"is mediation free?"}'
  Status:     scripts/cluster.sh status    Logs: $CLUSTER_LOGS/
  make stop-cluster to stop.
MSG
}

# ---------------------------------------------------------------- stop, status

cmd_stop() {
  local i
  if pid_alive "$PIDS/nginx.pid" nginx; then
    nginx -s quit -c "$NGINX_CONF" -p "$NGINX_PREFIX" -e "$CLUSTER_LOGS/nginx-error.log" 2>/dev/null || true
    for i in $(seq 1 120); do pid_alive "$PIDS/nginx.pid" nginx || break; sleep 0.25; done
  fi
  stop_pid nginx "$PIDS/nginx.pid" nginx
  for i in $(running_instances); do   # SIGTERM: each finishes the turns it has in hand
    stop_pid "Rasa instance $i" "$PIDS/rasa-$i.pid" "$(rasa_port "$i")" &
  done
  wait
  for i in $(running_instances); do stop_pid "action server $i" "$PIDS/actions-$i.pid" "$(action_port "$i")" & done
  wait
  stop_pid redis "$PIDS/redis.pid" redis-server
  if pg_running; then
    as_pg "$CLUSTER_PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || fail "PostgreSQL did not stop; see $CLUSTER_LOGS/postgres.log"
  fi
}

cmd_status() {
  local ok=0 i want
  line() {  # line NAME PID ADDRESS: one row; an empty PID means stopped
    if [ -n "$2" ]; then printf '%-10s running  pid %-7s  %s\n' "$1" "$2" "$3"
    else printf '%-10s stopped               %s\n' "$1" "$3"; ok=1; fi
  }
  pidof_file() { if pid_alive "$1" "$2"; then cat "$1"; fi; }
  if pg_running; then line postgres "$(head -n 1 "$PGDATA/postmaster.pid")" "127.0.0.1:$CLUSTER_PG_PORT"
  else line postgres "" "127.0.0.1:$CLUSTER_PG_PORT"; fi
  line redis "$(pidof_file "$PIDS/redis.pid" redis-server)" "127.0.0.1:$CLUSTER_REDIS_PORT"
  want="$(cat "$CLUSTER_DIR/instances" 2>/dev/null || echo "$INSTANCES")"
  for i in $( { seq 1 "$want"; running_instances; } | sort -nu); do
    line "actions-$i" "$(pidof_file "$PIDS/actions-$i.pid" "$(action_port "$i")")" "127.0.0.1:$(action_port "$i")"
    line "rasa-$i" "$(pidof_file "$PIDS/rasa-$i.pid" "$(rasa_port "$i")")" "127.0.0.1:$(rasa_port "$i")"
  done
  line nginx "$(pidof_file "$PIDS/nginx.pid" nginx)" "$CLUSTER_PUBLIC_URL/"
  return "$ok"
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
