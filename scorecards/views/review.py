"""Sở Nội vụ's side: the progress board per period, the review queue, exceptions, steps."""
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from scorecards.choices import OPEN_STATUSES
from scorecards.forms import ExceptionForm
from scorecards.models import (
    Agency, AgencyException, EvaluationPeriod, PeriodStatus, Score, ScoreState, ScoringSource,
)
from scorecards import policy
from scorecards.db import vi_sort_key
from scorecards.permissions import can_manage
from scorecards.services import queue, workflow
from scorecards.services.versions import mapping_warning
from scorecards.views.access import HomeAffairsRequiredMixin, ReadAllRequiredMixin
from scorecards.views.workspace import WorkspaceView


@dataclass
class AgencyProgress:
    agency: Agency
    assigned: int
    draft: int
    submitted: int
    accepted: int
    returned: int
    overdue: int
    exception: AgencyException | None


def progress_rows(period, user, now=None) -> list[AgencyProgress]:
    """Per lead agency: how many criteria are assigned, in each state, and overdue.

    Three queries whatever the size: the grouped counts, the agencies, the exceptions.
    """
    now = now or timezone.now()
    counts = (
        Score.objects.for_user(user)
        .filter(period=period, criterion__scoring_source__in=ScoringSource.self_assessed())
        .exclude(responsible_agency=None).order_by().values(lead=F("responsible_agency_id"))
        .annotate(
            assigned=Count("pk"),
            draft=Count("pk", filter=Q(state=ScoreState.DRAFT)),
            submitted=Count("pk", filter=Q(state=ScoreState.SUBMITTED)),
            accepted=Count("pk", filter=Q(state=ScoreState.ACCEPTED)),
            returned=Count("pk", filter=Q(state=ScoreState.RETURNED)),
        )
    )
    counts = list(counts)
    agencies = Agency.objects.in_bulk([row["lead"] for row in counts])
    exceptions = {}
    for exc in AgencyException.objects.filter(period=period, until__gte=now).order_by("until"):
        exceptions[exc.agency_id] = exc  # the latest-running one wins
    deadline = period.self_assessment_deadline
    past_deadline = period.status != PeriodStatus.SELF_ASSESSMENT or (deadline is not None and deadline < now)
    rows = []
    for row in counts:
        exception = exceptions.get(row["lead"])
        pending = row["draft"] + row["returned"]
        overdue = pending if past_deadline and exception is None and period.status in OPEN_STATUSES else 0
        rows.append(AgencyProgress(agency=agencies[row["lead"]], assigned=row["assigned"], draft=row["draft"],
                                   submitted=row["submitted"], accepted=row["accepted"], returned=row["returned"],
                                   overdue=overdue, exception=exception))
    rows.sort(key=lambda r: (r.agency.order, vi_sort_key(r.agency.name), r.agency.pk))
    return rows


class BoardIndexView(ReadAllRequiredMixin, View):
    """The board of the latest open period (or the latest period)."""

    def get(self, request):
        periods = EvaluationPeriod.objects.outside_rounds()
        period = (periods.filter(status__in=OPEN_STATUSES).order_by("-year", "pk").first()
                  or periods.order_by("-year", "pk").first())
        if period is None:
            messages.info(request, _("Chưa có kỳ đánh giá."))
            return redirect("scorecards:home")
        return redirect("scorecards:board", period_id=period.pk)


def _switcher() -> list:
    """The board's period links; a year with several subjects names each (two provinces,
    or a province and its own index)."""
    periods = list(EvaluationPeriod.objects.outside_rounds().select_related("subject").order_by("-year", "pk"))
    per_year = Counter(p.year for p in periods)
    for p in periods:
        p.shared_year = per_year[p.year] > 1
    return periods


class ProgressBoardView(ReadAllRequiredMixin, TemplateView):
    template_name = "scorecards/board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = get_object_or_404(EvaluationPeriod.objects.select_related("subject", "framework"), pk=self.kwargs["period_id"])
        rows = progress_rows(period, self.request.user)
        totals = {name: sum(getattr(r, name) for r in rows)
                  for name in ("assigned", "draft", "submitted", "accepted", "returned", "overdue")}
        manage = can_manage(self.request.user) and not period.is_frozen
        ctx.update({
            "period": period, "rows": rows, "totals": totals,
            "periods": _switcher(),
            "can_manage": manage,
            "exception_form": kwargs.get("exception_form") or ExceptionForm(
                agencies=Agency.objects.filter(pk__in=[r.agency.pk for r in rows])),
            # The steps of policy.PERIOD_TRANSITIONS open to this user; a step back asks a reason.
            "next_statuses": [(s, PeriodStatus(s).label, step.backward)
                              for s, step in policy.period_steps(self.request.user, period).items()],
            # What the report will not compare with last year, said before the report says it.
            "mapping_warning": mapping_warning(period),
        })
        return ctx


class GrantExceptionView(HomeAffairsRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, period_id):
        period = get_object_or_404(EvaluationPeriod, pk=period_id)
        agencies = Agency.objects.filter(lead_assignments__period=period).distinct()
        form = ExceptionForm(request.POST, agencies=agencies)
        if form.is_valid():
            try:
                workflow.grant_exception(period.pk, form.cleaned_data["agency"], actor=request.user,
                                         until=form.cleaned_data["until"], reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã cho phép %(agency)s sửa đến %(until)s.") % {
                    "agency": form.cleaned_data["agency"].label,
                    "until": timezone.localtime(form.cleaned_data["until"]).strftime("%H:%M %d/%m/%Y")})
                return redirect("scorecards:board", period_id=period.pk)
        else:
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, text)
        return redirect("scorecards:board", period_id=period.pk)


class PeriodStepView(HomeAffairsRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, period_id):
        period = get_object_or_404(EvaluationPeriod, pk=period_id)
        try:
            period = workflow.change_period_status(period.pk, request.POST.get("status", ""), actor=request.user,
                                                   reason=request.POST.get("reason", ""),
                                                   from_status=request.POST.get("from_status") or None)
        except ValidationError as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Kỳ đánh giá năm %(year)s chuyển sang “%(status)s”.") % {
                "year": period.year, "status": period.get_status_display()})
        return redirect("scorecards:board", period_id=period.pk)


class ReviewQueueView(HomeAffairsRequiredMixin, WorkspaceView):
    """Sở Nội vụ's review queue: submissions first (oldest first), each state one tab away
    with its count for the other filters (services.queue.REVIEW_QUEUE)."""

    score_list = queue.REVIEW_QUEUE

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Hồ sơ chờ duyệt")
        ctx["is_queue"] = True
        return ctx
