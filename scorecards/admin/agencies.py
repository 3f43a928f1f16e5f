from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from scorecards.models import Agency, User

from scorecards.db import vi_ordering

from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin


@admin.register(Agency)
class AgencyAdmin(TransferAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "code", "kind", "is_active", "order")
    list_filter = ("kind", "is_active")
    list_editable = ("order",)
    prepopulated_fields = {"code": ("name",)}

    def get_ordering(self, request):
        # Vietnamese collation on PostgreSQL ("Điện Biên" before "Yên Bái").
        return vi_ordering("order", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "agency", "is_staff", "is_active")
    list_filter = ("groups", "agency", "is_staff", "is_active")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Cơ quan, đơn vị"), {"fields": ("agency",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Cơ quan, đơn vị"), {"fields": ("agency", "groups")}),)
