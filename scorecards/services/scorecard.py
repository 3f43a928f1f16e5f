"""The scorecard of a period: every leaf with its points, rolled up by field and channel.

One function, `build_scorecard`, reads a period in a fixed number of queries (criteria,
scores, assignments) and returns plain objects; the admin grid, the dashboards, the
report and check_framework all use it, so paper and screen always agree.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from scorecards.formatting import fmt_points, quantize
from scorecards.models import Criterion, EvaluationPeriod, Score, ScoringSource

ZERO = Decimal("0")
# The Ministry publishes the PAR Index to hundredths (88,23): a computed total is compared
# with the published score at that precision, so 88,228 matches a published 88,23.
PUBLISHED_PLACES = 2
# Said where a computed total and the published score part (the grid's script fills the same
# sentence while the user types).
GAP_SENTENCE = _("Tổng tính từ tiêu chí %(computed)s khác điểm Bộ Nội vụ công bố %(published)s: chênh %(difference)s điểm.")


@dataclass
class Row:
    """A leaf criterion of the period with its score and lead agency."""

    criterion: Criterion
    score: Score | None
    lead_agency: object | None = None
    parents: list[Criterion] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def max_points(self) -> Decimal:
        return self.criterion.max_points

    @property
    def source(self) -> str:
        return self.criterion.scoring_source

    @property
    def self_points(self) -> Decimal | None:
        return self.score.self_points if self.score else None

    @property
    def appraised(self) -> Decimal | None:
        return self.score.final_points if self.score else None

    @property
    def lost(self) -> Decimal | None:
        return None if self.appraised is None else self.max_points - self.appraised

    @property
    def deduction(self) -> Decimal | None:
        return self.score.deduction if self.score else None

    @property
    def below_max(self) -> bool:
        return self.appraised is not None and self.appraised < self.max_points


@dataclass
class Totals:
    """Sums over a set of rows; self points count only the self-assessed channels."""

    max_points: Decimal = ZERO
    self_points: Decimal = ZERO
    self_max: Decimal = ZERO
    appraised: Decimal = ZERO
    appraised_count: int = 0

    def add(self, row: Row) -> None:
        self.max_points += row.max_points
        if row.criterion.is_self_assessed:
            self.self_max += row.max_points
            self.self_points += row.self_points or ZERO
        if row.appraised is not None:
            self.appraised += row.appraised
            self.appraised_count += 1

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.appraised


@dataclass
class FieldBlock:
    """A field (lĩnh vực) with its leaves and totals, overall and by channel."""

    criterion: Criterion
    rows: list[Row] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    by_source: dict[str, Totals] = field(default_factory=lambda: defaultdict(Totals))

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def name(self) -> str:
        return self.criterion.name

    def source_totals(self, source: str) -> Totals:
        return self.by_source.get(source) or Totals()


@dataclass
class Scorecard:
    period: EvaluationPeriod
    fields: list[FieldBlock]
    totals: Totals
    by_source: dict[str, Totals]
    criteria: dict[str, Criterion]
    by_node: dict[int, Totals] = field(default_factory=dict)  # criterion id -> totals of the leaves under it

    def node_totals(self, criterion_id: int) -> Totals:
        """Totals of the leaves under a node (field, criterion or leaf) of this period's
        framework, by criterion id: what a node of another year's framework is compared
        with (scorecards.services.lineage names the ids). Unknown ids give empty totals."""
        return self.by_node.get(criterion_id) or Totals()

    @property
    def rows(self) -> list[Row]:
        return [row for block in self.fields for row in block.rows]

    def channel(self, source: str) -> Totals:
        return self.by_source.get(source) or Totals()

    @property
    def survey_total(self) -> Totals:
        """Leader survey and SIPAS together (the report's "điều tra xã hội học" channel)."""
        out = Totals()
        for source in (ScoringSource.SURVEY, ScoringSource.SIPAS):
            part = self.channel(source)
            out.max_points += part.max_points
            out.appraised += part.appraised
            out.appraised_count += part.appraised_count
        return out

    def field(self, code: str) -> FieldBlock | None:
        return next((b for b in self.fields if b.code == code), None)

    def shortfalls(self) -> list[Row]:
        """Leaves scored from evidence or monitoring that did not reach their maximum."""
        return [r for r in self.rows if r.criterion.is_self_assessed and r.below_max]


def load_tree(framework_id: int) -> tuple[list[Criterion], dict[int, list[Criterion]]]:
    criteria = list(Criterion.objects.filter(framework_id=framework_id).order_by("sort_key", "pk"))
    children: dict[int, list[Criterion]] = defaultdict(list)
    for c in criteria:
        if c.parent_id:
            children[c.parent_id].append(c)
    for c in criteria:
        c.is_leaf = c.pk not in children
    return criteria, children


def fields_of(criteria: list[Criterion]) -> dict[int, Criterion]:
    """{criterion id: its field (the top-level node above it, itself for a field)} for the
    whole tree of one framework, without a query."""
    by_id = {c.pk: c for c in criteria}
    out = {}
    for c in criteria:
        node = c
        while node.parent_id:
            node = by_id[node.parent_id]
        out[c.pk] = node
    return out


def build_scorecard(period: EvaluationPeriod, scores=None) -> Scorecard:
    """Assemble the scorecard of a period in two queries.

    `scores` may be a pre-filtered queryset (e.g. for_user(user)); rows without a
    visible score keep score=None so totals only count what the caller may see.
    """
    criteria, children = load_tree(period.framework_id)
    by_id = {c.pk: c for c in criteria}
    score_qs = scores if scores is not None else Score.objects.filter(period=period)
    score_by_criterion = {s.criterion_id: s for s in score_qs.filter(period=period).select_related("updated_by", "responsible_agency")}
    blocks: dict[int, FieldBlock] = {}
    fields: list[FieldBlock] = []
    totals = Totals()
    by_source: dict[str, Totals] = defaultdict(Totals)
    by_node: dict[int, Totals] = defaultdict(Totals)
    for c in criteria:
        if c.parent_id is None:
            block = FieldBlock(criterion=c)
            blocks[c.pk] = block
            fields.append(block)
    for c in criteria:
        if not c.is_leaf:
            continue
        parents = []
        node = c
        while node.parent_id:
            node = by_id[node.parent_id]
            parents.insert(0, node)
        score = score_by_criterion.get(c.pk)
        if score is not None:
            score.criterion = c  # share the loaded object: no query per row
        row = Row(criterion=c, score=score, lead_agency=score.responsible_agency if score else None, parents=parents)
        block = blocks[parents[0].pk] if parents else blocks[c.pk]
        block.rows.append(row)
        block.totals.add(row)
        block.by_source[c.scoring_source].add(row)
        totals.add(row)
        by_source[c.scoring_source].add(row)
        for node in [c, *parents]:
            by_node[node.pk].add(row)
    return Scorecard(period=period, fields=fields, totals=totals, by_source=dict(by_source),
                     criteria={c.code: c for c in criteria}, by_node=dict(by_node))


@dataclass(frozen=True)
class PublishedGap:
    """The computed total of a period against the Ministry's published score."""

    computed: Decimal
    published: Decimal

    @property
    def difference(self) -> Decimal:
        """How far apart, in points (positive whichever is higher)."""
        return abs(self.published - self.computed)

    def sentence(self) -> str:
        return GAP_SENTENCE % {"computed": fmt_points(self.computed), "published": fmt_points(self.published),
                               "difference": fmt_points(self.difference)}


def published_gap(totals: Totals, published_score: Decimal | None) -> PublishedGap | None:
    """The gap worth flagging between a computed total and the published score, or None.

    None when nothing is published or appraised yet (a total of nothing is no finding), and
    when the computed total rounds half up to the published score at PUBLISHED_PLACES (the
    Ministry's rounding, not a difference). Otherwise the exact difference in thousandths.
    """
    if published_score is None or not totals.appraised_count:
        return None
    if quantize(totals.appraised, PUBLISHED_PLACES) == quantize(published_score, PUBLISHED_PLACES):
        return None
    return PublishedGap(computed=totals.appraised, published=published_score)


def framework_sum_problems(framework_id: int) -> list[tuple[Criterion, Decimal]]:
    """Parents whose maximum is not the sum of their children's, with that sum."""
    criteria, children = load_tree(framework_id)
    problems = []
    for c in criteria:
        kids = children.get(c.pk)
        if kids:
            total = sum((k.max_points for k in kids), ZERO)
            if total != c.max_points:
                problems.append((c, total))
    return problems
