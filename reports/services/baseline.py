"""What a period is compared with: the comparison baseline of the report and the overview.

`EvaluationPeriod.baseline` (scorecards.choices.Baseline) chooses it:

- own: the subject's previous period (`period.previous()`) and its province's published
  results of that year (what every province that was not merged uses);
- none: nothing is compared (a merged province may choose so);
- predecessor: one predecessor province (`period.baseline_province`): its published results
  of the year before and, when the application holds it, its period of that year (a period
  whose subject is that province), whose fields and SIPAS indicators are then compared;
- average: the average of the predecessors' published PAR score and SIPAS % (Decimal, two
  places as published; never a rank: an average has none); fields and SIPAS indicators are
  compared only when every predecessor has a period that year (their figures averaged).

Every choice but "own" is named in the report's footnote (`Comparison.note`). Queries: none
beyond `period.previous()` for "own"; three for a predecessor or the average.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.choices import Baseline
from scorecards.db import vi_sort_key
from scorecards.formatting import quantize
from scorecards.models import Agency, EvaluationPeriod, NationalResult, Province


@dataclass
class PreviousResults:
    """The published figures a year is compared with (one province's, or the predecessors' average)."""

    year: int
    par_score: Decimal | None
    sipas_pct: Decimal | None
    par_rank: int | None = None
    sipas_rank: int | None = None
    ranked_count: int | None = None  # the base of both ranks; None when there is no rank
    is_illustrative: bool = False

    @classmethod
    def of(cls, result: NationalResult) -> PreviousResults:
        return cls(result.year, result.par_score, result.sipas_pct, result.par_rank, result.sipas_rank,
                   result.ranked_count, result.is_illustrative)


@dataclass
class Comparison:
    """The baseline of a period: the year compared with, the periods whose detailed figures
    (fields, SIPAS indicators) are compared, and the published figures."""

    kind: str
    year: int | None  # None: nothing is compared
    periods: list[EvaluationPeriod] = field(default_factory=list)  # averaged when several
    results: PreviousResults | None = None
    provinces: list[Province] = field(default_factory=list)  # the predecessors named
    note: str = ""  # the report's footnote naming the choice ("" for the subject's own previous period)

    @property
    def detailed(self) -> bool:
        """True when fields and SIPAS indicators can be compared (periods exist)."""
        return bool(self.periods)

    @property
    def period(self) -> EvaluationPeriod | None:
        """The one period compared with (own or a predecessor's), None for none or an average."""
        return self.periods[0] if len(self.periods) == 1 else None

    @property
    def is_illustrative(self) -> bool:
        return bool((self.results and self.results.is_illustrative) or any(p.is_illustrative for p in self.periods))


def _average(values: list[Decimal | None]) -> Decimal | None:
    """The mean of every value, two places (as the Ministry publishes); None if one is missing."""
    if not values or any(v is None for v in values):
        return None
    return quantize(sum(values, Decimal(0)) / len(values), 2)


def _names(provinces: list[Province]) -> str:
    return ", ".join(p.name for p in provinces)


def _predecessors(province: Province | None) -> list[Province]:
    """The province's predecessors, the one that kept its name first, then by name."""
    if province is None:
        return []
    return sorted(province.predecessors.all(), key=lambda p: (p.name != province.name, vi_sort_key(p.name), p.pk))


def _periods_of(provinces: list[Province], year: int) -> dict[int, EvaluationPeriod]:
    """Each province's period of `year` (its province-level subject's), by province id."""
    found: dict[int, EvaluationPeriod] = {}
    for p in (EvaluationPeriod.objects.filter(year=year, subject__kind=Agency.Kind.PROVINCE, subject__province__in=provinces)
              .select_related("framework", "subject__province", "sipas_questionnaire").order_by("subject__order", "pk")):
        found.setdefault(p.subject.province_id, p)
    return found


def comparison_for(period: EvaluationPeriod, own_results: dict[int, NationalResult] | None = None) -> Comparison:
    """The baseline of `period`. `own_results` are the subject's province's published results
    by year, when the caller has read them already (assemble does)."""
    kind = period.baseline or Baseline.OWN
    province = getattr(period.subject, "province", None)
    year = period.year
    if kind == Baseline.OWN:
        previous = period.previous()
        if previous is None:
            return Comparison(kind, None)
        if own_results is None:
            own_results = {r.year: r for r in NationalResult.objects.filter(province=province, year=previous.year)} if province else {}
        result = own_results.get(previous.year)
        return Comparison(kind, previous.year, [previous], PreviousResults.of(result) if result else None)

    if kind == Baseline.NONE:
        predecessors = _predecessors(province)
        if predecessors:
            note = _("Tỉnh %(province)s hình thành từ việc sáp nhập tỉnh %(list)s; theo lựa chọn của Sở Nội vụ, kết quả năm "
                     "%(year)s không so sánh với năm %(prev)s.") % {
                "province": province.name, "list": _names(predecessors), "year": year, "prev": year - 1}
        else:
            note = _("Theo lựa chọn của Sở Nội vụ, kết quả năm %(year)s không so sánh với năm trước.") % {"year": year}
        return Comparison(kind, None, provinces=predecessors, note=note)

    prev_year = year - 1
    if kind == Baseline.PREDECESSOR:
        chosen = period.baseline_province
        provinces = [chosen] if chosen else []
    else:
        provinces = _predecessors(province)
    if not provinces:
        return Comparison(kind, None, note=_("Chưa chọn tỉnh trước sáp nhập để so sánh: kết quả năm %(year)s không so sánh "
                                             "với năm trước.") % {"year": year})
    results = {r.province_id: r for r in NationalResult.objects.filter(province__in=provinces, year=prev_year)}
    periods = _periods_of(provinces, prev_year)
    missing_results = [p for p in provinces if p.pk not in results]
    missing_periods = [p for p in provinces if p.pk not in periods]

    if kind == Baseline.PREDECESSOR:
        chosen = provinces[0]
        result = results.get(chosen.pk)
        compared = [periods[chosen.pk]] if chosen.pk in periods else []
        if result is None and not compared:
            return Comparison(kind, None, provinces=provinces, note=_(
                "Năm %(year)s so sánh với tỉnh %(province)s trước sáp nhập, nhưng chưa có kết quả năm %(prev)s của tỉnh "
                "%(province)s: không so sánh.") % {"year": year, "province": chosen.name, "prev": prev_year})
        note = _("Năm %(year)s so sánh với kết quả năm %(prev)s của tỉnh %(province)s trước sáp nhập.") % {
            "year": year, "prev": prev_year, "province": chosen.name}
        if not compared:
            note += " " + _("Không có số liệu chi tiết năm %(prev)s của tỉnh %(province)s: các lĩnh vực và tiêu chí SIPAS "
                            "không so sánh.") % {"prev": prev_year, "province": chosen.name}
        return Comparison(kind, prev_year, compared, PreviousResults.of(result) if result else None, provinces, note)

    # The average of the predecessors.
    rows = [results[p.pk] for p in provinces if p.pk in results]
    average = PreviousResults(
        prev_year,
        _average([r.par_score for r in rows]) if not missing_results else None,
        _average([r.sipas_pct for r in rows]) if not missing_results else None,
        is_illustrative=any(r.is_illustrative for r in rows),
    ) if rows else None
    compared = [periods[p.pk] for p in provinces] if not missing_periods else []
    if average is None and not compared:
        return Comparison(kind, None, provinces=provinces, note=_(
            "Năm %(year)s so sánh với trung bình của tỉnh %(list)s trước sáp nhập, nhưng chưa có kết quả năm %(prev)s của "
            "các tỉnh này: không so sánh.") % {"year": year, "list": _names(provinces), "prev": prev_year})
    note = _("Năm %(year)s so sánh với trung bình cộng kết quả năm %(prev)s của tỉnh %(list)s trước sáp nhập (không so "
             "sánh thứ hạng).") % {"year": year, "prev": prev_year, "list": _names(provinces)}
    if missing_results:
        note += " " + _("Chưa có kết quả công bố năm %(prev)s của tỉnh %(list)s: không so sánh điểm Chỉ số CCHC và Chỉ số "
                        "SIPAS.") % {"prev": prev_year, "list": _names(missing_results)}
    if missing_periods:
        note += " " + _("Không có số liệu chi tiết năm %(prev)s của tỉnh %(list)s: các lĩnh vực và tiêu chí SIPAS không so "
                        "sánh.") % {"prev": prev_year, "list": _names(missing_periods)}
    return Comparison(kind, prev_year, compared, average, provinces, note)
