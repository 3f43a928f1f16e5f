"""Admin of a province's own rounds: the round (groups and council inline, the publication
decision), a group (its grade bands inline).

Every save goes through services.records (GuardedAdmin): Sở Nội vụ only, audited, refused
on a stale page and once the round is published or closed. The round's status is not
edited here: its steps are taken on the round board (services.rounds.change_round_status),
and subjects are added and removed there too.

A round's five kinds of file (subjects, not-applicable marks, appraised points, survey
points, grade bands) are imported at `<round_id>/nhap/<kind>/` (scorecards.admin.transfer
`scoped_import_urls`): the change lists' preview → confirm flow with the round as scope,
Sở Nội vụ only; the change page links to each.
"""
from django import forms
from django.forms.models import BaseInlineFormSet
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from scorecards.models import CouncilMember, GradeBand, Round, SubjectGroup, User
from scorecards.permissions import can_manage
from scorecards.resources import (GradeBandResource, NotApplicableResource, RoundAppraisalResource, RoundSubjectsResource,
                                  RoundSurveyResource)
from scorecards.services import records

from .guarded import GuardedAdmin
from .versions import ILLUSTRATIVE, version_label
from .vietnamese import VietnameseFormsMixin

LOCKED_GROUP_FIELDS = ("framework", "subject_kind")
# The kinds of file a round takes, in the order of its work: subjects first, bands last.
ROUND_IMPORTS = (RoundSubjectsResource, NotApplicableResource, RoundAppraisalResource, RoundSurveyResource,
                 GradeBandResource)


def round_import_links(round_) -> list[tuple[str, str]]:
    """(label, address) of the import page of each kind of file of the round."""
    return [(str(r.label), reverse("admin:scorecards_round_import_kind", args=[round_.pk, r.slug])) for r in ROUND_IMPORTS]


def _illustrative_badge(obj):
    return format_html(
        '<span class="illustrative-badge" style="background:#fff4ce;color:#4a3b00;border:1px solid #c28a00;'
        'border-radius:3px;padding:0 .4em;white-space:nowrap">{}</span>', ILLUSTRATIVE) if obj.is_illustrative else ""


class NamedUniqueInlineFormSet(BaseInlineFormSet):
    """Duplicate rows are named by their columns' labels ("xếp loại", "từ (điểm)"), not by
    field names (Django's message reads "min_points / label")."""

    def get_unique_error_message(self, unique_check):
        labels = [str(self.model._meta.get_field(name).verbose_name) for name in unique_check if name != self.fk.name]
        return _("Có dòng trùng %(fields)s với một dòng khác; mỗi dòng phải khác nhau.") % {"fields": " + ".join(labels)}


