from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from scorecards.models import AgencyException, Assignment, EvaluationPeriod

from .scorecard import ScorecardAdminMixin


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(ScorecardAdminMixin, admin.ModelAdmin):
    list_display = ("year", "subject", "framework", "status", "self_assessment_deadline", "scorecard_link")

    @admin.display(description=_("Bảng điểm"))
    def scorecard_link(self, obj):
        url = reverse("admin:scorecards_evaluationperiod_scorecard", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Mở bảng điểm"))
    list_filter = ("status", "framework")
    list_select_related = ("subject", "framework")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("period", "criterion", "lead_agency")
    list_filter = ("period", "lead_agency")
    list_select_related = ("period__subject", "criterion", "lead_agency")
    filter_horizontal = ("supporting_agencies",)
    autocomplete_fields = ("criterion",)
    search_fields = ("criterion__search_text", "lead_agency__search_text")
    ordering = ("period", "criterion__sort_key")


@admin.register(AgencyException)
class AgencyExceptionAdmin(admin.ModelAdmin):
    list_display = ("period", "agency", "until", "reason", "granted_by")
    list_select_related = ("period__subject", "agency", "granted_by")
