"""Who may open which page: role checks for the pages that are not about one score.

Pages about one score find it through Score.objects.visible_to(user) and answer 404 when
it is not there, so another agency's rows do not even show that they exist.
"""
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from scorecards.permissions import can_manage, sees_everything


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous users go to the login page; logged-in users without the role get 403,
    whose page says who the page is for (permission_denied_message)."""

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(self.get_permission_denied_message())
        return super().handle_no_permission()


class ReadAllRequiredMixin(RoleRequiredMixin):
    """Sở Nội vụ and leaders (read every agency's progress and log)."""

    permission_denied_message = _("Trang này dành cho cán bộ Sở Nội vụ và lãnh đạo.")

    def test_func(self):
        return sees_everything(self.request.user)


class HomeAffairsRequiredMixin(RoleRequiredMixin):
    """Sở Nội vụ only (review, exceptions, period steps)."""

    permission_denied_message = _("Chỉ cán bộ Sở Nội vụ mới được mở trang này hoặc thực hiện thao tác này.")

    def test_func(self):
        return can_manage(self.request.user)
