"""Everything a report template or the DOCX writer needs: data, sentences, tables, chart."""
from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import narrative
from . import numbers as n
from .assemble import ReportData
from .charts import field_chart_svg
from .tables import followup_line, followup_table, shortfall_table, sipas_table
from .text_blocks import blocks


def date_line(data: ReportData) -> str:
    """"Điện Biên, ngày 10 tháng 4 năm 2025": days under 10 and months 1–2 get a leading zero."""
    record = data.record
    place = record.place or ""
    d = record.date
    if d is None:
        blank = "\u00a0" * 6  # left for the hand-written date; plain spaces would collapse
        text = _("ngày %(blank)s tháng %(blank)s năm %(year)s") % {"blank": blank, "year": data.year + 1}
    else:
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        text = _("ngày %(day)s tháng %(month)s năm %(year)s") % {"day": f"{d.day:02d}", "month": month, "year": d.year}
    return f"{place}, {text}" if place else text.capitalize()


def number_line(data: ReportData) -> str:
    return _("Số: %(number)s") % {"number": data.record.number or "\u00a0" * 8 + "/BC-SNV"}


def illustrative_line(data: ReportData) -> str | None:
    """The mark under the title of a report built from illustrative figures (demo data,
    figures not yet published): printed in every format, so no copy passes for the real one."""
    if not data.is_illustrative:
        return None
    own = data.period.is_illustrative or (data.results_illustrative)
    if not own:
        return _("SỐ LIỆU SO SÁNH MINH HỌA – số liệu năm %(year)s dùng để so sánh không phải kết quả chính thức do Bộ Nội vụ công bố") % {
            "year": data.previous_year}
    return _("SỐ LIỆU MINH HỌA – không phải kết quả chính thức do Bộ Nội vụ công bố")


def build_context(data: ReportData, *, final: bool = False) -> dict:
    """What every format of the report is built from.

    `final` is True only for the publication snapshot (reports.services.publication): every
    other render is a draft and carries the "DỰ THẢO" mark on every page (`is_draft`,
    `draft_mark`), whatever the period's status.
    """
    record = data.record
    return {
        "is_draft": not final,
        "draft_mark": _("DỰ THẢO"),
        "data": data,
        "record": record,
        "text": narrative.build(data),
        "number_line": number_line(data),
        "date_line": date_line(data),
        "sipas_table": sipas_table(data),
        "shortfall_table": shortfall_table(data),
        "followup_table": followup_table(data),
        "followup_line": followup_line(data),
        "chart_svg": mark_safe(field_chart_svg(data)),  # built from escaped text only
        "blocks": {name: blocks(getattr(record, name)) for name in (
            "sipas_method", "sipas_commentary", "self_assessment_work", "self_assessment_after", "solutions", "recommendations")},
        "recipients": record.recipient_lines,
        "published_score": n.score(data.par.score),
        "computed_score": n.points(data.par.computed_score),
        "illustrative_line": illustrative_line(data),
        # Why some comparisons are missing (versions not linked, …): the preview shows them
        # to staff (show_staff_notes), the printed document never does.
        "staff_notes": data.problems,
    }
