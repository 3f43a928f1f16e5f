"""Results of a province's own round: rescaled totals, bonus and penalty, ranks, grades.

The one home of the rules (../domain-2026.md §3; Hà Nội QĐ 5666/QĐ-UBND 2025, Hà Nam 2023,
Hà Nội 2022, Khánh Hòa):

- A leaf counts in a subject's maximum unless it is marked not applicable
  (Score.not_applicable), or it is a survey leaf (leader survey, SIPAS) without points: a
  unit not surveyed is rescaled on what was appraised (Hà Nội communes, 2022).
- Points of a leaf: the appraised points that count (round 2, else round 1) on the "final"
  basis; the self-assessed points on the "self" basis (survey leaves then count their
  imported points). A leaf without points counts 0 inside the maximum.
- Rescaled = points / applicable maximum × 100, three decimals, half up.
- Bonus and penalty (Adjustment.points, appraised) sit outside the 100: the sums are capped
  by the group's `bonus_cap` / `penalty_cap`; total = rescaled + bonus − penalty.
- Rank within the group by total, highest first; equal totals share a rank and the next
  rank skips (standard competition ranking 1, 2, 2, 4), ties listed by name. A unit
  without any points yet on the basis (not appraised at all) is not ranked nor graded
  (rank None) and is left out of the group's average: a 0 is not a result.
- Grade: the group's highest band whose `min_points` the total reaches (GradeBand).
- Against last year: the subject's period in the province's previous round (same agency,
  or the agency whose work it took over, Agency.successor), its total, rank and grade on
  the same basis; field points compared through scorecards.services.lineage. A move in
  places is stated only when both years ranked the same number of units in the group
  (14 departments in 2025 against 19 in 2024 is not "up five places"); otherwise both
  ranks are shown with their bases, as for the national index (issue on years that change).

Every figure is a Decimal in points (of 100) with three places; percentages are the same
numbers. The functions read a whole group in a fixed number of queries, whatever its size.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from scorecards.choices import AdjustmentKind
from scorecards.db import vi_collate, vi_sort_key
from scorecards.models import Adjustment, EvaluationPeriod, GradeBand, Score, ScoringSource, SubjectGroup
from scorecards.services.scorecard import fields_of, load_tree

ZERO = Decimal("0")
HUNDRED = Decimal("100")
PLACES = Decimal("0.001")
SURVEY_SOURCES = frozenset({ScoringSource.SURVEY, ScoringSource.SIPAS})
FINAL, SELF = "final", "self"


def q3(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def rescale(points: Decimal, applicable_max: Decimal, scale: Decimal = HUNDRED) -> Decimal:
    """points / applicable_max × scale, three places half up; 0 when nothing applies."""
    if not applicable_max:
        return ZERO.quantize(PLACES)
    return q3(points * scale / applicable_max)


def capped(total: Decimal, cap: Decimal) -> Decimal:
    """A sum of bonus (or penalty) points bounded by the group's cap (never negative)."""
    return max(ZERO, min(total, cap))


def competition_ranks(values: list[Decimal]) -> list[int]:
    """Ranks of `values` (highest first): equal values share a rank, the next one skips.

    [90, 85, 85, 80] -> [1, 2, 2, 4]. The order of the input is kept.
    """
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=True)
    ranks = [0] * len(values)
    for position, i in enumerate(order):
        if position and values[i] == values[order[position - 1]]:
            ranks[i] = ranks[order[position - 1]]
        else:
            ranks[i] = position + 1
    return ranks


def grade_for(total: Decimal | None, bands: list[GradeBand]) -> str:
    """The label of the highest band (bands sorted by min_points descending) `total` reaches."""
    if total is None:
        return ""
    for band in bands:
        if total >= band.min_points:
            return band.label
    return ""


@dataclass
class FieldResult:
    """One field (lĩnh vực) of a subject: points and applicable maximum (not rescaled)."""

    criterion_id: int
    code: str
    name: str
    max_points: Decimal  # the framework's maximum of the field
    applicable_max: Decimal = ZERO
    points: Decimal = ZERO
    scored: int = 0  # leaves with points
    leaves: int = 0  # applicable leaves

    @property
    def percent(self) -> Decimal | None:
        """Points over the applicable maximum, % (None when the whole field does not apply)."""
        return rescale(self.points, self.applicable_max) if self.applicable_max else None

    @property
    def not_applicable(self) -> bool:
        return not self.applicable_max


