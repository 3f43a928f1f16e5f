"""The audit log: every workflow step and change, filterable, for Sở Nội vụ and leaders."""
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from scorecards.filters import AuditFilter
from scorecards.models import AuditEvent
from scorecards.tables import AuditTable
from scorecards.views.access import ReadAllRequiredMixin


class AuditLogView(ReadAllRequiredMixin, SingleTableMixin, FilterView):
    template_name = "scorecards/log.html"
    table_class = AuditTable
    filterset_class = AuditFilter
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return AuditEvent.objects.select_related("actor", "agency", "score__criterion", "period").order_by("-created_at", "-pk")
