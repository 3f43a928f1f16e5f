"""Points to win back (issue 15): every point a period lost, by criterion, field, channel
(ScoringSource) and responsible agency, marked recurring when the same content also lost
points the year before, ranked by points × recurrence.

Rules (one home):

- A row is a leaf criterion of the period, appraised, applicable (Score.not_applicable is
  skipped) and below its maximum after appraisal. Its points are the appraised points that
  count (round 2 when entered, else round 1: Score.final_points, the "final" basis of
  scorecards.services.ranking._leaf_points); lost = maximum − those points. A leaf not
  appraised yet is no row (its loss is not known): `notes` counts them.
- Field: the top-level node of the leaf. Channel: the leaf's ScoringSource. Responsible
  agency: Score.responsible_agency (the lead agency) for the national index; in a
  province's own round, the unit scored (the period's subject).
- The year before: for a national period the baseline of reports.services.baseline
  (`comparison_for`, as the report compares): the subject's own previous period or a
  predecessor province's. When the baseline is the average of several predecessor
  provinces, last year's loss of a criterion is the mean of the predecessors' losses
  (each compared through the mapping), recurring when that mean is above 0, i.e. when at
  least one predecessor lost points there. For a unit's scorecard in a round: the same
  subject's period in the province's previous round, or that of the one agency whose work
  it took over (Agency.successor), as scorecards.services.ranking compares.
- Recurring: found ONLY through scorecards.services.lineage.framework_mapping. The leaf's
  counterpart must be comparable (same, renamed, moved, or merged wholly into it), every
  counterpart leaf appraised and applicable last year, and the sum of their
  (maximum − appraised points) above 0; previous_lost is that sum. A split, new or
  undeclared node is never recurring (previous_lost None).
- Rank: weight = lost × 2 when recurring, else lost ("points × recurrence": a point lost two
  years running weighs double, the content has resisted a year of effort already); ties by
  lost, then framework order.
- Survey and SIPAS points are not decided by the province (`decidable` False).
- `audience` (reports.services.analysis_access.Audience): an agency-only audience sees the
  rows its agency answers for, and totals over those rows only.

Queries: a fixed number whatever the framework's size (criteria and scores of the two
periods, the baseline, the mapping's declared counterparts).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.db import vi_sort_key
from scorecards.models import Agency, EvaluationPeriod, Score, ScoringSource
from scorecards.services.lineage import framework_mapping
from scorecards.services.scorecard import fields_of, load_tree

ZERO = Decimal("0")
PLACES = Decimal("0.001")
RECURRENCE_FACTOR = Decimal("2")
UNDECIDABLE = frozenset({ScoringSource.SURVEY, ScoringSource.SIPAS})


@dataclass
class LossRow:
    criterion_id: int
    code: str
    name: str
    field_code: str
    field_name: str
    channel: str  # ScoringSource value
    channel_label: str
    max_points: Decimal
    appraised: Decimal
    lost: Decimal
    agency_id: int | None
    agency_name: str
    recurring: bool
    previous_lost: Decimal | None
    previous_codes: list[str]
    weight: Decimal  # lost × (2 if recurring else 1)
    decidable: bool  # False for survey/sipas (the province cannot simply decide them)
    order: int = 0  # position of the leaf in the framework

    @property
    def code_changed(self) -> bool:
        """Last year's content had another code (or several): show it next to the mark."""
        return bool(self.previous_codes) and self.previous_codes != [self.code]


@dataclass
class LossTotal:
    """Points lost by one agency, field or channel (over the rows the audience sees)."""

    key: str | int | None
    label: str
    lost: Decimal = ZERO
    weight: Decimal = ZERO
    count: int = 0
    recurring: int = 0  # rows marked recurring
    codes: list[str] = field(default_factory=list)

    def add(self, row: LossRow) -> None:
        self.lost += row.lost
        self.weight += row.weight
        self.count += 1
        self.recurring += row.recurring
        self.codes.append(row.code)


