from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from scorecards.models import AgencyException, Assignment, EvaluationPeriod

from .scorecard import ScorecardAdminMixin
from .transfer import TransferAdminMixin


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(ScorecardAdminMixin, admin.ModelAdmin):
    list_display = ("year", "subject", "framework", "status", "self_assessment_deadline", "scorecard_link")

    actions = ["sync_sipas"]

    def has_change_permission(self, request, obj=None):
        # A closed period refuses every write, here too.
        return super().has_change_permission(request, obj) and not (obj and obj.is_closed)

    def save_model(self, request, obj, form, change):
        from scorecards.models import AuditEvent
        from scorecards.services.periods import ensure_scores

        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            # Same transaction as the change (the admin's change view is atomic).
            AuditEvent.log("period.status_changed", actor=request.user, period=obj,
                           changes={"status": [form.initial.get("status"), obj.status]})
        created = ensure_scores(obj)  # one score row per leaf: the grid edits existing rows
        if created:
            self.message_user(request, _("Đã tạo %(n)d dòng điểm cho các tiêu chí lá.") % {"n": created})

    @admin.action(description=_("Cập nhật điểm SIPAS quy đổi từ kết quả công bố"))
    def sync_sipas(self, request, queryset):
        from scorecards.models import NationalResult
        from scorecards.services.sipas import sync_sipas_points

        for period in queryset.select_related("subject"):
            result = NationalResult.objects.filter(year=period.year, province_id=period.subject.province_id).first()
            if result is None or result.sipas_pct is None:
                self.message_user(request, _("Kỳ %(year)s chưa có Chỉ số SIPAS công bố.") % {"year": period.year}, level="warning")
                continue
            n = sync_sipas_points(period, result.sipas_pct, actor=request.user)
            self.message_user(request, _("Kỳ %(year)s: đã cập nhật %(n)d tiêu chí SIPAS.") % {"year": period.year, "n": n})

    @admin.display(description=_("Bảng điểm"))
    def scorecard_link(self, obj):
        url = reverse("admin:scorecards_evaluationperiod_scorecard", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Mở bảng điểm"))
    list_filter = ("status", "framework")
    list_select_related = ("subject", "framework")


@admin.register(Assignment)
class AssignmentAdmin(TransferAdminMixin, admin.ModelAdmin):
    list_display = ("period", "criterion", "lead_agency")
    list_filter = ("period", "lead_agency")
    list_select_related = ("period__subject", "criterion", "lead_agency")
    filter_horizontal = ("supporting_agencies",)
    autocomplete_fields = ("criterion",)
    search_fields = ("criterion__search_text", "lead_agency__search_text")
    ordering = ("period", "criterion__sort_key")


@admin.register(AgencyException)
class AgencyExceptionAdmin(admin.ModelAdmin):
    """Read only: exceptions are granted on the progress board, where the grant is audited."""

    list_display = ("period", "agency", "until", "reason", "granted_by", "board_link")
    list_select_related = ("period__subject", "agency", "granted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Bảng tiến độ"))
    def board_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("scorecards:board", args=[obj.period_id]), _("Cấp ngoại lệ tại bảng tiến độ"))
