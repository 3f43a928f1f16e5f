from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from scorecards.models import EvidenceDocument, Score
from scorecards.services.scoring import EDITABLE_FIELDS, ScoreChange, apply_score_changes, stale_message

from .guarded import GuardedAdmin
from .history import VietnameseHistoryMixin
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin


class EvidenceInline(admin.TabularInline):
    model = EvidenceDocument
    fields = ("original_name", "doc_number", "doc_date", "issuer", "title", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # evidence is uploaded on the criterion page, by the lead agency


class ScoreForm(forms.ModelForm):
    """The score's change form carries the version it was opened at (optimistic lock)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": _("Trang này không cho biết bạn đã xem phiên bản nào của điểm; tải lại trang rồi nhập lại.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        current = Score.objects.filter(pk=self.instance.pk).select_related("criterion", "updated_by").first()
        seen = cleaned.get("seen_version")
        if current is not None and seen is not None and seen != current.version:
            # Checked again on the locked row by the service; here so that the form keeps what was typed.
            raise forms.ValidationError(stale_message(current))
        return cleaned


@admin.register(Score)
class ScoreAdmin(TransferAdminMixin, FoldedSearchMixin, VietnameseHistoryMixin, SimpleHistoryAdmin, GuardedAdmin):
    form = ScoreForm
    # The period as "2026 – UBND tỉnh Điện Biên": the points stay in view at 1366 px.
    list_display = ("period_short", "criterion_wrapped", "self_points", "appraised_points", "appraised_points_round2", "state",
                    "updated_by", "updated_at")
    list_filter = ("period", "state", "criterion__scoring_source")
    list_select_related = ("period__subject", "criterion", "updated_by")
    search_fields = ("criterion__search_text",)
    # Workflow fields change only through the workflow (submit / return / accept).
    readonly_fields = ("period", "criterion", "workspace_link", "state", "review_comment", "version", "updated_by", "updated_at")
    fields = ("period", "criterion", "workspace_link", "self_points", "explanation", "appraised_points", "appraised_points_round2",
              "appraisal_reason", "appeal_explanation", "state", "review_comment", "version", "updated_by", "updated_at",
              "seen_version")
    inlines = [EvidenceInline]
    ordering = ("period", "criterion__sort_key")

    def has_add_permission(self, request):
        return False  # rows are created per leaf by the period (ensure_scores)

    def get_fieldsets(self, request, obj=None):
        fields = self.fields
        if not self.has_change_permission(request, obj):
            # Read only (a leader): no form to lock, so no version field to show as text.
            fields = tuple(name for name in fields if name != "seen_version")
        return [(None, {"fields": fields})]

    @admin.display(description=_("kỳ đánh giá"), ordering="period")
    def period_short(self, obj):
        return f"{obj.period.year} – {obj.period.subject.label}"

    @admin.display(description=_("tiêu chí"), ordering="criterion__sort_key")
    def criterion_wrapped(self, obj):
        # A long name wraps instead of pushing the points out of view.
        return format_html('<span style="display:inline-block;min-width:16em;max-width:30em;white-space:normal">{}</span>',
                           obj.criterion)

    @admin.display(description=_("Trang tiêu chí"))
    def workspace_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("scorecards:score", args=[obj.pk]), _("Mở trang tiêu chí (minh chứng, lịch sử, duyệt)"))

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version is shown, never saved back (that would bypass the score service)."""
        from django.core.exceptions import PermissionDenied

        if request.method == "POST":
            raise PermissionDenied(_("Lịch sử chỉ để xem: sửa điểm ở trang tiêu chí hoặc bảng điểm."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        """The form already ran Score.clean(); the one door locks, checks the version the
        form was opened at, and audits."""
        values = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        if values:
            apply_score_changes(obj.period, [ScoreChange(obj.pk, values, form.cleaned_data["seen_version"])],
                                actor=request.user)
