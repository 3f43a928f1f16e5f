from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from scorecards.models import Criterion, Framework

from .search import FoldedSearchMixin


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("code", "name", "parent", "max_points", "scoring_source", "is_placeholder", "order")
    extra = 0
    show_change_link = True
    ordering = ("sort_key",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Criterion.objects.filter(framework_id=object_id) if object_id else Criterion.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "legal_basis", "total_points")
    search_fields = ("code", "name")


@admin.register(Criterion)
class CriterionAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "framework", "level", "max_points", "scoring_source", "is_placeholder")
    list_filter = ("framework", "level", "scoring_source", "is_placeholder")
    list_select_related = ("framework", "parent")
    autocomplete_fields = ("parent",)
    ordering = ("framework", "sort_key")
    fields = ("framework", "parent", "code", "name", "max_points", "scoring_source", "guide", "is_placeholder", "order")
    list_per_page = 200
