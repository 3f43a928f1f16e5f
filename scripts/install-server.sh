#!/usr/bin/env bash
# Install Chỉ số CCHC on a fresh Debian 12 server, as root, from this checkout:
#
#   git clone … /opt/chiso-cchc && /opt/chiso-cchc/scripts/install-server.sh cchc.example.vn
#
# Sets up: system packages (PostgreSQL, the libraries WeasyPrint needs), a system user, the
# PostgreSQL role and database, /etc/chiso-cchc/env (every setting of README
# "Configuration"; generated once, never overwritten), the .venv, migrate, collectstatic
# (WhiteNoise serves /static/ from gunicorn), `check --deploy`, the systemd units (web,
# worker, the daily reminders and nightly backup timers) and, when nginx is installed, its
# site file for TLS in front. Safe to run again after `git pull`: it migrates, collects
# and restarts.
#
# Options (environment): APP_USER=cchc DB_NAME=chiso_cchc STATE_DIR=/var/lib/chiso-cchc
# BACKUP_DIR=/var/backups/chiso-cchc ENV_FILE=/etc/chiso-cchc/env; --no-start installs
# without starting the services (also what happens where systemd is not running).
set -euo pipefail
APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
cd "$APP_DIR"

DOMAIN=${1:-}
DOMAIN=${DOMAIN,,}  # host names are case-free; certbot's folders are lower case
START=1
usage() { echo "Cách dùng: $0 TÊN-MIỀN [--no-start]   (ví dụ: $0 cchc.dienbien.gov.vn)" >&2; exit 2; }
[[ -n "$DOMAIN" && "$DOMAIN" != -* ]] || usage
[[ "$DOMAIN" =~ ^[a-z0-9.-]+$ ]] || { echo "!! Tên miền không hợp lệ: $DOMAIN" >&2; exit 2; }
case "${2:-}" in
  "") ;;
  --no-start) START=0 ;;
  *) echo "!! Tham số không hiểu: ${2}" >&2; usage ;;
