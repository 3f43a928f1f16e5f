#!/usr/bin/env bash
# The nightly backup (chiso-cchc-backup.service runs it as the app's user, with its
# environment): `manage.py backup` into ROOT/daily/YYYY-MM-DD; the month's first backup
# also in ROOT/monthly/YYYY-MM (hard links: no extra space). Keeps 14 daily and 12 monthly
# copies. Copy ROOT off the machine too (README "Backups").
#   scripts/nightly-backup.sh /var/backups/chiso-cchc
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${1:?Cách dùng: $0 THƯ-MỤC-SAO-LƯU}
KEEP_DAILY=${KEEP_DAILY:-14}
KEEP_MONTHLY=${KEEP_MONTHLY:-12}
today=$(TZ=Asia/Ho_Chi_Minh date +%F)
mkdir -p "$ROOT/daily" "$ROOT/monthly"
target="$ROOT/daily/$today"
if [[ -e "$target" ]]; then
  echo "Đã có bản sao lưu $target: giữ nguyên." >&2
else
  .venv/bin/python manage.py backup "$target"
fi
# The month's first backup is its monthly copy, whichever day it was made (a server off on
# the 1st still gets one).
month=${today:0:7}
if [[ ! -e "$ROOT/monthly/$month" ]]; then
  cp -al "$target" "$ROOT/monthly/$month"
fi
# Only the folders this script names (dates) are pruned, oldest first (dates sort as text);
# one without a manifest is an interrupted run and is removed. Other folders (a copy kept
# by hand) are left alone and not counted.
prune() {
  local dir=$1 keep=$2 pattern=$3 name i
  local -a dated=()
  while IFS= read -r name; do
    [[ "$name" =~ ^${pattern}$ ]] || continue
    if [[ -f "$dir/$name/manifest.json" ]]; then dated+=("$name"); else rm -rf -- "${dir:?}/$name"; fi
  done < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
  local extra=$(( ${#dated[@]} - keep ))
  for ((i = 0; i < extra; i++)); do rm -rf -- "${dir:?}/${dated[i]}"; done
}
prune "$ROOT/daily" "$KEEP_DAILY" '[0-9]{4}-[0-9]{2}-[0-9]{2}'
prune "$ROOT/monthly" "$KEEP_MONTHLY" '[0-9]{4}-[0-9]{2}'

