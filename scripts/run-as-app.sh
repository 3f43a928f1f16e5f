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

# systemd's EnvironmentFile syntax (KEY=value, values may hold spaces, no quoting needed)
# is not shell syntax: read it line by line instead of sourcing it.
vars=()
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
  vars+=("${BASH_REMATCH[1]}=${BASH_REMATCH[2]}")
done < "$ENV_FILE"

cmd=("$@")
[[ "${cmd[0]}" == manage.py ]] && cmd=(.venv/bin/python "${cmd[@]}")
if [[ $(id -un) == "$APP_USER" ]]; then
  exec env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 "${vars[@]}" "${cmd[@]}"
fi
exec runuser -u "$APP_USER" -- env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 "${vars[@]}" "${cmd[@]}"
