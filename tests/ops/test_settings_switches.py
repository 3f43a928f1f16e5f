"""Going past one server is configuration: private media storage, cache, sessions, error
mail recipients come from the environment (config/environment.py), bad values stop the
start with a message naming the variable; the deploy check warns about SITE_URL."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from config.checks import check_site_url
from config.environment import admins_from, cache_from, storage_from

ROOT = Path(__file__).resolve().parents[2]
DB_CACHE = "django.core.cache.backends.db.DatabaseCache"
PRODUCTION = {  # the environment of .ci/run's check --deploy line
    "DEBUG": "0", "ALLOWED_HOSTS": "cchc.example.vn", "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1", "SECRET_KEY": "k" * 20 + "-production-like-key-0123456789",
}


# Left out of a child process's environment: the variables under test, and the test
# run's own DEBUG / async switch (check --deploy refuses the latter).
NOT_INHERITED = {"ADMINS", "SERVER_EMAIL", "DEFAULT_FROM_EMAIL", "MEDIA_STORAGE", "MEDIA_STORAGE_OPTIONS", "CACHE_BACKEND",
                 "CACHE_LOCATION", "SESSION_ENGINE", "WORKER_MAX_QUEUE_MINUTES", "REQUEST_LOG", "LOG_LEVEL", "SITE_URL",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}


def run_python(code, **env):
    """Run `python *code` in the project with a clean environment plus `env`; the CompletedProcess."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run([sys.executable, *code], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x", **env})


# --- ADMINS ----------------------------------------------------------------------------------

def test_admins_are_read_as_name_address_pairs():
    assert admins_from("Nguyễn Văn A <a@example.vn>, Trực ban <truc.ban@snv.example.vn>") == [
        ("Nguyễn Văn A", "a@example.vn"), ("Trực ban", "truc.ban@snv.example.vn")]
    assert admins_from("a@example.vn,b@example.vn") == [("", "a@example.vn"), ("", "b@example.vn")]
    assert admins_from("  ") == []


@pytest.mark.parametrize("value", ["Nguyễn Văn A", "a@example.vn, không-phải-địa-chỉ", "<@example.vn>"])
def test_a_wrong_admin_address_stops_the_start(value):
    with pytest.raises(ImproperlyConfigured) as exc:
        admins_from(value)
    assert str(exc.value).startswith("Biến môi trường ADMINS:")


# --- storage, cache --------------------------------------------------------------------------

def test_private_media_defaults_to_the_file_system_under_media_root(settings):
    assert storage_from("", "") == {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}}
    # No location fixed in OPTIONS: the storage keeps following MEDIA_ROOT.
    assert settings.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}}
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_any_storage_class_with_json_options():
    entry = storage_from("storages.backends.s3.S3Storage", '{"bucket_name": "cchc-media", "querystring_auth": true}')
    assert entry == {"BACKEND": "storages.backends.s3.S3Storage",
                     "OPTIONS": {"bucket_name": "cchc-media", "querystring_auth": True}}


@pytest.mark.parametrize(("backend", "options", "variable"), [
    ("S3Storage", "", "MEDIA_STORAGE"),
    ("storages.backends.s3.S3 Storage", "", "MEDIA_STORAGE"),
    ("storages.backends.s3.S3Storage", "{bucket_name: cchc}", "MEDIA_STORAGE_OPTIONS"),
    ("storages.backends.s3.S3Storage", '["cchc"]', "MEDIA_STORAGE_OPTIONS"),
])
def test_a_wrong_storage_setting_names_its_variable(backend, options, variable):
    with pytest.raises(ImproperlyConfigured) as exc:
        storage_from(backend, options)
    assert str(exc.value).startswith(f"Biến môi trường {variable}:")


def test_cache_defaults_to_process_memory_and_shared_caches_need_a_location(settings):
    assert cache_from("", "") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert cache_from(DB_CACHE, "cchc_cache") == {"BACKEND": DB_CACHE, "LOCATION": "cchc_cache"}
    with pytest.raises(ImproperlyConfigured) as exc:
        cache_from("django.core.cache.backends.redis.RedisCache", "")
    assert str(exc.value).startswith("Biến môi trường CACHE_LOCATION:")


SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "from django.core.files.storage import storages; "
    "print(json.dumps([s.STORAGES['default'], type(storages['default']).__name__, s.CACHES['default'], "
    "s.SESSION_ENGINE, s.ADMINS, s.SERVER_EMAIL, s.WORKER_MAX_QUEUE_AGE.total_seconds(), s.REQUEST_LOG]))"
)


def test_the_environment_reaches_the_settings():
    out = run_python(["-c", SHOW_SETTINGS], MEDIA_STORAGE="django.core.files.storage.InMemoryStorage",
                     MEDIA_STORAGE_OPTIONS='{"base_url": "/khong-dung/"}', CACHE_BACKEND=DB_CACHE,
                     CACHE_LOCATION="cchc_cache", SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
                     ADMINS="Quản trị <quantri@example.vn>", SERVER_EMAIL="loi@example.vn", WORKER_MAX_QUEUE_MINUTES="10")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        {"BACKEND": "django.core.files.storage.InMemoryStorage", "OPTIONS": {"base_url": "/khong-dung/"}},
        "InMemoryStorage", {"BACKEND": DB_CACHE, "LOCATION": "cchc_cache"},
        "django.contrib.sessions.backends.cached_db", [["Quản trị", "quantri@example.vn"]], "loi@example.vn", 600.0, True,
    ]


def test_empty_values_mean_the_defaults():
    # An environment file with `KEY=` lines (deploy/chiso-cchc.env.example) gives empty strings.
    empty = dict.fromkeys(["MEDIA_STORAGE", "MEDIA_STORAGE_OPTIONS", "CACHE_BACKEND", "CACHE_LOCATION", "SESSION_ENGINE",
                           "ADMINS", "SERVER_EMAIL", "WORKER_MAX_QUEUE_MINUTES", "REQUEST_LOG", "LOG_LEVEL"], "")
    out = run_python(["-c", SHOW_SETTINGS], **empty, DEFAULT_FROM_EMAIL="chiso-cchc@example.vn")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [
        {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}}, "FileSystemStorage",
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "django.contrib.sessions.backends.db", [],
        "chiso-cchc@example.vn", 300.0, True,
    ]


def test_a_bad_value_stops_manage_py_with_its_name():
    out = run_python(["manage.py", "check"], MEDIA_STORAGE_OPTIONS="bucket=cchc")
    assert out.returncode != 0
    assert "Biến môi trường MEDIA_STORAGE_OPTIONS: không phải JSON hợp lệ" in out.stderr


# --- sessions and cache in the database (what several web servers share) --------------------

@pytest.mark.django_db
def test_sessions_and_cache_in_the_database_work(client, tuphap, settings):
    settings.CACHES = {"default": {"BACKEND": DB_CACHE, "LOCATION": "cchc_test_cache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    call_command("createcachetable", verbosity=0)
    client.force_login(tuphap)
    assert client.get("/accounts/password_change/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cchc_test_cache")
        assert cursor.fetchone()[0] >= 1  # the session went through the shared cache
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    health = client.get("/healthz")
    assert "Cache(alias='default'): OK" in health.content.decode()


# --- the deploy check ------------------------------------------------------------------------

@pytest.mark.parametrize(("site_url", "redirect", "ids"), [
    ("http://127.0.0.1:8000", True, ["cchc.W001", "cchc.W002"]),
    ("http://cchc.example.vn", True, ["cchc.W001"]),
    ("https://cchc.example.vn", True, []),
    ("https://cchc.example.vn/", True, []),
    ("https://khac.example.vn", True, ["cchc.W002"]),
    ("http://cchc.example.vn", False, []),  # no HTTPS in front: nothing to compare with
])
def test_site_url_is_checked_against_https_and_allowed_hosts(settings, site_url, redirect, ids):
    settings.SITE_URL, settings.SECURE_SSL_REDIRECT, settings.ALLOWED_HOSTS = site_url, redirect, ["cchc.example.vn"]
    assert [m.id for m in check_site_url()] == ids


def test_check_deploy_passes_with_site_url_and_warns_without():
    command = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    good = run_python(command, **PRODUCTION, SITE_URL="https://cchc.example.vn")
    assert good.returncode == 0, good.stderr
    bad = run_python(command, **PRODUCTION)
    assert bad.returncode != 0
    assert "cchc.W001" in bad.stderr
