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
def lowerfirst(value) -> str:
    """A label put mid-sentence (scorecards.text.lower_first): acronyms such as SIPAS kept."""
    from scorecards.text import lower_first

    return lower_first(value)
