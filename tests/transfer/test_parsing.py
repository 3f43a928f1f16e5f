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
