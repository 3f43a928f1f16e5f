"""Shared helpers of the report's data assembly."""
from decimal import Decimal

from scorecards.formatting import quantize

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def mean(values: list[Decimal]) -> Decimal | None:
    return quantize(sum(values, ZERO) / len(values), 2) if values else None


def diff(current, previous):
    return None if current is None or previous is None else current - previous


# The first year of the national PAR Index (Chỉ số CCHC, published by the Ministry of Home
# Affairs since 2012). A superlative ("cao nhất từ trước đến nay") needs a published score
# for every year from this one to the year before the report's.
PAR_INDEX_FIRST_YEAR = 2012
