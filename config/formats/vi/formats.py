"""Vietnamese formats that Django's own "vi" locale lacks (it has no input formats, so
"10/04/2025" fell back to month first: 4 October). Day first everywhere, as people type it."""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 10/04/2025, 10/4/2025
    "%d-%m-%Y",  # 10-04-2025
    "%d.%m.%Y",  # 10.04.2025
    "%d/%m/%y",  # 10/04/25
    "%Y-%m-%d",  # 2025-04-10 (ISO, what date pickers send)
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%H:%M %d/%m/%Y",  # as the app prints a deadline: 17:00 10/04/2025
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # datetime-local inputs
    *DATE_INPUT_FORMATS,
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M", "%Hh%M", "%Hh"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
