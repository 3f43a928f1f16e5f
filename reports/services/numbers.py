"""How the report writes each kind of figure (decimal comma, Vietnamese style).

One function per kind so that the same figure looks the same in every sentence, table,
chart and format: 88,23 (score), 58,904/66,5 (points), 82,96% (SIPAS), 91,191% (self
assessment), 98,83% / 100% (share of a maximum), 09 (counts and places).
"""
from decimal import Decimal

from scorecards.formatting import fmt_count, fmt_number, fmt_pct, fmt_points


def score(value) -> str:
    """A PAR Index score, always two decimals: 88,23; 77,00."""
    return fmt_number(value, 2)


def points(value) -> str:
    """Points as the PAR documents write them: up to three decimals, no trailing zeros."""
    return fmt_points(value)


def points2(value) -> str:
    """Points rounded to two decimals without trailing zeros: 9,389 -> 9,39; 13 -> 13."""
    return fmt_number(value, 2, strip=True)


def fixed2(value) -> str:
    """Two fixed decimals (SIPAS-converted and survey points, chart labels): 8,30."""
    return fmt_number(value, 2)


def of(value, maximum, fmt=points) -> str:
    return f"{fmt(value)}/{points(maximum)}"


def pct(value) -> str:
    """SIPAS satisfaction, two fixed decimals: 82,96%; 80,10%."""
    return fmt_pct(value, 2)


def pct_short(value) -> str:
    """A share without trailing zeros: 77,8%; 100%; 98,83%."""
    return f"{fmt_number(value, 2, strip=True)}%"


def pct3(value) -> str:
    return fmt_pct(value, 3)


def change_pct(value) -> str:
    """A signed change in percentage points for the SIPAS table: 2,86%; -1,20%."""
    return fmt_pct(value, 2)


def count(value: int) -> str:
    return fmt_count(value)


def signed(value, fmt=points2) -> str:
    """+0,58 / -0,3 (a change in points)."""
    text = fmt(abs(value))
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def rank_move(gain: int) -> str:
    """Places gained (positive) or lost (negative): "tăng 09 bậc", "giảm 15 bậc"."""
    from django.utils.translation import gettext as _

    if not gain:
        return _("giữ nguyên thứ hạng")
    phrase = _("tăng %(p)s bậc") if gain > 0 else _("giảm %(p)s bậc")
    return phrase % {"p": count(abs(gain))}


def is_zero(value) -> bool:
    return value is None or Decimal(value) == 0


def count_phrase(count: int, total: int, noun: str, verb: str, *, ratio: bool = False, some: bool = True) -> str:
    """How many of `total` things did something, read naturally for none, some and all:

    - none: "không có lĩnh vực nào tăng điểm";
    - all (of two or more): "cả 08 lĩnh vực đều tăng điểm", or with `ratio` "39/39 tiêu chí đều giảm";
    - some: "có 04 lĩnh vực tăng điểm" (without `some`: "04 lĩnh vực tăng điểm"),
      with `ratio` "có 30/39 tiêu chí tăng điểm số".

    Lower case: the caller capitalises a sentence's first word (`capfirst`).
    """
    from django.utils.translation import gettext as _

    values = {"n": count_text(count, total, ratio), "noun": noun, "verb": verb}
    if count == 0:
        return _("không có %(noun)s nào %(verb)s") % values
    if count == total and total > 1:
        return (_("%(n)s %(noun)s đều %(verb)s") if ratio else _("cả %(n)s %(noun)s đều %(verb)s")) % values
    return (_("có %(n)s %(noun)s %(verb)s") if some else _("%(n)s %(noun)s %(verb)s")) % values


def count_text(count: int, total: int, ratio: bool = False) -> str:
    """"04" or, with `ratio`, "04/08"."""
    return f"{fmt_count(count)}/{fmt_count(total)}" if ratio else fmt_count(count)


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


# A figure with no data behind it (nothing entered, nothing appraised, nothing published;
# the data layer says which: None or Part.has_data): sentences say "chưa có", tables and
# cards show a dash. Never 0: a zero is printed only when 0 was entered.
DASH = "–"


def missing() -> str:
    """What a sentence says for a figure that has no data behind it: "chưa có"."""
    from django.utils.translation import gettext as _

    return _("chưa có")


def or_missing(value, fmt=points) -> str:
    """A figure in a sentence, or "chưa có" when there is none (None)."""
    return missing() if value is None else fmt(value)


def or_dash(value, fmt=points) -> str:
    """A figure in a table cell or a card, or "–" when there is none (None)."""
    return DASH if value is None else fmt(value)


def missing_of(maximum) -> str:
    """The words for points that have no data, with the maximum they are out of:
    "chưa có (tối đa 66,5 điểm)"."""
    from django.utils.translation import gettext as _

    return _("chưa có (tối đa %(max)s điểm)") % {"max": points(maximum)}


def rank(place: int, ranked_count: int) -> str:
    """A rank with its base: "5/34". The base is required: a rank is never written without
    it, and it is never assumed (63 provinces were ranked until 2024, 34 from 2025)."""
    if ranked_count is None:
        raise ValueError("a rank needs the number of provinces ranked")
    return f"{place}/{ranked_count}"
