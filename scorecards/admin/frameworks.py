from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import Lineage
from scorecards.formatting import fmt_points
from scorecards.models import Criterion, Framework
from scorecards.services import records, versions
from scorecards.text import code_sort_key

from .guarded import GuardedAdmin, GuardedForm
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin
from .versions import VersionAdminMixin, version_label
from .vietnamese import VietnameseFormsMixin


class CriterionInline(VietnameseFormsMixin, admin.TabularInline):
    model = Criterion
    # Counterparts are chosen on the criterion's own page (they need the previous version's
    # nodes); here a new node can be declared "Mới".
    fields = ("code", "name", "parent", "max_points", "scoring_source", "is_placeholder", "order", "lineage")
    extra = 0
    show_change_link = True
    ordering = ("sort_key",)

    # A framework used by a published or closed period is final: its criteria too.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or records.frozen_refusal(obj) is None)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Criterion.objects.filter(framework_id=object_id) if object_id else Criterion.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Framework)
class FrameworkAdmin(VersionAdminMixin, GuardedAdmin):
    list_display = ("code", "name", "years", "previous", "used_by", "legal_basis", "total_points")
    list_select_related = ("previous",)
    search_fields = ("code", "name")
    readonly_fields = ("criteria_tree",)
    fields = ("code", "name", "legal_basis", "year_from", "year_to", "previous", "total_points", "criteria_tree")
    actions = ["copy_version"]
    copy_service = staticmethod(versions.copy_framework)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("periods")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "previous":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Framework.objects.exclude(pk=object_id) if object_id else Framework.objects.all()
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "previous":
            field.label_from_instance = version_label
        return field

    def copy_what(self, source):
        return _("Tạo phiên bản mới của “%(source)s”: sao chép toàn bộ %(n)d tiêu chí (cây, mã, điểm tối đa, nguồn điểm, "
                 "hướng dẫn), mỗi tiêu chí ghi “Giữ nguyên” và tương ứng với tiêu chí nguồn. Sau đó sửa các tiêu chí thay "
                 "đổi (đổi tên, chuyển, tách, gộp, thêm mới). Phiên bản hiện tại kết thúc vào năm trước năm áp dụng của "
                 "phiên bản mới.") % {"source": source, "n": source.criteria.count()}

    def copied_messages(self, source, copy):
        return [
            _("Đã tạo bộ chỉ số “%(copy)s” (%(years)s) từ “%(source)s” với %(n)d tiêu chí.") % {
                "copy": copy, "years": copy.years_label, "source": source, "n": copy.criteria.count()},
            _("Sửa tiêu chí thay đổi tại danh sách tiêu chí của bộ chỉ số mới. Khi đã tạo kỳ đánh giá năm %(year)s "
              "với bộ chỉ số này, chọn kỳ trong danh sách kỳ đánh giá và dùng thao tác “Sao chép phân công từ năm "
              "trước”: tiêu chí được giao cho đơn vị năm trước, đơn vị đã kết thúc thay bằng đơn vị tiếp nhận.") % {
                "year": copy.year_from},
        ]

    @admin.display(description=_l("Cây tiêu chí"))
    def criteria_tree(self, obj):
        """The whole tree, indented, with each parent's children-sum check and, for a
        version with a previous one, each node's counterpart there."""
        if not obj.pk:
            return "–"
        from django.template.loader import render_to_string

        from scorecards.services.lineage import framework_mapping
        from scorecards.services.scorecard import load_tree

        criteria, children = load_tree(obj.pk)
        mapping = framework_mapping(obj, obj.previous) if obj.previous_id else None
        rows = []
        for c in criteria:
            kids = children.get(c.pk, [])
            kids_sum = sum((k.max_points for k in kids), 0) if kids else None
            row = {"c": c, "indent": (c.level - 1) * 1.5, "kids_sum": kids_sum,
                   "sum_ok": kids_sum is None or kids_sum == c.max_points}
            if mapping is not None:
                link = mapping.counterpart(c)
                row["link"] = link
                row["lineage"] = Lineage(link.lineage).label if link.lineage else _("Chưa khai báo")
                row["previous_codes"] = link.previous_codes if link.previous_codes != [c.code] else []
            rows.append(row)
        return render_to_string("admin/scorecards/criteria_tree.html", {
            "rows": rows, "mapping": mapping,
            "criteria_url": reverse("admin:scorecards_criterion_changelist") + f"?framework__id__exact={obj.pk}"})


