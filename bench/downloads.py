"""Downloads of the published report: from storage, and under load on gunicorn + PostgreSQL.

    .venv/bin/python bench/downloads.py [--seconds 30] [--clients 20] [--workers 3]

Called by bench/report.py (which prints these figures after its own) and runnable alone.
Makes a throw-away PostgreSQL database (DATABASE_URL's server, default
postgres://postgres@127.0.0.1:5432), migrates it, loads the demo (which publishes the 2024
report), then prints:

(a) one client over HTTP (wrk, Debian's package): the download of the published 2024 PDF
    through Django (session, rights, period, the publication row, the file streamed from
    storage) against a static file of the same size served by WhiteNoise from the same
    gunicorn, the floor measured in the same run; target p50 ≤ 2×;
(b) gunicorn with WORKERS workers on 127.0.0.1: the p95 of an agency officer's criterion
    page (/diem/<id>/) with 4 readers alone for SECONDS, then with CLIENTS more clients
    (wrk, no think time) downloading the published PDF at the same time; target: the p95 with downloads ≤ 1,5 ×
    the p95 without. Errors are counted; loopback only, bounded in time.

Figures, not a test: the test suite never runs this file.
"""
import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-pass-123"
TARGET_STORAGE = 2.0
TARGET_LOAD = 1.5


def pg_url(name: str) -> str:
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    return f"{base}/{name}"


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def p95(values):
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)] if values else float("nan")


