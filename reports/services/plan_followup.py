"""Following up the improvement plan a year later: per item of the previous year's plan, the
target against this year's result; and this period's own items with the late ones flagged.

Which previous period(s): for the national index, the period's baseline
(reports.services.baseline.comparison_for: the subject's own previous period, or the
predecessors' periods of a merged province); for a unit's scorecard in a province's round,
the same unit's scorecard in the province's previous round (or the scorecard of the one
agency it took over from).

The result of an item is the appraised points of its criterion's counterpart this year
through scorecards.services.lineage.framework_mapping, never by equal codes: a node that is
the same, renamed or moved compares (one to one); a split, merged, new or dropped node does
not, and the row says why ("không so sánh được (…)").

Shape: `followup_for(period, audience=None, today=None) -> FollowUp`. Queries: a fixed number
per previous period (its items, the mapping of its framework), plus the current scorecard.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.models import Criterion, EvaluationPeriod, ImprovementItem, PlanStatus
from scorecards.services.improvement import plan_rows

ACHIEVED, MISSED, NOT_COMPARABLE, NO_RESULT = "achieved", "missed", "not_comparable", "no_result"


@dataclass
class FollowUpRow:
    """One item of last year's plan against this year's points (points, 3 decimals)."""

    item: ImprovementItem
    code: str  # last year's code
    name: str
    agency: str
    target: Decimal
    current_code: str | None  # this year's counterpart (None: none compares)
    result: Decimal | None
    verdict: str  # ACHIEVED | MISSED | NOT_COMPARABLE | NO_RESULT
    note: str = ""  # the mapping's note ("năm trước là 7.3.4", "tách từ 6.1 …")

    @property
    def verdict_label(self) -> str:
        if self.verdict == ACHIEVED:
            return _("đạt")
        if self.verdict == MISSED:
            return _("chưa đạt")
        if self.verdict == NO_RESULT:
            return _("chưa có điểm thẩm định")
        return _("không so sánh được (%(why)s)") % {"why": self.note} if self.note else _("không so sánh được")

    @property
    def gap(self) -> Decimal | None:
        """Result minus target (points; negative: short of the target)."""
        return None if self.result is None or self.verdict not in (ACHIEVED, MISSED) else self.result - self.target


@dataclass
class FollowUp:
    period: EvaluationPeriod
    previous: list[EvaluationPeriod] = field(default_factory=list)
    rows: list[FollowUpRow] = field(default_factory=list)
    own: object = None  # improvement.Plan of this period (late items flagged)
    notes: list[str] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for r in self.rows if r.verdict == verdict)

    @property
    def achieved(self) -> int:
        return self.count(ACHIEVED)

    @property
    def missed(self) -> int:
        return self.count(MISSED)

    @property
    def not_comparable(self) -> int:
        return self.count(NOT_COMPARABLE)

    @property
    def previous_year(self) -> int | None:
        return self.previous[0].year if self.previous else None

    @property
    def has_content(self) -> bool:
        return bool(self.rows or (self.own and self.own.rows))


def previous_periods(period: EvaluationPeriod) -> list[EvaluationPeriod]:
    """The period(s) whose plan this period follows up (see the module docstring)."""
    if period.round_id is None:
        from reports.services.baseline import comparison_for

        return list(comparison_for(period).periods)
    round_ = period.round
    prev_round = round_.previous() if round_ else None
    if prev_round is None:
        return []
    candidates = list(EvaluationPeriod.objects.filter(round=prev_round).select_related("framework", "subject__successor"))
    same = [p for p in candidates if p.subject_id == period.subject_id]
    if same:
        return same
    took_over = [p for p in candidates if p.subject.successor_id and not p.subject.answers_for(period.year)
                 and p.subject.successor_in(period.year).pk == period.subject_id]
    return took_over if len(took_over) == 1 else []


def _counterparts(mapping, leaves: list[Criterion]) -> tuple[dict[int, Criterion], dict[int, str]]:
    """{previous leaf id: current leaf} for one-to-one counterparts; {previous id: why not} for the rest."""
    forward: dict[int, Criterion] = {}
    why: dict[int, str] = {}
    for leaf in leaves:
        cp = mapping.counterpart(leaf)
        if cp.comparable and len(cp.previous_ids) == 1:
            forward[cp.previous_ids[0]] = leaf
            if cp.code_changed:
                why[cp.previous_ids[0]] = _("năm nay là %(code)s") % {"code": leaf.code}
        elif cp.previous_ids:
            for pid in cp.previous_ids:
                why.setdefault(pid, _("%(code)s năm nay: %(note)s") % {"code": leaf.code, "note": cp.note})
    return forward, why


def followup_for(period: EvaluationPeriod, audience=None, today: dt.date | None = None, *, with_own: bool = True,
                 previous: list[EvaluationPeriod] | None = None, card=None) -> FollowUp:
    """Last year's plan against this year's results, and this year's own plan (see module).

    The report's assembly passes what it has read already: `previous` (its baseline periods),
    `card` (this year's scorecard), and `with_own=False` (it prints last year's plan only).
    """
    from scorecards.services.lineage import framework_mapping
    from scorecards.services.scorecard import build_scorecard

    today = today or timezone.localdate()
    out = FollowUp(period=period, own=plan_rows(period, audience, today=today) if with_own else None)
    previous = previous_periods(period) if previous is None else previous
    out.previous = previous
    items_by_period = {}
    for prev in previous:
        qs = ImprovementItem.objects.filter(period=prev).select_related("criterion", "agency")
        if audience is not None and not audience.everything:
            qs = qs.filter(agency_id=audience.agency_id)
        items = list(qs.order_by("criterion__sort_key", "agency__order", "pk"))
        if items:
            items_by_period[prev.pk] = (prev, items)
    if not items_by_period:
        return out
    card = card or build_scorecard(period)
    leaves = [r.criterion for r in card.rows]
    result_of = {r.criterion.pk: r.appraised for r in card.rows}
    for prev, items in items_by_period.values():
        mapping = framework_mapping(period.framework, prev.framework)
        out.notes.extend(p for p in mapping.problems if p not in out.notes)
        forward, why = _counterparts(mapping, leaves)
        dropped = {c.pk for c in mapping.dropped}
        for item in items:
            c = item.criterion
            current = forward.get(c.pk)
            note = why.get(c.pk, "")
            if current is None:
                if not note:
                    note = (_("không còn trong bộ chỉ số năm %(year)s") % {"year": period.year} if c.pk in dropped
                            else mapping.counterpart(c).note if not mapping.linked
                            else _("không có nội dung tương ứng năm %(year)s") % {"year": period.year})
                verdict, result = NOT_COMPARABLE, None
            else:
                result = result_of.get(current.pk)
                verdict = NO_RESULT if result is None else ACHIEVED if result >= item.target_points else MISSED
            out.rows.append(FollowUpRow(
                item=item, code=c.code, name=c.name, agency=str(item.agency), target=item.target_points,
                current_code=current.code if current else None, result=result, verdict=verdict, note=note))
    return out


__all__ = ["ACHIEVED", "MISSED", "NOT_COMPARABLE", "NO_RESULT", "FollowUp", "FollowUpRow", "PlanStatus",
           "followup_for", "previous_periods"]
