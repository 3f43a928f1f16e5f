"""Small openpyxl helpers shared by the annex and scorecard workbooks: numbers stay numbers
(with a 0.00 format), text a spreadsheet would take for a formula stays text."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl.styles import Alignment, Border, Font, Side

from .common import xml_safe

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True, size=11)
PLAIN = Font(name="Times New Roman", size=11)
ITALIC = Font(name="Times New Roman", italic=True, size=11)
RED = Font(name="Times New Roman", bold=True, size=11, color="B00020")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top")
BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def number_format(places: int) -> str:
    return "0." + "0" * places if places else "0"


def put(ws, row: int, col: int, value, *, font=PLAIN, align=None, border=True, places: int = 2):
    """Write one cell: Decimal -> float with a number format, formula-like text -> text."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Decimal):
        cell.value = float(value)
        cell.number_format = number_format(places)
        align = align or RIGHT
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        align = align or Alignment(horizontal="center", vertical="top")
    elif value is None:
        cell.value = None
    else:
        text = xml_safe(str(value))
        cell.value = text
        if text.startswith(FORMULA_CHARS):
            cell.data_type = "s"  # a string, never evaluated
            cell.quotePrefix = True
    cell.font = font
    cell.alignment = align or LEFT
    if border:
        cell.border = BOX
    return cell


def line(ws, row: int, text: str, last_col: int, *, font=PLAIN, align=None):
    """A line of text merged across the table's width."""
    put(ws, row, 1, text, font=font, align=align or Alignment(horizontal="center", vertical="center", wrap_text=True),
        border=False)
    if last_col > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)


def sheet_title(text: str, used: set[str]) -> str:
    base = (xml_safe(text).translate(BAD_SHEET_CHARS).strip() or "Sheet")[:28]
    title, i = base, 2
    while title.lower() in used:
        title = f"{base[:25]} ({i})"
        i += 1
    used.add(title.lower())
    return title


def save(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
