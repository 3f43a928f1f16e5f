from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import (
    SipasExpectation, SipasGroup, SipasIndicator, SipasQuestionnaire, SipasSection, SipasValue,
)
from scorecards.resources import QuestionnaireResource
from scorecards.services import versions

from .guarded import GuardedAdmin
from .transfer import TransferAdminMixin
from .versions import VersionAdminMixin, version_label


def _object_id(request):
    return request.resolver_match.kwargs.get("object_id") if request.resolver_match else None


@admin.display(description=_l("bộ câu hỏi"), ordering="questionnaire__code")
def questionnaire_code(obj):
    return obj.questionnaire.code


def _in_questionnaire(label):
    """A label that names the questionnaire too: several versions share codes and numbers."""
    def label_from_instance(obj):
        return f"{label(obj)} ({obj.questionnaire.code})"
    return label_from_instance


@admin.register(SipasQuestionnaire)
class SipasQuestionnaireAdmin(TransferAdminMixin, VersionAdminMixin, GuardedAdmin):
    # Nhập từ Excel: a questionnaire's sections, groups and indicators (with each indicator's
    # number last year), into the questionnaire chosen on the form.
    resource_classes = [QuestionnaireResource]
    list_display = ("code", "name", "years", "previous", "used_by", "section_count", "group_count", "indicator_count")
    list_select_related = ("previous",)
    search_fields = ("code", "name")
    fields = ("code", "name", "legal_basis", "year_from", "year_to", "previous", "contents")
    readonly_fields = ("contents",)
    actions = ["copy_version"]
    copy_service = staticmethod(versions.copy_questionnaire)

    def get_queryset(self, request):
        return (super().get_queryset(request).prefetch_related("periods")
                .annotate(n_sections=Count("sections", distinct=True), n_groups=Count("groups", distinct=True),
                          n_indicators=Count("indicators", distinct=True)))

    @admin.display(description=_l("Số phần"), ordering="n_sections")
    def section_count(self, obj):
        return obj.n_sections

    @admin.display(description=_l("Số nhóm"), ordering="n_groups")
    def group_count(self, obj):
        return obj.n_groups

    @admin.display(description=_l("Số tiêu chí"), ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "previous":
            object_id = _object_id(request)
            qs = SipasQuestionnaire.objects.all()
            kwargs["queryset"] = qs.exclude(pk=object_id) if object_id else qs
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "previous":
            field.label_from_instance = version_label
        return field

    @admin.display(description=_l("Nội dung"))
    def contents(self, obj):
        """Sections, groups and indicators, each indicator with its counterpart last year."""
        if not obj.pk:
            return "–"
        from django.template.loader import render_to_string

        sections = list(obj.sections.order_by("order", "code"))
        groups = list(obj.groups.order_by("order", "code"))
        indicators = list(obj.indicators.select_related("previous").order_by("number"))
        for s in sections:
            s.group_list = [g for g in groups if g.section_id == s.pk]
            for g in s.group_list:
                g.indicator_list = [i for i in indicators if i.group_id == g.pk]
        return render_to_string("admin/scorecards/questionnaire_contents.html", {
            "q": obj, "sections": sections, "has_previous": bool(obj.previous_id)})

    def copy_what(self, source):
        return _("Tạo phiên bản mới của “%(source)s”: sao chép các phần, nhóm và %(n)d tiêu chí SIPAS; mỗi tiêu chí "
                 "mới tương ứng với tiêu chí nguồn. Sau đó thêm, bỏ hoặc sửa tiêu chí của phiên bản mới; báo cáo các "
                 "năm đã dùng phiên bản hiện tại không thay đổi.") % {"source": source, "n": source.indicators.count()}

    def copied_messages(self, source, copy):
        return [_("Đã tạo bộ câu hỏi SIPAS “%(copy)s” (%(years)s) từ “%(source)s” với %(n)d tiêu chí. Chọn bộ câu hỏi "
                  "này cho kỳ đánh giá năm %(year)s.") % {
            "copy": copy, "years": copy.years_label, "source": source, "n": copy.indicators.count(), "year": copy.year_from}]


@admin.register(SipasSection)
class SipasSectionAdmin(GuardedAdmin):
    list_display = ("code", "name", questionnaire_code, "order")
    list_filter = ("questionnaire",)
    list_select_related = ("questionnaire",)


@admin.register(SipasGroup)
class SipasGroupAdmin(GuardedAdmin):
    list_display = ("code", "name", "section", questionnaire_code, "order")
    list_filter = ("questionnaire",)
    list_select_related = ("section", "questionnaire")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            object_id = _object_id(request)
            qs = SipasSection.objects.select_related("questionnaire")
            if object_id:  # a group stays in its questionnaire
                qs = qs.filter(questionnaire__groups__pk=object_id)
            kwargs["queryset"] = qs
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "section":
            field.label_from_instance = _in_questionnaire(str)
        return field


@admin.register(SipasIndicator)
class SipasIndicatorAdmin(GuardedAdmin):
    list_display = ("number", "text", "group_code", questionnaire_code, "previous_number")
    list_filter = ("questionnaire",)
    list_select_related = ("group", "questionnaire", "previous")
    search_fields = ("text",)
    fields = ("group", "number", "text", "previous")

    @admin.display(description=_l("nhóm"), ordering="group__code")
    def group_code(self, obj):
        return obj.group.code

    @admin.display(description=_l("tương ứng năm trước"), ordering="previous__number")
    def previous_number(self, obj):
        return obj.previous.number if obj.previous_id else "–"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = _object_id(request)
        current = SipasIndicator.objects.select_related("questionnaire").filter(pk=object_id).first() if object_id else None
        if db_field.name == "group":
            qs = SipasGroup.objects.select_related("questionnaire")
            kwargs["queryset"] = qs.filter(questionnaire_id=current.questionnaire_id) if current else qs
        if db_field.name == "previous":
            qs = SipasIndicator.objects.select_related("questionnaire")
            if current is not None:
                kwargs["queryset"] = qs.filter(questionnaire_id=current.questionnaire.previous_id)
            else:  # a new indicator: any of a version that has a next one (checked on save)
                kwargs["queryset"] = qs.filter(questionnaire__next_versions__isnull=False).distinct()
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("group", "previous"):
            field.label_from_instance = _in_questionnaire(str)
        return field


@admin.register(SipasValue)
class SipasValueAdmin(TransferAdminMixin, GuardedAdmin):
    list_display = ("period", "indicator", "pct")
    list_filter = ("period",)
    list_select_related = ("period__subject", "indicator")
    list_editable = ("pct",)
    list_per_page = 100


@admin.register(SipasExpectation)
class SipasExpectationAdmin(GuardedAdmin):
    list_display = ("period", "text", "pct", "order")
    list_filter = ("period",)
    list_select_related = ("period__subject",)
