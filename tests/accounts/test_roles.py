"""The four role groups and their permissions, as `migrate` sets them (scorecards.signals)."""
from django.contrib.auth.models import AnonymousUser, Group, Permission

from scorecards import permissions
from scorecards.models import User
from scorecards.signals import ensure_groups

USER_RIGHTS = {"add_user", "change_user", "delete_user", "view_user"}


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{app}.{codename}" for app, codename in
            group.permissions.values_list("content_type__app_label", "codename")}


def test_the_sysadmin_group_manages_accounts_and_nothing_else(db):
    assert perms(permissions.SYSADMINS) == {
        "scorecards.add_user", "scorecards.change_user", "scorecards.view_user",
        "auth.view_group", "auth.change_group",
        "axes.view_accessattempt", "axes.delete_accessattempt",
    }


def test_home_affairs_keeps_every_score_right_but_only_lists_users(db):
    home = perms(permissions.HOME_AFFAIRS)
    managed = {f"{app}.{codename}" for app, codename in Permission.objects.filter(
        content_type__app_label__in=["scorecards", "reports"]).values_list("content_type__app_label", "codename")}
    assert home == managed - {"scorecards.add_user", "scorecards.change_user", "scorecards.delete_user"}
    assert "scorecards.view_user" in home and "scorecards.change_score" in home
    assert not any(p.startswith(("auth.", "axes.")) for p in home)


def test_leaders_only_read(db):
    leaders = perms(permissions.LEADERS)
    assert leaders and all(p.split(".")[1].startswith("view_") for p in leaders)
    assert not {f"scorecards.{c}" for c in USER_RIGHTS - {"view_user"}} & leaders


def test_migrate_takes_back_a_right_given_by_hand(db):
    home = Group.objects.get(name=permissions.HOME_AFFAIRS)
    home.permissions.add(Permission.objects.get(content_type__app_label="scorecards", codename="change_user"))
    ensure_groups()
    assert "scorecards.change_user" not in perms(permissions.HOME_AFFAIRS)


def test_is_sysadmin(officer, leader, sysadmin):
    root = User.objects.create_superuser("root", "root@example.vn", "x-pass-123")
    assert permissions.is_sysadmin(sysadmin) and permissions.is_sysadmin(root)
    assert not permissions.is_sysadmin(officer) and not permissions.is_sysadmin(leader)
    assert not permissions.is_sysadmin(AnonymousUser())
    # A system administrator is not Home Affairs: no rights on scores.
    assert not permissions.is_home_affairs(sysadmin) and not permissions.can_manage(sysadmin)
    assert str(permissions.ROLE_LABELS[permissions.SYSADMINS]) == "Quản trị hệ thống"
