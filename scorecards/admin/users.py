"""User accounts and role groups in the admin.

Only superusers and system administrators ("Quản trị hệ thống") add or change accounts;
Home Affairs officers and leaders at most see the list. Nobody but a superuser grants
superuser status or single permissions, and nobody deletes an account (audit entries and
admin log entries must keep their author): it is deactivated instead.
"""
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from scorecards.models import User
from scorecards.permissions import GROUP_NAMES, is_sysadmin

# Only a superuser sees these as editable fields; everybody else gets them read only.
SUPERUSER_ONLY = ("is_superuser", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "agency", "is_staff", "is_active")
    list_filter = ("groups", "agency", "is_staff", "is_active")
    list_select_related = ("agency",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("first_name", "last_name", "email")}),
        (_("Cơ quan, đơn vị"), {"fields": ("agency",)}),
        (_("Vai trò và quyền"), {
            "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            "description": _("Không xóa tài khoản: bỏ chọn “Đang hoạt động” để khóa tài khoản."),
        }),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Cơ quan, đơn vị"), {"fields": ("agency", "groups")}),)

    # Who manages accounts: the role, not only the model permission, decides.
    def manages_users(self, request) -> bool:
        return is_sysadmin(request.user)

    def has_view_permission(self, request, obj=None):
        # Home Affairs officers and leaders see the list, never an account's page.
        if obj is not None and not self.manages_users(request):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.manages_users(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not self.manages_users(request):
            return False
        # A superuser's account (and password) is changed by superusers only.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_list_display_links(self, request, list_display):
        # No link to a page that would answer 403.
        return super().get_list_display_links(request, list_display) if self.manages_users(request) else None

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*SUPERUSER_ONLY, "last_login", "date_joined"]
        return readonly


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A group's permissions are set by `migrate` (scorecards.signals); only a superuser
    changes them by hand, and the role groups keep their names (the roles are found by name)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
            if obj is not None and obj.name in GROUP_NAMES:
                readonly.append("name")
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in GROUP_NAMES:
            return False
        return super().has_delete_permission(request, obj)
