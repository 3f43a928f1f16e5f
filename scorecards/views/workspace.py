"""The agency workspace: the criteria assigned to the user's agency in open periods."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.shortcuts import redirect
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from scorecards.choices import FROZEN_STATUSES, OPEN_STATUSES
from scorecards.filters import WorkspaceFilter
from scorecards.models import EvaluationPeriod, EvidenceDocument, Score, ScoringSource
from scorecards.permissions import is_agency_staff
from scorecards.tables import ScoreTable
from scorecards.views.home import HomeView


def annotate_list(queryset):
    """What the list's columns need, in the one query of the page.

    The responsible agency is on the score row (a join); the evidence count is a subquery
    (not a join), so that it neither multiplies rows nor costs a query per row.
    """
    evidence = (EvidenceDocument.objects.filter(score_id=OuterRef("pk")).order_by()
                .values("score_id").annotate(n=Count("pk")).values("n"))
    return queryset.select_related("criterion", "period", "updated_by", "responsible_agency").annotate(
        lead_agency_label=Coalesce(NullIf("responsible_agency__short_name", Value("")), "responsible_agency__name"),
        evidence_count=Coalesce(Subquery(evidence, output_field=IntegerField()), Value(0)),
    )


def workspace_queryset(user):
    """Self-assessed criteria of open periods the user may see (Score.objects.for_user)."""
    return annotate_list(
        Score.objects.for_user(user)
        .filter(period__status__in=OPEN_STATUSES, criterion__scoring_source__in=ScoringSource.self_assessed())
    )


class WorkspaceView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """List of assigned criteria with filters (field, state, needs my action) and search."""

    template_name = "scorecards/workspace.html"
    table_class = ScoreTable
    filterset_class = WorkspaceFilter
    table_pagination = {"per_page": 50}
    title = None

    def get_queryset(self):
        return workspace_queryset(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        ctx["round_scorecards"] = own_round_scorecards(self.request.user)
        ctx["analysis_periods"] = own_analysis_periods(self.request.user)
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
