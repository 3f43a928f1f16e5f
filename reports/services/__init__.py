"""The analysis report: assemble → narrative/tables/chart → HTML, PDF or DOCX."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from scorecards.models import EvaluationPeriod

from .assemble import ReportData, assemble
from .context import build_context
from .periods import ReportError, find_period

FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class RenderedReport:
    content: bytes
    content_type: str
    filename: str


def filename(period: EvaluationPeriod, fmt: str) -> str:
    return f"bao-cao-phan-tich-chi-so-cchc-{period.year}-ky-{period.pk}.{fmt}"


def render(period: EvaluationPeriod, fmt: str) -> RenderedReport:
    """The report of `period` in one of FORMATS."""
    if fmt not in FORMATS:
        raise ReportError(_("Định dạng %(fmt)s không được hỗ trợ; chọn một trong: %(formats)s.") % {
            "fmt": fmt, "formats": ", ".join(FORMATS)})
    data = assemble(period)
    if fmt == "docx":
        from .render_docx import render_docx

        content = render_docx(data)
    else:
        from .render_html import render_document

        html = render_document(data, standalone=(fmt == "html"))
        if fmt == "pdf":
            from .render_pdf import html_to_pdf

            content = html_to_pdf(html)
        else:
            content = html.encode("utf-8")
    return RenderedReport(content, CONTENT_TYPES[fmt], filename(period, fmt))


__all__ = ["FORMATS", "RenderedReport", "ReportData", "ReportError", "assemble", "build_context", "find_period", "render"]
