"""Read side of a province's own round: the progress board, the heat map, the ranking
tables and a subject's page across years, each assembled in a fixed number of queries.

Nothing here writes. The figures come from scorecards.services.ranking (the one home of
the rules: rescaling, bonus and penalty, ranks, grades); this module only counts the
scorecards' progress and arranges rows for the pages:

- Board (`round_board`): per subject, grouped by group, whether the unit locked its
  self-assessment, whether it is late (the self-assessment deadline passed, not locked,
  no running exception), how many applicable self-assessed leaves still have no
  self-assessed points, how many leaves are appraised, how many flagged criteria still
  wait for the unit's explanation, and the current total, rank and grade. Before the
  appraisal the figures are the units' own (basis "self"), afterwards the appraised
  ones ("final"): `basis_for`.
- Heat map (`round_heatmap`): subjects × fields, each cell the field's points over its
  applicable maximum (FieldResult.percent) coloured by the group's grade bands; a field
  that does not apply at all is "KAD" (không áp dụng).
- Ranking (`round_ranking`): the groups' results with last year's.
- Subject history (`subject_history`): every scorecard of an agency (and of the agencies
  whose work it took over) in the province's rounds, with rank, grade and field points,
  compared with the year before through scorecards.services.lineage.

Queries: the board reads the round's results (services.ranking: a fixed number), one
grouped count of the scores and one of the running exceptions, whatever the number of
subjects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.choices import FROZEN_STATUSES, OPEN_STATUSES, PeriodStatus
from scorecards.db import vi_ordering, vi_sort_key
from scorecards.models import Agency, AgencyException, Criterion, EvaluationPeriod, GradeBand, Score, SubjectGroup
from scorecards.services import ranking
from scorecards.services.ranking import FINAL, SELF, SURVEY_SOURCES, GroupResults, SubjectResult

# Before the council appraises, the only figures are the units' own.
SELF_BASIS_STATUSES = frozenset({PeriodStatus.DRAFT, PeriodStatus.SELF_ASSESSMENT})
# Colour steps of the heat map: the group's highest band is step 0, its lowest the last.
HEAT_STEPS = 5
# When a group has no bands yet, the heat map steps at these percentages.
DEFAULT_HEAT_THRESHOLDS = (Decimal(90), Decimal(80), Decimal(65), Decimal(50), Decimal(0))


def basis_for(round_) -> str:
    """ "self" before appraisal (draft, self-assessment), "final" from appraisal on."""
    return SELF if round_.status in SELF_BASIS_STATUSES else FINAL


def field_is_kad(result: SubjectResult, f) -> bool:
    """A field that does not apply to the subject ("KAD"): nothing of it counts and its
    leaves were marked not applicable. A field that counts nothing only because its survey
    points are not in yet is not "KAD" (it shows no figure instead)."""
    prefix = f"{f.code}."
    return f.not_applicable and any(code.startswith(prefix) for code in result.not_applicable_codes)


def mark_fields(groups: list[GroupResults]) -> list[GroupResults]:
    """Set `kad` on every FieldResult of the groups' results (see field_is_kad)."""
    for gr in groups:
        for r in gr.results:
            for f in r.fields:
                f.kad = field_is_kad(r, f)
    return groups


# ---- the progress board -------------------------------------------------------------------------


@dataclass
class BoardRow:
    """One subject's progress in its round."""

    period: EvaluationPeriod
    result: SubjectResult | None
    leaves: int = 0  # applicable leaves
    not_applicable: int = 0  # leaves marked not applicable
    missing: int = 0  # applicable self-assessed leaves without self-assessed points
    appraised: int = 0  # applicable leaves with appraised points (round 1 or 2)
    explanations_requested: int = 0
    explanations_pending: int = 0  # flagged "yêu cầu giải trình", no explanation yet
    exception_until: datetime | None = None
    late: bool = False

    @property
    def subject(self):
        return self.period.subject

    @property
    def locked(self) -> bool:
        return self.period.self_locked_at is not None


