"""The read side of a subject's scorecard in a province's own round ("phiếu đánh giá của đơn vị").

`build_page(period)` assembles the whole tree of the period's framework with every leaf's
score, evidence counts and subtotals per node in three queries (criteria, scores, evidence
counts), whatever the size of the framework. `page_rights(user, period, rows)` says once
what the user may do on the page and why not (Vietnamese sentences), from the same rules
the services check again on every write (scorecards.policy, services.adjustments).
Nothing here writes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards import policy
from scorecards.choices import APPRAISAL_STATUSES, PeriodStatus, Right
from scorecards.models import Criterion, EvaluationPeriod, EvidenceDocument, Score
from scorecards.permissions import can_manage, is_agency_staff
from scorecards.services import adjustments as adjustment_service
from scorecards.services import ranking
from scorecards.services.scorecard import load_tree

ZERO = Decimal("0")
# Statuses before appraisal: the appraisal columns stay hidden while they are all empty.
BEFORE_APPRAISAL = frozenset({PeriodStatus.DRAFT, PeriodStatus.SELF_ASSESSMENT})


def can_view(user, period: EvaluationPeriod) -> bool:
    """Who reads a subject's scorecard: whoever sees the whole round (Sở Nội vụ, leaders,
    the council) and the subject's own staff; nobody else (another unit gets 403)."""
    if not user or not user.is_authenticated:
        return False
    return policy.sees_round(user, period.round_id) or bool(user.agency_id and user.agency_id == period.subject_id)


@dataclass
class LeafRow:
    """A leaf criterion with its score (None only for a leaf added after the scorecard was made)."""

    criterion: Criterion
    score: Score | None
    depth: int
    evidence_count: int = 0
    supplementary_count: int = 0
    is_leaf: bool = True
    # Set by the page: the row's form in the grid, and why the row is read-only for the user.
    form: object = None
    refusal: str | None = None

    @property
    def not_applicable(self) -> bool:
        return bool(self.score and self.score.not_applicable)

    @property
    def self_assessed(self) -> bool:
        """Whether the unit self-assesses this leaf (survey leaves get imported points)."""
        return self.criterion.scoring_source not in ranking.SURVEY_SOURCES

    @property
    def missing_self_points(self) -> bool:
        """Applicable, self-assessed and without self points (selflock.missing_self_points' rule)."""
        return bool(self.score and not self.score.not_applicable and self.self_assessed and self.score.self_points is None)


@dataclass
class NodeRow:
    """A field or criterion (a node with children) and the sums of the leaves under it."""

    criterion: Criterion | None  # None: the whole scorecard
    depth: int
    leaves: list[LeafRow] = field(default_factory=list)
    is_leaf: bool = False

    @property
    def is_field(self) -> bool:
        return self.criterion is not None and self.criterion.parent_id is None

    def _sum(self, name: str) -> Decimal | None:
        values = [getattr(r.score, name) for r in self.leaves if r.score and not r.score.not_applicable]
        values = [v for v in values if v is not None]
        return sum(values, ZERO) if values else None

    @property
    def max_points(self) -> Decimal:
        if self.criterion is None:
            return sum((r.criterion.max_points for r in self.leaves), ZERO)
        return self.criterion.max_points

    @property
    def applicable_max(self) -> Decimal:
        return sum((r.criterion.max_points for r in self.leaves if not r.not_applicable), ZERO)

    @property
    def self_points(self) -> Decimal | None:
        return self._sum("self_points")

    @property
    def round1(self) -> Decimal | None:
        return self._sum("appraised_points")

    @property
    def round2(self) -> Decimal | None:
        return self._sum("appraised_points_round2")

    @property
    def final(self) -> Decimal | None:
        values = [r.score.final_points for r in self.leaves if r.score and not r.score.not_applicable]
        values = [v for v in values if v is not None]
        return sum(values, ZERO) if values else None

    @property
    def all_not_applicable(self) -> bool:
        return bool(self.leaves) and all(r.not_applicable for r in self.leaves)

    @property
    def any_not_applicable(self) -> bool:
        return any(r.not_applicable for r in self.leaves)

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.leaves if r.score and r.score.explanation_requested)


