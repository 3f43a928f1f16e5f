"""PAR Index part of the report data: channels, fields against last year, shortfalls, history."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.formatting import quantize
from scorecards.models import ScoringSource
from scorecards.services.lineage import Mapping
from scorecards.services.scorecard import FieldBlock, Scorecard

from .figures import HUNDRED, PAR_INDEX_FIRST_YEAR, ZERO
from .figures import diff as _diff


@dataclass
class Part:
    """Points against a maximum (a channel, a field or a field's evidence part).

    `has_data` is False when no score lies behind `points` (nothing self-assessed, nothing
    appraised): `points` is then a sum of nothing, and the report and the overview print
    "chưa có" / "–" for it, never 0. This is the one place that decides it; `value`, `pct`
    and `lost` are None then. A score entered as 0 is data: it prints 0.
    """

    points: Decimal
    max_points: Decimal
    has_data: bool = True

    @property
    def value(self) -> Decimal | None:
        """The points, or None when there is no data behind them."""
        return self.points if self.has_data else None

    @property
    def pct(self) -> Decimal | None:
        return self.points * HUNDRED / self.max_points if self.max_points and self.has_data else None

    @property
    def lost(self) -> Decimal | None:
        return self.max_points - self.points if self.has_data else None


@dataclass
class FieldResult:
    code: str
    name: str
    total: Part
    previous_total: Decimal | None  # the counterpart nodes' total last year (None: not compared)
    evidence: Part
    sipas: Part
    # Why the field is not compared ("mới, …", "nội dung thay đổi …"), or how its counterpart
    # differs when it is ("năm trước là 2"); empty when there is nothing to say.
    previous_note: str = ""
    previous_codes: list[str] = field(default_factory=list)

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
    def has_data(self) -> bool:
        """At least one leaf of the field is appraised (see Part.has_data)."""
        return self.total.has_data

    @property
    def share(self) -> Decimal | None:
        return self.shown * HUNDRED / self.total.max_points if self.total.max_points and self.has_data else None


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
    """The table's total row. The self-assessed and deducted totals are None when no row has
    one (nothing self-assessed): "–", never 0."""

    max_points: Decimal = ZERO
    self_points: Decimal | None = None
    appraised: Decimal = ZERO
    deduction: Decimal | None = None

    def add(self, row: ShortfallRow) -> None:
        self.max_points += row.max_points
        self.appraised += row.appraised
        if row.self_points is not None:
            self.self_points = (self.self_points or ZERO) + row.self_points
        if row.deduction is not None:
            self.deduction = (self.deduction or ZERO) + row.deduction


@dataclass
class ParData:
    has_results: bool  # published, or at least one appraised score
    has_self_assessment: bool
    self_assessed: Part  # has_data is has_self_assessment
    score: Decimal  # published where it exists, else computed
    computed_score: Decimal  # meaningful only with has_appraised_scores
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
    history_complete: bool = False  # published scores for every year from PAR_INDEX_FIRST_YEAR to last year
    mapping: Mapping | None = None  # this year's framework against the one compared with
    self_assessed_appraised: int = 0  # evidence and monitoring leaves with appraised points
    has_appraised_scores: bool = False  # at least one leaf appraised: computed_score sums something
    self_assessed_leaves: int = 0  # leaves scored from evidence (what the self-assessment covers)
    self_assessed_entered: int = 0  # of those, the leaves with self-assessed points

    @property
    def self_assessment_complete(self) -> bool:
        """Every leaf scored from evidence has self-assessed points: the sum is the province's
        total, not the part entered so far."""
        return self.self_assessed_entered == self.self_assessed_leaves

    @property
    def has_appraisal(self) -> bool:
        """The criteria scored from evidence or monitoring have appraised points: the points
        they lost (the shortfall table, the overview's losses) can be counted."""
        return self.self_assessed_appraised > 0

    @property
    def change(self) -> Decimal | None:
        return _diff(self.score, self.previous_score)

    @property
    def ranks_comparable(self) -> bool:
        """Both years ranked, out of the same number of provinces: places can be counted."""
        return (self.rank is not None and self.previous_rank is not None and self.ranked_count is not None
                and self.ranked_count == self.previous_ranked_count)

    @property
    def rank_gain(self) -> int | None:
        """Places gained (positive) or lost; None unless both years rank the same number of provinces."""
        return self.previous_rank - self.rank if self.ranks_comparable else None

    @property
    def is_record(self) -> bool:
        """True only when the history is complete from the index's first year to last year
        and this year beats every earlier year."""
        return self.history_complete and all(self.score > s for _, s in self.history)

    @property
    def compared_fields(self) -> list[FieldResult]:
        return [f for f in self.fields if f.change is not None]

    @property
    def fields_rose(self) -> list[FieldResult]:
        return [f for f in self.compared_fields if f.change > 0]

    @property
    def fields_fell(self) -> list[FieldResult]:
        return [f for f in self.compared_fields if f.change < 0]

    @property
    def not_compared_fields(self) -> list[FieldResult]:
        """Fields with a result this year that are not compared, each with its reason."""
        return [f for f in self.fields if f.previous_total is None and f.previous_note]

    @property
    def compared(self) -> bool:
        return any(f.previous_total is not None for f in self.fields)


def _part(totals) -> Part:
    """Appraised points of a set of leaves; no data when none of them is appraised."""
    return Part(totals.appraised, totals.max_points, has_data=totals.appraised_count > 0)


@dataclass
class PreviousCards:
    """The scorecards a year's fields are compared with, each with the mapping of this year's
    framework to its framework; their figures are averaged when there are several (the
    predecessors of a merged province). `reason` says why fields are not compared when
    there is a year to compare with but no scorecard."""

    cards: list[tuple[Scorecard, Mapping]] = field(default_factory=list)
    reason: str = ""
    # Whether last year's total may be computed from the scores when no published score
    # exists (the subject's own previous year); a predecessor or an average is compared
    # with published figures only, as its footnote says.
    computed_fallback: bool = True

    def field_previous(self, block: FieldBlock) -> tuple[Decimal | None, str, list[str]]:
        """(last year's total of the field's counterparts, the note, their codes)."""
        if not block.totals.appraised_count:
            return None, "", []
        if block.totals.appraised_count < len(block.rows):
            # Part of the field is not appraised yet: its total lacks those points, and
            # comparing it would count them as 0.
            return None, _("chưa đủ điểm thẩm định các tiêu chí năm nay"), []
        if not self.cards:
            return None, self.reason, []
        values, note, codes = [], "", []
        for card, mapping in self.cards:
            counterpart = mapping.counterpart(block.criterion)
            if not counterpart.comparable:
                return None, counterpart.note, []
            parts = [card.node_totals(i) for i in counterpart.previous_ids]
            if not parts or not all(t.appraised_count for t in parts):
                return None, _("chưa có điểm thẩm định năm trước"), []
            values.append(sum((t.appraised for t in parts), ZERO))
            note, codes = counterpart.note, counterpart.previous_codes
        return sum(values, ZERO) / len(values), note, codes

    def computed_score(self) -> Decimal | None:
        """Last year's total computed from the scores (averaged), when every card has scores."""
        if not self.computed_fallback or not self.cards or not all(card.totals.appraised_count for card, _m in self.cards):
            return None
        return sum((card.totals.appraised for card, _m in self.cards), ZERO) / len(self.cards)


def history_complete(history: list[tuple[int, Decimal]], year: int) -> bool:
    """True when a published score exists for every year from PAR_INDEX_FIRST_YEAR to `year` − 1."""
    years = {y for y, _s in history}
    return year > PAR_INDEX_FIRST_YEAR and all(y in years for y in range(PAR_INDEX_FIRST_YEAR, year))


def assemble_par(sc: Scorecard, previous: PreviousCards, results, previous_results, history, *, compared: bool,
                 mapping: Mapping | None = None) -> ParData:
    """`previous_results` is a baseline.PreviousResults (or None); `compared` says whether the
    year is compared at all (there is a baseline year)."""
    evidence = sc.channel(ScoringSource.EVIDENCE)
    fields = []
    for block in sc.fields:
        previous_total, note, codes = previous.field_previous(block) if compared else (None, "", [])
        fields.append(FieldResult(
            code=block.code, name=block.name, total=_part(block.totals), previous_total=previous_total,
            evidence=_part(block.source_totals(ScoringSource.EVIDENCE)),
            sipas=_part(block.source_totals(ScoringSource.SIPAS)),
            previous_note=note, previous_codes=codes,
        ))
    shortfalls, totals = [], ShortfallTotals()
    for row in sc.shortfalls():
        lead = row.lead_agency
        shortfall = ShortfallRow(
            code=row.code, name=row.criterion.name, max_points=row.max_points, self_points=row.self_points,
            appraised=row.appraised, deduction=row.deduction, reason=row.score.appraisal_reason if row.score else "",
            lead_agency=lead.name if lead else "",
        )
        shortfalls.append(shortfall)
        totals.add(shortfall)
    computed = sc.totals.appraised
    published = results is not None and results.par_score is not None
    self_rows = [r for r in sc.rows if r.criterion.scoring_source == ScoringSource.EVIDENCE]
    has_appraised_scores = sc.totals.appraised_count > 0
    has_results = published or has_appraised_scores
    previous_score = None
    # A score computed from a partly appraised scorecard lacks the points not appraised yet:
    # comparing it with last year would count them as 0.
    fully_appraised = has_appraised_scores and sc.totals.appraised_count == len(sc.rows)
    if compared and (published or fully_appraised):
        previous_score = (previous_results.par_score if previous_results and previous_results.par_score is not None
                          else previous.computed_score())
    # A rank is meaningless without its base: without the number ranked there is no rank.
    ranked = results is not None and results.ranked_count is not None
    previous_ranked = compared and previous_results is not None and previous_results.ranked_count is not None
    year = sc.period.year
    has_self_assessment = any(r.self_points is not None for r in self_rows)
    return ParData(
        has_results=has_results,
        has_self_assessment=has_self_assessment,
        self_assessed=Part(evidence.self_points, evidence.self_max, has_data=has_self_assessment),
        self_assessed_leaves=len(self_rows),
        self_assessed_entered=sum(1 for r in self_rows if r.self_points is not None),
        score=results.par_score if published else computed,
        computed_score=computed,
        previous_score=previous_score,
        rank=results.par_rank if ranked else None,
        previous_rank=previous_results.par_rank if previous_ranked else None,
        ranked_count=results.ranked_count if ranked else None,
        previous_ranked_count=previous_results.ranked_count if previous_ranked else None,
        history=history,
        evidence=_part(evidence), survey=_part(sc.survey_total), monitoring=_part(sc.channel(ScoringSource.MONITORING)),
        sipas=_part(sc.channel(ScoringSource.SIPAS)), leader_survey=_part(sc.channel(ScoringSource.SURVEY)),
        fields=fields, shortfalls=shortfalls, shortfall_totals=totals,
        self_assessed_appraised=sum(sc.channel(s).appraised_count for s in ScoringSource.self_assessed()),
        history_complete=history_complete(history, year), mapping=mapping,
        has_appraised_scores=has_appraised_scores,
    )
