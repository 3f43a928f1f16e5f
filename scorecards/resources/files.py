"""Files in and out: an upload as a tablib Dataset for a resource, a Dataset as XLSX or CSV.

Reading goes through scorecards.transfer.readers (the format from the content, limits on
size, rows, columns; a Vietnamese refusal instead of a traceback). This module then picks
the resource's sheet, finds its header row (the first of the first ten rows that names
the key column), drops blank rows and remembers each data row's spreadsheet number, so
that every message names the row the user sees in Excel.

Writing keeps numbers as numbers in XLSX (Decimal cells, never text) and guards text that a
spreadsheet would take for a formula (= + - @): in XLSX the cell is a string with Excel's
quote prefix, in CSV it gets a leading apostrophe, which the import takes off again. CSV
is written the way a Vietnamese spreadsheet reads it: ";" between cells and a decimal
comma (1,5), UTF-8 with BOM; the import reads both that and the international form.
Dates are date cells shown day first in XLSX and "10/04/2025" in CSV, as the import
(cells.parse_date) reads them.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from scorecards.text import ascii_slug, fold
from scorecards.transfer.readers import FileRefused, Sheet, read_upload  # noqa: F401 (FileRefused re-raised here)

from . import cells

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
MISSING_VALUE = _("công thức chưa có giá trị tính sẵn; mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên.")

__all__ = ["FileRefused", "RawUpload", "read_raw", "prepare", "write", "template", "content_type", "file_name"]


class RawUpload(tablib.Dataset):
    """An upload as read, every sheet and row kept: the resource picks its sheet and header
    (ScorecardResource.before_import calls `prepare`)."""

    def __init__(self, workbook):
        super().__init__()
        self.workbook = workbook

    def __bool__(self) -> bool:
        # Its rows are filled in by the resource; the reader refused empty files already.
        return True


@dataclass
class Prepared:
    """What `prepare` learnt about the rows it put in the dataset."""

    row_numbers: list[int] = field(default_factory=list)  # spreadsheet row of each data row
    missing: set[tuple[int, int]] = field(default_factory=set)  # (data row, column) of formulas without value
    sheet: str = ""  # the sheet read, when it is not the resource's own


class SpreadsheetFormat(base_formats.Format):
    """The one import format the admin offers: XLSX or CSV, told apart by content, read by
    scorecards.transfer.readers under the size, row and column limits."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # the library passes one; the reader decides by content

    def get_title(self):
        return _("Excel (.xlsx) hoặc CSV")

    def create_dataset(self, in_stream):
        return read_raw(in_stream)

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "xlsx"

    def can_export(self):
        return False


class XLSXExport(base_formats.XLSX):
    """Exports through our writer (numbers as numbers, formula guards, column widths)."""

    def get_title(self):
        return _("Excel (.xlsx)")

    def can_import(self):
        return False


class CSVExport(base_formats.CSV):
    """CSV as a Vietnamese spreadsheet reads it (";" and a decimal comma, UTF-8 with BOM)."""

    def get_title(self):
        return _("CSV (dấu chấm phẩy, dấu phẩy thập phân)")

    def can_import(self):
        return False


def max_mb() -> int:
    from scorecards.transfer.readers import max_bytes

    return max_bytes() // (1024 * 1024)


def content_type(fmt: str) -> str:
    return XLSX_TYPE if fmt == "xlsx" else CSV_TYPE


