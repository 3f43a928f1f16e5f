"""Template filters for Vietnamese numbers: {{ x|points }} -> 0,688; {{ x|num:2 }} -> 88,23."""
from django import template

from scorecards.formatting import fmt_count, fmt_number, fmt_pct, fmt_points

register = template.Library()


@register.filter
def points(value, places=3):
    return fmt_points(value, int(places)) if value is not None and value != "" else "–"


@register.filter
def num(value, places=2):
    return fmt_number(value, int(places)) if value is not None and value != "" else "–"


@register.filter
def pct(value, places=2):
    return fmt_pct(value, int(places)) if value is not None and value != "" else "–"


@register.filter
def count2(value):
    return fmt_count(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def signed(value, places=2):
    """A change with its sign: +0,21; -0,56; 0."""
    if value is None or value == "":
        return "–"
    text = fmt_number(abs(value), int(places), strip=True)
    return ("+" if value > 0 else "-" if value < 0 else "") + text


@register.filter
def rank_move(places_gained):
    """Places gained (positive) or lost (negative) in the ranking: "tăng 09 bậc", "giảm 15 bậc"."""
    from django.utils.translation import gettext as _

    if places_gained is None or places_gained == "":
        return ""
    if places_gained == 0:
        return _("giữ nguyên thứ hạng")
    word = _("tăng %(n)s bậc") if places_gained > 0 else _("giảm %(n)s bậc")
    return word % {"n": fmt_count(abs(places_gained))}


@register.filter
def share_of(value, maximum):
    """value as a percentage of maximum, for bar widths (0–100, dot decimal for CSS)."""
    if value is None or not maximum:
        return 0
    return max(0, min(100, round(float(value) * 100 / float(maximum), 1)))
