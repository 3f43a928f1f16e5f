"""English pages of a Vietnamese app: the users are the same people, so dates are typed and
shown day first as on the Vietnamese pages (10/04/2025 is 10 April in either language).
Only the words change with the language, not the dates."""
from config.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
)
