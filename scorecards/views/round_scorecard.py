"""A subject's scorecard in a province's own round ("phiếu đánh giá của đơn vị").

One URL shows the page and takes its forms; each form names its `action`
(scorecards.views.round_scorecard_actions). Who may open it: whoever sees the whole round
(Sở Nội vụ, leaders, the council) and the subject's own staff (403 for anyone else; 404
for a period outside any round). What the user may do is decided once
(services.round_scorecard.page_rights); every write goes through a service that checks the
right, the window and the versions again on locked rows.
"""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from scorecards import policy
from scorecards.choices import AdjustmentKind
from scorecards.forms_round import (
    AdjustmentForm, AppraisalRound1RowForm, AppraisalRowForm, ExplainRowForm, Grid, LockForm, SelfRowForm, WithdrawForm,
)
from scorecards.models import EvaluationPeriod
from scorecards.services import round_scorecard as page_service

GRID_FORMS = {"self": SelfRowForm, "explain": ExplainRowForm, "appraise": AppraisalRowForm}


def grid_form(mode: str, period):
    """The row form of the grid: appraisers see round 2 only once it is open (policy.round2_open)."""
    if mode == "appraise" and not policy.round2_open(period):
        return AppraisalRound1RowForm
    return GRID_FORMS[mode]


def get_period(user, period_id: int) -> EvaluationPeriod:
    """The round's scorecard the user may read: 404 outside a round, 403 for another unit."""
    period = get_object_or_404(
        EvaluationPeriod.objects.select_related("round", "group", "subject", "framework", "self_locked_by"),
        pk=period_id, round__isnull=False)
    if not page_service.can_view(user, period):
        raise PermissionDenied(_("Chỉ đơn vị được đánh giá, Sở Nội vụ, lãnh đạo và Hội đồng thẩm định của đợt mới xem "
                                 "được phiếu đánh giá này."))
    return period


def can_edit_adjustment(role: str | None, adj) -> bool:
    """Whether the row's edit form is shown (the service decides again on save)."""
    if role == "manager" or role == "appraiser":
        return True
    return role == "unit" and adj.kind == AdjustmentKind.BONUS and adj.points is None


def can_delete_adjustment(role: str | None, adj) -> bool:
    if role == "manager":
        return True
    if role == "appraiser":
        return adj.kind == AdjustmentKind.PENALTY or adj.claimed_points is None
    return role == "unit" and adj.kind == AdjustmentKind.BONUS and adj.points is None


class RoundScorecardView(LoginRequiredMixin, View):
    template_name = "scorecards/round_scorecard.html"

    def get(self, request, period_id):
        period = get_period(request.user, period_id)
        return self.render(period)

    def post(self, request, period_id):
        from scorecards.views.round_scorecard_actions import ACTIONS

        period = get_period(request.user, period_id)
        handler = ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
        return handler(self, request, period)

    def prepare(self, period):
        """The page's rows and the user's rights on them (a fixed number of queries)."""
        page = page_service.build_page(period)
        rights = page_service.page_rights(self.request.user, period, page)
        return page, rights

    def render(self, period, *, page=None, rights=None, grid=None, adjustment_forms=None, status=200):
        if page is None:
            page, rights = self.prepare(period)
        if grid is None and rights.mode:
            grid = Grid(grid_form(rights.mode, period), page.leaves)
        role = rights.adjustment_role
        adjustments = page_service.group_adjustments(period)
        bound = adjustment_forms or {}
        rows = []
        for kind in (AdjustmentKind.BONUS, AdjustmentKind.PENALTY):
            for adj in adjustments.get(kind, []):
                form = None
                if can_edit_adjustment(role, adj):
                    form = bound.get(adj.pk) or AdjustmentForm(role=role, adjustment=adj)
                rows.append((adj, form, can_delete_adjustment(role, adj)))
        show_appraisal = page.show_appraisal
        ctx = {
            "period": period, "round": period.round, "sees_round": policy.sees_round(self.request.user, period.round_id), "group": period.group, "page": page, "rights": rights,
            "grid": grid, "editable": bool(grid),
            "mode": rights.mode if grid else None,
            "show_appraisal": show_appraisal,
            "summary": page_service.summary(period, with_final=show_appraisal),
            "adjustment_rows": rows,
            "new_adjustment_form": (bound.get("new") or AdjustmentForm(role=role)) if role else None,
            "lock_form": LockForm(), "withdraw_form": WithdrawForm(),
            "missing": page.missing,
            "flagged": page.flagged,
        }
        return render(self.request, self.template_name, ctx, status=status)
