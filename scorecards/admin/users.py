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

from scorecards.choices import AuditAction
from scorecards.models import User
from scorecards.permissions import GROUP_NAMES, is_sysadmin

from .vietnamese import VietnameseAdminMixin

# Only a superuser sees these as editable fields; everybody else gets them read only.
SUPERUSER_ONLY = ("is_superuser", "user_permissions")


@admin.register(User)
class UserAdmin(VietnameseAdminMixin, BaseUserAdmin):
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
            if obj is not None and obj.pk == request.user.pk:
                # Nobody but a superuser changes their own roles: a system administrator
                # cannot give himself rights on scores.
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name not in ("password", "password1", "password2")]
        self._audit(request, obj, AuditAction.USER_CHANGED if change else AuditAction.USER_CREATED, fields=changed)

    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after:
            self._audit(request, form.instance, AuditAction.USER_CHANGED, groups=[before, after])

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            self._audit(request, self.get_object(request, id), AuditAction.USER_PASSWORD_SET)
        return response

    @staticmethod
    def _audit(request, user, action, **data):
        from scorecards.models import AuditEvent

        AuditEvent.log(action, actor=request.user, user=user.username, user_id=user.pk, **data)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(VietnameseAdminMixin, BaseGroupAdmin):
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
