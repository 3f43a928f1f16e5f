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


def ascii_slug(text: str) -> str:
    """"661/BC-SNV" → "661-BC-SNV", "tỉnh Điện Biên" → "tinh-Dien-Bien": a file name any
    system and mail client keeps (no accents, no slashes), case kept."""
    import re
    import unicodedata

    text = text.replace("Đ", "D").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def filename(period: EvaluationPeriod, fmt: str, *, number: str = "", draft: bool = False, version: int = 1) -> str:
    """"Bao-cao-661-BC-SNV-2024.pdf" from the report's number and year; without a number
    "Bao-cao-phan-tich-CCHC-2026-UBND-tinh-Dien-Bien"; "-du-thao" for a draft, "-v2" for a
    later published version."""
    if ascii_slug(number):
        stem = f"Bao-cao-{ascii_slug(number)}-{period.year}"
    else:
        stem = f"Bao-cao-phan-tich-CCHC-{period.year}-{ascii_slug(str(period.subject))}"
    if version > 1:
        stem += f"-v{version}"
    if draft:
        stem += "-du-thao"
    return f"{stem}.{fmt}"


def render(period: EvaluationPeriod, fmt: str, *, final: bool = False, data: ReportData | None = None) -> RenderedReport:
    """The report of `period` in one of FORMATS; a draft (with the "DỰ THẢO" mark) unless
    `final`, which only the publication step asks for (services.publication).

    Raises ReportError for an unknown format.
    """
    if fmt not in FORMATS:
        raise ReportError(_("Định dạng %(fmt)s không được hỗ trợ; chọn một trong: %(formats)s.") % {
            "fmt": fmt, "formats": ", ".join(FORMATS)})
    data = data or assemble(period)
    context = build_context(data, final=final)
    if fmt == "docx":
        from .render_docx import render_docx

        content = render_docx(data, context)
    else:
        from .render_html import render_document

        html = render_document(data, standalone=(fmt == "html"), context=context)
        if fmt == "pdf":
            from .render_pdf import html_to_pdf

            content = html_to_pdf(html)
        else:
            content = html.encode("utf-8")
    return RenderedReport(content, CONTENT_TYPES[fmt], filename(period, fmt, number=data.record.number, draft=not final))


__all__ = ["FORMATS", "RenderedReport", "ReportData", "filename", "ReportError", "assemble", "build_context", "find_period", "render"]