@dataclass
class SubjectResult:
    """One subject's result in its group, with last year's for comparison."""

    period: EvaluationPeriod
    fields: list[FieldResult]
    points: Decimal  # sum of counted points (of the applicable maximum)
    applicable_max: Decimal
    rescaled: Decimal  # of 100
    bonus: Decimal  # capped
    penalty: Decimal  # capped
    total: Decimal
    complete: bool  # every applicable, non-survey leaf has points on the basis
    rank: int | None = None  # None: not ranked (no points yet on the basis)
    group_size: int = 0  # units ranked in the group: the base of the rank ("3/14")
    grade: str = ""
    previous: SubjectResult | None = None
    not_applicable_codes: list[str] = field(default_factory=list)

    @property
    def subject(self):
        return self.period.subject

    @property
    def change(self) -> Decimal | None:
        """Total minus last year's total (points), or None without a previous result."""
        return None if self.previous is None else self.total - self.previous.total

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def has_points(self) -> bool:
        """Whether any applicable leaf has points on the basis (else the unit is not ranked)."""
        return any(f.scored for f in self.fields)

    @property
    def rank_label(self) -> str:
        """The rank with its base: "3/14" ("–" when not ranked)."""
        return f"{self.rank}/{self.group_size}" if self.ranked else "–"

    @property
    def rank_change(self) -> int | None:
        """Places gained against last year (positive: moved up); None without a previous
        result or when last year's group ranked another number of units (then compare
        `rank_label` with `previous.rank_label`)."""
        if self.previous is None or self.previous.group_size != self.group_size or not (
                self.ranked and self.previous.ranked):
            return None
        return self.previous.rank - self.rank

    def field(self, code: str) -> FieldResult | None:
        return next((f for f in self.fields if f.code == code), None)


@dataclass
class GroupResults:
    group: SubjectGroup
    bands: list[GradeBand]
    results: list[SubjectResult]  # by rank, then subject name
    basis: str = FINAL

    @property
    def field_heads(self) -> list[tuple[str, str, Decimal]]:
        """(code, name, maximum) of the group framework's fields, in order."""
        first = self.results[0].fields if self.results else []
        return [(f.code, f.name, f.max_points) for f in first]

    @property
    def average(self) -> Decimal | None:
        """Mean total of the ranked units (units not appraised yet are left out)."""
        ranked = [r for r in self.results if r.ranked]
        if not ranked:
            return None
        return q3(sum((r.total for r in ranked), ZERO) / len(ranked))

    def grade_counts(self) -> dict[str, int]:
        counts = {b.label: 0 for b in self.bands}
        for r in self.results:
            if r.grade:
                counts[r.grade] = counts.get(r.grade, 0) + 1
        return counts


def _leaf_points(score: dict, leaf, basis: str) -> Decimal | None:
    if basis == SELF and leaf.scoring_source not in SURVEY_SOURCES:
        return score["self_points"]
    if score["appraised_points_round2"] is not None:
        return score["appraised_points_round2"]
    return score["appraised_points"]


def _subject_results(periods: list[EvaluationPeriod], caps: dict[int, tuple[Decimal, Decimal]], basis: str
                     ) -> dict[int, SubjectResult]:
    """{period id: SubjectResult without rank} for periods (any frameworks): 1 query per
    framework for the tree, 1 for the scores, 1 for the adjustments."""
    trees = {}
    for framework_id in {p.framework_id for p in periods}:
        criteria, _children = load_tree(framework_id)
        trees[framework_id] = ([c for c in criteria if c.parent_id is None], {c.pk: c for c in criteria}, fields_of(criteria))
    scores = defaultdict(list)
    # No ORDER BY: rows are grouped by period here, and Score's default ordering would join
    # three tables and sort the whole round (20 000 rows: 103 → 10 ms on PostgreSQL).
    for row in Score.objects.filter(period__in=[p.pk for p in periods]).order_by().values(
            "period_id", "criterion_id", "self_points", "appraised_points", "appraised_points_round2", "not_applicable"):
        scores[row["period_id"]].append(row)
    adjustments = defaultdict(lambda: [ZERO, ZERO])
    for adj in Adjustment.objects.filter(period__in=[p.pk for p in periods], points__isnull=False).order_by().values(
            "period_id", "kind", "points"):
        adjustments[adj["period_id"]][0 if adj["kind"] == AdjustmentKind.BONUS else 1] += adj["points"]
    out = {}
    for p in periods:
        fields_, by_id, field_of = trees[p.framework_id]
        blocks = {f.pk: FieldResult(criterion_id=f.pk, code=f.code, name=f.name, max_points=f.max_points) for f in fields_}
        complete, na_codes = True, []
        for row in scores.get(p.pk, ()):
            leaf = by_id.get(row["criterion_id"])
            if leaf is None:
                continue
            block = blocks[field_of[leaf.pk].pk]
            if row["not_applicable"]:
                na_codes.append(leaf.code)
                continue
            points = _leaf_points(row, leaf, basis)
            if points is None and leaf.scoring_source in SURVEY_SOURCES:
                continue  # not surveyed: out of the maximum
            block.applicable_max += leaf.max_points
            block.leaves += 1
            if points is None:
                complete = False
            else:
                block.points += points
                block.scored += 1
        field_list = [blocks[f.pk] for f in fields_]
        points = sum((b.points for b in field_list), ZERO)
        applicable = sum((b.applicable_max for b in field_list), ZERO)
        bonus_cap, penalty_cap = caps.get(p.group_id, (ZERO, ZERO))
        raw_bonus, raw_penalty = adjustments.get(p.pk, (ZERO, ZERO))
        bonus, penalty = capped(raw_bonus, bonus_cap), capped(raw_penalty, penalty_cap)
        rescaled = rescale(points, applicable)
        out[p.pk] = SubjectResult(
            period=p, fields=field_list, points=points, applicable_max=applicable, rescaled=rescaled,
            bonus=bonus, penalty=penalty, total=q3(rescaled + bonus - penalty), complete=complete,
            not_applicable_codes=sorted(na_codes),
        )
    return out


