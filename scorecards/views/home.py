from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from scorecards.models import EvaluationPeriod


class HomeView(LoginRequiredMixin, TemplateView):
    """Landing page: the periods, with links to the scorecard, workspace and reports."""

    template_name = "scorecards/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["periods"] = EvaluationPeriod.objects.outside_rounds().select_related("subject", "framework")
        return ctx
