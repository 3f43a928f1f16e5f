#!/usr/bin/env bash
# Install what is missing on a fresh Debian 12: system packages (when root), a .venv, the
# pinned requirements. Safe to run again: it only installs what is not there yet.
#   scripts/bootstrap.sh            # packages to run the app
#   scripts/bootstrap.sh --test     # plus what the tests need (Chromium, poppler, PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PKGS=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libcairo2)
# libreoffice-writer-nogui: the tests open the report's DOCX in a real client (headless).
TEST_PKGS=(poppler-utils chromium libatomic1 postgresql libreoffice-writer-nogui)
pkgs=("${RUN_PKGS[@]}")
[[ "${1:-}" == "--test" ]] && pkgs+=("${TEST_PKGS[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo ">> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Thiếu gói hệ thống: ${missing[*]}" >&2
    echo "!! Chạy với quyền root: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

PY=${PYTHON:-/usr/bin/python3}
if [[ ! -x .venv/bin/python ]]; then
  echo ">> $PY -m venv .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo ">> pip install -r requirements.txt"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