esac
(($# <= 2)) || usage
[[ $(id -u) -eq 0 ]] || { echo "!! Cần quyền root: sudo $0 $*" >&2; exit 1; }
case "$APP_DIR" in /root/*|/home/*)
  echo "!! Thư mục ứng dụng $APP_DIR nằm trong /root hoặc /home, nơi các dịch vụ không đọc được (ProtectHome). Hãy đặt mã nguồn ở /opt/chiso-cchc." >&2; exit 1;;
esac

APP_USER=${APP_USER:-cchc}
DB_NAME=${DB_NAME:-chiso_cchc}
STATE_DIR=${STATE_DIR:-/var/lib/chiso-cchc}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/chiso-cchc}
ENV_FILE=${ENV_FILE:-/etc/chiso-cchc/env}
export APP_USER ENV_FILE
systemd_up() { [[ -d /run/systemd/system ]]; }
step() { echo ">> $*"; }

step "gói hệ thống"
scripts/bootstrap.sh  # the libraries of the app, the .venv, the pinned requirements
extra=()
for p in postgresql postgresql-client; do dpkg -s "$p" >/dev/null 2>&1 || extra+=("$p"); done
if ((${#extra[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${extra[@]}" >/dev/null
fi

step "PostgreSQL"
if systemd_up; then
  systemctl enable --now postgresql >/dev/null
else
  cluster=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start 2>/dev/null || true
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done

step "người dùng hệ thống $APP_USER và thư mục $STATE_DIR, $BACKUP_DIR"
id "$APP_USER" >/dev/null 2>&1 || adduser --system --group --no-create-home --home /nonexistent "$APP_USER" >/dev/null
install -d -m 0750 -o "$APP_USER" -g "$APP_USER" "$STATE_DIR" "$STATE_DIR/private-media" "$STATE_DIR/staticfiles" \
  "$STATE_DIR/cache" "$BACKUP_DIR"

step "tệp môi trường $ENV_FILE"
if [[ ! -f "$ENV_FILE" ]]; then
  install -d -m 0750 -o root -g "$APP_USER" "$(dirname "$ENV_FILE")"
  db_password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  secret_key=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
  sed -e "s|@USER@|$APP_USER|g" -e "s|@DB_PASSWORD@|$db_password|g" -e "s|@DB_NAME@|$DB_NAME|g" \
      -e "s|@SECRET_KEY@|$secret_key|g" -e "s|@DOMAIN@|$DOMAIN|g" -e "s|@STATE_DIR@|$STATE_DIR|g" \
      deploy/chiso-cchc.env.example > "$ENV_FILE.new"
  chown root:"$APP_USER" "$ENV_FILE.new" && chmod 0640 "$ENV_FILE.new" && mv "$ENV_FILE.new" "$ENV_FILE"
  echo "   đã tạo (mật khẩu cơ sở dữ liệu và SECRET_KEY sinh ngẫu nhiên); sửa EMAIL_*, ADMINS rồi chạy lại."
else
  # Keep every value; add the variables a newer version of the template has, with its
  # defaults (an upgrade), and say which.
  added=()
  while IFS= read -r line; do
    [[ "$line" =~ ^([A-Z][A-Z0-9_]*)= ]] || continue
    grep -qE "^${BASH_REMATCH[1]}=" "$ENV_FILE" && continue
    [[ "$line" == *@SECRET_KEY@* || "$line" == *@DB_PASSWORD@* ]] && continue
    echo "$line" | sed -e "s|@USER@|$APP_USER|g" -e "s|@DOMAIN@|$DOMAIN|g" -e "s|@STATE_DIR@|$STATE_DIR|g" >> "$ENV_FILE"
    added+=("${BASH_REMATCH[1]}")
  done < deploy/chiso-cchc.env.example
  if ((${#added[@]})); then echo "   đã có: giữ nguyên, thêm biến mới với giá trị mặc định: ${added[*]}"; else echo "   đã có: giữ nguyên."; fi
fi
# A re-run with another domain does not change the environment file: say so.
if ! grep -qE "^ALLOWED_HOSTS=(.*,)?${DOMAIN//./\\.}(,.*)?$" "$ENV_FILE"; then
  echo "!! $ENV_FILE không có $DOMAIN trong ALLOWED_HOSTS: sửa ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS và SITE_URL trong tệp này nếu đổi tên miền." >&2
fi
# The role's password is the one in the environment file (a re-run after editing it applies it).
db_url=$(grep -E '^DATABASE_URL=' "$ENV_FILE" | head -n1 | cut -d= -f2-)
if [[ "$db_url" =~ ^postgres(ql)?://([^:@/]+):([^@/]*)@(127\.0\.0\.1|localhost)(:5432)?/([A-Za-z0-9_]+)$ ]]; then
  role=${BASH_REMATCH[2]} password=${BASH_REMATCH[3]} db=${BASH_REMATCH[6]}
  [[ "$role" =~ ^[a-z_][a-z0-9_]*$ && "$password" =~ ^[A-Za-z0-9]+$ ]] \
    || { echo "!! DATABASE_URL trong $ENV_FILE: tên vai trò hoặc mật khẩu có ký tự không dùng được ở đây." >&2; exit 1; }
  step "vai trò $role và cơ sở dữ liệu $db"
  psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtAX "$@"; }
  if [[ $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'") != 1 ]]; then
    psql_admin -c "CREATE ROLE $role LOGIN PASSWORD '$password'"
  else
    psql_admin -c "ALTER ROLE $role LOGIN PASSWORD '$password'"
  fi
  [[ $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'") == 1 ]] \
    || psql_admin -c "CREATE DATABASE $db OWNER $role ENCODING 'UTF8' TEMPLATE template0"
else
  echo "   DATABASE_URL không trỏ tới PostgreSQL trên máy này: bỏ qua việc tạo vai trò và cơ sở dữ liệu."
fi

step "migrate, collectstatic, check --deploy"
scripts/run-as-app.sh manage.py migrate --noinput -v0
scripts/run-as-app.sh manage.py collectstatic --noinput -v0
if grep -qE '^CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache' "$ENV_FILE"; then
  scripts/run-as-app.sh manage.py createcachetable
fi
scripts/run-as-app.sh manage.py check --deploy --fail-level WARNING

step "dịch vụ systemd"
units=(chiso-cchc-web.service chiso-cchc-worker.service chiso-cchc-reminders.service chiso-cchc-reminders.timer
       chiso-cchc-backup.service chiso-cchc-backup.timer)
for unit in "${units[@]}"; do
  sed -e "s|@USER@|$APP_USER|g" -e "s|@APP_DIR@|$APP_DIR|g" -e "s|@ENV_FILE@|$ENV_FILE|g" \
      -e "s|@STATE_DIR@|$STATE_DIR|g" -e "s|@BACKUP_DIR@|$BACKUP_DIR|g" "deploy/$unit" > "/etc/systemd/system/$unit"
done
if systemd_up && ((START)); then
  systemctl daemon-reload
  systemctl enable -q chiso-cchc-web.service chiso-cchc-worker.service chiso-cchc-reminders.timer chiso-cchc-backup.timer
  systemctl restart chiso-cchc-web.service chiso-cchc-worker.service
  systemctl start chiso-cchc-reminders.timer chiso-cchc-backup.timer
  # ALLOWED_HOSTS holds the domain only: ask with its name.
  healthy() { .venv/bin/python -c 'import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], headers={"Host": sys.argv[2]}), timeout=5)' "$@" 2>/dev/null; }
  ok=0
  for _ in $(seq 1 30); do healthy http://127.0.0.1:8001/healthz "$DOMAIN" && { ok=1; break; }; sleep 1; done
  if ((ok)); then echo "   /healthz: mọi kiểm tra đạt."; else echo "!! /healthz chưa đạt sau 30 giây: journalctl -u chiso-cchc-web -u chiso-cchc-worker" >&2; fi
  systemctl --no-pager --lines=0 status chiso-cchc-web.service chiso-cchc-worker.service | grep -E '●|Active:'
else
  echo "   đã cài vào /etc/systemd/system (chưa khởi động: systemd không chạy ở đây hoặc có --no-start)."
fi

if [[ -d /etc/nginx/sites-available ]]; then
  step "nginx"
  site=/etc/nginx/sites-available/chiso-cchc
  sed -e "s|@DOMAIN@|$DOMAIN|g" deploy/nginx-chiso-cchc.conf > "$site.new"
  if [[ -f /etc/letsencrypt/live/$DOMAIN/fullchain.pem ]]; then
    # Never leave nginx with a configuration it refuses: keep the previous file until
    # `nginx -t` accepts the new one.
    [[ -f "$site" ]] && cp -p "$site" "$site.previous"
    mv "$site.new" "$site"
    ln -sf "$site" /etc/nginx/sites-enabled/chiso-cchc
    if nginx -t 2>/dev/null; then
      rm -f "$site.previous"
      if systemd_up; then systemctl reload nginx; fi
    else
      if [[ -f "$site.previous" ]]; then mv "$site.previous" "$site"; else rm -f /etc/nginx/sites-enabled/chiso-cchc; fi
      echo "!! nginx -t không chấp nhận cấu hình mới: đã giữ cấu hình cũ. Xem: nginx -t" >&2
    fi
  elif [[ -L /etc/nginx/sites-enabled/chiso-cchc ]]; then
    echo "!! Chưa có chứng chỉ cho $DOMAIN: giữ nguyên trang nginx đang dùng; cấu hình mới ở $site.new." >&2
  else
    mv "$site.new" "$site"
    echo "   $site đã ghi; bật nó khi có chứng chỉ TLS tại /etc/letsencrypt/live/$DOMAIN/ (README \"Deploy\")."
  fi
fi

# The commands below, for this installation (its user and environment file when not the defaults).
as_app="$APP_DIR/scripts/run-as-app.sh"
[[ "$APP_USER" == cchc && "$ENV_FILE" == /etc/chiso-cchc/env ]] || as_app="APP_USER=$APP_USER ENV_FILE=$ENV_FILE $as_app"

cat <<MSG

  Đã cài Chỉ số CCHC: https://$DOMAIN/ (gunicorn trên 127.0.0.1:8001; tình trạng: curl -H "Host: $DOMAIN" http://127.0.0.1:8001/healthz)
  Tệp môi trường: $ENV_FILE   ·   dữ liệu: $STATE_DIR   ·   sao lưu hằng đêm: $BACKUP_DIR
  Tài khoản quản trị đầu tiên:  $as_app manage.py createsuperuser
  Nhật ký:  journalctl -u chiso-cchc-web -u chiso-cchc-worker -f

MSG
