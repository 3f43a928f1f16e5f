"""PAR Index part of the report data: channels, fields against last year, shortfalls, history."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scorecards.formatting import quantize
from scorecards.models import ScoringSource
from scorecards.services.scorecard import Scorecard

from .figures import HUNDRED, ZERO
from .figures import diff as _diff


@dataclass
class Part:
    """Points against a maximum (a channel, a field or a field's evidence part)."""

    points: Decimal
    max_points: Decimal

    @property
    def pct(self) -> Decimal | None:
        return self.points * HUNDRED / self.max_points if self.max_points else None

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points


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

    @property
    def lost(self) -> Decimal:
        """Points short of the maximum after appraisal."""
        return self.max_points - self.appraised


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


def assemble_par(sc: Scorecard, previous_sc: Scorecard | None, results, previous_results, history) -> ParData:
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
