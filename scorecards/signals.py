"""Create the three role groups with their permissions after every migrate."""
from django.db.models.signals import post_migrate


def ensure_groups(**kwargs):
    from django.contrib.auth.models import Group, Permission

    from scorecards.permissions import AGENCY_STAFF, HOME_AFFAIRS, LEADERS

    managed = Permission.objects.filter(content_type__app_label__in=["scorecards", "reports"])
    home, _ = Group.objects.get_or_create(name=HOME_AFFAIRS)
    home.permissions.set(managed)
    leaders, _ = Group.objects.get_or_create(name=LEADERS)
    leaders.permissions.set(managed.filter(codename__startswith="view_"))
    Group.objects.get_or_create(name=AGENCY_STAFF)


def connect(sender):
    # Not limited to this app: the reports app's permissions are created by its own
    # post_migrate, after ours, and the groups must include them too.
    post_migrate.connect(ensure_groups, dispatch_uid="scorecards.ensure_groups")
