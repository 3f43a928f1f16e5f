"""The agency workspace: the criteria assigned to the user's agency in open periods."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from scorecards.choices import FROZEN_STATUSES
from scorecards.filters import WorkspaceFilter
from scorecards.models import EvaluationPeriod
from scorecards.permissions import is_agency_staff
from scorecards.services import queue
from scorecards.tables import ScoreTable
from scorecards.views.home import HomeView


class WorkspaceView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """List of assigned criteria with filters (field, state, needs my action) and search,
    tabs with the count of each state, and for agency staff what Sở Nội vụ decided."""

    template_name = "scorecards/workspace.html"
    table_class = ScoreTable
    filterset_class = WorkspaceFilter
    table_pagination = {"per_page": 50}
    score_list = queue.WORKSPACE
    title = None

    def get_queryset(self):
        return self.score_list.base(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.score_list.params(self.request.GET)
        kwargs["user"] = self.request.user
        return kwargs

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if self.score_list.table_order is not None:
            kwargs["order_by"] = self.score_list.table_order
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["title"] = self.title
        ctx["state_tabs"] = queue.state_tabs(self.filterset, self.request.path, self.filterset.data)
        ctx["agency_news"] = queue.agency_news(user)
        ctx["round_scorecards"] = own_round_scorecards(user)
        ctx["analysis_periods"] = own_analysis_periods(user)
        return ctx


def own_round_scorecards(user) -> list:
    """The scorecards of the user's unit in the province's own rounds (agency staff only), newest first."""
    if not is_agency_staff(user):
        return []
    return list(EvaluationPeriod.objects.filter(round__isnull=False, subject_id=user.agency_id)
                .select_related("round", "group").order_by("-year", "-round_id"))


def own_analysis_periods(user) -> list:
    """The national periods whose over-claiming and improvement items an agency's staff read
    (their own criteria: reports.services.analysis_access), newest first: those whose results are published."""
    if not is_agency_staff(user):
        return []
    return list(EvaluationPeriod.objects.outside_rounds().filter(status__in=FROZEN_STATUSES)
                .select_related("subject").order_by("-year", "pk")[:3])


def home(request, *args, **kwargs):
    """The landing page; agency staff go straight to their criteria."""
    if is_agency_staff(request.user):
        return redirect("scorecards:workspace")
    return HomeView.as_view()(request, *args, **kwargs)