@dataclass
class WinBack:
    period: EvaluationPeriod
    previous: EvaluationPeriod | None  # the one period compared with (None: none, or an average)
    rows: list[LossRow] = field(default_factory=list)  # ranked by weight, lost, framework order
    by_agency: list[LossTotal] = field(default_factory=list)  # most points lost first
    by_field: list[LossTotal] = field(default_factory=list)  # framework order
    by_channel: list[LossTotal] = field(default_factory=list)  # ScoringSource order
    total_lost: Decimal = ZERO
    notes: list[str] = field(default_factory=list)
    previous_year: int | None = None
    compared: bool = False  # last year's losses could be read (a period, through the mapping)
    is_illustrative: bool = False
    not_appraised: int = 0  # applicable leaves without appraised points (not counted)

    @property
    def total_weight(self) -> Decimal:
        return sum((r.weight for r in self.rows), ZERO)

    @property
    def recurring_lost(self) -> Decimal:
        return sum((r.lost for r in self.rows if r.recurring), ZERO)

    @property
    def undecidable_lost(self) -> Decimal:
        return sum((r.lost for r in self.rows if not r.decidable), ZERO)


def weight_of(lost: Decimal, recurring: bool) -> Decimal:
    """Points × recurrence: lost × 2 when the content also lost points last year, else lost."""
    return lost * RECURRENCE_FACTOR if recurring else lost



def _scores(period_ids: list[int]) -> dict[int, dict[int, dict]]:
    """{period id: {criterion id: score values}} in one query."""
    out: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in Score.objects.filter(period_id__in=period_ids).order_by().values(
            "period_id", "criterion_id", "self_points", "appraised_points", "appraised_points_round2", "not_applicable",
            "responsible_agency_id", "responsible_agency__name"):
        row["final"] = row["appraised_points_round2"] if row["appraised_points_round2"] is not None else row["appraised_points"]
        out[row["period_id"]][row["criterion_id"]] = row
    return out


def leaves_under(criteria) -> dict[int, list[int]]:
    """{node id: the ids of the leaves under it (a leaf: itself)} for a framework's criteria."""
    children: dict[int, list[int]] = defaultdict(list)
    for c in criteria:
        if c.parent_id:
            children[c.parent_id].append(c.pk)
    out: dict[int, list[int]] = {}

    def walk(node_id):
        if node_id not in out:
            kids = children.get(node_id)
            out[node_id] = [node_id] if not kids else [leaf for k in kids for leaf in walk(k)]
        return out[node_id]

    for c in criteria:
        walk(c.pk)
    return out


def _lost(node_ids, under, maxima, scores) -> Decimal | None:
    """Σ (maximum − appraised) over the leaves under `node_ids`; None when one of them is not
    appraised or not applicable (the loss is not known)."""
    lost = ZERO
    for old_id in (i for node in node_ids for i in under.get(node, [node])):
        s = scores.get(old_id)
        if s is None or s["not_applicable"] or s["final"] is None:
            return None
        lost += maxima[old_id] - s["final"]
    return lost


def previous_round_period(period: EvaluationPeriod) -> EvaluationPeriod | None:
    """The same subject's scorecard in the province's previous round, or that of the one
    agency whose work the subject took over (Agency.successor), as ranking compares; None
    outside rounds or without a previous round."""
    if not period.round_id:
        return None
    previous_round = period.round.previous()
    if previous_round is None:
        return None
    candidates = list(EvaluationPeriod.objects.filter(round=previous_round).filter(
        subject__in=Agency.objects.filter(pk=period.subject_id) | Agency.objects.filter(successor_id=period.subject_id))
        .select_related("framework", "subject__successor"))
    own = [p for p in candidates if p.subject_id == period.subject_id]
    if own:
        return own[0]
    taken_over = [p for p in candidates if not p.subject.answers_for(period.year)]
    return taken_over[0] if len(taken_over) == 1 else None


