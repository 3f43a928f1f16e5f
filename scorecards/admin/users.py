"""User accounts in the admin."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from scorecards.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "agency", "is_staff", "is_active")
    list_filter = ("groups", "agency", "is_staff", "is_active")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Cơ quan, đơn vị"), {"fields": ("agency",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Cơ quan, đơn vị"), {"fields": ("agency", "groups")}),)