class Browser:
    """A logged-in client over HTTP (urllib with a cookie jar)."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"})
        self.opener.open(request, timeout=30).read()

    def cookie(self) -> str:
        """The session cookie, as a Cookie header value (for wrk)."""
        jar = next(h.cookiejar for h in self.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    def get(self, path: str) -> tuple[int, int]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, len(response.read())


def hammer(browser: Browser, path: str, until: float, times: list, errors: list):
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            status, _size = browser.get(path)
            if status != 200:
                errors.append(status)
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            errors.append(type(exc).__name__)
            continue
        times.append(time.perf_counter() - start)


def wrk(url: str, cookie: str, *, connections: int, seconds: float) -> dict:
    """Run wrk (Debian's package) against one URL; returns requests/s, p50/p95 in ms, errors."""
    script = Path(tempfile.mkdtemp()) / "report.lua"
    # wrk's own summary has p50/p90/p99; this prints the p95 too.
    script.write_text('done = function(summary, latency, requests)\n'
                      '  io.write(string.format("P50 %f\\nP95 %f\\n", latency:percentile(50), latency:percentile(95)))\n'
                      'end\n')
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{int(seconds)}s",
                          "-H", f"Cookie: {cookie}", "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    shutil.rmtree(script.parent, ignore_errors=True)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0)
    return {"rate": rate, "p50": float(re.search(r"P50 ([\d.]+)", out).group(1)) / 1e6,
            "p95": float(re.search(r"P95 ([\d.]+)", out).group(1)) / 1e6, "errors": errors}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def under_load(env: dict, seconds: float, clients: int, workers: int, threads: int = 1):
    """(b): gunicorn on 127.0.0.1 against the same database."""
    from reports.models import ReportPublication
    from scorecards.models import EvaluationPeriod, Score

    period = EvaluationPeriod.objects.for_year(2026).get()
    score = Score.objects.filter(period=period, responsible_agency__code="so-tu-phap").order_by("criterion__sort_key").first()
    publication = ReportPublication.objects.get(period__year=2024, version=1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = dict(env, DJANGO_SETTINGS_MODULE="bench_settings")
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads),
                               "--log-level", "warning"], cwd=ROOT, env=server_env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        readers = [Browser(base, "sotuphap") for _ in range(4)]
        criterion = f"/diem/{score.pk}/"
        assert readers[0].get(criterion)[0] == 200
        pdf_path = f"/reports/2024/pdf/?period={publication.period_id}"
        leader = Browser(base, "lanhdao")
        assert leader.get(pdf_path)[1] == publication.pdf_size
        cookie = leader.cookie()

        # (a) one client, over HTTP: our download against a file of the same size served behind
        # the same login check (Django's static view), and by WhiteNoise (no Django at all).
        short = min(seconds, 10)
        ours = wrk(base + pdf_path, cookie, connections=1, seconds=short)
        behind_login = wrk(base + "/bench-static/bench-same-size.pdf", cookie, connections=1, seconds=short)
        whitenoise = wrk(base + "/static/bench-same-size.pdf", cookie, connections=1, seconds=short)
        errors = ours["errors"] + behind_login["errors"] + whitenoise["errors"]
        print(f"(a) one client over HTTP, {publication.pdf_size / 1024:.0f} KiB: the published PDF from storage "
              f"p50 {ours['p50'] * 1000:.2f} ms ({ours['rate']:.0f}/s); the same size behind the login check "
              f"p50 {behind_login['p50'] * 1000:.2f} ms; ratio {ours['p50'] / behind_login['p50']:.2f} (target ≤ {TARGET_STORAGE}); "
              f"WhiteNoise p50 {whitenoise['p50'] * 1000:.2f} ms (ratio {ours['p50'] / whitenoise['p50']:.1f}); errors {errors}")

        def readers_for(duration, background=None):
            until = time.perf_counter() + duration
            times, errors = [], []
            threads = [threading.Thread(target=hammer, args=(b, criterion, until, times, errors)) for b in readers]
            for t in threads:
                t.start()
            result = background() if background else None
            for t in threads:
                t.join()
            return times, errors, result

        alone, alone_errors, _ = readers_for(seconds)
        mixed, mixed_errors, downloads = readers_for(
            seconds, lambda: wrk(base + pdf_path, cookie, connections=clients, seconds=seconds))
        ratio = p95(mixed) / p95(alone)
        print(f"(b) gunicorn -w {workers} --threads {threads}, PostgreSQL, {seconds:.0f} s each:")
        print(f"    criterion page, 4 readers alone: {len(alone) / seconds:.1f} req/s, p50 {statistics.median(alone) * 1000:.0f} ms, "
              f"p95 {p95(alone) * 1000:.0f} ms, errors {len(alone_errors)}")
        print(f"    with {clients} clients downloading the published PDF (wrk): {len(mixed) / seconds:.1f} req/s, "
              f"p50 {statistics.median(mixed) * 1000:.0f} ms, p95 {p95(mixed) * 1000:.0f} ms, errors {len(mixed_errors)}")
        print(f"    downloads: {downloads['rate']:.1f} req/s, p95 {downloads['p95'] * 1000:.0f} ms, errors {downloads['errors']}")
        print(f"    p95 ratio with/without downloads: {ratio:.2f} (target ≤ {TARGET_LOAD})")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    args = parser.parse_args()
    name = f"cchc_bench_{secrets.token_hex(4)}"
    media = tempfile.mkdtemp(prefix="cchc-bench-media-")
    static_root = tempfile.mkdtemp(prefix="cchc-bench-static-")
    # CONN_MAX_AGE as README's Deploy sets it: a new PostgreSQL connection per request costs more
    # than the download itself.
    env = dict(os.environ, DATABASE_URL=pg_url(name), MEDIA_ROOT=media, STATIC_ROOT=static_root, CONN_MAX_AGE="60",
               BENCH_FILES=static_root, DJANGO_SETTINGS_MODULE="config.settings",
               SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48), DEBUG="0",
               SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", LOG_LEVEL="ERROR")
    os.environ.update(env)
    create_database(name)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from scorecards.services.demo import load_demo

        load_demo(password=PASSWORD)
        from reports.models import ReportPublication

        size = ReportPublication.objects.get(period__year=2024, version=1).pdf_size
        (Path(static_root) / "bench-same-size.pdf").write_bytes(os.urandom(size))
        under_load(env, args.seconds, args.clients, args.workers, args.threads)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(name)
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
