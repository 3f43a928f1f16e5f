"""Who may open which page: role checks for the pages that are not about one score.

Pages about one score find it through Score.objects.visible_to(user) and answer 404 when
it is not there, so another agency's rows do not even show that they exist.
"""
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from scorecards.permissions import can_manage, sees_everything


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    def handle_no_permission(self):
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class ReadAllRequiredMixin(RoleRequiredMixin):
    """Sở Nội vụ and leaders (read every agency's progress and log)."""

    def test_func(self):
        return sees_everything(self.request.user)


class HomeAffairsRequiredMixin(RoleRequiredMixin):
    """Sở Nội vụ only (review, exceptions, period steps)."""

    def test_func(self):
        return can_manage(self.request.user)
