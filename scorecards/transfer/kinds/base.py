"""What every kind of data shares: columns, header matching, cell parsing, the diff.

A kind describes its columns and natural keys, how an object looks as a row
(`natural`, used by the export *and* by the diff, so an exported file re-imports as
"unchanged"), the checks that need the database (`check_row`), and how to write
(`apply`). The generic `plan` turns parsed rows into a Preview.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint
from django.utils.translation import gettext as _

from scorecards.text import fold
from scorecards.transfer import parsing
from scorecards.transfer.preview import CHANGED, NEW, UNCHANGED, CellChange, Preview, RowChange
from scorecards.transfer.readers import Sheet, Workbook

TEXT, DECIMAL, PERCENT, INT, BOOL, CODES, CHOICE = "text", "decimal", "percent", "int", "bool", "codes", "choice"


@dataclass(frozen=True)
class Column:
    """A column of a kind's sheet. `key` is the model field (or pseudo field) it fills."""

    key: str
    header: object  # lazy Vietnamese header, as printed in templates and exports
    type: str = TEXT
    required: bool = False
    imported: bool = True  # False: shown in exports to help the reader, ignored on import
    aliases: tuple = ()
    choices: tuple = ()  # (value, label) pairs for CHOICE columns
    width: int = 14

    @property
    def label(self) -> str:
        return str(self.header)

    def names(self) -> set[str]:
        return {fold(self.label), fold(self.key)} | {fold(a) for a in self.aliases}

    def parse(self, raw):
        if self.type == DECIMAL:
            return parsing.parse_decimal(raw)
        if self.type == PERCENT:
            return parsing.parse_decimal(raw, percent=True)
        if self.type == INT:
            return parsing.parse_int(raw)
        if self.type == BOOL:
            return None if parsing.is_blank(raw) else parsing.parse_bool(raw)
        if self.type == CODES:
            return sorted(parsing.split_codes(raw))
        text = parsing.clean_text(raw)
        if self.type == CHOICE and text:
            wanted = fold(text)
            for value, label in self.choices:
                if wanted in (fold(value), fold(str(label))):
                    return value
            raise parsing.CellError(_("“%(value)s” không phải là một trong: %(choices)s.") % {
                "value": text, "choices": ", ".join(str(label) for _value, label in self.choices)})
        return text

    def export_value(self, value):
        if self.type == CHOICE and value:
            return str(dict(self.choices).get(value, value))
        if self.type == BOOL:
            return _("Có") if value else _("Không")
        if self.type == CODES:
            return ", ".join(value or [])
        return value


@dataclass
class ParsedRow:
    number: int
    values: dict  # column key -> parsed value (present, importable columns only)
    obj: object = None  # the object with the new values assigned, set by check_row


