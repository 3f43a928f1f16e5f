from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from scorecards.models import EvidenceDocument, Score
from .transfer import TransferAdminMixin


class EvidenceInline(admin.TabularInline):
    model = EvidenceDocument
    fields = ("original_name", "doc_number", "doc_date", "issuer", "title", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Score)
class ScoreAdmin(TransferAdminMixin, SimpleHistoryAdmin):
    list_display = ("period", "criterion", "self_points", "appraised_points", "appraised_points_round2", "state", "updated_by", "updated_at")
    list_filter = ("period", "state", "criterion__scoring_source")
    list_select_related = ("period__subject", "criterion", "updated_by")
    search_fields = ("criterion__search_text",)
    # Workflow fields change only through the workflow (submit / return / accept).
    readonly_fields = ("period", "criterion", "workspace_link", "state", "review_comment", "version", "updated_by", "updated_at")
    fields = ("period", "criterion", "workspace_link", "self_points", "explanation", "appraised_points", "appraised_points_round2",
              "appraisal_reason", "appeal_explanation", "state", "review_comment", "version", "updated_by", "updated_at")
    inlines = [EvidenceInline]
    ordering = ("period", "criterion__sort_key")

    def has_add_permission(self, request):
        return False  # rows are created per leaf by the period (ensure_scores)

    @admin.display(description=_("Trang tiêu chí"))
    def workspace_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("scorecards:score", args=[obj.pk]), _("Mở trang tiêu chí (minh chứng, lịch sử, duyệt)"))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.period.is_closed)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def save_model(self, request, obj, form, change):
        """The form already ran Score.clean(); the service locks, versions and audits."""
        from scorecards.services.scoring import EDITABLE_FIELDS, ScoreChange, apply_score_changes

        values = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS + ("appeal_explanation",)}
        if values:
            apply_score_changes(obj.period, [ScoreChange(obj.pk, values)], actor=request.user)
