"""Which period a report is about: by year (the province's period) or by id.

A year can hold several periods (two provinces, a province's internal index): then a year
alone does not say which, and `find_period` raises AmbiguousPeriod with the candidates;
each caller says how to choose in its own terms (the command: --period; the web: a page
listing the year's periods). Nothing here speaks of command-line options.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from scorecards.db import vi_collate
from scorecards.models import EvaluationPeriod


class ReportError(Exception):
    """A report cannot be produced; the message is for the user, in Vietnamese."""


class PeriodNotFound(ReportError):
    """No period of that id in that year, or no period at all in the year."""

    def __init__(self, message: str, year: int, period_id: int | None = None):
        super().__init__(message)
        self.year = year
        self.period_id = period_id


class AmbiguousPeriod(ReportError):
    """The year has several periods that a year alone could mean."""

    def __init__(self, year: int, candidates: list[EvaluationPeriod]):
        self.year = year
        self.candidates = list(candidates)
        super().__init__(_("Năm %(year)s có nhiều kỳ đánh giá: %(list)s.") % {"year": year, "list": self.listed})

    @property
    def listed(self) -> str:
        """"12 (UBND tỉnh Điện Biên), 15 (UBND tỉnh Thử)": the ids with their subjects."""
        return ", ".join(f"{p.pk} ({p.subject})" for p in self.candidates)


def _base():
    return EvaluationPeriod.objects.select_related("framework", "subject__province")


def find_period(year: int, period_id: int | None = None, *, include_rounds: bool = False) -> EvaluationPeriod:
    """The period `period_id` (which must be of `year`), or the one period a year alone
    means: the province's (the default subject), else the year's only period.

    A unit's scorecard in a province's own round is no period of the national report; the
    leaders' analysis pages (`include_rounds`) take one by id, never by year alone."""
    if period_id is not None:
        base = _base() if include_rounds else _base().outside_rounds()
        period = base.filter(pk=period_id).first()
        if period is None:
            raise PeriodNotFound(_("Không có kỳ đánh giá mã %(id)s.") % {"id": period_id}, year, period_id)
        if period.year != year:
            raise PeriodNotFound(_("Kỳ đánh giá mã %(id)s thuộc năm %(real)s, không phải năm %(year)s.") % {
                "id": period_id, "real": period.year, "year": year}, year, period_id)
        return period
    periods = periods_of_year(year)
    province_periods = [p for p in periods if p.subject.kind == "province"]
    candidates = province_periods or periods
    if not candidates:
        raise PeriodNotFound(_("Chưa có kỳ đánh giá nào của năm %(year)s.") % {"year": year}, year)
    if len(candidates) > 1:
        raise AmbiguousPeriod(year, candidates)
    return candidates[0]


def periods_of_year(year: int) -> list[EvaluationPeriod]:
    return list(_base().outside_rounds().filter(year=year).order_by("subject__order", vi_collate("subject__name").asc(), "pk"))


@dataclass(frozen=True)
class YearLink:
    """One of a subject's periods, as a link from another of its periods."""

    period: EvaluationPeriod
    label: str  # "2024", or "2024 (PAR-2024)" when the subject has two periods that year
    current: bool


def subject_periods(period: EvaluationPeriod) -> list[YearLink]:
    """The periods of `period`'s subject, latest year first: the links to other years carry
    the period, so two subjects in one year never collide."""
    periods = list(EvaluationPeriod.objects.filter(subject_id=period.subject_id)
                   .select_related("framework").order_by("-year", "pk"))
    per_year: dict[int, int] = {}
    for p in periods:
        per_year[p.year] = per_year.get(p.year, 0) + 1
    return [YearLink(p, f"{p.year} ({p.framework.code})" if per_year[p.year] > 1 else str(p.year), p.pk == period.pk)
            for p in periods]
