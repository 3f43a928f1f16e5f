"""Writing a kind's rows as XLSX or CSV, and the empty templates users fill in.

Numbers stay numbers in XLSX (Decimal cells, never text). Text that a spreadsheet would
take for a formula (starting with = + - @) is guarded: in XLSX the cell is stored as a
string with Excel's quote prefix, in CSV it gets a leading apostrophe (OWASP), which the
import takes off again, so a round trip keeps the text.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def content_type(fmt: str) -> str:
    return XLSX_TYPE if fmt == "xlsx" else CSV_TYPE


def write(kind, rows, fmt: str) -> bytes:
    return write_xlsx(kind, rows) if fmt == "xlsx" else write_csv(kind, rows)


def write_xlsx(kind, rows, with_guide: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(kind.sheet_title))
    for index, column in enumerate(kind.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in kind.columns:
        cell = WriteOnlyCell(ws, value=column.label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_xlsx_cell(ws, value) for value in row])
    if with_guide:
        _guide_sheet(wb, kind)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_cell(ws, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a string, never evaluated
        cell.quotePrefix = True
        return cell
    if isinstance(value, Decimal):
        # openpyxl writes Decimal as a number; normalise 1.500 -> 1.5 for a clean cell.
        return value.normalize() if value == value.to_integral() else value
    return value


def write_csv(kind, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.label for c in kind.columns])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    # BOM: Excel opens UTF-8 CSV with Vietnamese letters correctly only with it.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, str) and value.startswith(FORMULA_CHARS):
        return "'" + value
    return value


def template(kind, fmt: str) -> bytes:
    return write_xlsx(kind, [], with_guide=True) if fmt == "xlsx" else write_csv(kind, [])


def _guide_sheet(wb, kind):
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
    for column in kind.columns:
        ws.append([column.label, _("Có") if column.required else "", _describe(column)])
    ws.append([])
    ws.append([_("Nhập dữ liệu ở trang “%(sheet)s”; giữ nguyên dòng tiêu đề. Số thập phân ghi dấu phẩy hoặc dấu chấm "
                 "(0,688 hoặc 0.688). Ô để trống xoá giá trị cũ; cột không có trong tệp thì giữ nguyên.") % {"sheet": kind.sheet_title}])


def _describe(column) -> str:
    from .kinds.base import BOOL, CHOICE, CODES, DECIMAL, INT, PERCENT

    if not column.imported:
        return _("Chỉ để tham khảo, không được nhập.")
    return {
        DECIMAL: _("Số, tối đa 3 chữ số thập phân, ví dụ 0,688."),
        PERCENT: _("Tỷ lệ phần trăm, có hoặc không có dấu %, ví dụ 82,96."),
        INT: _("Số nguyên."),
        BOOL: _("Có hoặc Không."),
        CODES: _("Các mã cách nhau bởi dấu phẩy."),
        CHOICE: _("Một trong: %(choices)s.") % {"choices": ", ".join(str(label) for _v, label in column.choices)},
    }.get(column.type, _("Văn bản."))
