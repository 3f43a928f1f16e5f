"""Signals of the app: the role groups after every migrate, the Vietnamese collation on
every new SQLite connection.

The groups' permissions are set (not added), so a migrate also takes back what a group
should no longer have: e.g. the user-account rights Home Affairs had before system
administrators.
"""
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.signals import post_migrate

# Accounts belong to system administrators: everybody else at most lists them.
USER_MODEL = Q(content_type__app_label="scorecards", content_type__model="user")
SYSADMIN_PERMISSIONS = [
    ("scorecards", "user", ("add_user", "change_user", "view_user")),
    ("auth", "group", ("view_group", "change_group")),
    # Unlocking an account locked by too many failed logins (django-axes).
    ("axes", "accessattempt", ("view_accessattempt", "delete_accessattempt")),
]


def ensure_groups(**kwargs):
    from django.contrib.auth.models import Group, Permission

    from scorecards.permissions import AGENCY_STAFF, HOME_AFFAIRS, LEADERS, SYSADMINS

    managed = Permission.objects.filter(content_type__app_label__in=["scorecards", "reports"])
    home, _ = Group.objects.get_or_create(name=HOME_AFFAIRS)
    home.permissions.set(managed.exclude(USER_MODEL & ~Q(codename="view_user")))
    leaders, _ = Group.objects.get_or_create(name=LEADERS)
    leaders.permissions.set(managed.filter(codename__startswith="view_"))
    Group.objects.get_or_create(name=AGENCY_STAFF)
    sysadmins, _ = Group.objects.get_or_create(name=SYSADMINS)
    wanted = Q(pk__in=[])
    for app_label, model, codenames in SYSADMIN_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, content_type__model=model, codename__in=codenames)
    sysadmins.permissions.set(Permission.objects.filter(wanted))


def connect(sender):
    # Not limited to this app: the reports app's permissions (and axes') are created by their
    # own post_migrate, after ours, and the groups must include them too.
    post_migrate.connect(ensure_groups, dispatch_uid="scorecards.ensure_groups")
    # SQLite has no Vietnamese collation of its own: every connection gets ours (scorecards.db).
    from scorecards.db import register_sqlite_functions

    connection_created.connect(register_sqlite_functions, dispatch_uid="scorecards.sqlite_vi_collation")