class FrozenParentInlineMixin:
    """Rows of a published or closed round are final: no add, change or delete inline."""

    formset = NamedUniqueInlineFormSet

    def _writable(self, obj) -> bool:
        return obj is None or records.frozen_refusal(obj) is None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._writable(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._writable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._writable(obj)


class SubjectGroupForm(forms.ModelForm):
    """A group's framework must cover the round's year (checked here too, so that a round
    created with its groups is refused with the form kept, not after saving); a group whose
    scorecards exist keeps its framework and kind of subject (each scorecard was made from
    them). Deleting such a group is refused by the admin (its scorecards protect it)."""

    class Meta:
        widgets = {
            "order": forms.NumberInput(attrs={"style": "width:3.5em"}),
            "code": forms.TextInput(attrs={"size": 8}),
            "name": forms.TextInput(attrs={"size": 26}),
            "bonus_cap": forms.NumberInput(attrs={"style": "width:5.5em", "step": "any"}),
            "penalty_cap": forms.NumberInput(attrs={"style": "width:5.5em", "step": "any"}),
        }

    def clean(self):
        cleaned = super().clean()
        framework = cleaned.get("framework")
        # The round as the page has it (inline: the parent form's round, not saved yet when new).
        round_ = cleaned.get("round") or (self.instance.round if self.instance.round_id else None)
        if framework is not None and round_ is not None and round_.year and not framework.covers(round_.year):
            self.add_error("framework", _("Bộ chỉ số %(fw)s áp dụng cho năm %(years)s, không phải năm %(year)s.") % {
                "fw": framework, "years": framework.years_label, "year": round_.year})
        if self.instance.pk and set(LOCKED_GROUP_FIELDS) & set(self.changed_data) and self.instance.periods.exists():
            raise forms.ValidationError(_(
                "Nhóm “%(g)s” đã có phiếu đánh giá: không đổi bộ chỉ số hay loại đối tượng. Bỏ các đơn vị khỏi đợt "
                "(bảng tiến độ) trước, hoặc tạo nhóm mới.") % {"g": self.instance})
        return cleaned


def _framework_label(field):
    field.label_from_instance = version_label  # "cchc-so-2025 (2025)": short enough for a row of the inline
    return field


class SubjectGroupInline(FrozenParentInlineMixin, VietnameseFormsMixin, admin.TabularInline):
    model = SubjectGroup
    form = SubjectGroupForm
    fields = ("order", "code", "name", "subject_kind", "framework", "bonus_cap", "penalty_cap", "subject_count")
    readonly_fields = ("subject_count",)
    extra = 0
    show_change_link = True  # the grade bands are on the group's own page

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("framework").annotate(n_subjects=Count("periods"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _framework_label(field) if db_field.name == "framework" else field

    @admin.display(description=_("Số đơn vị"))
    def subject_count(self, obj):
        return getattr(obj, "n_subjects", None) if obj.pk else "–"


class CouncilMemberInline(FrozenParentInlineMixin, VietnameseFormsMixin, admin.TabularInline):
    model = CouncilMember
    fields = ("order", "name", "position", "role", "user")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(is_active=True).select_related("agency").order_by("username")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            field.label_from_instance = lambda u: " – ".join(filter(None, [u.username, u.get_full_name(),
                                                                           u.agency.label if u.agency_id else ""]))
            field.help_text = _("Tài khoản đăng nhập của thành viên (nếu có): thành viên, thẩm định viên nhập điểm thẩm "
                                "định; chủ tịch, phó chủ tịch xem toàn bộ đợt.")
        return field


@admin.register(Round)
class RoundAdmin(GuardedAdmin):
    """A round: its groups and council inline, its deadlines and publication decision.
    Steps and subjects: on the round board."""

    change_form_template = "admin/scorecards/round/change_form.html"
    list_display = ("name", "year_label", "status", "self_assessment_deadline", "decision_number", "board_link")
    list_filter = ("year", "status", "is_illustrative")
    list_select_related = ("province",)
    search_fields = ("name", "decision_number")
    readonly_fields = ("status", "board_link")
    inlines = [SubjectGroupInline, CouncilMemberInline]
    fieldsets = (
        (None, {"fields": ("province", "year", "name", "legal_basis", "status", "board_link", "is_illustrative")}),
        (_("Thời hạn"), {"fields": ("self_assessment_deadline", "explanation_deadline")}),
        (_("Quyết định công bố kết quả"), {
            "fields": ("decision_number", "decision_date", "decision_signer", "decision_signer_title"),
            "description": _("Cần đủ số, ngày quyết định và người ký trước khi công bố kết quả."),
        }),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("self_assessment_deadline", "explanation_deadline"):
            from django.contrib.admin.widgets import AdminSplitDateTime

            from scorecards.forms import DeadlineField

            return DeadlineField(label=capfirst(db_field.verbose_name), required=False, widget=AdminSplitDateTime,
                                 help_text=_("Chỉ ghi ngày thì hạn là 17:00 ngày đó. Áp dụng cho phiếu của mọi đơn vị."))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.periods.exists():
            readonly += ["province", "year"]  # every scorecard of the round hangs on them
        return readonly

    def has_delete_permission(self, request, obj=None):
        # Only an empty draft: a round with scorecards keeps them (subjects leave on the board).
        if obj is not None and (obj.status != "draft" or obj.periods.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("năm"), ordering="year")
    def year_label(self, obj):
        return format_html("{} {}", obj.year, _illustrative_badge(obj))

    @admin.display(description=_("Bảng tiến độ"))
    def board_link(self, obj):
        if not obj or not obj.pk:
            return _("Đợt mới ở giai đoạn dự thảo; sau khi lưu, tạo phiếu và chuyển giai đoạn tại bảng tiến độ.")
        return format_html('<a href="{}">{}</a>', reverse("rounds:board", args=[obj.pk]),
                           _("Tạo phiếu, thêm, bỏ đơn vị và chuyển giai đoạn tại bảng tiến độ"))

    def get_urls(self):
        from .transfer import scoped_import_urls

        return scoped_import_urls(self, ROUND_IMPORTS) + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {"publication_problems": obj.publication_problems() if obj is not None and not obj.is_frozen else [],
                 "import_links": round_import_links(obj) if obj is not None and can_manage(request.user) else []}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


class GradeBandInline(FrozenParentInlineMixin, VietnameseFormsMixin, admin.TabularInline):
    model = GradeBand
    fields = ("label", "min_points")
    extra = 0


@admin.register(SubjectGroup)
class SubjectGroupAdmin(GuardedAdmin):
    """A group of a round and its grade bands."""

    list_display = ("name", "code", "round", "subject_kind", "framework", "bonus_cap", "penalty_cap", "order")
    list_filter = ("round", "subject_kind")
    list_select_related = ("round", "framework")
    search_fields = ("name", "code", "round__name")
    fields = ("round", "order", "code", "name", "subject_kind", "framework", "bonus_cap", "penalty_cap")
    inlines = [GradeBandInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.periods.exists():
            readonly += ["round", *LOCKED_GROUP_FIELDS]
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.periods.exists():
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _framework_label(field) if db_field.name == "framework" else field
