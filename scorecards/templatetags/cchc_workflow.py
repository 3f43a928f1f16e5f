"""Template filters of the workspace: roles for the menu, file sizes."""
from django import template

from scorecards import permissions

register = template.Library()


@register.filter
def sees_everything(user) -> bool:
    return permissions.sees_everything(user)


@register.filter
def manages(user) -> bool:
    return permissions.can_manage(user)


@register.filter
def filesize(value) -> str:
    from scorecards.formatting import fmt_number

    value = int(value or 0)
    if value >= 1024 * 1024:
        return f"{fmt_number(value / 1024 / 1024, 1)} MB"
    if value >= 1024:
        return f"{fmt_number(value / 1024, 0)} KB"
    return f"{value} B"



@register.filter
def waiting_for_review(user) -> int:
    """The number of submitted scores waiting for Sở Nội vụ (0 for anyone else), for the menu."""
    from scorecards.services.queue import waiting_for_review as count

    return count(user)