def read_raw(data: bytes, filename: str = "") -> RawUpload:
    """Every sheet of an upload; FileRefused with a Vietnamese reason (never a traceback)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return RawUpload(read_upload(data, filename))


def prepare(resource_class, dataset: RawUpload) -> Prepared:
    """Fill `dataset` with the resource's sheet: headers from its header row, the data rows
    below it without blank ones. FileRefused when there is nothing to import."""
    sheet = _pick_sheet(resource_class, dataset.workbook)
    header_index = _find_header(resource_class, sheet)
    headers = [cells.clean_text(h) or f"__{i}" for i, h in enumerate(sheet.rows[header_index])]
    other_sheet = dataset.workbook.format == "xlsx" and fold(sheet.title) not in sheet_titles(resource_class)
    prepared = Prepared(sheet=sheet.title if other_sheet else "")
    while headers and headers[-1].startswith("__") and all(
            len(r) < len(headers) or cells.is_blank(r[len(headers) - 1]) for r in sheet.rows[header_index + 1:]):
        headers.pop()  # trailing columns with neither header nor data
    width = len(headers)
    rows, wider = [], []
    for index in range(header_index + 1, len(sheet.rows)):
        full = list(sheet.rows[index])
        if any(not cells.is_blank(v) for v in full[width:]):
            wider.append(sheet.first_row + index)
        values = full[:width]
        if all(cells.is_blank(v) for v in values):
            continue
        values += [None] * (width - len(values))
        number = sheet.first_row + index
        for column in range(width):
            if (number, column) in sheet.missing_formula_values:
                prepared.missing.add((len(rows) + 1, column))
        rows.append(values)
        prepared.row_numbers.append(number)
    if wider:
        hint = _(" Tệp CSV phân cách bằng dấu phẩy: số có dấu phẩy thập phân phải đặt trong ngoặc kép, hoặc lưu tệp "
                 "với dấu chấm phẩy (;).") if dataset.workbook.format == "csv" else ""
        raise FileRefused(_("Dòng %(rows)s có nhiều ô hơn dòng tiêu đề.") % {
            "rows": ", ".join(str(n) for n in wider[:10])} + hint)
    if not rows:
        raise FileRefused(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    dataset.wipe()
    dataset.headers = headers
    for values in rows:
        dataset.append(values)
    return prepared


def sheet_titles(resource_class) -> set[str]:
    """The resource's sheet title in every language of the site, folded."""
    from django.conf import settings
    from django.utils import translation

    titles = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(fold(str(resource_class.sheet_title)))
    return titles


def _pick_sheet(resource_class, workbook) -> Sheet:
    """The sheet named like the resource's, else the first sheet with data."""
    wanted = sheet_titles(resource_class)
    for sheet in workbook.sheets:
        if fold(sheet.title) in wanted:
            return sheet
    non_empty = [s for s in workbook.sheets if any(any(not cells.is_blank(v) for v in r) for r in s.rows)]
    if not non_empty:
        raise FileRefused(_("Tệp trống: không có dòng dữ liệu nào."))
    return non_empty[0]


def _find_header(resource_class, sheet: Sheet) -> int:
    """The first of the first ten rows naming the key column (else the one naming most columns)."""
    columns = [c for c in resource_class.columns() if not c.readonly]
    key_names = set().union(*(c.names() for c in columns if c.key)) if any(c.key for c in columns) else set()
    best, best_count = 0, 0
    for index, row in enumerate(sheet.rows[:10]):
        names = {fold(cells.clean_text(v)) for v in row}
        if names & key_names:
            return index
        count = sum(1 for c in columns if names & c.names())
        if count > best_count:
            best, best_count = index, count
    return best


# ---- writing ---------------------------------------------------------------------------

def write(resource_class, dataset: tablib.Dataset, fmt: str, *, guide: bool = False) -> bytes:
    return _write_xlsx(resource_class, dataset, guide) if fmt == "xlsx" else _write_csv(dataset)


def template(resource_class, fmt: str, scope=None) -> bytes:
    """The sheet to fill in: the header row and the rows the resource fills from its scope
    (ScorecardResource.template_dataset: every leaf criterion of the period with its code,
    name and maximum, ...); XLSX also gets a sheet that says how to fill it in."""
    dataset = resource_class(scope=scope).template_dataset()
    return write(resource_class, dataset, fmt, guide=True)


# The longest file name stem (without "mau-" and the extension): whole words are kept.
FILE_STEM_CHARS = 80


def file_name(resource_class, scope, fmt: str, *, template: bool = False) -> str:
    """A Vietnamese file name without diacritics (safe in every browser's Content-Disposition):
    the kind, then the scope — "diem-2026-ubnd-tinh-dien-bien.xlsx", "mau-phan-cong-2026-...",
    "bo-chi-so-cchc-cap-tinh-ap-dung-tu-nam-2025-minh-hoa.xlsx" — "mau-" first for a template."""
    kind = ascii_slug(str(getattr(resource_class, "file_label", "") or resource_class.label))
    part = scope_slug(scope)
    if part.startswith(kind + "-"):
        part = part[len(kind) + 1:]  # "bo-chi-so" + "bo-chi-so-cchc-..." says it once
    stem = "-".join(p for p in (kind, part) if p)
    if len(stem) > FILE_STEM_CHARS:
        stem = stem[:FILE_STEM_CHARS + 1].rsplit("-", 1)[0]
    return f"{'mau-' if template else ''}{stem or 'du-lieu'}.{fmt}"


