from django.contrib import admin

from scorecards.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only log: events are written by the services, never edited."""

    list_display = ("created_at", "action", "actor", "period", "score", "agency")
    list_filter = ("action", "period", "agency")
    list_select_related = ("actor", "period__subject", "score__criterion", "score__period", "agency")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
