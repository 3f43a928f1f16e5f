from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.db import vi_ordering
from scorecards.models import Agency

from .guarded import GuardedAdmin
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin


class LifeFilter(admin.SimpleListFilter):
    """Agencies still working today, or ended (merged, dissolved)."""

    title = _l("tình trạng hoạt động")
    parameter_name = "life"

    def lookups(self, request, model_admin):
        return [("working", _l("Đang hoạt động")), ("ended", _l("Đã kết thúc"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "ended":
            return queryset.filter(ended_on__lt=today)
        if self.value() == "working":
            return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        return queryset


@admin.register(Agency)
class AgencyAdmin(TransferAdminMixin, FoldedSearchMixin, GuardedAdmin):
    list_display = ("name", "short_name", "code", "kind", "life", "is_active", "order")
    list_filter = ("kind", LifeFilter, "is_active")
    list_editable = ("order",)
    list_select_related = ("successor",)
    prepopulated_fields = {"code": ("name",)}
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "province", "is_active", "order")}),
        (_l("Thời gian hoạt động"), {
            "fields": ("started_on", "ended_on", "successor"),
            "description": _l("Khi đơn vị hợp nhất vào đơn vị khác (ví dụ Sở Kế hoạch và Đầu tư vào Sở Tài chính từ "
                              "01/3/2025): ghi ngày cuối cùng hoạt động và đơn vị tiếp nhận nhiệm vụ. Báo cáo các năm "
                              "trước vẫn giữ tên cũ; phân công năm sau chuyển sang đơn vị tiếp nhận."),
        }),
    )

    def get_ordering(self, request):
        # Vietnamese collation on PostgreSQL ("Điện Biên" before "Yên Bái").
        return vi_ordering("order", "name")

    @admin.display(description=_l("Thời gian hoạt động"), ordering="ended_on")
    def life(self, obj):
        if obj.ended_on:
            template = _("Đã kết thúc %(date)s") if obj.ended_on < timezone.localdate() else _("Kết thúc %(date)s")
            text = template % {"date": date_format(obj.ended_on, "SHORT_DATE_FORMAT")}
            if obj.successor_id:
                text += " → " + obj.successor.name
            return format_html('<span class="agency-ended" style="color:#8a4b00;font-weight:600">{}</span>', text)
        if obj.started_on:
            return _("Từ %(date)s") % {"date": date_format(obj.started_on, "SHORT_DATE_FORMAT")}
        return _("Đang hoạt động")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "successor":
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            qs = Agency.objects.exclude(kind=Agency.Kind.PROVINCE).order_by(*vi_ordering("order", "name"))
            kwargs["queryset"] = qs.exclude(pk=object_id) if object_id else qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
