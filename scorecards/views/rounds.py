"""The round-level pages of a province's own index (Chỉ số CCHC của tỉnh).

- the list of rounds a user may open (unit staff: theirs, with their own scorecard);
- the progress board, heat map and ranking of a whole round: Sở Nội vụ, leaders and the
  round's council (policy.sees_round); unit staff get 403, they see only their scorecard;
- a subject's page across years: Sở Nội vụ and leaders for any unit, unit staff for their own.

The figures come from scorecards.services.round_board (read side, fixed query counts);
the board's actions post to scorecards.views.rounds_actions.
"""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from scorecards import policy
from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import Agency, EvaluationPeriod, Round
from scorecards.permissions import can_manage, is_agency_staff, sees_everything
from scorecards.services import round_board
from scorecards.services import rounds as round_service
from scorecards.services.ranking import SELF


def scorecard_url(period_id: int) -> str:
    """A subject's own scorecard in a round (the round_scorecard pages)."""
    try:
        return reverse("round_scorecard:detail", args=[period_id])
    except NoReverseMatch:  # the scorecard pages are not wired yet
        return f"/dot-danh-gia/phieu/{period_id}/"


class LoginRequired403Mixin(LoginRequiredMixin):
    """Anonymous users go to the login page; a logged-in user without the right gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class RoundPageMixin(LoginRequired403Mixin):
    """A whole-round page: the round exists (else 404) and the user reads the whole round."""

    def get_round(self) -> Round:
        if not hasattr(self, "_round"):
            self._round = get_object_or_404(Round.objects.select_related("province"), pk=self.kwargs["round_id"])
        return self._round

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            round_ = self.get_round()
            if not policy.sees_round(request.user, round_.pk):
                raise PermissionDenied(_("Chỉ Sở Nội vụ, lãnh đạo và Hội đồng thẩm định xem được toàn bộ đợt đánh giá; "
                                         "đơn vị chỉ xem phiếu của mình."))
        return super().dispatch(request, *args, **kwargs)

    def round_context(self, tab: str) -> dict:
        round_ = self.get_round()
        return {"round": round_, "tab": tab, "can_manage": can_manage(self.request.user),
                "sees_everything": sees_everything(self.request.user), "is_self_basis": False}


def _step_label(from_status: str, to_status: str, backward: bool) -> str:
    label = PeriodStatus(to_status).label
    if backward:
        return _("Trở lại “%(s)s”") % {"s": label}
    if from_status == PeriodStatus.EXPLANATION and to_status == PeriodStatus.APPRAISAL:
        return _("Đóng giải trình, thẩm định vòng 2")
    return _("Chuyển sang “%(s)s”") % {"s": label}


class RoundListView(LoginRequired403Mixin, TemplateView):
    """The rounds a user may open, newest first, with their groups' subject counts."""

    template_name = "scorecards/rounds_list.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        self.rounds = list(Round.objects.for_user(user).select_related("province").prefetch_related("groups")
                           .order_by("-year", "pk"))
        if not (sees_everything(user) or is_agency_staff(user) or self.rounds):
            raise PermissionDenied(_("Tài khoản của bạn không tham gia đợt đánh giá nào của tỉnh."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        counts = {}
        for row in (EvaluationPeriod.objects.filter(round__in=self.rounds).order_by()
                    .values("round_id", "group_id").annotate(n=Count("pk"))):
            counts[(row["round_id"], row["group_id"])] = row["n"]
        own = {}
        if user.agency_id:
            for p in EvaluationPeriod.objects.filter(round__in=self.rounds, subject_id=user.agency_id).select_related("group"):
                own[p.round_id] = p
        for r in self.rounds:
            r.group_counts = [(g, counts.get((r.pk, g.pk), 0)) for g in r.groups.all()]
            r.subject_count = sum(n for _g, n in r.group_counts)
            r.whole = policy.sees_round(user, r.pk)
            r.own_period = own.get(r.pk)
            r.own_url = scorecard_url(r.own_period.pk) if r.own_period else ""
        ctx.update({"rounds": self.rounds, "can_manage": can_manage(user),
                    "own_agency_url": reverse("rounds:subject", args=[user.agency_id]) if is_agency_staff(user) else ""})
        return ctx


class RoundBoardView(RoundPageMixin, TemplateView):
    """Progress per subject, by group; Sở Nội vụ's steps and subjects of the round."""

    template_name = "scorecards/rounds_board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        round_ = self.get_round()
        user = self.request.user
        board = round_board.round_board(round_)
        manage = can_manage(user) and not round_.is_frozen
        for bg in board.groups:
            bg.candidates = round_service.candidates(bg.group) if manage else []
            for row in bg.rows:
                row.scorecard_url = scorecard_url(row.period.pk)
        steps = []
        for to_status, step in policy.period_steps(user, round_).items():
            steps.append({"status": to_status, "backward": step.backward, "label": _step_label(round_.status, to_status, step.backward),
                          "action": AuditAction(step.action).label, "publish": to_status == PeriodStatus.PUBLISHED})
        publishes = any(s["publish"] for s in steps)
        ctx.update(self.round_context("board"))
        ctx.update({
            "board": board, "steps": steps, "manage": manage, "is_self_basis": board.basis == SELF,
            "publication_problems": round_.publication_problems() if publishes else [],
        })
        return ctx


class RoundHeatmapView(RoundPageMixin, TemplateView):
    """Subjects × fields per group: each field's points over its applicable maximum."""

    template_name = "scorecards/rounds_heatmap.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        basis, groups = round_board.round_heatmap(self.get_round())
        ctx.update(self.round_context("heatmap"))
        ctx.update({"groups": groups, "is_self_basis": basis == SELF, "steps": range(round_board.HEAT_STEPS)})
        return ctx


class RoundRankingView(RoundPageMixin, TemplateView):
    """Per group: rank, unit, points by field, rescaled, bonus, penalty, total, grade,
    change against last year; `?group=CODE` shows one group."""

    template_name = "scorecards/rounds_ranking.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        round_ = self.get_round()
        code = self.request.GET.get("group") or None
        basis, groups = round_board.round_ranking(round_, code)
        all_groups = list(round_.groups.all()) if code or len(groups) > 1 else [g.group for g in groups]
        ctx.update(self.round_context("ranking"))
        ctx.update({"groups": groups, "is_self_basis": basis == SELF, "group_code": code or "",
                    "all_groups": all_groups, "previous_round": round_.previous()})
        return ctx


class SubjectHistoryView(LoginRequired403Mixin, TemplateView):
    """A subject's own page across years: every round it (or the units it continues) was in."""

    template_name = "scorecards/rounds_subject.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        agency = get_object_or_404(Agency, pk=self.kwargs["agency_id"])
        full = sees_everything(user)
        if not full and not (is_agency_staff(user) and user.agency_id == agency.pk):
            raise PermissionDenied(_("Đơn vị chỉ xem được trang của chính mình."))
        entries = round_board.subject_history(agency)
        for e in entries:
            # A unit sees its own rank and grade once the round is published; the board
            # readers see the figures as they stand.
            e.shown = full or e.published
            # A unit opens its own scorecards; a predecessor's is for the readers of everything.
            e.scorecard_url = scorecard_url(e.period.pk) if full or e.period.subject_id == user.agency_id else ""
            e.board_url = reverse("rounds:board", args=[e.period.round_id]) if full else ""
        ctx.update({"agency": agency, "entries": list(reversed(entries)), "full": full})
        return ctx
