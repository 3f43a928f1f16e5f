"""Settings for Chỉ số CCHC: one module, configured by environment variables.

Every value that differs between a laptop and production comes from the environment
(healthchecks style); the defaults are safe for local development on SQLite.
"""
from datetime import timedelta
from pathlib import Path
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.environment import admins_from, cache_from, storage_from
from config.formats.vi import formats as _day_first

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    """The variable's value; unset or empty (`KEY=` in an environment file) means the default."""
    return os.getenv(name, "").strip() or default


def envbool(name: str, default: str = "False") -> bool:
    return envstr(name, default).lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = envstr(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={value!r}: phải là một số nguyên. / {name} must be a whole number."
        ) from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
# No public fallback key outside development: with DEBUG off, SECRET_KEY must be set
# (scripts/test.sh makes a throw-away one for the tests).
SECRET_KEY = os.getenv("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Chưa đặt biến môi trường SECRET_KEY: bắt buộc khi DEBUG tắt (đặt DEBUG=1 khi phát triển). "
            "/ The SECRET_KEY environment variable is not set: it is required when DEBUG is off "
            "(set DEBUG=1 for development). "
            'Ví dụ / e.g.: export SECRET_KEY="$(head -c 48 /dev/urandom | base64)"'
        )
    SECRET_KEY = "django-insecure-dev-only-key"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "scorecards.admin_config.AdminConfig",  # django.contrib.admin with our site (Vietnamese order)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates for FORM_RENDERER below
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "health_check",  # /healthz (config.health) and `manage.py health_check healthz --no-http`
    "scorecards",
    "reports",
    "axes",
    "config.apps.ProjectConfig",  # the deploy checks of config/checks.py
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from gunicorn (collectstatic first); in development from the
    # app folders (WHITENOISE_USE_FINDERS below follows DEBUG).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files (answered above) and HTTPS redirects are not logged
    # (nginx's access log has them); every request that reaches Django gets an id and a line.
    "config.request_log.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]
# Widgets render with the project's templates first: templates/django/forms/widgets/
# select_option.html gives Django's empty choice "---------" a Vietnamese label in every form.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "scorecards.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes), on the site's login page and the admin's alike: after
# AXES_FAILURE_LIMIT failed logins for one username (from any address), or from one IP
# address (for any usernames), that username / address is refused for the cool-off time,
# even with the right password. Counting restarts when no failure came for that long.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# A success does not wipe the failures: with the IP address as a parameter it would also
# wipe those of other usernames tried from the same address.
AXES_RESET_ON_SUCCESS = False

# Sessions end when the browser closes, and at the latest one working day after login.
# Stored in the database by default, so every web server and host sees them; Django's
# other engines work too (README "Past one server"), e.g.
# django.contrib.sessions.backends.cached_db with a shared CACHE_BACKEND (Redis, the database).
SESSION_ENGINE = envstr("SESSION_ENGINE", "django.contrib.sessions.backends.db")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 9 * 60 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Day-first date input and display (Django's "vi" locale has no input formats), in both
# languages: config/formats/vi and config/formats/en. The same formats where no language is
# active (formats.get_format falls back to these settings).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_FORMAT = _day_first.DATE_FORMAT
DATETIME_FORMAT = _day_first.DATETIME_FORMAT
SHORT_DATE_FORMAT = _day_first.SHORT_DATE_FORMAT
SHORT_DATETIME_FORMAT = _day_first.SHORT_DATETIME_FORMAT
TIME_FORMAT = _day_first.TIME_FORMAT
DATE_INPUT_FORMATS = _day_first.DATE_INPUT_FORMATS
TIME_INPUT_FORMATS = _day_first.TIME_INPUT_FORMATS
DATETIME_INPUT_FORMATS = _day_first.DATETIME_INPUT_FORMATS
FIRST_DAY_OF_WEEK = _day_first.FIRST_DAY_OF_WEEK

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG

# Evidence documents are private: never under a public /media/ URL. They are served only
# through scorecards.views.evidence, which checks the same visibility rule as the scores.
PRIVATE_MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "private-media")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# No URL pattern serves this prefix: evidence has no public URL. (Django's test server
# needs a string here, and a prefix nothing else uses keeps it from shadowing pages.)
MEDIA_URL = "/private-media-not-served/"

