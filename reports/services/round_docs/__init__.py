"""The printed documents of a province's own round, all from data
(scorecards.services.ranking and the Round's decision fields):

- the published results annex (`annex`): one table per group, as PDF
  (`render_annex_pdf.annex_html` then WeasyPrint), DOCX and XLSX;
- each subject's own scorecard (`scorecard`): every leaf with self, round 1, round 2,
  explanation and reason, subtotals, bonus and penalty, total, rank and grade; PDF and XLSX;
- the analysis report of the round (`analysis`): HTML preview and PDF, every sentence
  generated from the figures.

Layout of Nghị định 30/2020/NĐ-CP; Vietnamese, decimal comma; the illustrative mark on
every page of a round with illustrative figures.
"""
from __future__ import annotations

from .common import CONTENT_TYPES, DocumentError, RenderedFile, find_group, names

ANNEX_FORMATS = ("pdf", "docx", "xlsx")
SCORECARD_FORMATS = ("pdf", "xlsx")
ANALYSIS_FORMATS = ("html", "pdf")


def _check(fmt: str, allowed: tuple[str, ...]):
    from django.utils.translation import gettext as _

    if fmt not in allowed:
        raise DocumentError(_("Định dạng “%(fmt)s” không được hỗ trợ; chọn một trong: %(list)s.") % {
            "fmt": str(fmt)[:10], "list": ", ".join(allowed)})


def render_annex(round_, fmt: str, group=None) -> RenderedFile:
    """The annex of `round_` (or of one SubjectGroup) in pdf, docx or xlsx."""
    from .annex import annex_stem

    _check(fmt, ANNEX_FORMATS)
    if fmt == "pdf":
        from .render_annex_pdf import render_annex_pdf

        content = render_annex_pdf(round_, group)
    elif fmt == "docx":
        from .render_annex_docx import render_annex_docx

        content = render_annex_docx(round_, group)
    else:
        from .render_annex_xlsx import render_annex_xlsx

        content = render_annex_xlsx(round_, group)
    filename, display = names(annex_stem(round_, group), fmt)
    return RenderedFile(content, CONTENT_TYPES[fmt], filename, display)


def render_scorecard(period, fmt: str) -> RenderedFile:
    """A subject's own scorecard (one EvaluationPeriod of a round) in pdf or xlsx."""
    from .scorecard import build_scorecard_doc, scorecard_stem

    _check(fmt, SCORECARD_FORMATS)
    doc = build_scorecard_doc(period)
    if fmt == "pdf":
        from .scorecard_pdf import render_scorecard_pdf_from

        content = render_scorecard_pdf_from(doc)
    else:
        from .scorecard_xlsx import render_scorecard_xlsx_from

        content = render_scorecard_xlsx_from(doc)
    filename, display = names(scorecard_stem(doc), fmt)
    return RenderedFile(content, CONTENT_TYPES[fmt], filename, display)


def render_analysis(round_, fmt: str) -> RenderedFile:
    """The analysis report of `round_`: standalone html or pdf."""
    from .analysis import analysis_stem, build_analysis, render_analysis_html, render_analysis_pdf_from

    _check(fmt, ANALYSIS_FORMATS)
    analysis = build_analysis(round_)
    if fmt == "pdf":
        content = render_analysis_pdf_from(analysis)
    else:
        content = render_analysis_html(analysis, standalone=True).encode("utf-8")
    filename, display = names(analysis_stem(round_), fmt)
    return RenderedFile(content, CONTENT_TYPES[fmt], filename, display)


__all__ = ["ANALYSIS_FORMATS", "ANNEX_FORMATS", "DocumentError", "RenderedFile", "SCORECARD_FORMATS", "find_group",
           "render_analysis", "render_annex", "render_scorecard"]