@dataclass
class ScorecardPage:
    period: EvaluationPeriod
    items: list  # NodeRow and LeafRow in the tree's order (preorder)
    fields: list[NodeRow]
    leaves: list[LeafRow]

    @property
    def totals(self) -> NodeRow:
        """The whole scorecard as one node (sums of every leaf)."""
        return NodeRow(criterion=None, depth=0, leaves=self.leaves)

    @property
    def missing(self) -> list[str]:
        return [r.criterion.code for r in self.leaves if r.missing_self_points]

    @property
    def flagged(self) -> list[LeafRow]:
        return [r for r in self.leaves if r.score and r.score.explanation_requested]

    @property
    def has_appraisal(self) -> bool:
        return any(r.score and (r.score.appraised_points is not None or r.score.appraised_points_round2 is not None
                                or r.score.appraisal_reason or r.score.explanation_requested) for r in self.leaves)

    @property
    def show_appraisal(self) -> bool:
        """Whether the appraisal columns are worth showing (hidden while all empty before appraisal)."""
        return self.period.status not in BEFORE_APPRAISAL or self.has_appraisal


def build_page(period: EvaluationPeriod) -> ScorecardPage:
    """Every node of the period's framework in preorder, with each leaf's score and evidence
    counts and each node's leaves (for subtotals). Three queries whatever the size."""
    criteria, children = load_tree(period.framework_id)
    scores = {s.criterion_id: s for s in Score.objects.filter(period=period).select_related("updated_by")}
    counts = {
        row["score_id"]: row for row in
        EvidenceDocument.objects.filter(score__period=period).order_by().values("score_id").annotate(
            n=Count("pk"), supplementary=Count("pk", filter=Q(is_supplementary=True)))
    }
    items, fields, leaves = [], [], []
    by_node: dict[int, NodeRow] = {}

    def visit(node: Criterion, depth: int, ancestors: list[NodeRow]):
        kids = children.get(node.pk)
        if kids:
            row = NodeRow(criterion=node, depth=depth)
            by_node[node.pk] = row
            items.append(row)
            if node.parent_id is None:
                fields.append(row)
            for kid in kids:
                visit(kid, depth + 1, [*ancestors, row])
            return
        score = scores.get(node.pk)
        if score is not None:
            score.criterion = node  # share the loaded object: no query per row
            score.period = period
        count = counts.get(score.pk) if score is not None else None
        leaf = LeafRow(criterion=node, score=score, depth=depth,
                       evidence_count=count["n"] if count else 0,
                       supplementary_count=count["supplementary"] if count else 0)
        items.append(leaf)
        leaves.append(leaf)
        for ancestor in ancestors:
            ancestor.leaves.append(leaf)
        if node.parent_id is None:  # a field without children is its own leaf
            wrapper = NodeRow(criterion=node, depth=depth, leaves=[leaf])
            fields.append(wrapper)

    for root in (c for c in criteria if c.parent_id is None):
        visit(root, 1, [])
    return ScorecardPage(period=period, items=items, fields=fields, leaves=leaves)


@dataclass
class Summary:
    """The subject's result on both bases (self-assessed, appraised)."""

    self_basis: ranking.SubjectResult | None
    final_basis: ranking.SubjectResult | None
    group_size: int = 0


def summary(period: EvaluationPeriod, *, with_final: bool = True) -> Summary:
    """The subject's rescaled points, bonus, penalty, total, rank in its group and grade,
    on the self basis and (when `with_final`) on the appraised basis. A fixed number of
    queries (services.ranking reads the group at once), last year's result left out."""
    if not period.group_id:
        return Summary(None, None)
    out = Summary(None, None)
    bases = [ranking.SELF] + ([ranking.FINAL] if with_final else [])
    for basis in bases:
        gr = ranking.group_results(period.group, basis=basis, with_previous=False)
        out.group_size = gr.results[0].group_size if gr.results else 0
        result = next((r for r in gr.results if r.period.pk == period.pk), None)
        if basis == ranking.SELF:
            out.self_basis = result
        else:
            out.final_basis = result
    return out


