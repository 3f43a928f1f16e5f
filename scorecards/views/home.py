from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from scorecards.models import EvaluationPeriod
from scorecards.services import queue


class HomeView(LoginRequiredMixin, TemplateView):
    """Landing page: the periods, with links to the scorecard, workspace and reports; for
    Sở Nội vụ, how many submissions wait in the review queue."""

    template_name = "scorecards/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["periods"] = EvaluationPeriod.objects.outside_rounds().select_related("subject", "framework")
        ctx["waiting_for_review"] = queue.waiting_for_review(self.request.user)
        return ctx
