"""Sessions end with the browser and after one working day; settings read from the
environment; no SECRET_KEY, no start with DEBUG off."""
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def run_python(code, **env):
    """Run `code` in a fresh interpreter whose environment has only PATH and `env`."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings",
             "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


READ_SETTINGS = """
import json
from django.conf import settings as s
print(json.dumps({
    "failure_limit": s.AXES_FAILURE_LIMIT, "cooloff": s.AXES_COOLOFF_TIME.total_seconds(),
    "lockout_parameters": s.AXES_LOCKOUT_PARAMETERS, "backend0": s.AUTHENTICATION_BACKENDS[0],
    "last_middleware": s.MIDDLEWARE[-1], "session_age": s.SESSION_COOKIE_AGE,
    "browser_close": s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "email": [s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,
    s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS], "secret_key": s.SECRET_KEY,
    "client_ip": getattr(s.AXES_CLIENT_IP_CALLABLE, "__name__", None),
}))
"""


def read_settings(**env):
    result = run_python(READ_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_login_session_lasts_until_the_browser_closes_and_one_working_day_at_most(client, tuphap):
    response = client.post("/accounts/login/", {"username": "sotuphap", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    stored = Session.objects.get(session_key=cookie.value)
    left = stored.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < left <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_defaults():
    values = read_settings(SECRET_KEY="k" * 50)
    assert values["failure_limit"] == 5 and values["cooloff"] == 3600
    assert values["lockout_parameters"] == ["username", "ip_address"]
    assert values["backend0"] == "axes.backends.AxesStandaloneBackend"
    assert values["last_middleware"] == "axes.middleware.AxesMiddleware"
    assert values["session_age"] == 9 * 3600 and values["browser_close"] is True
    assert values["email"] == ["django.core.mail.backends.console.EmailBackend", "localhost", 25, "", "", False]
    assert values["client_ip"] is None  # REMOTE_ADDR


def test_the_environment_sets_limits_session_age_and_smtp():
    values = read_settings(
        SECRET_KEY="k" * 50, AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="15", SESSION_COOKIE_AGE="600",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="smtp.example.vn",
        EMAIL_PORT="587", EMAIL_HOST_USER="cchc", EMAIL_HOST_PASSWORD="bi-mat", EMAIL_USE_TLS="1", BEHIND_PROXY="1")
    assert values["client_ip"] == "client_ip_behind_proxy"
    assert values["failure_limit"] == 3 and values["cooloff"] == 15 * 60 and values["session_age"] == 600
    assert values["email"] == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.vn", 587, "cchc",
                               "bi-mat", True]


def test_without_secret_key_and_debug_off_django_refuses_to_start():
    for env in ({}, {"DEBUG": "0"}, {"SECRET_KEY": "  "}):
        result = run_python("import django; django.setup()", **env)
        assert result.returncode != 0, env
        assert "ImproperlyConfigured" in result.stderr
        assert "Chưa đặt biến môi trường SECRET_KEY" in result.stderr
        assert "The SECRET_KEY environment variable is not set" in result.stderr


def test_a_secret_key_or_debug_lets_it_start():
    assert read_settings(SECRET_KEY="k" * 50)["secret_key"] == "k" * 50
    # Development only: DEBUG=1 falls back to the development key.
    assert read_settings(DEBUG="1")["secret_key"].startswith("django-insecure-")
