"""Which period a report is about: by year (the province's period) or by id."""
from __future__ import annotations

from django.utils.translation import gettext as _

from scorecards.models import EvaluationPeriod


class ReportError(Exception):
    """A report cannot be produced; the message is for the user, in Vietnamese."""


def _base():
    return EvaluationPeriod.objects.select_related("framework", "subject__province")


def find_period(year: int, period_id: int | None = None) -> EvaluationPeriod:
    if period_id is not None:
        period = _base().filter(pk=period_id).first()
        if period is None:
            raise ReportError(_("Không có kỳ đánh giá mã %(id)s.") % {"id": period_id})
        if period.year != year:
            raise ReportError(_("Kỳ đánh giá mã %(id)s thuộc năm %(real)s, không phải năm %(year)s.") % {
                "id": period_id, "real": period.year, "year": year})
        return period
    periods = list(_base().filter(year=year).order_by("subject__order", "pk")[:10])
    province_periods = [p for p in periods if p.subject.kind == "province"]
    candidates = province_periods or periods
    if not candidates:
        raise ReportError(_("Chưa có kỳ đánh giá nào của năm %(year)s.") % {"year": year})
    if len(candidates) > 1:
        listed = ", ".join(f"{p.pk} ({p.subject})" for p in candidates)
        raise ReportError(_("Năm %(year)s có nhiều kỳ đánh giá: %(list)s. Hãy chọn một kỳ bằng --period.") % {
            "year": year, "list": listed})
    return candidates[0]


def periods_of_year(year: int) -> list[EvaluationPeriod]:
    return list(_base().filter(year=year).order_by("subject__order", "pk"))
