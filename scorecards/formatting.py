"""Vietnamese number formatting: decimal comma, dot for thousands (88,23; 3.910.020).

Used by the report, the scorecard and error messages, so every screen writes numbers the
same way whatever language the browser asks for.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def quantize(value, places: int) -> Decimal:
    """`value` rounded half up to `places`; a value too large to round (1E+1000, typed into
    a form) is returned as it is, so that the message refusing it can still be written."""
    try:
        return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return Decimal(value)


def fmt_number(value, places: int = 2, strip: bool = False) -> str:
    """88.229 -> "88,23"; with strip=True trailing zeros go: 1.500 -> "1,5", 13.000 -> "13"."""
    if value is None:
        return ""
    q = quantize(value, places)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if strip:
        frac = frac.rstrip("0")
    return sign + ".".join(groups) + ("," + frac if frac else "")


def fmt_points(value, places: int = 3) -> str:
    """Points as written in the PAR documents: up to three decimals, no trailing zeros."""
    return fmt_number(value, places, strip=True)


def fmt_pct(value, places: int = 2) -> str:
    return f"{fmt_number(value, places)}%"


def fmt_count(value: int, width: int = 2) -> str:
    """Counts under ten get a leading zero in Vietnamese administrative style: 9 -> "09"."""
    return str(abs(int(value))).zfill(width)
