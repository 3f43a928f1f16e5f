"""Widgets of django-import-export for cells as Vietnamese users type them.

Each `clean` turns a cell into the model's value or raises ValueError with a Vietnamese
message (the library reports it under the column); each `render` gives the export value:
numbers stay Decimal (XLSX keeps them numbers), choices and booleans are words.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from import_export import widgets

from scorecards.text import fold

from . import cells


class TextWidget(widgets.CharWidget):
    """Text: surrounding spaces dropped, the export's formula-guard apostrophe removed."""

    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        cells.refuse_dates(value)  # a CellError is a ValueError: the library reports it on the cell
        text = cells.clean_text(value)
        if self.required and not text:
            raise ValueError(_("bắt buộc, không được để trống."))
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PointsWidget(widgets.DecimalWidget):
    """Points and other decimals: "0,688", "0.688", " 1 ", numbers stored as text; blank is None."""

    percent = False

    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=False)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        number = cells.parse_decimal(value, percent=self.percent)
        if number is None and self.required:
            raise ValueError(_("bắt buộc, không được để trống."))
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None
        return cells.trim(Decimal(value))


class PercentWidget(PointsWidget):
    """A percentage, with or without "%" (82,96 and 82,96% are both 82.96)."""

    percent = True


class IntWidget(widgets.IntegerWidget):
    def __init__(self, required: bool = False, default=None):
        super().__init__(coerce_to_string=False)
        self.required = required
        self.default = default

    def clean(self, value, row=None, **kwargs):
        number = cells.parse_int(value)
        if number is None:
            if self.required:
                raise ValueError(_("bắt buộc, không được để trống."))
            return self.default
        return number

    def render(self, value, obj=None, **kwargs):
        return value


class BoolWidget(widgets.BooleanWidget):
    """Có / Không (also x, 1, 0, true, false); blank is `default`."""

    def __init__(self, default: bool | None = None):
        super().__init__(coerce_to_string=True)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if cells.is_blank(value):
            return self.default
        return cells.parse_bool(value)

    def render(self, value, obj=None, **kwargs):
        return _("Có") if value else _("Không")


class DateWidget(widgets.Widget):
    """A day: "10/04/2025", "10/4/2025", "10-04-2025" or an Excel date cell (cells.parse_date);
    blank is None. Exported as a date (XLSX date cell, "10/04/2025" in CSV)."""

    def __init__(self, required: bool = False):
        super().__init__(coerce_to_string=False)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        day = cells.parse_date(value)
        if day is None and self.required:
            raise ValueError(_("bắt buộc, không được để trống."))
        return day

    def render(self, value, obj=None, **kwargs):
        return value


class CodeListWidget(widgets.Widget):
    """Several codes in one cell ("1.1; 1.2", "ha-nam, nam-dinh" or one a line), kept as text in a
    canonical form (natural order, ", " between, each once) so that a file that names the same
    codes in another order changes nothing. The resource resolves the codes."""

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        cells.refuse_dates(value)  # "1.1" typed into a General cell may have become a date
        return join_codes(cells.split_codes(value))

    def render(self, value, obj=None, **kwargs):
        return value or ""


def join_codes(codes) -> str:
    from scorecards.text import code_sort_key

    return ", ".join(sorted(set(codes), key=lambda c: (code_sort_key(c), c)))


class ChoiceWidget(widgets.Widget):
    """A choice by its code or its (Vietnamese) label; exported as the label."""

    def __init__(self, choices, default=None, aliases=None):
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self.default = default
        self.aliases = aliases or {}  # {short word people type: code}, compared folded

    def clean(self, value, row=None, **kwargs):
        cells.refuse_dates(value)
        text = cells.clean_text(value)
        if not text:
            return self.default
        wanted = fold(text)
        for code, label in self.choices:
            if wanted in (fold(code), fold(str(label))):
                return code
        for word, code in self.aliases.items():
            if wanted == fold(word):
                return code
        raise ValueError(_("“%(value)s” không phải là một trong: %(choices)s.") % {
            "value": text, "choices": "; ".join(str(label) for _code, label in self.choices)})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class CodeWidget(widgets.ForeignKeyWidget):
    """A related object by its natural key (a code, a number), looked up once per import.

    `lookup` is a callable resource -> {key: object}; `message` names what is missing.
    """

    def __init__(self, model, field: str, *, message, required: bool = True, key=str):
        super().__init__(model, field=field)
        self.message = message
        self.required = required
        self.key = key
        self.table: dict | None = None

    def load(self, objects) -> None:
        self.table = {self.key(getattr(o, self.field)): o for o in objects}

    def clean(self, value, row=None, **kwargs):
        cells.refuse_dates(value)  # a CellError is a ValueError: the library reports it on the cell
        text = cells.clean_text(value)
        if not text:
            if self.required:
                raise ValueError(_("bắt buộc, không được để trống."))
            return None
        try:
            code = self.key(text) if self.key is str else self.key(cells.parse_int(text))
        except (cells.CellError, TypeError, ValueError):
            raise ValueError(self.message % {"code": text}) from None
        if self.table is None:
            self.load(self.get_queryset(value, row, **kwargs))
        try:
            return self.table[code]
        except KeyError:
            raise ValueError(self.message % {"code": text}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class CodesWidget(widgets.ManyToManyWidget):
    """Several related objects by their codes in one cell ("so-a, so-b" or one a line)."""

    def __init__(self, model, field: str = "code", *, message):
        super().__init__(model, field=field)
        self.message = message
        self.table: dict | None = None

    def clean(self, value, row=None, **kwargs):
        codes = cells.split_codes(value)
        if self.table is None:
            self.table = {getattr(o, self.field): o for o in self.model.objects.all()}
        missing = [c for c in codes if c not in self.table]
        if missing:
            raise ValueError(self.message % {"code": ", ".join(missing)})
        return [self.table[c] for c in codes]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        objects = value.all() if hasattr(value, "all") else value
        return ", ".join(sorted(getattr(o, self.field) for o in objects))