@dataclass
class PageRights:
    """What one user may do on one scorecard now, and why not."""

    unit: bool = False  # staff of the subject
    manage: bool = False  # Sở Nội vụ
    mode: str | None = None  # the grid's editing mode: "self", "explain", "appraise" or None
    self_refusal: str | None = None  # why the unit cannot self-assess now (page-wide)
    explain_refusal: str | None = None
    appraise_refusal: str | None = None
    can_lock: bool = False
    can_withdraw: bool = False  # the unit withdraws its own lock
    can_reopen: bool = False  # Sở Nội vụ reopens (withdraws) with a reason
    can_mark_na: bool = False
    adjustment_role: str | None = None  # "unit", "appraiser", "manager" or None
    adjustment_refusal: str | None = None
    exception: object = None

    @property
    def read_only_reason(self) -> str | None:
        """The sentence shown above a read-only grid."""
        if self.mode:
            return None
        if self.unit:
            return self.explain_refusal if self.self_refusal is None else self.self_refusal
        return self.appraise_refusal


def adjustment_role(user, period) -> tuple[str | None, str | None]:
    """The part the user may write in the bonus and penalty section now, after the
    service's own rule (services.adjustments), or None and the sentence why not."""
    try:
        return adjustment_service.writer_role(user, period), None
    except PermissionDenied:
        return None, None
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def page_rights(user, period: EvaluationPeriod, page: ScorecardPage, *, now=None) -> PageRights:
    """Decide once what `user` may do on `period`'s page; sets each leaf row's `refusal`
    for the grid's mode (None: editable). At most two queries (the unit's running exception)."""
    now = now or timezone.now()
    rights = PageRights(manage=can_manage(user))
    rights.unit = bool(is_agency_staff(user) and user.agency_id == period.subject_id)
    exception = None
    if rights.unit and period.status in (policy.WINDOWS[Right.SELF_ASSESS][1] | policy.WINDOWS[Right.EXPLAIN][1]):
        exception = policy.active_exception(period, user.agency_id, now)
    rights.exception = exception
    if rights.unit:
        rights.self_refusal = policy.window_refusal(period, user.agency_id, Right.SELF_ASSESS, now=now, exception=exception)
        window_open = rights.self_refusal is None
        if window_open and period.self_locked_at:
            rights.self_refusal = _("Đơn vị đã chốt điểm tự đánh giá; rút lại (trước hạn) để sửa.")
        rights.explain_refusal = policy.window_refusal(period, user.agency_id, Right.EXPLAIN, now=now, exception=exception)
        rights.can_lock = window_open and not period.self_locked_at
        rights.can_withdraw = window_open and bool(period.self_locked_at)
    rights.can_reopen = rights.manage and bool(period.self_locked_at) and not period.is_frozen
    rights.can_mark_na = rights.manage and not period.is_frozen
    appraiser = policy.can_appraise(user, period)
    if appraiser and period.status not in APPRAISAL_STATUSES:
        rights.appraise_refusal = (period.frozen_message() if period.is_frozen else _(
            "Điểm thẩm định được nhập ở giai đoạn thẩm định và giải trình; phiếu đang ở giai đoạn “%(s)s”.") % {
            "s": period.get_status_display()})
    elif not appraiser and not rights.unit:
        rights.appraise_refusal = _("Bạn chỉ được xem phiếu đánh giá này.")
    if rights.unit and rights.self_refusal is None:
        rights.mode = "self"
        for row in page.leaves:
            row.refusal = (policy.self_assess_refusal(row.score, user.agency_id, now, exception) if row.score
                           else _("Chưa có dòng điểm."))
    elif rights.unit and rights.explain_refusal is None:
        rights.mode = "explain"
        for row in page.leaves:
            row.refusal = (policy.explain_refusal(row.score, user.agency_id, now, exception) if row.score
                           else _("Chưa có dòng điểm."))
    elif appraiser and period.status in APPRAISAL_STATUSES and not period.is_frozen:
        rights.mode = "appraise"
        for row in page.leaves:
            if row.score is None:
                row.refusal = _("Chưa có dòng điểm.")
            elif row.score.not_applicable:
                row.refusal = _("Tiêu chí %(code)s không áp dụng với đơn vị: không chấm điểm.") % {"code": row.criterion.code}
    rights.adjustment_role, rights.adjustment_refusal = adjustment_role(user, period)
    return rights


def group_adjustments(period: EvaluationPeriod) -> dict[str, list]:
    """The period's bonus and penalty rows by kind (one query)."""
    out = defaultdict(list)
    for adj in period.adjustments.select_related("created_by", "updated_by").order_by("kind", "pk"):
        out[adj.kind].append(adj)
    return out
