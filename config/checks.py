"""Deploy checks of our own (`manage.py check --deploy`), registered by config.apps.

cchc.W001: with SECURE_SSL_REDIRECT on (the site is served over HTTPS), SITE_URL, which
notification e-mails and reminders start their links with, is still the development
default or not https: every link in a mail would lead to the wrong place.
cchc.W002: SITE_URL's host is not in ALLOWED_HOSTS: its links would be refused (400).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import split_domain_port, validate_host

DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """Warnings (list of django.core.checks.Warning) about SITE_URL in a production set-up."""
    site_url = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    parts = urlsplit(site_url)
    messages = []
    if settings.SECURE_SSL_REDIRECT and (site_url == DEVELOPMENT_SITE_URL or parts.scheme != "https"):
        messages.append(Warning(
            f"SITE_URL is {site_url or 'empty'} while SECURE_SSL_REDIRECT is on: links in e-mails would not "
            "lead to the site.",
            hint="Set SITE_URL to the site's public address, e.g. SITE_URL=https://cchc.example.vn",
            id="cchc.W001",
        ))
    host, _port = split_domain_port(parts.netloc.rsplit("@", 1)[-1])
    if parts.netloc and not validate_host(host, settings.ALLOWED_HOSTS):
        messages.append(Warning(
            f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS: links in e-mails would be refused.",
            hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
            id="cchc.W002",
        ))
    return messages
