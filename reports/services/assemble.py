"""Data assembly for the analysis report: plain objects built from a period and the one before.

`assemble(period)` reads everything the report prints in a fixed number of queries (the
two scorecards, SIPAS indicators and values, expectations, published results and the
report record), whatever the size of the framework, and computes every derived figure
here: templates and the narrative only format what they get.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from scorecards.models import EvaluationPeriod, NationalResult
from scorecards.services.scorecard import build_scorecard

from reports.models import ReportRecord

from .par_data import FieldResult, ParData, Part, ShortfallRow, ShortfallTotals, assemble_par
from .sipas_data import SipasData, SipasRow, SipasSectionSummary, assemble_sipas

__all__ = ["FieldResult", "ParData", "Part", "ReportData", "ShortfallRow", "ShortfallTotals", "SipasData", "SipasRow",
           "SipasSectionSummary", "assemble"]


@dataclass
class ReportData:
    period: EvaluationPeriod
    previous: EvaluationPeriod | None
    record: ReportRecord
    area_name: str
    published_decision: str
    sipas: SipasData
    par: ParData
    extra: dict = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def previous_year(self) -> int | None:
        return self.previous.year if self.previous else None


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


def assemble(period: EvaluationPeriod) -> ReportData:
    """Everything the report prints, for `period` compared with the subject's previous period."""
    record = ReportRecord.objects.filter(period=period).first() or draft_record(period)
    previous = period.previous()
    sc = build_scorecard(period)
    previous_sc = build_scorecard(previous) if previous else None

    results_by_year: dict[int, NationalResult] = {}
    province_id = getattr(period.subject, "province_id", None)
    if province_id:
        results_by_year = {r.year: r for r in NationalResult.objects.filter(province_id=province_id, year__lte=period.year)}
    results = results_by_year.get(period.year)
    previous_results = results_by_year.get(previous.year) if previous else None
    history = sorted(((y, r.par_score) for y, r in results_by_year.items() if y < period.year and r.par_score is not None), reverse=True)

    return ReportData(
        period=period, previous=previous, record=record,
        area_name=record.area_name or default_area_name(period),
        published_decision=record.published_decision or period.published_decision or (results.decision if results else ""),
        sipas=assemble_sipas(period, previous, results, previous_results),
        par=assemble_par(sc, previous_sc, results, previous_results, history),
    )