class LineageFilter(admin.SimpleListFilter):
    title = _l("so với năm trước")
    parameter_name = "lineage"
    UNDECLARED = "undeclared"

    def lookups(self, request, model_admin):
        return [*Lineage.choices, (self.UNDECLARED, _l("Chưa khai báo"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.UNDECLARED:
            return queryset.filter(lineage="")
        if value in Lineage.values:
            return queryset.filter(lineage=value)
        return queryset


class PredecessorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}. {obj.name} ({obj.framework.code})"


class CriterionForm(GuardedForm):
    """Checks the counterparts with the model's rule (Criterion.clean_predecessors) so that
    the form comes back with the error on its field; the service checks them again."""

    def _post_clean(self):
        super()._post_clean()
        if "predecessors" in self.fields and not self.has_error("predecessors") and not self.has_error("lineage") \
                and self.instance.framework_id:
            try:
                self.instance.clean_m2m({"predecessors": list(self.cleaned_data.get("predecessors") or [])})
            except ValidationError as exc:
                self._update_errors(exc)


@admin.register(Criterion)
class CriterionAdmin(TransferAdminMixin, FoldedSearchMixin, GuardedAdmin):
    form = CriterionForm
    list_display = ("code", "name", "framework_code", "max_points_shown", "scoring_source", "previous_year")
    list_filter = ("framework", LineageFilter, "level", "scoring_source", "is_placeholder")
    list_select_related = ("framework", "parent")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("predecessors",)
    ordering = ("framework", "sort_key")
    fields = ("framework", "parent", "code", "name", "max_points", "scoring_source", "guide", "is_placeholder", "order",
              "lineage", "predecessors")
    list_per_page = 200

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("predecessors")

    @admin.display(description=_l("điểm tối đa"), ordering="max_points")
    def max_points_shown(self, obj):
        """10, 1,5, 0,25 — not the field's three places ("10,000" reads as ten thousand)."""
        return fmt_points(obj.max_points)

    @admin.display(description=_l("bộ chỉ số"), ordering="framework__code")
    def framework_code(self, obj):
        return obj.framework.code

    @admin.display(description=_l("năm trước"), ordering="lineage")
    def previous_year(self, obj):
        """How the node relates to the previous version, and its counterparts there."""
        codes = ", ".join(sorted((p.code for p in obj.predecessors.all()), key=code_sort_key))
        label = obj.get_lineage_display() if obj.lineage else (_("Chưa khai báo") if obj.framework.previous_id else "")
        return f"{label} ← {codes}" if codes else (label or "–")

    def _framework_of(self, request):
        """The framework of the criterion being edited, or the one chosen in the add form."""
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if object_id:
            return Framework.objects.filter(criteria__pk=object_id).first()
        chosen = request.POST.get("framework") or request.GET.get("framework") or request.GET.get("framework__id__exact")
        return Framework.objects.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "predecessors":
            framework = self._framework_of(request)
            if framework is not None:
                kwargs["queryset"] = Criterion.objects.filter(framework_id=framework.previous_id)
            else:  # a new criterion: any node of a version that has a next one (checked on save)
                kwargs["queryset"] = Criterion.objects.filter(framework__next_versions__isnull=False).distinct() \
                    .select_related("framework")
                kwargs["form_class"] = PredecessorField  # names the version of each node
            kwargs["help_text"] = _l("Chỉ chọn tiêu chí của phiên bản năm trước của bộ chỉ số. Giữ nguyên, đổi tên, chuyển, "
                                     "tách: đúng một tiêu chí; gộp: từ hai tiêu chí; mới: không chọn.")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "predecessors" and field is not None:
            field.widget.can_add_related = False  # counterparts are chosen, never created here
        return field