class Kind:
    """Base of every kind; subclasses set the class attributes and the hooks."""

    slug = ""
    label = ""
    model = None
    sheet_title = ""
    scope = None  # None, "period" or "framework"
    columns: tuple[Column, ...] = ()
    key_columns: tuple[str, ...] = ()

    # ---- description -------------------------------------------------------------
    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header(self, key: str) -> str:
        return self.column(key).label

    def key_of(self, values: dict) -> tuple:
        return tuple(values.get(k) for k in self.key_columns)

    def key_label(self, key: tuple) -> str:
        return " · ".join(str(k) for k in key)

    # ---- hooks -------------------------------------------------------------------
    def queryset(self, scope):
        raise NotImplementedError

    def natural(self, obj, ctx) -> dict:
        """The object as a row: column key -> value (codes for relations)."""
        raise NotImplementedError

    def context(self, scope) -> dict:
        """Lookups loaded once per import (codes -> objects): no query per row."""
        return {}

    def existing(self, scope, ctx) -> dict:
        return {self.key_of(self.natural(obj, ctx)): obj for obj in self.queryset(scope)}

    def check_row(self, row: ParsedRow, target, scope, ctx, preview: Preview) -> bool:
        """Database-dependent checks of one row; add errors, return False when bad."""
        return True

    def check_file(self, rows: list[ParsedRow], scope, ctx, preview: Preview) -> None:
        """Checks across rows (a criteria tree's sums, ranks)."""

    def check_scope(self, scope, preview: Preview) -> None:
        """Whole-import refusals: a published or closed period, or a framework such a
        period uses, takes no change (a file that changes nothing still previews clean)."""
        from scorecards.services.records import frozen_refusal

        if scope is not None and (preview.new or preview.changed):
            refusal = frozen_refusal(scope)
            if refusal:
                preview.error(refusal)

    def apply(self, preview: Preview, scope, ctx, actor) -> None:
        raise NotImplementedError

    # ---- export ------------------------------------------------------------------
    def export_rows(self, queryset, scope):
        ctx = self.context(scope)
        for obj in queryset:
            nat = self.natural(obj, ctx)
            yield [c.export_value(nat.get(c.key)) for c in self.columns]

    # ---- import ------------------------------------------------------------------
    def read_rows(self, workbook: Workbook, preview: Preview) -> list[ParsedRow] | None:
        sheet = self.pick_sheet(workbook, preview)
        if sheet is None:
            return None
        header_index, mapping = self.find_header(sheet)
        missing = [c for c in self.columns if c.required and c.key not in mapping]
        if missing:
            if workbook.format == "xlsx" and fold(sheet.title) != fold(str(self.sheet_title)):
                preview.error(_("Trang tính “%(sheet)s” không phải trang “%(expected)s”: thiếu cột bắt buộc %(columns)s.") % {
                    "sheet": sheet.title, "expected": self.sheet_title, "columns": ", ".join(f"'{c.label}'" for c in missing)})
            else:
                preview.error(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(f"'{c.label}'" for c in missing)})
            return None
        rows = []
        columns = [(key, index, self.column(key)) for key, index in mapping.items()]
        for offset, cells in enumerate(sheet.rows[header_index + 1:], start=header_index + 1):
            number = sheet.first_row + offset
            if all(parsing.is_blank(v) for v in cells):
                continue
            values = {}
            for key, index, column in columns:
                if (number, index) in sheet.missing_formula_values:
                    preview.error(_("công thức chưa có giá trị tính sẵn; mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên."), number, column.label)
                    continue
                raw = cells[index] if index < len(cells) else None
                try:
                    values[key] = column.parse(raw)
                except parsing.CellError as exc:
                    preview.error(str(exc), number, column.label)
            rows.append(ParsedRow(number, values))
        if not rows and not preview.errors:
            preview.error(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
        return rows

    def pick_sheet(self, workbook: Workbook, preview: Preview) -> Sheet | None:
        wanted = fold(str(self.sheet_title))
        for sheet in workbook.sheets:
            if fold(sheet.title) == wanted:
                return sheet
        non_empty = [s for s in workbook.sheets if any(any(not parsing.is_blank(v) for v in r) for r in s.rows)]
        if not non_empty:
            preview.error(_("Tệp trống: không có dòng dữ liệu nào."))
            return None
        return non_empty[0]

    def find_header(self, sheet: Sheet) -> tuple[int, dict[str, int]]:
        """The header row (the first of the first ten rows naming the key column) and
        where each importable column is. Unknown columns are ignored."""
        importable = [c for c in self.columns if c.imported]
        best = (0, {})
        for index, cells in enumerate(sheet.rows[:10]):
            mapping = {}
            for position, cell in enumerate(cells):
                name = fold(parsing.clean_text(cell))
                for column in importable:
                    if name and name in column.names() and column.key not in mapping:
                        mapping[column.key] = position
                        break
            if len(mapping) > len(best[1]):
                best = (index, mapping)
            if self.key_columns[0] in mapping:
                return index, mapping
        return best

    def plan(self, rows: list[ParsedRow], scope, preview: Preview) -> dict:
        """Fill the preview from parsed rows; return the context for apply."""
        ctx = self.context(scope)
        ctx["labels"] = {c.key: c.label for c in self.columns}  # translated once, not per cell
        existing = self.existing(scope, ctx)
        seen: dict[tuple, int] = {}
        bad_rows = {e.row for e in preview.errors}
        for row in rows:
            key = self.key_of(row.values)
            if any(k in (None, "") for k in key):
                for k, value in zip(self.key_columns, key, strict=False):
                    if value in (None, "") and (row.number, self.header(k)) not in {(e.row, e.column) for e in preview.errors}:
                        preview.error(_("bắt buộc, không được để trống."), row.number, self.header(k))
                continue
            if key in seen:
                preview.error(_("trùng với dòng %(row)s (%(key)s).") % {"row": seen[key], "key": self.key_label(key)},
                              row.number, self.header(self.key_columns[0]))
                continue
            seen[key] = row.number
            target = existing.get(key)
            if not self.check_row(row, target, scope, ctx, preview) or row.number in bad_rows:
                continue
            change = self.diff(row, target, ctx)
            change.obj = row.obj
            preview.rows.append(change)
        self.check_file(rows, scope, ctx, preview)
        self.check_scope(scope, preview)
        return ctx

    def diff(self, row: ParsedRow, target, ctx) -> RowChange:
        key = self.key_label(self.key_of(row.values))
        labels = ctx.get("labels") or {c.key: c.label for c in self.columns}
        if target is None:
            changes = [CellChange(labels[k], None, v) for k, v in row.values.items() if not _blank(v)]
            return RowChange(row.number, key, NEW, changes, row.values, None)
        old = self.natural(target, ctx)
        changes = [CellChange(labels[k], old.get(k), v) for k, v in row.values.items() if not same(old.get(k), v)]
        return RowChange(row.number, key, CHANGED if changes else UNCHANGED, changes, row.values, target)

    # ---- shared validation helpers -----------------------------------------------
    def validate_instance(self, obj, row: ParsedRow, preview: Preview, fields: list[str]) -> bool:
        """Run the model's field and check-constraint validation; map errors to columns."""
        ok = True
        try:
            obj.clean_fields(exclude=[f.name for f in obj._meta.fields if f.name not in fields])
        except ValidationError as exc:
            ok = False
            for name, messages in exc.message_dict.items():
                for message in messages:
                    preview.error(message, row.number, self._column_for(name))
        for constraint in obj._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                try:
                    constraint.validate(type(obj), obj)
                    continue
                except ValidationError as exc:
                    message = exc.messages[0]
                except ValueError:
                    # A violation message with a bare "%" ("100%") breaks Django's
                    # "% {name}" formatting; the message itself is what we want.
                    message = str(constraint.violation_error_message)
                ok = False
                name = next((f for f in fields if f in str(constraint.condition)), None)
                preview.error(message, row.number, self._column_for(name) if name else None)
        return ok

    def _column_for(self, field_name: str) -> str | None:
        for c in self.columns:
            if c.key == field_name:
                return c.label
        return None


class ModelKind(Kind):
    """A kind whose rows map onto one model's objects, saved one by one (small tables)."""

    audit_action = ""

    def new_object(self, key: tuple, scope, ctx):
        return self.model()

    def assign(self, obj, values: dict, ctx) -> None:
        for key, value in values.items():
            setattr(obj, key, value)

    def check_row(self, row, target, scope, ctx, preview):
        obj = clone(target) if target is not None else self.new_object(self.key_of(row.values), scope, ctx)
        if not self.check_codes(row, ctx, preview):
            return False
        self.assign(obj, row.values, ctx)
        row.obj = obj
        fields = [f.name for f in obj._meta.fields if f.name in row.values or f.attname in row.values]
        return self.validate_instance(obj, row, preview, fields)

    def check_codes(self, row, ctx, preview) -> bool:
        return True

    def apply(self, preview, scope, ctx, actor):
        from scorecards.services.records import save_record

        for change in preview.rows:
            if change.status == UNCHANGED:
                continue
            # The one door: Sở Nội vụ only, nothing of a published period, audited per row.
            save_record(change.obj, actor=actor)
            self.after_save(change, ctx)
        self.apply_audit(preview, scope, actor)

    def apply_audit(self, preview, scope, actor):
        if self.audit_action and (preview.new or preview.changed):
            from scorecards.models import AuditEvent

            AuditEvent.log(self.audit_action, actor=actor, period=scope if self.scope == "period" else None,
                           file=preview.filename, new=len(preview.new), changed=len(preview.changed),
                           keys=[c.key for c in preview.rows if c.status != UNCHANGED][:200])

    def after_save(self, change, ctx) -> None:
        pass


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def same(old, new) -> bool:
    if _blank(old) and _blank(new):
        return True
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        try:
            return old is not None and new is not None and Decimal(old) == Decimal(new)
        except (TypeError, ArithmeticError):
            return False
    return old == new


def clone(obj):
    """A copy of a model instance to validate new values on without touching the original."""
    return copy.copy(obj)


class PeriodScoped:
    """Kinds whose rows belong to one evaluation period (a published or closed one refuses)."""

    scope = "period"
