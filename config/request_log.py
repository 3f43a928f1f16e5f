"""One log line per request, and a request id on every record logged while it runs.

The id comes from the proxy (nginx's `proxy_set_header X-Request-ID $request_id;`) when
the header looks like an id, else it is a new uuid4 hex; it is sent back as the
`X-Request-ID` response header, so a user's "Lỗi máy chủ" can be matched with the log
and the error mail. The line, on logger `cchc.request` at INFO:

    GET /reports/2024/ 200 84.2ms user=sonoivu

(the formatter of settings.LOGGING adds time, level and `[request id]`). The path is
logged without its query string (search terms stay out of the logs); the duration is the
time until the response is ready (a download's streaming is not counted).
"""
from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from urllib.parse import quote

logger = logging.getLogger("cchc.request")

HEADER = "X-Request-ID"
NO_REQUEST = "-"
# nginx's $request_id (32 hex digits), UUIDs with dashes, other proxies' tokens: letters,
# digits, dot, dash, underscore, 8 to 64 characters. Anything else is replaced.
INCOMING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}\Z")
MAX_PATH_CHARS = 300

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("cchc_request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being handled in this context, or "-" outside a request."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record (the current request's id, or "-"); never drops one.

    Attach it to handlers (settings.LOGGING): a handler filter sees the records of every
    logger, a logger filter only those logged on that very logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = _request_id.get()
            if request_id == NO_REQUEST:
                # Django logs a 4xx/5xx *response* (django.request, with the request in
                # `extra`) after the middleware chain has returned: take the id from it.
                request_id = getattr(getattr(record, "request", None), "request_id", NO_REQUEST)
            record.request_id = request_id
        return True


def request_id_for(request) -> str:
    """The proxy's id when it matches INCOMING_ID, else a new uuid4 hex (32 characters)."""
    incoming = request.headers.get(HEADER, "")
    return incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex


def _username(request) -> str:
    user = getattr(request, "user", None)
    try:
        return user.get_username() if user is not None and user.is_authenticated else NO_REQUEST
    except Exception:  # the session or the database is down: the line is still written
        return "?"


def _loggable_path(request) -> str:
    # Percent-encoded again: a decoded path may hold spaces or line breaks (%0A), which
    # must not split or forge a log line.
    return quote(request.path, safe="/:@-._~!$&'()*+,;=")[:MAX_PATH_CHARS]


class RequestLogMiddleware:
    """Gives the request its id (request.request_id), logs one line when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if logger.isEnabledFor(logging.INFO):
                self.log(request, response, (time.perf_counter() - started) * 1000)
            return response
        finally:
            _request_id.reset(token)

    @staticmethod
    def log(request, response, duration_ms: float) -> None:
        method, path, user = request.method, _loggable_path(request), _username(request)
        logger.info(
            "%s %s %s %.1fms user=%s", method, path, response.status_code, duration_ms, user,
            extra={"http_method": method, "http_path": path, "http_status": response.status_code,
                   "duration_ms": round(duration_ms, 1), "user": user},
        )


class NotHealthChecks(logging.Filter):
    """Keeps /healthz's answers out of the error mails (here, not in config.health: the
    logging configuration is read before the apps are loaded, so a filter must not import
    the health-check library or the models): while a check fails, the monitor
    calls every few seconds, and each 500 would be one more mail. The failure is still
    logged (django-health-check, logger `health_check`, WARNING; and the request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        match = getattr(getattr(record, "request", None), "resolver_match", None)
        return getattr(match, "url_name", None) != "healthz"
