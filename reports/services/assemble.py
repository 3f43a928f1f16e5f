"""Data assembly for the analysis report: plain objects built from a period and the one before.

`assemble(period)` reads everything the report prints in a fixed number of queries (the
two scorecards, SIPAS indicators and values, expectations, published results and the
report record), whatever the size of the framework, and computes every derived figure
here: templates and the narrative only format what they get.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from scorecards.formatting import quantize
from scorecards.models import (
    EvaluationPeriod, NationalResult, ScoringSource, SipasExpectation, SipasIndicator, SipasValue,
)
from scorecards.services.scorecard import Scorecard, build_scorecard

from reports.models import ReportRecord

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def _mean(values: list[Decimal]) -> Decimal | None:
    return quantize(sum(values, ZERO) / len(values), 2) if values else None


def _diff(current, previous):
    return None if current is None or previous is None else current - previous


# --- SIPAS ---------------------------------------------------------------------------

@dataclass
class SipasRow:
    """A line of the SIPAS table: a section, a group, an indicator or the overall index."""

    kind: str
    label: str
    current: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return _diff(self.current, self.previous)


@dataclass
class SipasSectionSummary:
    code: str
    name: str
    group_names: list[str]
    indicator_count: int


@dataclass
class SipasData:
    rows: list[SipasRow]
    sections: list[SipasSectionSummary]
    group_count: int
    indicator_count: int
    overall: Decimal | None  # published where it exists, else the mean of the indicators
    previous_overall: Decimal | None
    rank: int | None
    previous_rank: int | None
    ranked_count: int | None
    previous_ranked_count: int | None
    rose_count: int  # indicators with both years and a higher value this year
    fell_count: int
    compared_count: int
    rose_group_count: int
    expectations: list[tuple[str, Decimal]]

    @property
    def change(self) -> Decimal | None:
        return _diff(self.overall, self.previous_overall)

    @property
    def rank_gain(self) -> int | None:
        """Places gained (positive) or lost (negative) against the previous year."""
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank

    @property
    def has_values(self) -> bool:
        return any(r.current is not None for r in self.rows if r.kind == "indicator")


def _assemble_sipas(period, previous, results, previous_results) -> SipasData:
    indicators = list(SipasIndicator.objects.select_related("group__section")
                      .order_by("group__section__order", "group__section__code", "group__order", "group__code", "number"))
    period_ids = [period.pk] + ([previous.pk] if previous else [])
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for period_id, indicator_id, pct in SipasValue.objects.filter(period_id__in=period_ids).values_list("period_id", "indicator_id", "pct"):
        values[period_id][indicator_id] = pct
    current_values, previous_values = values[period.pk], values[previous.pk] if previous else {}

    sections: dict[int, list] = {}
    groups: dict[int, list] = {}
    section_objs, group_objs = {}, {}
    for ind in indicators:
        section_objs.setdefault(ind.group.section_id, ind.group.section)
        group_objs.setdefault(ind.group_id, ind.group)
        sections.setdefault(ind.group.section_id, []).append(ind)
        groups.setdefault(ind.group_id, []).append(ind)

    def pair(inds):
        cur = [current_values[i.pk] for i in inds if i.pk in current_values]
        prev = [previous_values[i.pk] for i in inds if i.pk in previous_values]
        return _mean(cur), _mean(prev)

    rows: list[SipasRow] = []
    summaries = []
    for section_id, section_inds in sections.items():
        section = section_objs[section_id]
        rows.append(SipasRow("section", f"{section.code}. {section.name}", *pair(section_inds)))
        group_names = []
        for group_id in dict.fromkeys(i.group_id for i in section_inds):
            group = group_objs[group_id]
            group_names.append(group.name)
            rows.append(SipasRow("group", f"{group.code}. {group.name}", *pair(groups[group_id])))
            for ind in groups[group_id]:
                rows.append(SipasRow("indicator", f"{ind.number}. {ind.text}", current_values.get(ind.pk), previous_values.get(ind.pk)))
        summaries.append(SipasSectionSummary(section.code, section.name, group_names, len(section_inds)))
    overall_cur, overall_prev = pair(indicators)
    rows.append(SipasRow("overall", "", overall_cur, overall_prev))

    compared = [i for i in indicators if i.pk in current_values and i.pk in previous_values]
    rose = [i for i in compared if current_values[i.pk] > previous_values[i.pk]]
    fell = [i for i in compared if current_values[i.pk] < previous_values[i.pk]]
    expectations = [(e.text, e.pct) for e in SipasExpectation.objects.filter(period=period).order_by("order", "pk")]

    def published(res, attr, fallback):
        value = getattr(res, attr) if res else None
        return value if value is not None else fallback

    return SipasData(
        rows=rows, sections=summaries, group_count=len(groups), indicator_count=len(indicators),
        overall=published(results, "sipas_pct", overall_cur),
        previous_overall=published(previous_results, "sipas_pct", overall_prev) if previous else None,
        rank=results.sipas_rank if results else None,
        previous_rank=previous_results.sipas_rank if previous_results and previous else None,
        ranked_count=results.ranked_count if results else None,
        previous_ranked_count=previous_results.ranked_count if previous_results else None,
        rose_count=len(rose), fell_count=len(fell), compared_count=len(compared),
        rose_group_count=len({i.group_id for i in rose}), expectations=expectations,
    )


# --- PAR Index -------------------------------------------------------------------------

@dataclass
class Part:
    """Points against a maximum (a channel, a field or a field's evidence part)."""

    points: Decimal
    max_points: Decimal

    @property
    def pct(self) -> Decimal | None:
        return self.points * HUNDRED / self.max_points if self.max_points else None


@dataclass
class FieldResult:
    code: str
    name: str
    total: Part
    previous_total: Decimal | None
    evidence: Part
    sipas: Part

    # Field totals are published to two decimals (the chart, the comparisons): the change and
    # the share are computed from the shown values so that "9,39/9,5 = 98,84%" checks out.
    @property
    def shown(self) -> Decimal:
        return quantize(self.total.points, 2)

    @property
    def shown_previous(self) -> Decimal | None:
        return None if self.previous_total is None else quantize(self.previous_total, 2)

    @property
    def change(self) -> Decimal | None:
        return _diff(self.shown, self.shown_previous)

    @property
    def share(self) -> Decimal | None:
        return self.shown * HUNDRED / self.total.max_points if self.total.max_points else None


@dataclass
class ShortfallRow:
    code: str
    name: str
    max_points: Decimal
    self_points: Decimal | None
    appraised: Decimal
    deduction: Decimal | None
    reason: str
    lead_agency: str


@dataclass
class ShortfallTotals:
    max_points: Decimal = ZERO
    self_points: Decimal = ZERO
    appraised: Decimal = ZERO
    deduction: Decimal = ZERO


@dataclass
class ParData:
    has_results: bool  # published, or at least one appraised score
    has_self_assessment: bool
    self_assessed: Part
    score: Decimal  # published where it exists, else computed
    computed_score: Decimal
    previous_score: Decimal | None
    rank: int | None
    previous_rank: int | None
    ranked_count: int | None
    previous_ranked_count: int | None
    history: list[tuple[int, Decimal]]  # earlier years, newest first
    evidence: Part
    survey: Part  # leader survey + SIPAS (the "điều tra xã hội học" channel)
    monitoring: Part
    sipas: Part
    leader_survey: Part
    fields: list[FieldResult]
    shortfalls: list[ShortfallRow]
    shortfall_totals: ShortfallTotals

    @property
    def change(self) -> Decimal | None:
        return _diff(self.score, self.previous_score)

    @property
    def rank_gain(self) -> int | None:
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank

    @property
    def is_record(self) -> bool:
        """True only when history exists and this year beats every earlier year."""
        return bool(self.history) and all(self.score > s for _, s in self.history)

    @property
    def fields_rose(self) -> list[FieldResult]:
        return [f for f in self.fields if f.change is not None and f.change > 0]

    @property
    def fields_fell(self) -> list[FieldResult]:
        return [f for f in self.fields if f.change is not None and f.change < 0]

    @property
    def compared(self) -> bool:
        return any(f.previous_total is not None for f in self.fields)


def _part(totals) -> Part:
    return Part(totals.appraised, totals.max_points)


def _assemble_par(sc: Scorecard, previous_sc: Scorecard | None, results, previous_results, history) -> ParData:
    evidence = sc.channel(ScoringSource.EVIDENCE)
    fields = []
    for block in sc.fields:
        prev_block = previous_sc.field(block.code) if previous_sc else None
        fields.append(FieldResult(
            code=block.code, name=block.name, total=_part(block.totals),
            previous_total=(prev_block.totals.appraised if prev_block and prev_block.totals.appraised_count
                            and block.totals.appraised_count else None),
            evidence=_part(block.source_totals(ScoringSource.EVIDENCE)),
            sipas=_part(block.source_totals(ScoringSource.SIPAS)),
        ))
    shortfalls, totals = [], ShortfallTotals()
    for row in sc.shortfalls():
        lead = row.lead_agency
        shortfalls.append(ShortfallRow(
            code=row.code, name=row.criterion.name, max_points=row.max_points, self_points=row.self_points,
            appraised=row.appraised, deduction=row.deduction, reason=row.score.appraisal_reason if row.score else "",
            lead_agency=lead.name if lead else "",
        ))
        totals.max_points += row.max_points
        totals.self_points += row.self_points or ZERO
        totals.appraised += row.appraised
        totals.deduction += row.deduction or ZERO
    computed = sc.totals.appraised
    published = results is not None and results.par_score is not None
    self_rows = [r for r in sc.rows if r.criterion.scoring_source == ScoringSource.EVIDENCE]
    previous_computed = previous_sc.totals.appraised if previous_sc and previous_sc.totals.appraised_count else None
    has_results = published or sc.totals.appraised_count > 0
    return ParData(
        has_results=has_results,
        has_self_assessment=any(r.self_points is not None for r in self_rows),
        self_assessed=Part(evidence.self_points, evidence.self_max),
        score=results.par_score if published else computed,
        computed_score=computed,
        previous_score=(previous_results.par_score if previous_results and previous_results.par_score is not None
                        else previous_computed) if previous_sc and has_results else None,
        rank=results.par_rank if results else None,
        previous_rank=previous_results.par_rank if previous_results and previous_sc else None,
        ranked_count=results.ranked_count if results else None,
        previous_ranked_count=previous_results.ranked_count if previous_results else None,
        history=history,
        evidence=_part(evidence), survey=_part(sc.survey_total), monitoring=_part(sc.channel(ScoringSource.MONITORING)),
        sipas=_part(sc.channel(ScoringSource.SIPAS)), leader_survey=_part(sc.channel(ScoringSource.SURVEY)),
        fields=fields, shortfalls=shortfalls, shortfall_totals=totals,
    )


# --- The whole report ------------------------------------------------------------------

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


def assemble(period: EvaluationPeriod) -> ReportData:
    """Everything the report prints, for `period` compared with the subject's previous period."""
    record = ReportRecord.objects.filter(period=period).first() or ReportRecord(period=period)
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
        sipas=_assemble_sipas(period, previous, results, previous_results),
        par=_assemble_par(sc, previous_sc, results, previous_results, history),
    )
