"""PDF of the report with WeasyPrint 70: bundled fonts, only our static files, strict fetching."""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

BASE_URL = "https://report.invalid/"


def _weasyprint():
    import weasyprint  # imported on first use: it takes half a second

    return weasyprint


def static_fetcher():
    """A URL fetcher that serves files found by the staticfiles finders and refuses the rest.

    WeasyPrint 70 has no default_url_fetcher any more: we subclass URLFetcher and return
    URLFetcherResponse. With fail_on_errors a missing font or stylesheet stops the
    rendering instead of silently falling back to another font.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = urlsplit(BASE_URL).path + settings.STATIC_URL.lstrip("/")

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(BASE_URL) or not parts.path.startswith(prefix):
                raise ValueError(f"Refused URL (only static files are served): {url}")
            name = unquote(parts.path[len(prefix):])
            path = finders.find(name)
            if not path:
                raise ValueError(f"Static file not found: {name}")
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": mime})

    return StaticFetcher(fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    """Render report HTML (with {% static %} links) to PDF bytes."""
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()  # one for the stylesheets and the layout, or @font-face is lost
    fetcher = static_fetcher()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(font_config=font_config)
