"""What Vietnamese users type is read as they mean it; anything else is refused clearly."""
from decimal import Decimal

import pytest

from scorecards.resources.cells import CellError, clean_text, parse_decimal, parse_int, split_codes


@pytest.mark.parametrize("raw, expected", [
    ("0,688", Decimal("0.688")), ("0.688", Decimal("0.688")), (" 1.5 ", Decimal("1.5")), ("\u00a02\u00a0", Decimal("2")),
    ("1.234,5", Decimal("1234.5")), ("1,234.5", Decimal("1234.5")), (0.688, Decimal("0.688")), (3, Decimal("3")),
    (1.2500000000000002, Decimal("1.25")), ("0,6880", Decimal("0.688")), ("2,00", Decimal("2")), ("", None), ("   ", None), (None, None), ("-0,5", Decimal("-0.5")),
])
def test_it_reads_numbers_as_typed(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw, expected", [("82,96%", Decimal("82.96")), ("82,96", Decimal("82.96")),
                                           (" 82.96 % ", Decimal("82.96")), ("100%", Decimal("100"))])
def test_it_reads_percentages_with_or_without_the_sign(raw, expected):
    assert parse_decimal(raw, percent=True) == expected


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "1.2.3", "1 điểm", "12%", "--1", "1e5x", True])
def test_it_refuses_text_in_number_cells(raw):
    with pytest.raises(CellError, match="không phải là số"):
        parse_decimal(raw)


def test_it_refuses_fractions_in_integer_cells():
    with pytest.raises(CellError, match="số nguyên"):
        parse_int("2,5")
    assert parse_int("7") == 7


def test_it_strips_the_formula_guard_and_splits_codes():
    assert clean_text("'=SUM(A1)") == "=SUM(A1)"
    assert clean_text("'- gạch đầu dòng") == "- gạch đầu dòng"
    assert clean_text("'bình thường") == "'bình thường"
    assert split_codes("so-tu-phap; so-tai-chinh,\nso-noi-vu") == ["so-tu-phap", "so-tai-chinh", "so-noi-vu"]


# --- dates: day first, as Vietnamese write them --------------------------------------------

from datetime import date, datetime  # noqa: E402

from scorecards.resources.cells import parse_date  # noqa: E402


@pytest.mark.parametrize("raw, expected", [
    ("10/04/2025", date(2025, 4, 10)), ("10/4/2025", date(2025, 4, 10)), ("10-04-2025", date(2025, 4, 10)),
    ("10.04.2025", date(2025, 4, 10)), (" 1/7/2025 ", date(2025, 7, 1)), ("10 / 4 / 2025", date(2025, 4, 10)),
    ("10/04/25", date(2025, 4, 10)), ("2025-04-10", date(2025, 4, 10)), ("28/02/2025", date(2025, 2, 28)),
    (datetime(2025, 4, 10), date(2025, 4, 10)), (date(2025, 4, 10), date(2025, 4, 10)),
    ("", None), ("  ", None), (None, None),
])
def test_it_reads_dates_day_first(raw, expected):
    assert parse_date(raw) == expected


def test_a_month_first_date_is_refused_never_swapped():
    with pytest.raises(CellError) as error:
        parse_date("04/18/2025")
    assert str(error.value) == ("“04/18/2025” không phải là ngày: không có tháng 18. Ghi ngày trước, tháng sau "
                                "(ngày/tháng/năm), ví dụ 18/04/2025.")


@pytest.mark.parametrize("raw, message", [
    ("31/02/2025", "“31/02/2025” không phải là ngày có thật"), ("32/13/2025", "không phải là ngày có thật"),
    ("2025/04/10", "không phải là ngày: ghi ngày/tháng/năm"), ("10/04", "không phải là ngày: ghi ngày/tháng/năm"),
    ("mười tháng tư", "không phải là ngày"), ("10/04/2025 17:00", "không phải là ngày"),
    (45757, "“45757” không phải là ngày"), (datetime(2025, 4, 10, 17, 0), "có cả giờ"),
])
def test_what_is_not_a_day_is_refused(raw, message):
    with pytest.raises(CellError, match=message):
        parse_date(raw)


@pytest.mark.parametrize("value", ["9" * 40, 10 ** 40, 1e300, "1" + "0" * 12])
def test_a_huge_number_is_a_message_not_a_python_error(value):
    """Rounding a 40-digit cell ran past Decimal's precision and listed a bare InvalidOperation."""
    with pytest.raises(CellError, match="quá lớn"):
        parse_decimal(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_float_that_is_no_number_is_refused(value):
    with pytest.raises(CellError, match="không phải là số"):
        parse_decimal(value)
