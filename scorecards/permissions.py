"""Roles, decided in one place. The groups are created (with their permissions) after every
migrate, by scorecards.signals.ensure_groups."""
from django.utils.translation import gettext_lazy as _

HOME_AFFAIRS = "Sở Nội vụ"
AGENCY_STAFF = "Cán bộ đơn vị"
LEADERS = "Lãnh đạo"
# Accounts only (users and their groups), nothing on scores.
SYSADMINS = "Quản trị hệ thống"
GROUP_NAMES = (HOME_AFFAIRS, AGENCY_STAFF, LEADERS, SYSADMINS)
ROLE_LABELS = {
    HOME_AFFAIRS: _("Cán bộ Sở Nội vụ"), AGENCY_STAFF: _("Cán bộ đơn vị"), LEADERS: _("Lãnh đạo"),
    SYSADMINS: _("Quản trị hệ thống"),
}


def _groups(user) -> set[str]:
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._group_names = cache
    return cache


def is_home_affairs(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or HOME_AFFAIRS in _groups(user)))


def is_leader(user) -> bool:
    return bool(user.is_authenticated and LEADERS in _groups(user))


def is_sysadmin(user) -> bool:
    """System administrators (and superusers) manage the user accounts; no rights on scores."""
    return bool(user.is_authenticated and (user.is_superuser or SYSADMINS in _groups(user)))


def is_agency_staff(user) -> bool:
    return bool(user.is_authenticated and user.agency_id and not is_home_affairs(user))


def sees_everything(user) -> bool:
    """Home Affairs staff and leaders read every period, score and report."""
    return is_home_affairs(user) or is_leader(user)


def can_manage(user) -> bool:
    """Writes outside the agency workflow (scorecard, appraisal, imports) are Home Affairs'."""
    return is_home_affairs(user)
