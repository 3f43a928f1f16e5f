"""The printed documents of a province's own round, all from data
(scorecards.services.ranking and the Round's decision fields):

- the published results annex (`annex`): one table per group, as PDF
  (`render_annex_pdf.annex_html` then WeasyPrint), DOCX and XLSX;
- each subject's own scorecard (`scorecard`): every leaf with self, round 1, round 2,
  explanation and reason, subtotals, bonus and penalty, total, rank and grade; PDF and XLSX;
- the analysis report of the round (`analysis`): HTML preview and PDF, every sentence
  generated from the figures.

Each is a `documents.DocumentRef`, prepared once (`documents.prepare`: data, key, names)
and rendered from that data; the web serves the PDF and DOCX rendered by the background
worker and kept under their key (reports.services.drafts.request_round_document).

Layout of Nghị định 30/2020/NĐ-CP; Vietnamese (the site's language, whatever the
reader's), decimal comma; the illustrative mark on every page of a round with
illustrative figures.
"""
from __future__ import annotations

from .common import CONTENT_TYPES, DocumentError, RenderedFile, find_group, names
from .documents import ANALYSIS, ANNEX, FORMATS, SCORECARD, DocumentRef, PreparedDocument, prepare

ANNEX_FORMATS = FORMATS[ANNEX]
SCORECARD_FORMATS = FORMATS[SCORECARD]
ANALYSIS_FORMATS = FORMATS[ANALYSIS]
# Formats made inside the request: an XLSX is a tenth of a PDF's time (see the README).
# Every other format is rendered by the worker and served from storage.
SYNC_FORMATS = ("xlsx", "html")


def render_annex(round_, fmt: str, group=None) -> RenderedFile:
    """The annex of `round_` (or of one SubjectGroup) in pdf, docx or xlsx, rendered now.
    Raises DocumentError for another format."""
    return prepare(DocumentRef.annex(round_, fmt, group)).rendered()


def render_scorecard(period, fmt: str) -> RenderedFile:
    """A subject's own scorecard (one EvaluationPeriod of a round) in pdf or xlsx, rendered
    now. Raises DocumentError for another format or a period outside every round."""
    return prepare(DocumentRef.scorecard(period, fmt)).rendered()


def render_analysis(round_, fmt: str) -> RenderedFile:
    """The analysis report of `round_`: standalone html or pdf, rendered now."""
    return prepare(DocumentRef.analysis(round_, fmt)).rendered()


__all__ = ["ANALYSIS_FORMATS", "ANNEX_FORMATS", "CONTENT_TYPES", "DocumentError", "DocumentRef", "PreparedDocument",
           "RenderedFile", "SCORECARD_FORMATS", "SYNC_FORMATS", "find_group", "names", "prepare", "render_analysis",
           "render_annex", "render_scorecard"]
