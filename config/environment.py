"""Settings read from the environment that need more than a word: who gets error mails,
where private media lives, which cache. Pure functions, so that the tests can call them
with any input; config/settings.py calls them once with the process environment.

Bad values stop the start with ImproperlyConfigured, in Vietnamese then English, naming
the variable (as a missing SECRET_KEY does): a typo must not silently become a default.
"""
from __future__ import annotations

import json
from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

FILE_SYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"
LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"


def _refuse(variable: str, vi: str, en: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Biến môi trường {variable}: {vi} / The {variable} environment variable: {en}")


def admins_from(value: str) -> list[tuple[str, str]]:
    """ADMINS from `Name <a@example.vn>, Other <b@example.vn>` (or bare addresses).

    Returns Django 5.2's shape, a list of (name, address) pairs; an empty value gives [].
    Raises ImproperlyConfigured when an entry is not an e-mail address.
    """
    if not value.strip():
        return []
    admins = []
    for name, address in getaddresses([value]):
        try:
            validate_email(address)
        except ValidationError:
            raise _refuse(
                "ADMINS", f"“{address or value.strip()}” không phải là địa chỉ e-mail (dạng: Tên <a@example.vn>, …)",
                "not an e-mail address (expected: Name <a@example.vn>, …)",
            ) from None
        admins.append((name, address))
    return admins


def storage_from(backend: str, options: str) -> dict:
    """The STORAGES entry of private media: {"BACKEND": dotted class, "OPTIONS": dict}.

    `backend` empty means Django's FileSystemStorage, which keeps reading MEDIA_ROOT (no
    location is fixed here). `options` is a JSON object passed to the class, e.g. for
    django-storages' S3: {"bucket_name": "cchc", "endpoint_url": "https://s3.example.vn"}.
    Raises ImproperlyConfigured on a malformed backend name or options that are not a JSON object.
    """
    backend = backend.strip() or FILE_SYSTEM_STORAGE
    if "." not in backend or any(not part.isidentifier() for part in backend.split(".")):
        raise _refuse("MEDIA_STORAGE", f"“{backend}” không phải là tên lớp đầy đủ (module.Lớp)",
                      "not a dotted class path (module.Class)")
    try:
        parsed = json.loads(options) if options.strip() else {}
    except json.JSONDecodeError as exc:
        raise _refuse("MEDIA_STORAGE_OPTIONS", f"không phải JSON hợp lệ ({exc.msg}, cột {exc.colno})",
                      f"not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(parsed, dict):
        raise _refuse("MEDIA_STORAGE_OPTIONS", "phải là một đối tượng JSON {…}", "must be a JSON object {…}")
    return {"BACKEND": backend, "OPTIONS": parsed}


def cache_from(backend: str, location: str) -> dict:
    """The default CACHES entry: {"BACKEND": …, "LOCATION": …}; empty backend means LocMemCache.

    DatabaseCache needs LOCATION (a table name, made by `manage.py createcachetable`);
    RedisCache and Memcached need it too (the server's address).
    Raises ImproperlyConfigured when such a backend has no location.
    """
    backend = backend.strip() or LOCMEM_CACHE
    location = location.strip()
    needs_location = backend != LOCMEM_CACHE and not backend.endswith(".DummyCache")
    if needs_location and not location:
        raise _refuse("CACHE_LOCATION", f"chưa đặt, mà {backend} cần nó (tên bảng hoặc địa chỉ máy chủ)",
                      f"is empty, and {backend} needs it (a table name or a server address)")
    entry = {"BACKEND": backend}
    if location:
        entry["LOCATION"] = location
    return entry
