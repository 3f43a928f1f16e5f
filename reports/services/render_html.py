"""HTML of the report: the printable document (for the PDF and the HTML export)."""
from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .assemble import ReportData
from .context import build_context

# A standalone file is read in a browser: the screen rules (footnotes listed at the end),
# not the WeasyPrint page rules (footnote floats, named pages).
STANDALONE_STYLESHEETS = ("css/report.css", "css/report-screen.css")


def inline_stylesheets() -> str:
    """The report's CSS for a standalone HTML file (fonts then come from the reader's system)."""
    parts = []
    for name in STANDALONE_STYLESHEETS:
        path = finders.find(name)
        css = Path(path).read_text(encoding="utf-8")
        parts.append("\n".join(line for line in css.splitlines() if "@font-face" not in line))
    return "\n".join(parts)


def render_document(data: ReportData, *, standalone: bool = False, context: dict | None = None, final: bool = False) -> str:
    """The report as one HTML document (str). `final`: the publication snapshot, without the
    draft mark (see build_context)."""
    ctx = dict(context or build_context(data, final=final))
    if standalone:
        ctx["inline_css"] = inline_stylesheets()
    return render_to_string("reports/print.html", ctx)
