"""What an import would do, read from django-import-export's Result: new, changed
(old → new per cell) and unchanged rows, and every error with its row and column.

A Preview is built the same way for the dry run and for the real import, so what the
user confirmed is what gets written (the confirm step imports again inside the
transaction and refuses rows changed since the preview).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.formatting import fmt_points

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def display(value) -> str:
    """A value as the preview shows it: numbers with decimal comma, blanks marked."""
    if value is None or value == "" or value == []:
        return _("(trống)")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, Decimal):
        return fmt_points(value, 3) if value == value.quantize(Decimal("0.001")) else str(value).replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@dataclass
class RowError:
    """One problem, located: spreadsheet row (None for the whole file), column header and
    the row's key as the file wrote it (the criterion code; "" when unknown)."""

    message: str
    row: int | None = None
    column: str | None = None
    key: str = ""

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Dòng %(row)s, cột '%(column)s': %(message)s") % {"row": self.row, "column": self.column, "message": self.message}
        if self.row is not None:
            return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class CellChange:
    column: str
    old: object
    new: object

    @property
    def old_display(self) -> str:
        return display(self.old)

    @property
    def new_display(self) -> str:
        return display(self.new)


@dataclass
class RowChange:
    """One data row of the file and what importing it does."""

    row: int
    key: str
    status: str
    changes: list[CellChange] = field(default_factory=list)
    target: object = None  # the existing object, or None for a new one


@dataclass
class Preview:
    kind: str
    filename: str = ""
    scope_label: str = ""
    rows: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False
    # What the preview saw of each row's target: {row key: fingerprint, None for new}. The
    # confirm passes it back so that rows changed in between are refused, not overwritten.
    seen: dict = field(default_factory=dict)

    def error(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.errors.append(RowError(str(message), row, str(column) if column else None))

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_status(self, status: str) -> list[RowChange]:
        return [r for r in self.rows if r.status == status]

    @property
    def new(self) -> list[RowChange]:
        return self.by_status(NEW)

    @property
    def changed(self) -> list[RowChange]:
        return self.by_status(CHANGED)

    @property
    def unchanged(self) -> list[RowChange]:
        return self.by_status(UNCHANGED)

    def summary(self) -> str:
        return _("%(new)s dòng mới, %(changed)s dòng thay đổi, %(unchanged)s dòng không đổi, %(errors)s lỗi.") % {
            "new": len(self.new), "changed": len(self.changed), "unchanged": len(self.unchanged), "errors": len(self.errors),
        }

    def to_payload(self) -> dict:
        """What a page shows of this preview, as JSON (an ImportJob's `result`): per row its
        spreadsheet number, key, status and changed cells as displayed text (old → new),
        every error with its row and column, the warnings, `applied`. `seen` is not in it
        (the job keeps it apart). `from_payload` gives the Preview back."""
        return {
            "kind": self.kind, "filename": self.filename, "scope_label": self.scope_label, "applied": self.applied,
            "rows": [[r.row, r.key, r.status, [[c.column, c.old_display, c.new_display] for c in r.changes]]
                     for r in self.rows],
            "errors": [[e.message, e.row, e.column, e.key] for e in self.errors],
            "warnings": [str(w) for w in self.warnings],
        }

    @classmethod
    def from_payload(cls, payload: dict, seen: dict | None = None) -> Preview:
        """The Preview of `to_payload`'s JSON (cells hold their displayed text; no `target`)."""
        return cls(
            kind=payload.get("kind", ""), filename=payload.get("filename", ""), scope_label=payload.get("scope_label", ""),
            applied=bool(payload.get("applied")), seen=dict(seen or {}),
            rows=[RowChange(row, key, status, [CellChange(*cell) for cell in cells])
                  for row, key, status, cells in payload.get("rows", [])],
            errors=[RowError(*error) for error in payload.get("errors", [])],
            warnings=list(payload.get("warnings", [])),
        )

    def lines(self, include_unchanged: bool = False) -> list[str]:
        """The preview as text lines (the command line prints these)."""
        out = []
        for r in self.rows:
            if r.status == NEW:
                out.append(_("+ Dòng %(row)s [%(key)s] mới: %(cells)s") % {
                    "row": r.row, "key": r.key, "cells": "; ".join(f"{c.column} = {c.new_display}" for c in r.changes)})
            elif r.status == CHANGED:
                out.append(_("~ Dòng %(row)s [%(key)s]: %(cells)s") % {
                    "row": r.row, "key": r.key,
                    "cells": "; ".join(f"{c.column}: {c.old_display} → {c.new_display}" for c in r.changes)})
            elif include_unchanged:
                out.append(_("= Dòng %(row)s [%(key)s] không đổi") % {"row": r.row, "key": r.key})
        out.extend(_("! %(warning)s") % {"warning": w} for w in self.warnings)
        out.extend(_("✗ %(error)s") % {"error": str(e)} for e in self.errors)
        out.append(self.summary())
        return out


def same(old, new) -> bool:
    blank = (None, "", [])
    if old in blank and new in blank:
        return True
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return old is not None and new is not None and Decimal(old) == Decimal(new)
        except (TypeError, ArithmeticError):
            return False
    return old == new


STATUS = {"new": NEW, "update": CHANGED, "skip": UNCHANGED}


def build(resource, result, *, filename: str = "", scope_label: str = "") -> Preview:
    """The Preview of a library Result produced by one of our resources."""
    from .base import FileErrors

    preview = Preview(kind=resource.slug, filename=filename, scope_label=scope_label, seen=dict(resource.fingerprints))
    for error in result.base_errors:
        if isinstance(error.error, FileErrors):
            preview.errors.extend(error.error.errors)
        else:
            preview.error(_message(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            preview.error(_message(error.error), resource.row_number(number))
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = resource.column_for(name)
            for message in messages:
                preview.error(message, resource.row_number(invalid.number), column.label if column else None)
    sort_errors(preview.errors, resource)
    if preview.errors:
        return preview
    for row in result.rows:
        status = STATUS.get(row.import_type)
        if status is None:
            continue
        preview.rows.append(_row_change(resource, row, status))
    preview.warnings.extend(getattr(result, "scorecard_warnings", []))
    return preview


def sort_errors(errors: list[RowError], resource) -> None:
    """In place: the file's own errors first, then by spreadsheet row and, within a row, by
    the column's place in the sheet; each named by its row's key when it has none."""
    order = {c.label: index for index, c in enumerate(resource.columns_of())}
    keys = getattr(resource, "keys_by_line", {})
    for error in errors:
        if error.row is not None and not error.key:
            error.key = keys.get(error.row, "")
    errors.sort(key=lambda e: (e.row is not None, e.row or 0, e.column is not None, order.get(e.column, len(order))))


def _row_change(resource, row, status) -> RowChange:
    present = getattr(row, "present", [])
    instance, original = row.instance, getattr(row, "original", None)
    changes = []
    for column in present:
        if resource._is_m2m(column):
            # Not set on the instance before the service saves it: the file's value.
            new = column.widget.render(column.clean(row.row_values))
        else:
            new = column.widget.render(column.get_value(instance))
        if status == NEW:
            if new not in (None, "", []):
                changes.append(CellChange(column.label, None, new))
            continue
        old = column.widget.render(column.get_value(original)) if original is not None and original.pk else None
        if not same(old, new):
            changes.append(CellChange(column.label, old, new))
    return RowChange(resource.row_number(row.number), row.key, status, changes,
                     target=original if status != NEW else None)


def _message(error) -> str:
    messages = getattr(error, "messages", None)
    return " ".join(str(m) for m in messages) if messages else str(error)