@dataclass
class _Baseline:
    periods: list[EvaluationPeriod]
    year: int | None
    note: str = ""
    illustrative: bool = False


def _baseline(period: EvaluationPeriod) -> _Baseline:
    if period.round_id:
        prev = previous_round_period(period)
        return _Baseline([prev] if prev else [], prev.year if prev else None, illustrative=bool(prev and prev.is_illustrative))
    from .baseline import comparison_for

    comparison = comparison_for(period, {})  # published results are not needed here
    return _Baseline(list(comparison.periods), comparison.year, comparison.note,
                     any(p.is_illustrative for p in comparison.periods))


def _previous_losses(period, criteria, baseline: _Baseline) -> tuple[dict[int, tuple[Decimal | None, list[str]]], list[str]]:
    """{current leaf id: (last year's loss or None when not compared, last year's codes)}
    and the mapping's problems."""
    if not baseline.periods:
        return {}, []
    prev_scores = _scores([p.pk for p in baseline.periods])
    trees = {period.framework_id: criteria}
    for p in baseline.periods:
        if p.framework_id not in trees:
            trees[p.framework_id], _children = load_tree(p.framework_id)
    out: dict[int, list] = defaultdict(list)
    codes: dict[int, list[str]] = {}
    problems: list[str] = []
    mappings = {}
    leaves = [c for c in criteria if c.is_leaf]
    for p in baseline.periods:
        if p.framework_id not in mappings:
            mappings[p.framework_id] = framework_mapping(period.framework, p.framework, criteria=dict(trees))
            problems += mappings[p.framework_id].problems
        under = leaves_under(trees[p.framework_id])
        maxima = {c.pk: c.max_points for c in trees[p.framework_id]}
        for leaf in leaves:
            cp = mappings[p.framework_id].counterpart(leaf)
            if not cp.comparable or not cp.previous_ids:
                out[leaf.pk].append(None)
                continue
            codes[leaf.pk] = cp.previous_codes
            out[leaf.pk].append(_lost(cp.previous_ids, under, maxima, prev_scores.get(p.pk, {})))
    result = {}
    for leaf_id, values in out.items():
        if any(v is None for v in values):
            result[leaf_id] = (None, codes.get(leaf_id, []))
        else:
            mean = sum(values, ZERO) / len(values)
            result[leaf_id] = (mean if len(values) == 1 else mean.quantize(PLACES), codes.get(leaf_id, []))
    return result, problems


def win_back(period: EvaluationPeriod, audience=None) -> WinBack:
    """The points `period` lost, ranked (see the module's rules).

    `audience`: an analysis_access.Audience, or None for everything. Returns a WinBack with
    points in Decimal (three places). Raises nothing for a period without appraisal: the
    rows are then empty and `not_appraised` says how many leaves wait for it.
    """
    criteria, _children = load_tree(period.framework_id)
    field_of = fields_of(criteria)
    scores = _scores([period.pk]).get(period.pk, {})
    baseline = _baseline(period)
    previous, problems = _previous_losses(period, criteria, baseline)
    in_round = bool(period.round_id)
    subject = period.subject if in_round else None
    rows, not_appraised = [], 0
    for order, leaf in enumerate(criteria):
        if not leaf.is_leaf:
            continue
        s = scores.get(leaf.pk)
        if s is not None and s["not_applicable"]:
            continue
        if s is None or s["final"] is None:
            not_appraised += 1
            continue
        lost = leaf.max_points - s["final"]
        if lost <= 0:
            continue
        agency_id, agency_name = ((subject.pk, subject.name) if in_round
                                  else (s["responsible_agency_id"], s["responsible_agency__name"] or ""))
        if audience is not None and not audience.admits(agency_id):
            continue
        prev_lost, prev_codes = previous.get(leaf.pk, (None, []))
        recurring = prev_lost is not None and prev_lost > 0
        fld = field_of[leaf.pk]
        rows.append(LossRow(
            criterion_id=leaf.pk, code=leaf.code, name=leaf.name, field_code=fld.code, field_name=fld.name,
            channel=leaf.scoring_source, channel_label=str(ScoringSource(leaf.scoring_source).label),
            max_points=leaf.max_points, appraised=s["final"], lost=lost, agency_id=agency_id,
            agency_name=agency_name or _("Chưa phân công"), recurring=recurring,
            previous_lost=prev_lost, previous_codes=list(prev_codes) if prev_lost is not None else [],
            weight=weight_of(lost, recurring), decidable=leaf.scoring_source not in UNDECIDABLE, order=order,
        ))
    rows.sort(key=lambda r: (-r.weight, -r.lost, r.order))
    result = WinBack(period=period, previous=baseline.periods[0] if len(baseline.periods) == 1 else None, rows=rows,
                     total_lost=sum((r.lost for r in rows), ZERO), previous_year=baseline.year,
                     compared=bool(baseline.periods), not_appraised=not_appraised,
                     is_illustrative=bool(period.is_illustrative or baseline.illustrative))
    _totals(result, criteria)
    result.notes = _notes(result, baseline, problems)
    return result


