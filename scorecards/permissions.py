"""Roles, decided in one place. Groups are created by the initial data migration."""
from django.utils.translation import gettext_lazy as _

HOME_AFFAIRS = "Sở Nội vụ"
AGENCY_STAFF = "Cán bộ đơn vị"
LEADERS = "Lãnh đạo"
GROUP_NAMES = (HOME_AFFAIRS, AGENCY_STAFF, LEADERS)
ROLE_LABELS = {HOME_AFFAIRS: _("Cán bộ Sở Nội vụ"), AGENCY_STAFF: _("Cán bộ đơn vị"), LEADERS: _("Lãnh đạo")}


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


def is_agency_staff(user) -> bool:
    return bool(user.is_authenticated and user.agency_id and not is_home_affairs(user))


def sees_everything(user) -> bool:
    """Home Affairs staff and leaders read every period, score and report."""
    return is_home_affairs(user) or is_leader(user)


def can_manage(user) -> bool:
    """Writes outside the agency workflow (scorecard, appraisal, imports) are Home Affairs'."""
    return is_home_affairs(user)
