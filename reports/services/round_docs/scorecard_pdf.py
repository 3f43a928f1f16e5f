"""A subject's own scorecard as PDF (HTML through WeasyPrint), on landscape A4."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.services.render_pdf import html_to_pdf

from . import common
from .scorecard import ScorecardDoc, ScRow, build_scorecard_doc

WIDTHS = ("6", "24", "6", "6.5", "6.5", "6.5", "6.5", "19.5", "18.5")


def na_mark() -> str:
    return _("KAD")


def fmt_cell(row: ScRow, value) -> str:
    if row.kind == "leaf" and row.not_applicable:
        return na_mark()
    return common.fmt_points(value) if value is not None else ""


def view_rows(doc: ScorecardDoc) -> list[dict]:
    out = []
    for r in doc.rows:
        out.append({
            "kind": r.kind, "level": r.level, "code": r.code, "name": r.name,
            "max": common.fmt_points(r.max_points) if r.max_points is not None else "",
            "self": "" if r.survey and r.kind == "leaf" and not r.not_applicable else fmt_cell(r, r.self_points),
            "round1": fmt_cell(r, r.round1), "round2": fmt_cell(r, r.round2),
            "final": fmt_cell(r, r.final),
            "explanation": r.explanation, "reason": r.reason, "na": r.not_applicable, "survey": r.survey,
            "flagged": r.explanation_requested,
        })
    return out


def scorecard_context(doc: ScorecardDoc) -> dict:
    return {
        "doc": doc, "rows": view_rows(doc), "widths": WIDTHS, "landscape": True,
        "illustrative_mark": common.illustrative_mark(), "illustrative_sentence": common.illustrative_sentence(),
    }


def scorecard_html(doc: ScorecardDoc) -> str:
    return render_to_string("reports/round_scorecard.html", scorecard_context(doc))


def render_scorecard_pdf_from(doc: ScorecardDoc) -> bytes:
    return html_to_pdf(scorecard_html(doc))


def render_scorecard_pdf(period) -> bytes:
    return render_scorecard_pdf_from(build_scorecard_doc(period))
