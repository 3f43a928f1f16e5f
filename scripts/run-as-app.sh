#!/usr/bin/env bash
# Run a command of the installed application as its system user, with the production
# environment file (the one systemd reads), from the application folder:
#   scripts/run-as-app.sh manage.py createsuperuser
#   scripts/run-as-app.sh manage.py backup /var/backups/chiso-cchc/manual-2026-11-30
# APP_USER and ENV_FILE default to what scripts/install-server.sh set up.
set -euo pipefail
cd "$(dirname "$0")/.."
APP_USER=${APP_USER:-cchc}
ENV_FILE=${ENV_FILE:-/etc/chiso-cchc/env}
[[ -r "$ENV_FILE" ]] || { echo "!! Không đọc được tệp môi trường $ENV_FILE (chạy với quyền root)." >&2; exit 1; }
(($#)) || { echo "Cách dùng: $0 manage.py LỆNH [THAM SỐ…]" >&2; exit 2; }

# systemd's EnvironmentFile syntax is not shell syntax: read it as systemd does. KEY=value,
# values may hold spaces; quotes ('…' or "…", anywhere in the value) are removed and
# what they enclose kept as is; a backslash escapes the next character (inside '…' it is
# kept); unquoted whitespace at both ends is dropped.
unquote() {
  local v=$1 out="" q="" c i
  v="${v#"${v%%[![:space:]]*}"}"; v="${v%"${v##*[![:space:]]}"}"
  for ((i = 0; i < ${#v}; i++)); do
    c=${v:i:1}
    if [[ -z "$q" && ( "$c" == '"' || "$c" == "'" ) ]]; then q=$c
    elif [[ -n "$q" && "$c" == "$q" ]]; then q=""
    elif [[ "$c" == '\' && "$q" != "'" && $((i + 1)) -lt ${#v} ]]; then i=$((i + 1)); out+=${v:i:1}
    else out+=$c
    fi
  done
  printf '%s' "$out"
}
vars=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" =~ ^[[:space:]]*(#|;|$) ]] && continue
  [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=(.*)$ ]] || continue
  vars+=("${BASH_REMATCH[1]}=$(unquote "${BASH_REMATCH[2]}")")
done < "$ENV_FILE"

cmd=("$@")
[[ "${cmd[0]}" == manage.py ]] && cmd=(.venv/bin/python "${cmd[@]}")
if [[ $(id -un) == "$APP_USER" ]]; then
  exec env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 "${vars[@]}" "${cmd[@]}"
fi
exec runuser -u "$APP_USER" -- env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 "${vars[@]}" "${cmd[@]}"
