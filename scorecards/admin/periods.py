from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from scorecards.models import AgencyException, Assignment, EvaluationPeriod

from .guarded import GuardedAdmin, ReadOnlyAdmin
from .scorecard import ScorecardAdminMixin
from .transfer import TransferAdminMixin


@admin.register(EvaluationPeriod)
class EvaluationPeriodAdmin(ScorecardAdminMixin, GuardedAdmin):
    """Periods: created in draft; steps (open, lock, publish, close, back with a reason)
    only on the progress board, through policy.PERIOD_TRANSITIONS."""

    list_display = ("year", "subject", "framework", "status", "self_assessment_deadline", "scorecard_link")
    list_filter = ("status", "framework")
    list_select_related = ("subject", "framework")
    readonly_fields = ("status", "board_link")
    fields = ("year", "subject", "framework", "status", "board_link", "self_assessment_deadline",
              "explanation_deadline", "published_decision")
    actions = ["sync_sipas"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("self_assessment_deadline", "explanation_deadline"):
            from django.contrib.admin.widgets import AdminSplitDateTime

            from scorecards.forms import DeadlineField

            return DeadlineField(label=db_field.verbose_name, required=False, widget=AdminSplitDateTime,
                                 help_text=_("Chỉ ghi ngày thì hạn là 17:00 ngày đó."))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            readonly += ["year", "subject", "framework"]  # agencies' work hangs on them
        return readonly

    def save_model(self, request, obj, form, change):
        from scorecards.services.periods import ensure_scores

        super().save_model(request, obj, form, change)
        created = ensure_scores(obj)  # one score row per leaf: the grid edits existing rows
        if created:
            self.message_user(request, _("Đã tạo %(n)d dòng điểm cho các tiêu chí lá.") % {"n": created})

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
        return format_html('<a href="{}">{}</a>', url, _("Mở bảng điểm"))

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