def _totals(result: WinBack, criteria) -> None:
    agencies: dict = {}
    fields: dict = {}
    channels: dict = {}
    for row in result.rows:
        agencies.setdefault(row.agency_id, LossTotal(row.agency_id, row.agency_name)).add(row)
        fields.setdefault(row.field_code, LossTotal(row.field_code, f"{row.field_code}. {row.field_name}")).add(row)
        channels.setdefault(row.channel, LossTotal(row.channel, row.channel_label)).add(row)
    field_order = {c.code: i for i, c in enumerate(c for c in criteria if c.parent_id is None)}
    result.by_agency = sorted(agencies.values(), key=lambda t: (-t.lost, vi_sort_key(t.label)))
    result.by_field = sorted(fields.values(), key=lambda t: field_order.get(t.key, 0))
    channel_order = {value: i for i, value in enumerate(ScoringSource.values)}
    result.by_channel = sorted(channels.values(), key=lambda t: channel_order[t.key])


def _notes(result: WinBack, baseline: _Baseline, problems: list[str]) -> list[str]:
    notes = []
    if baseline.note:
        notes.append(baseline.note)
    if len(baseline.periods) > 1:
        notes.append(_("Điểm bị mất năm trước của một tiêu chí là trung bình cộng điểm bị mất của các tỉnh trước sáp nhập; "
                       "tiêu chí được đánh dấu lặp lại khi ít nhất một tỉnh đã mất điểm ở nội dung đó."))
    if not baseline.periods and baseline.year is None and not baseline.note:
        notes.append(_("Không có kỳ đánh giá năm trước để so sánh: chưa xác định được tiêu chí mất điểm lặp lại."))
    elif baseline.year is not None and not baseline.periods:
        notes.append(_("Không có số liệu chi tiết năm %(year)s: chưa xác định được tiêu chí mất điểm lặp lại.") % {
            "year": baseline.year})
    notes.extend(problems)
    notes.append(_("Xếp theo điểm × mức lặp lại: điểm bị mất nhân 2 khi nội dung đó cũng mất điểm năm trước (đối chiếu "
                   "qua bảng tương ứng của bộ chỉ số)."))
    if any(not r.decidable for r in result.rows):
        notes.append(_("Điểm khảo sát lãnh đạo, quản lý và quy đổi từ SIPAS do người dân, lãnh đạo đánh giá: tỉnh không "
                       "thể tự quyết định giành lại."))
    if result.not_appraised:
        notes.append(_("%(n)s tiêu chí chưa có điểm thẩm định: chưa tính điểm bị mất.") % {"n": result.not_appraised})
    return notes
