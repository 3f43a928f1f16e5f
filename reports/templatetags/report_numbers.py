"""Template filters for the report's figures, written as reports.services.numbers writes them."""
from django import template

from reports.services import numbers

register = template.Library()


@register.filter
def signed(value):
    """A change with its sign: +0,21; -0,56."""
    return "–" if value is None or value == "" else numbers.signed(value)


@register.filter
def signed_points(value):
    """A change in points with its sign, to three places as points are kept: +0,039; -1,5."""
    return "–" if value is None or value == "" else numbers.signed(value, numbers.points)


@register.filter
def rank_move(places_gained):
    """Places gained (positive) or lost (negative): "tăng 09 bậc", "giảm 15 bậc"."""
    return "" if places_gained is None or places_gained == "" else numbers.rank_move(places_gained)


@register.filter
def share_of(value, maximum):
    """value as a percentage of maximum, for bar widths (0–100, dot decimal for CSS)."""
    if value is None or not maximum:
        return 0
    return max(0, min(100, round(float(value) * 100 / float(maximum), 1)))
