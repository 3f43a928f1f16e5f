from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scorecards.models import AuditEvent

from .guarded import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only log: events are written by the services, never edited."""

    list_display = ("created_at", "action", "actor_label", "period", "score", "agency")
    list_filter = ("action", "period", "agency")
    list_select_related = ("actor", "period__subject", "score__criterion", "score__period", "agency")
    date_hierarchy = "created_at"

    @admin.display(description=_("Người thực hiện"))
    def actor_label(self, obj):
        return obj.actor_label
