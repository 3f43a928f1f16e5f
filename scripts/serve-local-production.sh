#!/usr/bin/env bash
# The production stack on 127.0.0.1, for tests and benchmarks (bench/load.py):
# PostgreSQL, gunicorn (config.wsgi, WhiteNoise serving /static/, DEBUG off) and the
# background worker (manage.py db_worker), with the settings of deploy/chiso-cchc.env.example
# except HTTPS.
#
#   scripts/serve-local-production.sh start [--fresh]   # --fresh: a new empty database and media folder
#   scripts/serve-local-production.sh status
#   scripts/serve-local-production.sh stop               # PostgreSQL keeps running
#
# Environment (all optional):
#   PORT=8011          gunicorn's port on 127.0.0.1
#   WEB_WORKERS=3      gunicorn's workers
#   STATE_DIR=/tmp/cchc-local-production   env file, private media, static files, logs, pid files
#   LOCAL_DB_URL=…     the database to use (created when it is missing on this machine's
#                      PostgreSQL); default: role and database cchc_local, made here
#   DEMO_PASSWORD=demo-pass-123   the demo users' password (load_demo, only into a new database)
#   STOP_TIMEOUT=40    seconds given to gunicorn and the worker to stop before KILL
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres   a superuser connection (creates
#                      the role and databases; as root, `runuser -u postgres psql` is the fallback)
set -euo pipefail
APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
cd "$APP_DIR"

STATE_DIR=${STATE_DIR:-/tmp/cchc-local-production}
PORT=${PORT:-8011}
WEB_WORKERS=${WEB_WORKERS:-3}
DEMO_PASSWORD=${DEMO_PASSWORD:-demo-pass-123}
STOP_TIMEOUT=${STOP_TIMEOUT:-40}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
LOCAL_ROLE=cchc_local
ENV_FILE=$STATE_DIR/env
LOGS=$STATE_DIR/logs
WEB_PID=$STATE_DIR/gunicorn.pid
WORKER_PID=$STATE_DIR/worker.pid
PY=$APP_DIR/.venv/bin/python

say() { echo ">> $*"; }
die() { echo "!! $*" >&2; exit 1; }

usage() {
  echo "Cách dùng: $0 start [--fresh] | stop | status" >&2
  exit 2
}

# ---- processes ---------------------------------------------------------------------------

# The pid in FILE when that process is alive and its command line holds PATTERN (a pid
# file left behind, whose number now belongs to another process, does not count).
live_pid() {
  local file=$1 pattern=$2 pid
  [[ -f "$file" ]] || return 1
  pid=$(tr -dc '0-9' < "$file")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern" || return 1
  echo "$pid"
}

web_pid() { live_pid "$WEB_PID" "gunicorn"; }
worker_pid() { live_pid "$WORKER_PID" "db_worker"; }

# TERM, wait up to STOP_TIMEOUT seconds, then KILL its whole process group (gunicorn's
# master and workers; the worker and the render it runs). Each leads a session of its own
# (gunicorn --daemon, setsid below), so nothing else is in that group.
stop_process() {
  local name=$1 pid=$2 file=$3 group
  group=$(ps -o pgid= -p "$pid" | tr -d ' ')
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((STOP_TIMEOUT * 5))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "   $name (pid $pid) chưa dừng sau ${STOP_TIMEOUT} s: gửi KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # gunicorn's workers leave with their master; give them a moment, then make sure.
  if [[ -n "$group" && "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]]; then
    for _ in $(seq 1 25); do
      pgrep -g "$group" >/dev/null 2>&1 || break
      sleep 0.2
    done
    pkill -KILL -g "$group" 2>/dev/null || true
  fi
  rm -f "$file"
  echo "   đã dừng $name (pid $pid)"
}

# ---- PostgreSQL --------------------------------------------------------------------------

pg_start() {
  pg_isready -q -h 127.0.0.1 -p 5432 && return 0
  say "khởi động PostgreSQL"
  local cluster
  cluster=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [[ -n "$cluster" ]] || die "Không thấy PostgreSQL trên máy này (cài: scripts/bootstrap.sh --test)."
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  die "PostgreSQL không trả lời trên 127.0.0.1:5432."
}

# psql as a superuser: PG_ADMIN_URL (trust on 127.0.0.1, as in CI), else the postgres
# system user through the local socket when we are root.
pg_admin() {
  if PGCONNECT_TIMEOUT=5 psql "$PG_ADMIN_URL" -qtAX -c 'SELECT 1' >/dev/null 2>&1; then
    psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qtAX "$@"
  elif [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtAX "$@"
  else
    die "Không kết nối được PostgreSQL với quyền quản trị (đặt PG_ADMIN_URL)."
  fi
}

# The database URL's parts: role, password, host, database (only for PostgreSQL on this machine).
parse_db_url() {
  [[ "$1" =~ ^postgres(ql)?://([^:@/]+)(:([^@/]*))?@(127\.0\.0\.1|localhost)(:5432)?/([A-Za-z0-9_]+)$ ]] || return 1
  DB_ROLE=${BASH_REMATCH[2]} DB_PASSWORD=${BASH_REMATCH[4]} DB_NAME=${BASH_REMATCH[7]}
}

# Sets DATABASE_URL and DB_NEW (1 when the database was created now); --fresh drops it first.
prepare_database() {
  local fresh=$1 url
  if [[ -n "${LOCAL_DB_URL:-}" ]]; then
    url=$LOCAL_DB_URL
  else
    # The role's password is generated once and kept in the env file.
    local password=""
    [[ -f "$ENV_FILE" ]] && password=$(sed -n "s|^DATABASE_URL=postgres://$LOCAL_ROLE:\([A-Za-z0-9]*\)@.*|\1|p" "$ENV_FILE")
    [[ -n "$password" ]] || password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    url=postgres://$LOCAL_ROLE:$password@127.0.0.1:5432/$LOCAL_ROLE
    if [[ $(pg_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$LOCAL_ROLE'") == 1 ]]; then
      pg_admin -c "ALTER ROLE $LOCAL_ROLE LOGIN PASSWORD '$password'"
    else
      pg_admin -c "CREATE ROLE $LOCAL_ROLE LOGIN PASSWORD '$password'"
    fi
  fi
  DATABASE_URL=$url
  DB_NEW=0
  if ! parse_db_url "$url"; then
    ((fresh)) && die "--fresh chỉ dùng được với cơ sở dữ liệu PostgreSQL trên máy này (LOCAL_DB_URL=$url)."
    return 0
  fi
  [[ "$DB_NAME" =~ ^(postgres|template0|template1)$ ]] && die "Không dùng cơ sở dữ liệu hệ thống $DB_NAME."
  if ((fresh)); then
    say "xoá cơ sở dữ liệu $DB_NAME (--fresh)"
    pg_admin -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)"
  fi
  if [[ $(pg_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") != 1 ]]; then
    say "tạo cơ sở dữ liệu $DB_NAME"
    pg_admin -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_ROLE\" ENCODING 'UTF8' TEMPLATE template0"
    DB_NEW=1
  fi
}

# ---- environment -------------------------------------------------------------------------

write_env() {
  local secret_key=""
  [[ -f "$ENV_FILE" ]] && secret_key=$(sed -n 's/^SECRET_KEY=//p' "$ENV_FILE")
  [[ -n "$secret_key" ]] || secret_key=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
  umask 077
  cat > "$ENV_FILE.new" <<ENV
# Written by scripts/serve-local-production.sh (SECRET_KEY kept between starts).
DATABASE_URL=$DATABASE_URL
CONN_MAX_AGE=60
SECRET_KEY=$secret_key
DEBUG=0
ALLOWED_HOSTS=127.0.0.1,localhost
SITE_URL=http://127.0.0.1:$PORT
# Plain http on the loopback (no TLS in front, unlike production): cookies marked Secure
# would never come back from the browser, so login and CSRF need these off here.
SESSION_COOKIE_SECURE=0
CSRF_COOKIE_SECURE=0
MEDIA_ROOT=$STATE_DIR/private-media
STATIC_ROOT=$STATE_DIR/staticfiles
XDG_CACHE_HOME=$STATE_DIR/cache
TASKS_BACKEND=django_tasks_db.backend.DatabaseBackend
LOG_LEVEL=WARNING
ENV
  mv "$ENV_FILE.new" "$ENV_FILE"
  umask 022
}

# The env file's KEY=value lines (systemd's syntax, as scripts/run-as-app.sh reads it).
ENV_VARS=()
read_env() {
  ENV_VARS=()
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    ENV_VARS+=("${BASH_REMATCH[1]}=${BASH_REMATCH[2]}")
  done < "$ENV_FILE"
}

# A command with the env file's settings and nothing else from the caller's environment.
with_env() {
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 "${ENV_VARS[@]}" "$@"
}

manage() { with_env "$PY" manage.py "$@"; }

db_has_users() {
  local n
  n=$(manage shell -c 'from django.contrib.auth import get_user_model; print(get_user_model().objects.exists())' 2>/dev/null | tail -n1)
  [[ "$n" == True ]]
}

# 0 when URL answers 200 (urllib: no curl needed).
http_ok() {
  "$PY" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
}

# ---- commands ----------------------------------------------------------------------------

cmd_start() {
  local fresh=0
  case "${1:-}" in --fresh) fresh=1 ;; "") ;; *) usage ;; esac
  local pid
  if pid=$(web_pid); then
    local url
    url=$(sed -n 's/^SITE_URL=//p' "$ENV_FILE" 2>/dev/null || true)
    ((fresh)) && die "Đang chạy (gunicorn pid $pid, $url): dừng trước khi dùng --fresh ($0 stop)."
    echo "Đang chạy rồi: $url (gunicorn pid $pid$(worker_pid >/dev/null && echo ", worker pid $(worker_pid)"))."
    worker_pid >/dev/null || echo "   (worker không chạy: $0 stop && $0 start)"
    return 0
  fi
  [[ "$PORT" =~ ^[0-9]+$ && "$WEB_WORKERS" =~ ^[0-9]+$ ]] || die "PORT và WEB_WORKERS phải là số."
  [[ -x "$PY" ]] || { say "chưa có .venv: scripts/bootstrap.sh"; scripts/bootstrap.sh; }
  [[ -x "$APP_DIR/.venv/bin/gunicorn" ]] || die "Thiếu gunicorn trong .venv: scripts/bootstrap.sh"
  if "$PY" -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$PORT"; then
    die "Cổng 127.0.0.1:$PORT đang có chương trình khác dùng (đặt PORT=…)."
  fi
  worker_pid >/dev/null && die "Worker của lần trước vẫn chạy: $0 stop"

  pg_start
  mkdir -p "$STATE_DIR" "$LOGS" "$STATE_DIR/cache"
  chmod 0700 "$STATE_DIR"
  prepare_database "$fresh"
  if ((DB_NEW)); then
    # Files of an earlier database (published reports, evidence) mean nothing to a new one.
    rm -rf "$STATE_DIR/private-media"
  fi
  mkdir -p "$STATE_DIR/private-media" "$STATE_DIR/staticfiles"
  write_env
  read_env

  say "migrate"
  manage migrate --noinput -v0
  if ((DB_NEW)) || ! db_has_users; then
    say "load_demo (cơ sở dữ liệu chưa có người dùng nào)"
    manage load_demo --password "$DEMO_PASSWORD" >"$LOGS/load_demo.log" 2>&1 \
      || { tail -n 20 "$LOGS/load_demo.log" >&2; die "load_demo lỗi (xem $LOGS/load_demo.log)."; }
  fi
  say "collectstatic"
  manage collectstatic --noinput -v0

  say "gunicorn ($WEB_WORKERS worker) trên 127.0.0.1:$PORT"
  # As deploy/chiso-cchc-web.service, but daemonised with a pid file and log files.
  with_env "$APP_DIR/.venv/bin/gunicorn" config.wsgi --chdir "$APP_DIR" --bind "127.0.0.1:$PORT" \
    --workers "$WEB_WORKERS" --timeout 60 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200 \
    --daemon --pid "$WEB_PID" --access-logfile "$LOGS/access.log" --error-logfile "$LOGS/error.log" \
    --capture-output --no-control-socket
  say "worker (manage.py db_worker)"
  # Its own session and process group (setsid), so that stop reaches it and the render it runs.
  setsid env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="${HOME:-/root}" LANG=C.UTF-8 "${ENV_VARS[@]}" \
    "$PY" manage.py db_worker --no-reload --interval 1 >>"$LOGS/worker.log" 2>&1 < /dev/null &
  echo $! > "$WORKER_PID"

  local base=http://127.0.0.1:$PORT css=/static/css/app.css
  local i
  for i in $(seq 1 150); do
    if http_ok "$base/accounts/login/" && http_ok "$base$css"; then
      if ! worker_pid >/dev/null; then
        tail -n 20 "$LOGS/worker.log" >&2 || true
        cmd_stop >/dev/null 2>&1 || true
        die "Worker đã dừng ngay khi khởi động (xem $LOGS/worker.log)."
      fi
      cat <<MSG

  Chỉ số CCHC (production, DEBUG tắt) đang chạy: $base/
    gunicorn pid $(web_pid), worker pid $(worker_pid); tệp tĩnh do WhiteNoise phục vụ ($css: 200)
    đăng nhập: sonoivu, sotuphap, sotaichinh, lanhdao, … (mật khẩu demo: $DEMO_PASSWORD, nếu dữ liệu demo được nạp ở đây)
    thư mục trạng thái: $STATE_DIR (env, logs/, private-media/)
  Dừng:  $0 stop      (PostgreSQL vẫn chạy)

MSG
      return 0
    fi
    # gunicorn writes its pid file once daemonised and removes it when it fails to boot.
    if ((i > 25)) && ! web_pid >/dev/null; then
      tail -n 20 "$LOGS/error.log" >&2 || true
      cmd_stop >/dev/null 2>&1 || true
      die "gunicorn không chạy (xem $LOGS/error.log)."
    fi
    sleep 0.2
  done
  tail -n 20 "$LOGS/error.log" >&2 || true
  cmd_stop || true
  die "Sau 150 lần thử, $base/accounts/login/ hoặc $base$css vẫn chưa trả lời 200."
}

cmd_stop() {
  local pid any=0
  if pid=$(web_pid); then stop_process gunicorn "$pid" "$WEB_PID"; any=1; else rm -f "$WEB_PID"; fi
  if pid=$(worker_pid); then stop_process worker "$pid" "$WORKER_PID"; any=1; else rm -f "$WORKER_PID"; fi
  ((any)) || echo "Không có gì đang chạy ($STATE_DIR)."
  echo "PostgreSQL vẫn chạy (dừng nó nếu cần: pg_ctlcluster <phiên bản> main stop)."
}

cmd_status() {
  local pid url="" db="" running=0 down=0
  if [[ -f "$ENV_FILE" ]]; then
    url=$(sed -n 's/^SITE_URL=//p' "$ENV_FILE")
    db=$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | sed -E 's|//([^:@/]+):[^@/]*@|//\1:***@|')
  fi
  if pid=$(web_pid); then
    echo "gunicorn: chạy, pid $pid, $(pgrep -c -P "$pid" || true) worker, $url"
    running=1
  else
    echo "gunicorn: không chạy"
    down=1
  fi
  if pid=$(worker_pid); then echo "worker:   chạy, pid $pid (manage.py db_worker)"; running=1; else echo "worker:   không chạy"; down=1; fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then echo "PostgreSQL: sẵn sàng (127.0.0.1:5432)"; else echo "PostgreSQL: không trả lời"; fi
  [[ -n "$db" ]] && echo "cơ sở dữ liệu: $db"
  echo "thư mục trạng thái: $STATE_DIR"
  # 0: all running; 1: part of the stack is down (e.g. a killed worker); 3: nothing runs.
  if ((!running)); then return 3; fi
  if ((down)); then echo "!! Một phần không chạy: chạy lại \"$0 stop\" rồi \"$0 start\"." >&2; return 1; fi
  return 0
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
