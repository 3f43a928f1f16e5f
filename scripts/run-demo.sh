#!/usr/bin/env bash
# Command 1 of the README: install what is missing, migrate the SQLite default, load the
# Điện Biên demo data and serve the app on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# Development mode: with DEBUG=1 the settings accept a missing SECRET_KEY (a development
# key is used); with DEBUG off they refuse to start without one.
export DEBUG=${DEBUG:-1}
PASSWORD=${DEMO_PASSWORD:-chiso-cchc-2024}
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo --password "$PASSWORD"
cat <<MSG

  Mở http://127.0.0.1:8000/ và đăng nhập (mật khẩu: $PASSWORD):
    sonoivu     cán bộ Sở Nội vụ: /admin/ (bảng điểm, nhập liệu), báo cáo
    sotuphap    cán bộ Sở Tư pháp: chỉ các tiêu chí được giao
    sotaichinh  cán bộ Sở Tài chính: chỉ các tiêu chí được giao
    lanhdao     lãnh đạo: chỉ xem
    quantri     quản trị hệ thống: tài khoản người dùng

MSG
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
