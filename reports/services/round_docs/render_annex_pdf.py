"""The results annex as HTML, then PDF (WeasyPrint, through reports.services.render_pdf).

Two steps on purpose: `annex_html` (data and template, no WeasyPrint) and
`render_annex_pdf` (the same HTML through WeasyPrint), so bench/rounds.py can compare our
whole render with WeasyPrint alone on the same HTML:

    html = annex_html(round_)              # ours: queries + template
    pdf = html_to_pdf(html)                # WeasyPrint alone (reports.services.render_pdf)
    pdf = render_annex_pdf(round_)         # both
"""
from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from reports.services.render_pdf import html_to_pdf

from . import common
from .annex import Annex, AnnexGroup, build_annex


@dataclass
class _Row:
    number: int
    unit: str
    na: bool
    fields: list[str | None]
    rescaled: str
    bonus: str
    penalty: str
    total: str
    rank: int
    grade: str


def column_widths(group: AnnexGroup, landscape: bool) -> list[float]:
    """Percent widths: STT, unit, each field, rescaled, [bonus, penalty], total, rank, grade.
    Numbers get what "100,000" needs at the table's size; the unit's name takes the rest,
    up to a share that leaves the numbers room to breathe."""
    n = len(group.field_heads)
    field_w = 6.0 if landscape else 7.5
    budget = 52 if landscape else 36
    if n * field_w > budget:
        field_w = budget / n
    fixed = [5.5] + [field_w] * n + [8.5] + ([8.0, 8.0] if group.show_adjustments else []) + [8.5, 7.0, 12.0]
    unit = min(max(100 - sum(fixed), 16.0), 24.0 if landscape else 28.0)
    scale = (100 - unit) / sum(fixed)
    widths = [round(w * scale, 2) for w in fixed]
    return [widths[0], round(unit, 2), *widths[1:]]


def css_widths(widths: list[float]) -> list[str]:
    """"12.50" (a CSS number with a point, never localised to "12,50")."""
    return [f"{w:.2f}" for w in widths]


def table_font(annex: Annex) -> str:
    """11pt for a few fields, smaller as they grow (a table may be smaller than the body)."""
    n = annex.max_fields
    return "11pt" if n <= 5 else "10pt" if n <= 8 else "9pt"


def _view_group(group: AnnexGroup, landscape: bool) -> dict:
    fmt, ffmt = group.fmt, group.field_fmt
    rows = [_Row(number=r.number, unit=r.unit, na=bool(r.not_applicable_codes),
                 fields=[None if v is None else ffmt(v) for v in r.fields], rescaled=fmt(r.rescaled), bonus=fmt(r.bonus),
                 penalty=fmt(r.penalty), total=fmt(r.total), rank=r.rank, grade=r.grade) for r in group.rows]
    heads = [(code, common.fmt_points(mx)) for code, _name, mx in group.field_heads]
    return {"group": group, "rows": rows, "heads": heads, "widths": css_widths(column_widths(group, landscape))}


def annex_context(annex: Annex) -> dict:
    return {
        "annex": annex,
        "groups": [_view_group(g, annex.landscape) for g in annex.groups],
        "table_font": table_font(annex),
        "illustrative_mark": common.illustrative_mark(),
        "illustrative_sentence": common.illustrative_sentence(),
    }


def annex_html(round_, group=None) -> str:
    """The printable HTML of the annex of `round_` (or of one of its SubjectGroups)."""
    return annex_html_from(build_annex(round_, group))


def annex_html_from(annex: Annex) -> str:
    """annex_html for an Annex already built."""
    return render_to_string("reports/round_annex.html", annex_context(annex))


def render_annex_pdf(round_, group=None) -> bytes:
    """The annex as PDF bytes: annex_html() through WeasyPrint."""
    return html_to_pdf(annex_html(round_, group))
