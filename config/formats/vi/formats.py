"""Vietnamese formats that Django's own "vi" locale lacks (it has no input formats, so
"10/04/2025" fell back to month first: 4 October, and "18/04/2025" was refused). Day first
everywhere, as people type it; ISO (2025-04-10) as date pickers send it.

strptime reads %d, %m and %H with or without a leading zero, so "%d/%m/%Y" also takes
10/4/2025 and "%d/%m/%Y %H:%M" also takes 10/4/2025 8:05.
"""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each list is also how a form shows a stored value (and what the admin's
# calendar writes into the box): 10/04/2025, 17:00.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 10/04/2025, 10/4/2025
    "%d-%m-%Y",  # 10-04-2025
    "%d.%m.%Y",  # 10.04.2025
    "%Y-%m-%d",  # 2025-04-10 (ISO, what date pickers send)
    "%d/%m/%y",  # 10/04/25
]
TIME_INPUT_FORMATS = [
    "%H:%M",     # 14:30, 8:05
    "%H:%M:%S",  # 14:30:00
    "%Hh%M",     # 14h30
    "%Hh",       # 14h
]
DATETIME_INPUT_FORMATS = [
    *(f"{day} {clock}" for day in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d") for clock in TIME_INPUT_FORMATS),
    *(f"{clock} {day}" for day in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y") for clock in ("%H:%M", "%Hh%M")),  # 17:00 10/04/2025, as the app prints it
    *(f"{day}, {clock}" for day in ("%d/%m/%Y",) for clock in ("%H:%M",)),  # 10/04/2025, 14:30
    "%Y-%m-%dT%H:%M",  # datetime-local inputs
    "%Y-%m-%dT%H:%M:%S",
    *DATE_INPUT_FORMATS,  # a date alone: midnight (a deadline field makes it 17:00, scorecards.forms)
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