def _rank(results: list[SubjectResult], bands: list[GradeBand]) -> list[SubjectResult]:
    ranked = [r for r in results if r.has_points]
    ranks = competition_ranks([r.total for r in ranked])
    for r, rank in zip(ranked, ranks, strict=True):
        r.rank = rank
        r.grade = grade_for(r.total, bands)
    for r in results:
        r.group_size = len(ranked)
    return sorted(results, key=lambda r: (r.rank is None, r.rank or 0, vi_sort_key(r.period.subject.name)))


def _groups_results(groups: list[SubjectGroup], basis: str) -> list[GroupResults]:
    """Results of several groups at once (one pass over their periods)."""
    if not groups:
        return []
    periods = list(EvaluationPeriod.objects.filter(group__in=groups).select_related("subject", "round", "group")
                   .order_by("subject__order", vi_collate("subject__name").asc(), "pk"))
    caps = {g.pk: (g.bonus_cap, g.penalty_cap) for g in groups}
    by_period = _subject_results(periods, caps, basis)
    bands = defaultdict(list)
    for band in GradeBand.objects.filter(group__in=groups).order_by("-min_points"):
        bands[band.group_id].append(band)
    out = []
    for g in groups:
        rows = [by_period[p.pk] for p in periods if p.group_id == g.pk]
        out.append(GroupResults(group=g, bands=bands.get(g.pk, []), results=_rank(rows, bands.get(g.pk, [])), basis=basis))
    return out


def _attach_previous(current: list[GroupResults], basis: str) -> None:
    """Set each result's `previous` from the province's previous round (ranked in its own group)."""
    if not current or not current[0].results:
        return
    round_ = current[0].group.round
    previous_round = round_.previous()
    if previous_round is None:
        return
    prev_groups = list(SubjectGroup.objects.filter(round=previous_round).select_related("round", "framework"))
    by_agency = {}
    for gr in _groups_results(prev_groups, basis):
        for r in gr.results:
            by_agency[r.period.subject_id] = r
    successors = {}
    if by_agency:
        from scorecards.models import Agency

        year = round_.year
        for agency in Agency.objects.filter(pk__in=list(by_agency)).select_related("successor"):
            if agency.successor_id and not agency.answers_for(year):
                successors.setdefault(agency.successor_in(year).pk, []).append(agency.pk)
    for gr in current:
        for r in gr.results:
            prev = by_agency.get(r.period.subject_id)
            if prev is None and len(successors.get(r.period.subject_id, [])) == 1:
                prev = by_agency.get(successors[r.period.subject_id][0])
            r.previous = prev


def round_results(round_, *, basis: str = FINAL, with_previous: bool = True) -> list[GroupResults]:
    """Every group of a round, ranked and graded, in group order.

    `basis` is "final" (appraised: what is published) or "self" (the units' self-assessment,
    for a preview before appraisal). With `with_previous`, each result carries last year's.
    Queries: a fixed number for the round, whatever the number of subjects.
    """
    groups = list(SubjectGroup.objects.filter(round=round_).select_related("round", "framework").order_by("order", "pk"))
    results = _groups_results(groups, basis)
    if with_previous:
        _attach_previous(results, basis)
    return results


def group_results(group: SubjectGroup, *, basis: str = FINAL, with_previous: bool = True) -> GroupResults:
    """One group of a round, ranked and graded (see round_results)."""
    results = _groups_results([group], basis)
    if with_previous:
        _attach_previous(results, basis)
    return results[0]


def subject_result(period: EvaluationPeriod, *, basis: str = FINAL) -> SubjectResult:
    """One subject's result with its rank in its group (the group is read to rank it)."""
    gr = group_results(period.group, basis=basis)
    return next(r for r in gr.results if r.period.pk == period.pk)
