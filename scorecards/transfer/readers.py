"""Reading an upload into a table of cells, with the refusals users need explained.

The format is decided from the content, not the name: an XLSX file is a zip archive
(a CSV or a picture renamed .xlsx is refused), a CSV is UTF-8 text with or without BOM.
Cells come out as Python values (str, int, float, None); numbers in percent format come
out as "82.96%" so the parser can tell 82,96% from 0,8296.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from scorecards.formatting import fmt_number


class FileRefused(Exception):
    """The whole file is unusable (not one row of it can be imported)."""


@dataclass
class Sheet:
    """The rows of one sheet; `rows[i]` is spreadsheet row `first_row + i`."""

    title: str
    rows: list[list] = field(default_factory=list)
    first_row: int = 1
    # (row number, column index) of formula cells whose cached value is missing.
    missing_formula_values: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class Workbook:
    sheets: list[Sheet]
    format: str  # "xlsx" or "csv"


XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def read_upload(data: bytes, filename: str = "") -> Workbook:
    """Read bytes into a Workbook, or raise FileRefused with a Vietnamese reason."""
    limit = max_bytes()
    if len(data) > limit:
        raise FileRefused(_("Tệp lớn %(size)s MB, vượt giới hạn %(limit)s MB.") % {
            "size": fmt_number(Decimal(len(data)) / 1024 / 1024, 1), "limit": fmt_number(Decimal(limit) / 1024 / 1024, 0),
        })
    if not data.strip():
        raise FileRefused(_("Tệp trống: không có dòng dữ liệu nào."))
    name = filename.lower()
    if data.startswith(OLE_MAGIC):
        raise FileRefused(_("Tệp Excel 97–2003 (.xls) không được hỗ trợ: mở tệp và lưu lại dạng .xlsx."))
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused(_("Tệp “%(name)s” không phải là bảng tính Excel hợp lệ (có thể là tệp khác bị đổi tên).") % {"name": filename})
    if name and not name.endswith((".csv", ".txt")):
        raise FileRefused(_("Chỉ nhận tệp .xlsx hoặc .csv (UTF-8)."))
    return read_csv(data)


def read_csv(data: bytes) -> Workbook:
    if b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải là văn bản CSV (có thể là tệp nhị phân bị đổi tên)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("Tệp CSV phải mã hoá UTF-8: trong Excel chọn “CSV UTF-8 (Comma delimited)” khi lưu.")) from None
    first_line = text.split("\n", 1)[0]
    # Excel in Vietnamese locale saves CSV with ";" because "," is the decimal mark.
    delimiter = max(",;\t", key=first_line.count)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise FileRefused(_("Tệp trống: không có dòng dữ liệu nào."))
    return Workbook(sheets=[Sheet(title="CSV", rows=rows)], format="csv")


def read_xlsx(data: bytes) -> Workbook:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRefused(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx (%(error)s).") % {"error": exc.__class__.__name__}) from None
    sheets = []
    cached = None
    try:
        if not _needs_cell_details(wb, data):
            # The common case (no formula, no percent format): plain values, as fast as
            # openpyxl reads.
            for ws in wb.worksheets:
                sheets.append(Sheet(title=ws.title, rows=[list(r) for r in ws.iter_rows(values_only=True)]))
            return Workbook(sheets=sheets, format="xlsx")
        for ws in wb.worksheets:
            sheet = Sheet(title=ws.title)
            for cells in ws.iter_rows():
                row = []
                for cell in cells:
                    value = getattr(cell, "value", None)
                    if isinstance(value, str) and getattr(cell, "data_type", None) == "f":
                        if cached is None:
                            cached = _cached_values(data)
                        value = cached.get(ws.title, {}).get((cell.row, cell.column))
                        if value is None:
                            sheet.missing_formula_values.add((cell.row, cell.column - 1))
                    elif isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
                        value = format((Decimal(format(value, ".15g")) * 100).normalize(), "f") + "%"
                    row.append(value)
                sheet.rows.append(row)
            sheets.append(sheet)
    finally:
        wb.close()
    return Workbook(sheets=sheets, format="xlsx")


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _needs_cell_details(wb, data: bytes) -> bool:
    """Whether any cell may be a formula or percent-formatted (then cells are read one
    by one with their type and format; otherwise as plain values)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    for style in getattr(wb, "_cell_styles", []):
        fmt_id = style.numFmtId
        fmt = BUILTIN_FORMATS.get(fmt_id) if fmt_id < BUILTIN_FORMATS_MAX_SIZE else wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE]
        if fmt and "%" in fmt:
            return True
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and FORMULA_TAG.search(archive.read(name)):
                return True
    return False


def _cached_values(data: bytes) -> dict[str, dict[tuple[int, int], object]]:
    """The values Excel saved for formula cells (missing when the file was generated by
    a program and never opened in Excel or LibreOffice)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            values = {}
            for cells in ws.iter_rows():
                for cell in cells:
                    if getattr(cell, "value", None) is not None:
                        values[(cell.row, cell.column)] = cell.value
            out[ws.title] = values
        return out
    finally:
        wb.close()
