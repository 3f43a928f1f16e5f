"""Request logging: one line per request (method, path without its query, status, duration,
user, request id), the id on every record of the request and in the X-Request-ID header,
and server errors mailed to ADMINS with that id."""
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse, HttpResponseServerError
from django.urls import path

from config.request_log import RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(
    r"^\S+ \S+ INFO cchc\.request \[(?P<id>[^\]]+)\] (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) "
    r"(?P<ms>\d+\.\d)ms user=(?P<user>\S+)$"
)
ADMINS = [("Quản trị hệ thống", "quantri@example.vn"), ("Trực ban", "trucban@example.vn")]


def noisy_view(request):
    logging.getLogger("scorecards.example").warning("một cảnh báo giữa chừng")
    return HttpResponse("ok")


def broken_view(request):
    raise RuntimeError("hỏng giữa chừng")


def failing_view(request):
    return HttpResponseServerError("dịch vụ bên ngoài không trả lời")


# This module is also the URLconf of the tests marked with it.
urlpatterns = [path("noisy/", noisy_view), path("broken/", broken_view), path("failing/", failing_view)]
own_urls = pytest.mark.urls(__name__)


@pytest.fixture
def log_output():
    """What the project's console handler (settings.LOGGING) writes, as text."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def request_lines(output):
    return [m for m in (LINE.match(line) for line in output.getvalue().splitlines()) if m]


def test_one_line_per_request_with_user_status_and_id(client, tuphap, log_output):
    client.force_login(tuphap)
    response = client.get("/accounts/password_change/?next=/bi-mat-trong-truy-van/")
    assert response.status_code == 200
    [line] = request_lines(log_output)
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/accounts/password_change/", "200", "sotuphap")
    assert line["id"] == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["id"])
    assert "bi-mat" not in log_output.getvalue()  # the query string stays out of the log


def test_anonymous_requests_are_logged_with_a_dash(client, db, log_output):
    response = client.get("/accounts/login/")
    [line] = request_lines(log_output)
    assert (line["user"], line["status"], line["id"]) == ("-", "200", response["X-Request-ID"])


def test_every_request_gets_its_own_id(client, db):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second


@pytest.mark.parametrize(("incoming", "kept"), [
    ("6f1c0b5e2a9d4c7f8e3b1a2d4c6e8f01", True),  # nginx's $request_id
    ("0f8fad5b-d9cb-469f-a165-70867728950e", True),  # a UUID
    ("abc", False),  # too short
    ("x" * 65, False),  # too long
    ("id\nFORGED INFO line", False),
    ("<script>alert(1)</script>", False),
])
def test_a_sane_id_from_the_proxy_is_kept_and_anything_else_replaced(client, db, incoming, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert (response["X-Request-ID"] == incoming) is kept
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@own_urls
def test_records_logged_during_the_request_carry_its_id(client, db, log_output):
    response = client.get("/noisy/", HTTP_X_REQUEST_ID="proxy-id-0001")
    assert response["X-Request-ID"] == "proxy-id-0001"
    warning = next(ln for ln in log_output.getvalue().splitlines() if "một cảnh báo giữa chừng" in ln)
    assert "WARNING scorecards.example [proxy-id-0001]" in warning
    logging.getLogger("scorecards.example").warning("sau yêu cầu")
    assert "WARNING scorecards.example [-] sau yêu cầu" in log_output.getvalue()


def test_a_path_cannot_forge_a_log_line(client, db, log_output):
    client.get("/khong-co%0A2025-01-01 INFO cchc.request [x] GET /admin/ 200 1.0ms user=quantri")
    lines = log_output.getvalue().splitlines()
    [line] = request_lines(log_output)
    assert line["status"] == "404" and "%0A" in line["path"]
    assert not any(ln.startswith("2025-01-01") for ln in lines)


@own_urls
def test_a_server_error_is_mailed_to_the_admins_with_the_request_id(client, db, settings, mailoutbox, log_output):
    settings.ADMINS = ADMINS
    settings.SERVER_EMAIL = "chiso-cchc@example.vn"
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    [mail] = mailoutbox
    assert mail.to == ["quantri@example.vn", "trucban@example.vn"]
    assert mail.from_email == "chiso-cchc@example.vn"
    assert mail.subject.startswith("[Chỉ số CCHC] ERROR")
    assert f"[{response['X-Request-ID']}] Internal Server Error: /broken/" in mail.body
    assert "RuntimeError" in mail.body
    # The request line is written too, with the same id.
    [line] = request_lines(log_output)
    assert (line["status"], line["id"]) == ("500", response["X-Request-ID"])


@own_urls
def test_a_500_answered_without_an_exception_is_mailed_with_its_id_too(client, db, settings, mailoutbox):
    # Django logs such a response after the middleware chain has returned.
    settings.ADMINS = ADMINS
    response = client.get("/failing/")
    assert response.status_code == 500
    [mail] = mailoutbox
    assert f"[{response['X-Request-ID']}] Internal Server Error: /failing/" in mail.body


def test_a_wrong_host_is_logged_but_not_mailed(client, db, settings, mailoutbox):
    settings.ADMINS = ADMINS
    assert client.get("/accounts/login/", HTTP_HOST="quet.example").status_code == 400
    assert mailoutbox == []


def test_request_log_can_be_turned_off():
    code = "import django, logging; django.setup(); print(logging.getLogger('cchc.request').isEnabledFor(logging.INFO))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x"}
    def enabled(**extra):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True)
        return out.stdout.strip()
    assert enabled(REQUEST_LOG="0") == "False"
    assert enabled(REQUEST_LOG="1", LOG_LEVEL="ERROR") == "True"
