#!/usr/bin/env bash
# The nightly backup (chiso-cchc-backup.service runs it as the app's user, with its
# environment): `manage.py backup` into ROOT/daily/YYYY-MM-DD; on the first of a month a
# copy in ROOT/monthly/YYYY-MM (hard links: no extra space). Keeps 14 daily and 12 monthly
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
month=${today:0:7}
if [[ "${today:8:2}" == 01 && ! -e "$ROOT/monthly/$month" ]]; then
  cp -al "$target" "$ROOT/monthly/$month"
fi
# Oldest first by name (dates sort as text); a folder without a manifest is not a backup
# (an interrupted run) and is removed as well.
prune() {
  local dir=$1 keep=$2
  mapfile -t all < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
  for name in "${all[@]}"; do
    [[ -f "$dir/$name/manifest.json" ]] || { rm -rf -- "${dir:?}/$name"; continue; }
  done
  mapfile -t kept < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
  local extra=$(( ${#kept[@]} - keep ))
  for ((i = 0; i < extra; i++)); do rm -rf -- "${dir:?}/${kept[i]}"; done
}
prune "$ROOT/daily" "$KEEP_DAILY"
prune "$ROOT/monthly" "$KEEP_MONTHLY"
