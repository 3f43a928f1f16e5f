from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scorecards.models import Criterion, Framework
from scorecards.services import records

from .guarded import GuardedAdmin
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("code", "name", "parent", "max_points", "scoring_source", "is_placeholder", "order")
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
class FrameworkAdmin(GuardedAdmin):
    list_display = ("code", "name", "legal_basis", "total_points")
    search_fields = ("code", "name")
    readonly_fields = ("criteria_tree",)
    fields = ("code", "name", "legal_basis", "total_points", "criteria_tree")

    @admin.display(description=_("Cây tiêu chí"))
    def criteria_tree(self, obj):
        """The whole tree, indented, with each parent's children-sum check."""
        if not obj.pk:
            return "–"
        from django.template.loader import render_to_string

        from scorecards.services.scorecard import load_tree

        criteria, children = load_tree(obj.pk)
        rows = []
        for c in criteria:
            kids = children.get(c.pk, [])
            kids_sum = sum((k.max_points for k in kids), 0) if kids else None
            rows.append({"c": c, "indent": (c.level - 1) * 1.5, "kids_sum": kids_sum,
                         "sum_ok": kids_sum is None or kids_sum == c.max_points})
        return render_to_string("admin/scorecards/criteria_tree.html", {"rows": rows})


@admin.register(Criterion)
class CriterionAdmin(TransferAdminMixin, FoldedSearchMixin, GuardedAdmin):
    list_display = ("code", "name", "framework", "level", "max_points", "scoring_source", "is_placeholder")
    list_filter = ("framework", "level", "scoring_source", "is_placeholder")
    list_select_related = ("framework", "parent")
    autocomplete_fields = ("parent",)
    ordering = ("framework", "sort_key")
    fields = ("framework", "parent", "code", "name", "max_points", "scoring_source", "guide", "is_placeholder", "order")
    list_per_page = 200
