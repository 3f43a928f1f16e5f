from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from scorecards.models import AgencyException, Assignment, EvaluationPeriod, Province

from .guarded import GuardedAdmin, GuardedForm, ReadOnlyAdmin
from .scorecard import ScorecardAdminMixin
from .transfer import TransferAdminMixin
from .versions import IllustrativeMixin


class PeriodForm(GuardedForm):
    def clean_baseline(self):
        # Not required (a form that leaves it out keeps the stored choice), but never emptied.
        value = self.cleaned_data.get("baseline")
        if not value and "baseline" in self.data:
            raise forms.ValidationError(_("Chọn cách so sánh với năm trước."))
        return value or self.instance.baseline


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(ScorecardAdminMixin, IllustrativeMixin, GuardedAdmin):
    """Periods: created in draft; steps (open, lock, publish, close, back with a reason)
    only on the progress board, through policy.PERIOD_TRANSITIONS."""

    # The grid is what the list is opened for: its link right after the year, in view at 1366 px.
    list_display = ("year_label", "scorecard_link", "subject", "framework", "status", "self_assessment_deadline")
    list_filter = ("status", ("round", admin.EmptyFieldListFilter), "round", "framework", "is_illustrative")
    list_select_related = ("subject", "framework")
    readonly_fields = ("status", "board_link")
    fields = ("year", "subject", "framework", "sipas_questionnaire", "status", "board_link", "self_assessment_deadline",
              "explanation_deadline", "published_decision", "baseline", "baseline_province", "is_illustrative")
    actions = ["sync_sipas", "copy_assignments"]
    form = PeriodForm
    change_form_template = "admin/scorecards/period_change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("self_assessment_deadline", "explanation_deadline"):
            from django.contrib.admin.widgets import AdminSplitDateTime

            from scorecards.forms import DeadlineField

            return DeadlineField(label=db_field.verbose_name, required=False, widget=AdminSplitDateTime,
                                 help_text=_("Chỉ ghi ngày thì hạn là 17:00 ngày đó."))
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "baseline":
            # A form that leaves the choice out keeps the stored one (a new period: the
            # subject's own previous year); an empty or unknown choice is still refused.
            field.required = False
        return field

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            readonly += ["year", "subject", "framework"]  # agencies' work hangs on them
        if obj is not None and obj.round_id:
            # A unit's scorecard in a round: set up, stepped and dated by its round.
            readonly += ["year", "subject", "framework", "self_assessment_deadline", "explanation_deadline",
                         "is_illustrative"]
        if obj is not None and obj.sipas_values.exists():
            readonly += ["sipas_questionnaire"]  # its values are answers to that questionnaire's indicators
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from scorecards.admin.versions import version_label

        if db_field.name == "baseline_province":
            # The provinces the subject's province was formed from (checked again by the model).
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            period = EvaluationPeriod.objects.select_related("subject").filter(pk=object_id).first() if object_id else None
            if period is not None and period.subject.province_id:
                kwargs["queryset"] = Province.objects.filter(successors=period.subject.province_id)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("framework", "sipas_questionnaire"):
            field.label_from_instance = lambda v: f"{v.name} – {version_label(v)}"
        return field

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from scorecards.services.versions import mapping_warning

        period = EvaluationPeriod.objects.select_related("framework", "subject").filter(pk=object_id).first() \
            if str(object_id).isdigit() else None
        extra = {"mapping_warning": mapping_warning(period) if period is not None else None}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        from scorecards.services.periods import ensure_scores

        super().save_model(request, obj, form, change)
        created = ensure_scores(obj)  # one score row per leaf: the grid edits existing rows
        if created:
            self.message_user(request, _("Đã tạo %(n)d dòng điểm cho các tiêu chí lá.") % {"n": created})
        previous = obj.previous()
        if not change and previous is not None and not obj.assignments.exists():
            self.message_user(request, _(
                "Kỳ năm %(year)s chưa phân công tiêu chí nào. Chọn kỳ này trong danh sách và dùng thao tác “Sao chép "
                "phân công từ năm trước” để giao theo phân công năm %(previous)s (đơn vị đã kết thúc được thay bằng "
                "đơn vị tiếp nhận).") % {"year": obj.year, "previous": previous.year}, messages.INFO)

    @admin.action(description=_("Sao chép phân công từ năm trước"), permissions=["administer"])
    def copy_assignments(self, request, queryset):
        from scorecards.services.versions import copy_assignments

        for period in queryset.select_related("subject", "framework"):
            previous = period.previous()
            if previous is None:
                self.message_user(request, _("Kỳ %(year)s – %(subject)s: không có kỳ năm trước của cùng đối tượng để "
                                             "sao chép phân công.") % {"year": period.year, "subject": period.subject},
                                  messages.WARNING)
                continue
            try:
                result = copy_assignments(previous, period, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                for text in getattr(exc, "messages", None) or [str(exc)]:
                    self.message_user(request, text, messages.ERROR)
                continue
            level = messages.WARNING if result.unassigned else messages.SUCCESS
            for text in result.summary():
                self.message_user(request, text, level)

    @admin.action(description=_("Cập nhật điểm SIPAS quy đổi từ kết quả công bố"), permissions=["administer"])
    def sync_sipas(self, request, queryset):
        from scorecards.models import NationalResult
        from scorecards.services.sipas import sync_sipas_points

        for period in queryset.select_related("subject"):
            result = NationalResult.objects.filter(year=period.year, province_id=period.subject.province_id).first()
            if result is None or result.sipas_pct is None:
                self.message_user(request, _("Kỳ %(year)s chưa có Chỉ số SIPAS công bố.") % {"year": period.year}, messages.WARNING)
                continue
            try:
                n = sync_sipas_points(period, result.sipas_pct, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                for text in getattr(exc, "messages", None) or [str(exc)]:
                    self.message_user(request, text, messages.ERROR)
                continue
            self.message_user(request, _("Kỳ %(year)s: đã cập nhật %(n)d tiêu chí SIPAS.") % {"year": period.year, "n": n})

    @admin.display(description=_("Bảng điểm"))
    def scorecard_link(self, obj):
        url = reverse("admin:scorecards_evaluationperiod_scorecard", args=[obj.pk])
        return format_html('<a href="{}" style="white-space:nowrap">{}</a>', url, _("Mở bảng điểm"))

    @admin.display(description=_("Chuyển giai đoạn"))
    def board_link(self, obj):
        if not obj.pk:
            return _("Kỳ mới ở trạng thái dự thảo; chuyển giai đoạn tại bảng tiến độ sau khi lưu.")
        return format_html('<a href="{}">{}</a>', reverse("scorecards:board", args=[obj.pk]),
                           _("Chuyển giai đoạn tại bảng tiến độ (mỗi bước được ghi nhật ký)"))


@admin.register(Assignment)
class AssignmentAdmin(TransferAdminMixin, GuardedAdmin):
    list_display = ("period", "criterion", "lead_agency")
    list_filter = ("period", "lead_agency")
    list_select_related = ("period__subject", "criterion", "lead_agency")
    filter_horizontal = ("supporting_agencies",)
    autocomplete_fields = ("criterion",)
    search_fields = ("criterion__search_text", "lead_agency__search_text")
    ordering = ("period", "criterion__sort_key")


@admin.register(AgencyException)
class AgencyExceptionAdmin(ReadOnlyAdmin):
    """Read only: exceptions are granted on the progress board, where the grant is audited."""

    list_display = ("period", "agency", "until", "reason", "granted_by", "board_link")
    list_select_related = ("period__subject", "agency", "granted_by")

    @admin.display(description=_("Bảng tiến độ"))
    def board_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("scorecards:board", args=[obj.period_id]), _("Cấp ngoại lệ tại bảng tiến độ"))
