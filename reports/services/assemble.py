"""Data assembly for the analysis report: plain objects built from a period and its baseline.

`assemble(period)` reads everything the report prints in a fixed number of queries (the
scorecards, the mapping between the two years' frameworks, SIPAS indicators and values,
expectations, published results and the report record), whatever the size of the
framework, and computes every derived figure here: templates and the narrative only
format what they get.

What a year is compared with is its baseline (reports.services.baseline: the subject's
previous period, one predecessor province, the predecessors' average, or nothing); fields
are compared through scorecards.services.lineage.framework_mapping, never by equal codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from scorecards.choices import Baseline
from scorecards.models import EvaluationPeriod, NationalResult
from scorecards.services.lineage import Mapping, framework_mapping
from scorecards.services.scorecard import Scorecard, build_scorecard

from reports.models import ReportRecord

from .baseline import Comparison, comparison_for
from .par_data import FieldResult, ParData, Part, PreviousCards, ShortfallRow, ShortfallTotals, assemble_par
from .sipas_data import SipasData, SipasRow, SipasSectionSummary, assemble_sipas

__all__ = ["FieldResult", "ParData", "Part", "ReportData", "ShortfallRow", "ShortfallTotals", "SipasData", "SipasRow",
           "SipasSectionSummary", "assemble"]


@dataclass
class ReportData:
    period: EvaluationPeriod
    previous: EvaluationPeriod | None  # the one period compared with (own or a predecessor's), if any
    record: ReportRecord
    area_name: str
    published_decision: str
    sipas: SipasData
    par: ParData
    extra: dict = field(default_factory=dict)
    comparison: Comparison = field(default_factory=lambda: Comparison("own", None))
    problems: list[str] = field(default_factory=list)  # for staff in the preview, never printed
    is_illustrative: bool = False  # this year's (or the compared year's) figures are illustrative
    results_illustrative: bool = False  # this year's published results are
    # Last year's improvement plan against this year's results (reports.services.plan_followup).
    followup: object = None

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def previous_year(self) -> int | None:
        """The year compared with (None: nothing is compared)."""
        return self.comparison.year


def default_area_name(period: EvaluationPeriod) -> str:
    province = getattr(period.subject, "province", None)
    return f"tỉnh {province.name}" if province else period.subject.name


def draft_record(period: EvaluationPeriod) -> ReportRecord:
    """An unsaved record for a period nobody has written up yet: the header of a Sở Nội vụ report."""
    province = getattr(period.subject, "province", None)
    return ReportRecord(
        period=period, parent_body=f"UBND {default_area_name(period)}".upper(), issuer="SỞ NỘI VỤ",
        place=province.name if province else "", signer_title="GIÁM ĐỐC", recipients="Lưu: VT, CCHC",
    )


def _previous_cards(period: EvaluationPeriod, sc: Scorecard, comparison: Comparison) -> tuple[PreviousCards, Mapping | None]:
    """The scorecards compared with, each with the mapping of this year's framework to its
    own (one mapping per distinct framework, reusing the criteria the scorecards read: one
    query for the declared counterparts)."""
    mappings: dict[int, Mapping] = {}
    cards = []
    for p in comparison.periods:
        card = build_scorecard(p)
        if p.framework_id not in mappings:
            known = {period.framework_id: list(sc.criteria.values()), p.framework_id: list(card.criteria.values())}
            mappings[p.framework_id] = framework_mapping(period.framework, p.framework, criteria=known)
        cards.append((card, mappings[p.framework_id]))
    reason = ""
    if comparison.year is not None and not cards:
        reason = _("không có số liệu chi tiết năm %(year)s để so sánh") % {"year": comparison.year}
    return PreviousCards(cards, reason, computed_fallback=comparison.kind == Baseline.OWN), next(iter(mappings.values()), None)


def assemble(period: EvaluationPeriod) -> ReportData:
    from .plan_followup import followup_for

    """Everything the report prints, for `period` compared with its baseline."""
    record = ReportRecord.objects.filter(period=period).first() or draft_record(period)
    results_by_year: dict[int, NationalResult] = {}
    province_id = getattr(period.subject, "province_id", None)
    if province_id:
        results_by_year = {r.year: r for r in NationalResult.objects.filter(province_id=province_id, year__lte=period.year)}
    results = results_by_year.get(period.year)
    comparison = comparison_for(period, results_by_year)
    sc = build_scorecard(period)
    previous_cards, mapping = _previous_cards(period, sc, comparison)
    history = sorted(((y, r.par_score) for y, r in results_by_year.items() if y < period.year and r.par_score is not None), reverse=True)

    sipas = assemble_sipas(period, comparison, results, comparison.results)
    par = assemble_par(sc, previous_cards, results, comparison.results, history, compared=comparison.year is not None,
                       mapping=mapping)
    problems = list(dict.fromkeys([p for _sc, m in previous_cards.cards for p in m.problems] + sipas.problems))
    return ReportData(
        period=period, previous=comparison.period, record=record,
        area_name=record.area_name or default_area_name(period),
        published_decision=record.published_decision or period.published_decision or (results.decision if results else ""),
        sipas=sipas, par=par, comparison=comparison, problems=problems,
        is_illustrative=bool(period.is_illustrative or (results is not None and results.is_illustrative)
                             or comparison.is_illustrative),
        results_illustrative=bool(results is not None and results.is_illustrative),
        followup=followup_for(period, with_own=False, previous=comparison.periods, card=sc),
    )