# Private media (evidence, published reports, renders) on any Django storage: the code only
# uses the storage API (open, save, delete, exists), never a file-system path. Default:
# the file system under MEDIA_ROOT. E.g. S3-compatible object storage with django-storages
# (install it first): MEDIA_STORAGE=storages.backends.s3.S3Storage
# MEDIA_STORAGE_OPTIONS='{"bucket_name": "cchc-media", "endpoint_url": "https://s3.example.vn"}'.
#
# Static files: Django's plain storage, collected to STATIC_ROOT and served by WhiteNoise
# under their own names. Not WhiteNoise's manifest storage: the report's PDF fetcher
# (reports/services/render_pdf.py) looks the names of {% static %} URLs up with the
# staticfiles finders and would not find hashed names, and every page would need
# collectstatic first (the tests run without it). Not the compressed one either:
# collectstatic takes 14,5 s instead of 1,7 s (brotli on every font), for a few CSS files
# that nginx can compress.
STORAGES = {
    "default": storage_from(envstr("MEDIA_STORAGE", ""), envstr("MEDIA_STORAGE_OPTIONS", "")),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Django's cache (the app itself caches nothing; sessions may use it). Default: memory of
# each process. Shared: CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache
# CACHE_LOCATION=cchc_cache (then `manage.py createcachetable`), or
# django.core.cache.backends.redis.RedisCache with CACHE_LOCATION=redis://127.0.0.1:6379/1
# (needs the `redis` package).
CACHES = {"default": cache_from(envstr("CACHE_BACKEND", ""), envstr("CACHE_LOCATION", ""))}

EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Limits on an import file (scorecards.transfer.readers): past any of them the file is
# refused with a message naming the limit, before it can hold a worker.
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 20_000)  # data rows of a sheet (the header row not counted)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 100)
# All members of an XLSX zip, uncompressed: a 20 000-row sheet is about 7,5 MB of XML, and
# openpyxl parses about 7 MB a second, so 16 MB keeps any accepted file under about 2 s.
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", 16 * 1024 * 1024)
IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 32_767)  # Excel's own limit for one cell
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# The scorecard grid posts up to six fields per criterion in one all-or-nothing save;
# Django's default of 1 000 fields refused a framework of 170 criteria with a bare 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Password-reset e-mails and deadline reminders. Production: EMAIL_BACKEND=
# django.core.mail.backends.smtp.EmailBackend with the SMTP server below.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "chiso-cchc@localhost")
# The address links in e-mails start with (notifications are sent outside any request).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)

# Background work (django-tasks, the API Django 6 adopts as django.tasks): renders of the
# report's drafts and publications (reports.tasks). The default runs a task at once inside
# the request, which needs no other process (the demo, the tests). Production sets
# TASKS_BACKEND=django_tasks_db.backend.DatabaseBackend and runs `manage.py db_worker`:
# the queue is a table of the same database, so workers on several hosts share it.
TASKS = {"default": {"BACKEND": envstr("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}
# /healthz reports the workers as failing when a queued task has waited longer than this
# (django-tasks-db records no heartbeat; an idle worker with an empty queue is healthy).
WORKER_MAX_QUEUE_AGE = timedelta(minutes=envint("WORKER_MAX_QUEUE_MINUTES", 5))

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# A score changes only through services.scoring (rights, period state, version, audit):
# the history page shows changes and never reverts them (that would be a side door).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Production hardening (active when DEBUG is off); `manage.py check --deploy` passes with
# SECRET_KEY set and HTTPS in front.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
# A monitor on the server itself calls http://127.0.0.1:8001/healthz (with the site's Host:
# ALLOWED_HOSTS still applies).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY") else None


def client_ip_behind_proxy(request):
    """The address the proxy saw: the last X-Forwarded-For entry (the one the proxy added;
    earlier ones come from the client and can be forged), else REMOTE_ADDR."""
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-1] if hops else request.META.get("REMOTE_ADDR")


# Behind the proxy every request comes from 127.0.0.1: without this, a few failed logins by
# anyone would lock everybody out.
AXES_CLIENT_IP_CALLABLE = client_ip_behind_proxy if envbool("BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"

# Errors to the administrators: with DEBUG off, every server error (HTTP 500, logger
# django.request) is mailed to ADMINS, e.g. ADMINS="Nguyễn Văn A <a@example.vn>, b@example.vn",
# from SERVER_EMAIL, with the request id in the body.
ADMINS = admins_from(envstr("ADMINS", ""))
SERVER_EMAIL = envstr("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Chỉ số CCHC] "

# Logs go to standard error (journald under systemd), one line per record:
#   2025-04-10 09:12:03,512 INFO cchc.request [6f1c…] GET /reports/2024/ 200 84.2ms user=sonoivu
# LOG_LEVEL filters everything but the request lines (cchc.request, INFO unless
# REQUEST_LOG=0). An error tracker or a central log server is one more handler here, added
# to the "django" logger's handlers (e.g. logging.handlers.SysLogHandler).
LOG_LEVEL = envstr("LOG_LEVEL", "WARNING").upper()
REQUEST_LOG = envstr("REQUEST_LOG").lower() not in {"0", "false", "no", "off"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.request_log.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_health_checks": {"()": "config.request_log.NotHealthChecks"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "not_health_checks", "request_id"],
            "formatter": "line",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's records reach the console through the root; errors are also mailed.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # Requests for another host name (scanners): logged, not mailed.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        "cchc.request": {"level": "INFO" if REQUEST_LOG else "WARNING"},
    },
}
