"""Cells as Vietnamese users type them.

Numbers: "0,688", " 1.5 ", "82,96%", numbers stored as text, Excel floats. Everything
becomes Decimal; nothing goes through float arithmetic.

Dates: day first, as Vietnamese write them ("10/04/2025", "10/4/2025", "10-04-2025",
"10.04.2025"), ISO ("2025-04-10"), or a real Excel date cell. `parse_date` is the one
reader of every date column; a date that only makes sense month first ("04/18/2025") is
refused, never swapped.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

SPACES = "\u00a0\u202f\u2007 \t"


class CellError(ValueError):
    """A cell that cannot be read as the column expects; the message is Vietnamese."""


def refuse_dates(value) -> None:
    """Excel turns "1.5" or "1/3" typed into a number cell into a date; say what it did."""
    from datetime import date, datetime, time

    if isinstance(value, (date, datetime, time)):
        shown = value.strftime("%d/%m/%Y") if isinstance(value, date) else value.strftime("%H:%M")
        raise CellError(_("Excel đã tự đổi ô này thành ngày, giờ (%(value)s): đặt định dạng ô là Số hoặc Văn bản "
                          "rồi gõ lại giá trị.") % {"value": shown})


DAY_FIRST = re.compile(r"^(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")


def parse_date(value):
    """A date cell as a `date`, or None when blank. Raise CellError for anything else.

    Accepts Excel date cells (a time of day is refused: the column holds a day), day-first
    text (10/04/2025, 10/4/2025, 10-04-2025, 10.04.2025, 10/04/25) and ISO (2025-04-10).
    A number is refused: it is a date Excel did not recognise, or a typing slip.
    """
    from datetime import date, datetime, time

    if is_blank(value):
        return None
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise CellError(_("“%(value)s” có cả giờ: cột này chỉ ghi ngày (ngày/tháng/năm).") % {
                "value": value.strftime("%d/%m/%Y %H:%M")})
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if not isinstance(value, str):
        raise CellError(_("“%(value)s” không phải là ngày: ghi ngày/tháng/năm, ví dụ 10/04/2025.") % {"value": text})
    compact = " ".join(text.split())
    iso = ISO_DATE.match(compact)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        match = DAY_FIRST.match(compact)
        if match is None:
            raise CellError(_("“%(value)s” không phải là ngày: ghi ngày/tháng/năm, ví dụ 10/04/2025.") % {"value": text})
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if len(match.group(4)) == 2:
            year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if month > 12 and day <= 12:
        raise CellError(_("“%(value)s” không phải là ngày: không có tháng %(month)s. Ghi ngày trước, tháng sau "
                          "(ngày/tháng/năm), ví dụ %(example)s.") % {
            "value": text, "month": month, "example": _day_first_example(month, day, year)})
    raise CellError(_("“%(value)s” không phải là ngày có thật (ngày/tháng/năm).") % {"value": text})


def _day_first_example(day: int, month: int, year: int) -> str:
    """The value written day first when that is a real date, else a plain example."""
    from datetime import date

    try:
        return date(year, month, day).strftime("%d/%m/%Y")
    except ValueError:
        return "10/04/2025"


def format_date(value) -> str:
    """A date as the app shows and exports it: 10/04/2025."""
    return value.strftime("%d/%m/%Y") if value else ""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(SPACES + "\r\n"))


def clean_text(value) -> str:
    """Text of a cell: surrounding spaces dropped, a formula-guard apostrophe removed.

    Exports prefix text starting with = + - @ with an apostrophe (formula injection
    guard); the import takes it off again so that a round trip keeps the text.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        value = _float_to_decimal(value)
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    # NFC: text typed with "Unicode tổ hợp" (Unikey) is the same text as the precomposed one.
    text = unicodedata.normalize("NFC", str(value)).strip(SPACES + "\r\n")
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def _float_to_decimal(value: float) -> Decimal:
    # Excel stores 0.688 as the nearest binary float; 15 significant digits is what Excel
    # itself shows, and it drops the binary noise (1.2500000000000002 -> 1.25).
    return Decimal(format(value, ".15g"))


# No figure of a scorecard needs more than twelve digits before the mark; past Decimal's 28
# digits of precision, rounding a cell raised a bare InvalidOperation into the error list.
MOST_DIGITS = 12


def trim(number: Decimal) -> Decimal:
    """Drop trailing zeros after the decimal mark ("0,6880" is 0,688; "2,00" is 2).

    Raises CellError for a number with more than MOST_DIGITS digits before the mark."""
    if number.adjusted() >= MOST_DIGITS:
        raise CellError(_("“%(value)s” quá lớn: không số liệu nào của bảng điểm có quá %(n)d chữ số.") % {
            "value": format(number, "f")[:20] + "…", "n": MOST_DIGITS})
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def parse_decimal(value, *, percent: bool = False) -> Decimal | None:
    """A cell as Decimal, or None when blank. Raise CellError for anything else.

    Accepts numbers, "0,688" (decimal comma), "1.5", "1.234,5", " 2 ", and with
    percent=True a trailing "%" ("82,96%"). Percent-formatted Excel cells arrive from the
    reader already as "82.96%".
    """
    if is_blank(value):
        return None
    refuse_dates(value)
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” không phải là số.") % {"value": value})
    if isinstance(value, int):
        return trim(Decimal(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("“%(value)s” không phải là số.") % {"value": value})
        return trim(_float_to_decimal(value))
    if isinstance(value, Decimal):
        return trim(value)
    original = str(value).strip(SPACES)
    text = "".join(ch for ch in original if ch not in SPACES)
    if text.endswith("%"):
        if not percent:
            raise CellError(_("“%(value)s” không phải là số (cột này không nhận dấu %%).") % {"value": original})
        text = text[:-1]
    if "," in text and "." in text:
        # The last separator is the decimal one: "1.234,5" or "1,234.5".
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not text or text.count(".") > 1 or not all(ch.isdigit() or ch in ".+-" for ch in text):
        raise CellError(_("“%(value)s” không phải là số.") % {"value": original})
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” không phải là số.") % {"value": original}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” không phải là số.") % {"value": original})
    return trim(number)


def parse_int(value) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” phải là số nguyên.") % {"value": clean_text(value)})
    return int(number)


TRUE_WORDS = {"1", "x", "co", "có", "true", "yes", "dung", "đúng"}
FALSE_WORDS = {"0", "", "khong", "không", "false", "no", "sai"}


def parse_bool(value) -> bool | None:
    from scorecards.text import fold

    if value is True or value is False:
        return value
    text = fold(clean_text(value))
    if text in {fold(w) for w in TRUE_WORDS}:
        return True
    if text in {fold(w) for w in FALSE_WORDS}:
        return False
    raise CellError(_("“%(value)s” không hợp lệ: ghi “Có” hoặc “Không”.") % {"value": clean_text(value)})


def split_codes(value) -> list[str]:
    """A list of codes in one cell, separated by commas, semicolons or new lines."""
    text = clean_text(value)
    for sep in ";\n":
        text = text.replace(sep, ",")
    return [part.strip(SPACES) for part in text.split(",") if part.strip(SPACES)]
