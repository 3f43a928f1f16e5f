"""scripts/serve-local-production.sh runs the production stack on 127.0.0.1 — PostgreSQL,
gunicorn with WhiteNoise and DEBUG off, the db_worker — and stops it without leaving a
process behind. It runs the real script (migrate, load_demo, collectstatic) on a database
of its own, dropped at the end; skipped when PostgreSQL is not reachable."""
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "serve-local-production.sh"
PG_SERVER = os.environ.get("LOCAL_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "local-prod-pass-123"
RENDER_TIMEOUT = 60  # seconds for the worker to render the draft PDF


def admin_connection():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)


@pytest.fixture
def database():
    """A unique database name on the local PostgreSQL (the script creates it), dropped afterwards."""
    try:
        admin_connection().close()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: not here
        pytest.skip(f"PostgreSQL không kết nối được ({PG_SERVER}): {type(exc).__name__}")
    name = f"cchc_test_local_{secrets.token_hex(4)}"
    yield name
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env: dict, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def children(pid: int) -> list[int]:
    """gunicorn's workers: the processes whose parent is the master."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def get(opener, url: str):
    """(status, headers, body) without raising on 4xx/5xx."""
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def log_in(base: str, username: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    with opener.open(urllib.request.Request(base + "/accounts/login/", data=data), timeout=30) as response:
        assert response.url == base + "/", response.url  # logged in: sent on to the home page
    return opener


def test_start_serve_render_on_the_worker_and_stop(tmp_path, database):
    state = tmp_path / "state"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, STATE_DIR=str(state), PORT=str(port), LOCAL_DB_URL=f"{PG_SERVER}/{database}",
               DEMO_PASSWORD=PASSWORD, WEB_WORKERS="2")
    started = run(env, "start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert f"{base}/" in started.stdout and "stop" in started.stdout
        settings = dict(line.split("=", 1) for line in (state / "env").read_text().splitlines()
                        if re.match(r"^[A-Z_]+=", line))
        assert settings["DEBUG"] == "0" and len(settings["SECRET_KEY"]) >= 40
        assert settings["TASKS_BACKEND"] == "django_tasks_db.backend.DatabaseBackend"
        assert settings["SITE_URL"] == base and settings["DATABASE_URL"].endswith(f"/{database}")
        web = int((state / "gunicorn.pid").read_text())
        worker = int((state / "worker.pid").read_text())
        workers = children(web)
        assert alive(web) and alive(worker) and len(workers) == 2

        anonymous = urllib.request.build_opener()
        status, headers, body = get(anonymous, base + "/accounts/login/")
        assert status == 200 and b'name="csrfmiddlewaretoken"' in body
        # WhiteNoise serves the collected CSS from gunicorn, with its cache header (max-age
        # 60 s with DEBUG off for names without a hash; 0 in development).
        status, headers, body = get(anonymous, base + "/static/css/app.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and body
        max_age = re.search(r"max-age=(\d+)", headers.get("Cache-Control", ""))
        assert max_age and int(max_age.group(1)) > 0, headers.get("Cache-Control")
        # DEBUG off: the site's own Vietnamese 404 page (templates/404.html), not Django's technical page.
        status, headers, body = get(anonymous, base + "/khong-co-trang-nay/")
        text = body.decode()
        assert status == 404 and "Không tìm thấy trang" in text and "URLconf" not in text

        again = run(env, "start")
        assert again.returncode == 0 and "Đang chạy rồi" in again.stdout, again.stdout + again.stderr
        assert int((state / "gunicorn.pid").read_text()) == web
        status_out = run(env, "status")
        assert status_out.returncode == 0 and str(web) in status_out.stdout and str(worker) in status_out.stdout

        # A draft PDF is queued by the web (202, the waiting page) and rendered by the worker.
        officer = log_in(base, "sonoivu")
        status, _headers, body = get(officer, base + "/reports/2024/pdf/?draft=1&wait=1")
        assert status == 202, (status, body[:300])
        deadline = time.monotonic() + RENDER_TIMEOUT
        while status == 202 and time.monotonic() < deadline:
            time.sleep(1)
            status, _headers, body = get(officer, base + "/reports/2024/pdf/?draft=1&wait=1")
        assert status == 200, f"HTTP {status} after {RENDER_TIMEOUT} s; worker log: " \
                              f"{(state / 'logs' / 'worker.log').read_text()[-2000:]}"
        status, headers, body = get(officer, base + "/reports/2024/pdf/?draft=1")
        assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
        assert "du-thao" in headers["Content-Disposition"]
    finally:
        stopped = run(env, "stop", timeout=180)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "PostgreSQL" in stopped.stdout
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in [web, worker, *workers]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in [web, worker, *workers] if alive(pid)]
    assert not (state / "gunicorn.pid").exists() and not (state / "worker.pid").exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
    admin_connection().close()  # PostgreSQL itself keeps running