def scope_slug(scope) -> str:
    """The scope as users name it: a period by year and subject (UBND written short, as
    people write it), a round by its year, a framework or questionnaire by its name."""
    from scorecards.models import EvaluationPeriod, Round

    if scope is None:
        return ""
    if isinstance(scope, EvaluationPeriod):
        return f"{scope.year}-{ascii_slug(scope.subject.name).replace('uy-ban-nhan-dan', 'ubnd')}"
    if isinstance(scope, Round):
        return str(scope.year)
    return ascii_slug(getattr(scope, "name", "") or str(scope))


def _write_xlsx(resource_class, dataset, guide: bool) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(resource_class.sheet_title))
    fill_sheet(ws, resource_class.columns(), dataset)
    if guide:
        _guide_sheet(wb, resource_class)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill_sheet(ws, columns, dataset) -> None:
    """Write `dataset` on a write-only sheet: the columns' widths, the header row in bold and
    frozen, then the rows (cells as `xlsx_cell` makes them)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in dataset.headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in dataset:
        ws.append([xlsx_cell(ws, value) for value in row])


def xlsx_cell(ws, value):
    """Numbers as numbers, dates day first, text that looks like a formula kept as text."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a string, never evaluated
        cell.quotePrefix = True
        return cell
    if isinstance(value, Decimal):
        return cells.trim(value)
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD/MM/YYYY"  # day first, as the import reads a typed date
        return cell
    return value


def _write_csv(dataset) -> bytes:
    out = io.StringIO(newline="")
    # ";" and a decimal comma: what Excel and LibreOffice in a Vietnamese locale read as
    # the same numbers ("1,5" is one and a half, not fifteen; "1.500" would be 1500).
    writer = csv.writer(out, delimiter=";")
    writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow([_csv_value(v) for v in row])
    # BOM: Excel opens UTF-8 CSV with Vietnamese letters correctly only with it.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, Decimal):
        return format(cells.trim(value), "f").replace(".", ",")
    if isinstance(value, date):
        return cells.format_date(value)
    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        return "'" + value
    return value


def _guide_sheet(wb, resource_class):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws = wb.create_sheet(_("Hướng dẫn"))
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 80
    head = []
    for text in (_("Cột"), _("Bắt buộc"), _("Cách ghi")):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(head)
    for column in resource_class.columns():
        ws.append([column.label, _("Có") if column.required and not column.readonly else "", describe(column)])
    ws.append([])
    ws.append([_("Nhập dữ liệu ở trang “%(sheet)s”; giữ nguyên dòng tiêu đề. Số thập phân ghi dấu phẩy hoặc dấu chấm "
                 "(0,688 hoặc 0.688). Ô để trống xoá giá trị cũ; cột không có trong tệp thì giữ nguyên. Tệp CSV: "
                 "UTF-8, các ô cách nhau bởi dấu chấm phẩy (;) hoặc dấu phẩy.") % {"sheet": resource_class.sheet_title}])


def describe(column) -> str:
    """How to fill a column in, for the template's guide sheet."""
    from . import widgets

    if column.readonly:
        return _("Chỉ để tham khảo, không được nhập.")
    if column.guide:
        return str(column.guide)
    widget = column.widget
    if isinstance(widget, widgets.PercentWidget):
        return _("Tỷ lệ phần trăm, có hoặc không có dấu %, ví dụ 82,96.")
    if isinstance(widget, widgets.PointsWidget):
        return _("Số, tối đa 3 chữ số thập phân, ví dụ 0,688.")
    if isinstance(widget, widgets.IntWidget):
        return _("Số nguyên.")
    if isinstance(widget, widgets.BoolWidget):
        return _("Có hoặc Không.")
    if isinstance(widget, widgets.DateWidget):
        return _("Ngày/tháng/năm, ngày trước tháng sau, ví dụ 10/04/2025 hoặc 10/4/2025.")
    if isinstance(widget, widgets.CodeListWidget):
        return _("Các mã cách nhau bởi dấu chấm phẩy (;) hoặc dấu phẩy.")
    if isinstance(widget, widgets.CodesWidget):
        return _("Các mã cách nhau bởi dấu phẩy.")
    if isinstance(widget, widgets.ChoiceWidget):
        return _("Một trong: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in widget.choices)}
    return _("Văn bản.")