@dataclass
class BoardGroup:
    group: SubjectGroup
    rows: list[BoardRow]
    results: GroupResults

    def count(self, name: str) -> int:
        return sum(1 for r in self.rows if getattr(r, name))

    @property
    def locked(self) -> int:
        return self.count("locked")

    @property
    def late(self) -> int:
        return self.count("late")

    @property
    def missing(self) -> int:
        return sum(r.missing for r in self.rows)

    @property
    def explanations_pending(self) -> int:
        return sum(r.explanations_pending for r in self.rows)


@dataclass
class Board:
    round: object
    basis: str
    groups: list[BoardGroup]
    now: datetime

    @property
    def subjects(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def locked(self) -> int:
        return sum(g.locked for g in self.groups)

    @property
    def late(self) -> int:
        return sum(g.late for g in self.groups)

    @property
    def explanations_pending(self) -> int:
        return sum(g.explanations_pending for g in self.groups)


def _progress_counts(round_) -> dict[int, dict]:
    """{period id: counts} for every scorecard of the round, in one grouped query."""
    applicable = Q(not_applicable=False)
    rows = (
        Score.objects.filter(period__round=round_).order_by().values("period_id")
        .annotate(
            n_leaves=Count("pk", filter=applicable),
            n_not_applicable=Count("pk", filter=Q(not_applicable=True)),
            n_missing=Count("pk", filter=applicable & Q(self_points__isnull=True)
                            & ~Q(criterion__scoring_source__in=SURVEY_SOURCES)),
            n_appraised=Count("pk", filter=applicable & (Q(appraised_points__isnull=False)
                                                         | Q(appraised_points_round2__isnull=False))),
            n_explanations_requested=Count("pk", filter=Q(explanation_requested=True)),
            n_explanations_pending=Count("pk", filter=Q(explanation_requested=True, appeal_explanation="")),
        )
    )
    return {row.pop("period_id"): {name.removeprefix("n_"): value for name, value in row.items()} for row in rows}


def is_late(round_, period, exception_until, now: datetime) -> bool:
    """Past the self-assessment deadline without the lock, while the round runs, unless
    Sở Nội vụ let the unit write on (a running exception)."""
    deadline = round_.self_assessment_deadline
    return (round_.status in OPEN_STATUSES and deadline is not None and now > deadline
            and period.self_locked_at is None and exception_until is None)


def round_board(round_, *, now: datetime | None = None) -> Board:
    """The progress board of a round: every subject by group (subject order), with its
    progress counts and its current result. A fixed number of queries."""
    now = now or timezone.now()
    basis = basis_for(round_)
    groups = ranking.round_results(round_, basis=basis, with_previous=False)
    counts = _progress_counts(round_)
    exceptions = {}
    for exc in (AgencyException.objects.filter(period__round=round_, agency_id=F("period__subject_id"), until__gte=now)
                .order_by("until").only("period_id", "until")):
        exceptions[exc.period_id] = exc.until  # the latest-running one wins
    out = []
    for gr in groups:
        rows = []
        for result in gr.results:
            p = result.period
            p.round = round_  # the round as read by the page (status, deadlines)
            until = exceptions.get(p.pk)
            row = BoardRow(period=p, result=result, exception_until=until, late=is_late(round_, p, until, now),
                           **counts.get(p.pk, {}))
            rows.append(row)
        rows.sort(key=lambda r: (r.subject.order, vi_sort_key(r.subject.name), r.period.pk))
        out.append(BoardGroup(group=gr.group, rows=rows, results=gr))
    return Board(round=round_, basis=basis, groups=out, now=now)


# ---- the heat map ------------------------------------------------------------------------------------


def heat_step(percent: Decimal | None, bands: list[GradeBand]) -> int | None:
    """The colour step (0 = best) of a field percentage by the group's bands, or None for a
    field that does not apply. Bands sorted by min_points descending (GradeBand's order)."""
    if percent is None:
        return None
    thresholds = [b.min_points for b in bands] or list(DEFAULT_HEAT_THRESHOLDS)
    last = len(thresholds) - 1
    i = next((index for index, minimum in enumerate(thresholds) if percent >= minimum), last)
    if last <= 0:
        return 0
    return round(i * (HEAT_STEPS - 1) / last)


@dataclass
class HeatCell:
    code: str
    percent: Decimal | None  # None: no figure (not applicable, or no points counted yet)
    step: int | None
    points: Decimal
    applicable_max: Decimal
    kad: bool = False  # the field does not apply to the subject

    @property
    def not_applicable(self) -> bool:
        return self.kad


@dataclass
class HeatRow:
    result: SubjectResult
    cells: list[HeatCell]

    @property
    def subject(self):
        return self.result.subject


@dataclass
class HeatGroup:
    group: SubjectGroup
    heads: list[tuple[str, str, Decimal]]
    rows: list[HeatRow]
    averages: list[HeatCell]
    legend: list[tuple[str, Decimal, int]]  # (band label, from, step)


def _heat_group(gr: GroupResults) -> HeatGroup:
    rows = []
    sums: dict[str, list[Decimal]] = {code: [] for code, _n, _m in gr.field_heads}
    for r in gr.results:
        cells = []
        for f in r.fields:
            percent = f.percent
            cells.append(HeatCell(f.code, percent, heat_step(percent, gr.bands), f.points, f.applicable_max,
                                  kad=field_is_kad(r, f)))
            if percent is not None:
                sums.setdefault(f.code, []).append(percent)
        rows.append(HeatRow(result=r, cells=cells))
    averages = []
    for code, _name, _max in gr.field_heads:
        values = sums.get(code) or []
        mean = ranking.q3(sum(values, Decimal(0)) / len(values)) if values else None
        averages.append(HeatCell(code, mean, heat_step(mean, gr.bands), Decimal(0), Decimal(0)))
    legend = [(b.label, b.min_points, heat_step(b.min_points, gr.bands)) for b in gr.bands]
    return HeatGroup(group=gr.group, heads=gr.field_heads, rows=rows, averages=averages, legend=legend)


def round_heatmap(round_) -> tuple[str, list[HeatGroup]]:
    """(basis, one heat map per group): rows in rank order, a cell per field."""
    basis = basis_for(round_)
    return basis, [_heat_group(gr) for gr in ranking.round_results(round_, basis=basis, with_previous=False)]


# ---- the ranking tables -----------------------------------------------------------------------------


def round_ranking(round_, group_code: str | None = None) -> tuple[str, list[GroupResults]]:
    """(basis, the groups' ranked results with last year's), optionally one group by code."""
    basis = basis_for(round_)
    groups = ranking.round_results(round_, basis=basis, with_previous=True)
    if group_code:
        groups = [g for g in groups if g.group.code == group_code]
    return basis, mark_fields(groups)


# ---- a subject across years --------------------------------------------------------------------------


@dataclass
class FieldChange:
    """A field of one year with the comparable points of the year before (if any)."""

    code: str
    name: str
    max_points: Decimal
    points: Decimal | None  # None: nothing of the field counts (not applicable, or no points yet)
    percent: Decimal | None
    kad: bool = False  # not applicable to the subject
    previous_points: Decimal | None = None
    comparable: bool = False
    note: str = ""

    @property
    def change(self) -> Decimal | None:
        if not self.comparable or self.points is None or self.previous_points is None:
            return None
        return self.points - self.previous_points


@dataclass
class HistoryEntry:
    """One round of the subject (a scorecard)."""

    period: EvaluationPeriod
    result: SubjectResult
    group_size: int
    basis: str
    fields: list[FieldChange] = field(default_factory=list)
    previous: HistoryEntry | None = None
    published: bool = False
    mapping_problems: list[str] = field(default_factory=list)

    @property
    def round(self):
        return self.period.round

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.result.total - self.previous.result.total

    @property
    def rank_change(self) -> int | None:
        """Places gained against the year before in the same kind of group (positive: up)."""
        if self.previous is None or self.previous.period.group.subject_kind != self.period.group.subject_kind \
                or self.previous.group_size != self.group_size:
            return None  # another kind of group, or another number of units ranked: ranks shown with their bases
        if self.result.rank is None or self.previous.result.rank is None:
            return None
        return self.previous.result.rank - self.result.rank


def lineage_of(agency: Agency) -> list[Agency]:
    """The agency and every agency whose work it took over (Agency.predecessors, walked back).
    One query per generation (rarely more than two)."""
    found, frontier, seen = [agency], [agency.pk], {agency.pk}
    while frontier:
        older = [a for a in Agency.objects.filter(successor_id__in=frontier).order_by(*vi_ordering("order", "name")) if a.pk not in seen]
        found.extend(older)
        seen.update(a.pk for a in older)
        frontier = [a.pk for a in older]
    return found


def _compare_fields(entry: HistoryEntry, previous: HistoryEntry | None, criteria: dict[int, list[Criterion]]) -> None:
    from scorecards.services.lineage import framework_mapping

    mapping = None
    if previous is not None:
        mapping = framework_mapping(entry.period.framework, previous.period.framework, criteria=criteria)
        entry.mapping_problems = list(mapping.problems)
    previous_points = {f.criterion_id: f for f in previous.result.fields} if previous is not None else {}
    for f in entry.result.fields:
        change = FieldChange(code=f.code, name=f.name, max_points=f.max_points,
                             points=None if f.not_applicable else f.points, percent=f.percent,
                             kad=field_is_kad(entry.result, f))
        if mapping is not None and change.points is None:
            change.note = _("không áp dụng") if change.kad else _("chưa có điểm")
        elif mapping is not None:
            counterpart = mapping.counterpart(Criterion(pk=f.criterion_id, code=f.code, name=f.name,
                                                        framework_id=entry.period.framework_id))
            olds = [previous_points.get(pk) for pk in counterpart.previous_ids]
            if counterpart.comparable and olds and all(o is not None and not o.not_applicable for o in olds):
                change.previous_points = sum((o.points for o in olds), Decimal(0))
                change.comparable = True
            else:
                change.note = counterpart.note
        entry.fields.append(change)


def subject_history(agency: Agency, *, published_only: bool = False) -> list[HistoryEntry]:
    """Every scorecard of `agency` (and of its predecessors) in the province's rounds, oldest
    first, each ranked in its group on its round's basis, with the field points against the
    entry before it (scorecards.services.lineage). `published_only` keeps the figures of
    published and closed rounds only (what a unit sees of its own rank)."""
    agencies = lineage_of(agency)
    periods = list(EvaluationPeriod.objects.filter(subject__in=agencies, round__isnull=False)
                   .select_related("round", "group", "subject", "framework").order_by("year", "pk"))
    if published_only:
        periods = [p for p in periods if p.status in FROZEN_STATUSES]
    if not periods:
        return []
    groups = {p.group_id: p.group for p in periods}
    for p in periods:
        p.group.round = p.round
    # One pass per basis over every group involved (usually a single basis per history).
    by_basis: dict[str, list[SubjectGroup]] = {}
    for p in periods:
        by_basis.setdefault(basis_for(p.round), [])
        if groups[p.group_id] not in by_basis[basis_for(p.round)]:
            by_basis[basis_for(p.round)].append(groups[p.group_id])
    results: dict[int, tuple[SubjectResult, int, str]] = {}
    for basis, group_list in by_basis.items():
        for gr in ranking._groups_results(group_list, basis):
            for r in gr.results:
                results[r.period.pk] = (r, r.group_size, basis)
    criteria: dict[int, list[Criterion]] = {}
    for framework_id in {p.framework_id for p in periods}:
        criteria[framework_id] = list(Criterion.objects.filter(framework_id=framework_id).order_by("sort_key", "pk"))
    entries: list[HistoryEntry] = []
    for p in periods:
        result, size, basis = results[p.pk]
        result.period = p
        entry = HistoryEntry(period=p, result=result, group_size=size, basis=basis, published=p.status in FROZEN_STATUSES)
        entry.previous = _entry_before(entries, p)
        _compare_fields(entry, entry.previous, criteria)
        entries.append(entry)
    return entries


def _entry_before(entries: list[HistoryEntry], period: EvaluationPeriod) -> HistoryEntry | None:
    """What a year is compared with: the latest earlier year's scorecard of the same agency,
    else of the one agency whose work it took over (as services.ranking does); None when
    several predecessors were scored that year (their figures are not one unit's)."""
    earlier = [e for e in entries if e.period.year < period.year]
    if not earlier:
        return None
    year = max(e.period.year for e in earlier)
    same_year = [e for e in earlier if e.period.year == year]
    own = [e for e in same_year if e.period.subject_id == period.subject_id]
    if own:
        return own[-1]
    return same_year[0] if len(same_year) == 1 else None
