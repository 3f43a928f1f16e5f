"""Reading an upload into a table of cells, with the refusals users need explained.

The format is decided from the content, not the name: an XLSX file is a zip archive
(a CSV or a picture renamed .xlsx is refused), a CSV is UTF-8 text with or without BOM.
Cells come out as Python values (str, int, float, bool, datetime, None); numbers in
percent format come out as "82.96%" so the parser can tell 82,96% from 0,8296. Values
Excel turned into dates stay datetime objects: the parser of the column says what
happened.

An upload is untrusted: a few kilobytes can declare a million rows, a 16 384-column
row, a 40 MB comment or a sheet that inflates a thousandfold. Only cells that hold data
are kept, and the limits in settings (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS,
IMPORT_MAX_COLUMNS, IMPORT_MAX_UNCOMPRESSED_BYTES, IMPORT_MAX_CELL_CHARS) refuse a
file, with a Vietnamese message naming the limit, before it can hold a worker:

* the zip is inspected before openpyxl opens it (total uncompressed size, each member's
  compression ratio, number of members);
* XML is parsed with defusedxml (openpyxl uses it whenever it is installed: see
  requirements.txt), so no entity expansion;
* a sheet's declared <dimension> is ignored (it can lie both ways) and no worksheet is
  parsed just to size it; cells without content (formatted, empty) are taken out of
  the XML before it is parsed; only cells that hold a value are kept, placed by their
  column; empty rows between data rows are [] and trailing ones dropped; reading stops
  at the first row or cell past a limit;
* anything unexpected while reading becomes FileRefused ("Không đọc được tệp…"), never
  a traceback.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from scorecards.formatting import fmt_number

logger = logging.getLogger(__name__)


class FileRefused(Exception):
    """The whole file is unusable (not one row of it can be imported)."""


@dataclass
class Sheet:
    """The rows of one sheet; `rows[i]` is spreadsheet row `first_row + i`.

    Rows hold no trailing empty cells and the sheet no trailing empty rows; leading
    empty rows are skipped through `first_row`, empty rows between data rows are [].
    """

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

# Zip members: a real workbook has a dozen or so; its XML deflates 5–20 times. A member
# that inflates more than MAX_RATIO times is a bomb, not a spreadsheet (Apache POI's
# rule); small members (under RATIO_GRACE_BYTES) may compress as well as they like.
MAX_MEMBERS = 1000
MAX_RATIO = 100
RATIO_GRACE_BYTES = 1024 * 1024
# The header row does not count as a data row; a sheet's data may spread over at most
# SPAN_FACTOR times the row limit (+ 10 rows): blank rows between data are fine, a stray
# cell a million rows down is not (it would take a million empty rows to keep its place).
HEADER_ROWS = 1
SPAN_FACTOR = 2


@dataclass(frozen=True)
class Limits:
    size: int  # bytes of the upload
    rows: int
    columns: int
    uncompressed: int
    cell_chars: int

    @classmethod
    def current(cls) -> Limits:
        return cls(size=max_bytes(),
                   rows=getattr(settings, "IMPORT_MAX_ROWS", 20_000),
                   columns=getattr(settings, "IMPORT_MAX_COLUMNS", 100),
                   uncompressed=getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024),
                   cell_chars=getattr(settings, "IMPORT_MAX_CELL_CHARS", 32_767))

    @property
    def span(self) -> int:
        return SPAN_FACTOR * self.rows + 10


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def _mb(size: int) -> str:
    return fmt_number(Decimal(size) / 1024 / 1024, 1, strip=True)


def _count(number: int) -> str:
    return fmt_number(number, 0)


def read_upload(data: bytes, filename: str = "") -> Workbook:
    """Read bytes into a Workbook, or raise FileRefused with a Vietnamese reason."""
    try:
        return _read(data, filename, Limits.current())
    except FileRefused:
        raise
    except MemoryError:
        logger.warning("Import file %r needs too much memory", filename)
        raise FileRefused(_unreadable(filename, _("tệp cần quá nhiều bộ nhớ để đọc"))) from None
    except Exception as exc:  # an upload must never show a traceback
        logger.warning("Import file %r could not be read", filename, exc_info=True)
        raise FileRefused(_unreadable(filename, _("tệp hỏng hoặc có cấu trúc không đọc được (%(error)s)") % {
            "error": exc.__class__.__name__})) from None


def _unreadable(filename: str, reason: str) -> str:
    if filename:
        return _("Không đọc được tệp “%(name)s”: %(reason)s. Mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lên lại.") % {
            "name": filename, "reason": reason}
    return _("Không đọc được tệp: %(reason)s. Mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lên lại.") % {"reason": reason}


def _read(data: bytes, filename: str, limits: Limits) -> Workbook:
    if len(data) > limits.size:
        raise FileRefused(_("Tệp lớn %(size)s MB, vượt giới hạn %(limit)s MB.") % {
            "size": fmt_number(Decimal(len(data)) / 1024 / 1024, 1), "limit": fmt_number(Decimal(limits.size) / 1024 / 1024, 0),
        })
    if not data.strip():
        raise FileRefused(_("Tệp trống: không có dòng dữ liệu nào."))
    name = filename.lower()
    if data.startswith(OLE_MAGIC):
        raise FileRefused(_("Tệp Excel 97–2003 (.xls) không được hỗ trợ: mở tệp và lưu lại dạng .xlsx."))
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, limits)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused(_("Tệp “%(name)s” không phải là bảng tính Excel hợp lệ (có thể là tệp khác bị đổi tên).") % {"name": filename})
    if name and not name.endswith((".csv", ".txt")):
        raise FileRefused(_("Chỉ nhận tệp .xlsx hoặc .csv (UTF-8)."))
    return read_csv(data, limits)


# ---- cells ---------------------------------------------------------------------------

# Excel writes characters XML cannot hold as _xHHHH_ (a carriage return is _x000D_) and
# an underscore that would start such an escape as _x005F_.
EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Control characters no spreadsheet can hold (openpyxl refuses to write them, so they
# would break the next export): dropped. Tab, line feed and carriage return are kept.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _unescape(match: re.Match) -> str:
    code = int(match.group(1), 16)
    if code == 0x5F or code in (0x09, 0x0A, 0x0D):
        return chr(code)
    if code < 0x20:
        return ""
    return match.group(0)


def clean_cell_text(text: str, *, excel: bool) -> str:
    """Text of a cell as the user typed it: Excel's escapes decoded (XLSX), line breaks
    kept, control characters that no spreadsheet can hold dropped.

    openpyxl already turns _x005F_ into "_" in shared strings (not in inline strings),
    so a shared string in which the user typed a literal "_x000D_" comes back as a
    carriage return: the one ambiguity left.
    """
    if excel and "_x" in text:
        text = EXCEL_ESCAPE.sub(_unescape, text)
    if CONTROL_CHARS.search(text):
        text = CONTROL_CHARS.sub("", text)
    return text


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(values: list) -> list:
    """Drop trailing blank cells (in place); [] for an empty row."""
    end = len(values)
    while end and (values[end - 1] is None or _is_blank(values[end - 1])):
        end -= 1
    del values[end:]
    return values


class _TooManyRows(Exception):
    """Raised by _SheetBuilder.add with the builder, to be turned into a FileRefused
    once the rows are counted."""


class _SheetBuilder:
    """Collect a sheet's data rows: empty rows are counted, not stored, until a data row
    follows them; limits on data rows and on how far down data may lie."""

    def __init__(self, title: str, limits: Limits, csv: bool = False):
        self.sheet = Sheet(title=title)
        self.limits = limits
        self.csv = csv
        self.last = 0  # row number of the last data row
        self.count = 0  # rows with data, header included

    def add(self, number: int, values: list) -> None:
        sheet = self.sheet
        if not self.count:
            sheet.first_row = number
        elif number <= self.last:
            raise FileRefused(_("Trang tính “%(sheet)s” hỏng: dòng %(row)s có hai lần hoặc sai thứ tự. Mở tệp bằng Excel, "
                                "lưu lại rồi tải lên lại.") % {"sheet": sheet.title, "row": _count(number)})
        elif number - sheet.first_row >= self.limits.span:
            args = {"sheet": sheet.title, "row": _count(number), "first": _count(sheet.first_row),
                    "span": _count(self.limits.span), "limit": _count(self.limits.rows)}
            if self.csv:
                raise FileRefused(_(
                    "Tệp CSV có dữ liệu ở dòng %(row)s, quá xa dòng dữ liệu đầu tiên (dòng %(first)s): dữ liệu chỉ được nằm "
                    "trong %(span)s dòng liền nhau (giới hạn %(limit)s dòng dữ liệu). Xoá các dòng trống thừa rồi tải lên "
                    "lại.") % args)
            raise FileRefused(_(
                "Trang tính “%(sheet)s” có dữ liệu ở dòng %(row)s, quá xa dòng dữ liệu đầu tiên (dòng %(first)s): dữ liệu "
                "chỉ được nằm trong %(span)s dòng liền nhau (giới hạn %(limit)s dòng dữ liệu). Có thể đó là ô nhập nhầm ở "
                "cuối trang tính: xoá ô đó rồi tải lên lại.") % args)
        else:
            sheet.rows.extend([] for _row in range(number - self.last - 1))
        sheet.rows.append(values)
        self.last = number
        self.count += 1
        if self.count - HEADER_ROWS > self.limits.rows:
            raise _TooManyRows(self)

    def too_many_rows(self, total: int) -> FileRefused:
        """`total`: the rows with data counted in the whole sheet, header included."""
        data_rows = max(total, self.count) - HEADER_ROWS
        args = {"sheet": self.sheet.title, "count": _count(data_rows), "limit": _count(self.limits.rows)}
        if self.csv:
            return FileRefused(_("Tệp CSV có %(count)s dòng dữ liệu, vượt giới hạn %(limit)s dòng. Hãy chia thành nhiều "
                                 "tệp nhỏ hơn.") % args)
        return FileRefused(_("Trang tính “%(sheet)s” có %(count)s dòng dữ liệu, vượt giới hạn %(limit)s dòng. "
                             "Hãy chia thành nhiều tệp nhỏ hơn.") % args)


def _too_long(where: str, length: str, limits: Limits) -> FileRefused:
    return FileRefused(_("%(where)s dài %(length)s ký tự, vượt giới hạn %(limit)s ký tự của một ô.") % {
        "where": where, "length": length, "limit": _count(limits.cell_chars)})


# ---- CSV -----------------------------------------------------------------------------

def read_csv(data: bytes, limits: Limits | None = None) -> Workbook:
    limits = limits or Limits.current()
    if b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải là văn bản CSV (có thể là tệp nhị phân bị đổi tên)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("Tệp CSV phải mã hoá UTF-8: trong Excel chọn “CSV UTF-8 (Comma delimited)” khi lưu.")) from None
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    # Excel in Vietnamese locale saves CSV with ";" because "," is the decimal mark.
    delimiter = max(",;\t", key=first_line.count)
    # A first line of a million fields is refused before the csv module builds a list of
    # them (Excel's empty trailing fields do not count; quoted fields may hold the
    # delimiter, so lines with quotes go through the csv module).
    if '"' not in first_line:
        width = first_line.rstrip(delimiter + " \r").count(delimiter) + 1
        if width > limits.columns:
            raise _too_wide_csv(1, width, limits)
    builder = _SheetBuilder("CSV", limits, csv=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        try:
            for number, row in enumerate(reader, start=1):
                _trim(row)
                if not row:
                    continue
                if len(row) > limits.columns:
                    raise _too_wide_csv(number, len(row), limits)
                for index, value in enumerate(row):
                    if len(value) > limits.cell_chars:
                        raise _too_long(_("Dòng %(row)s, cột %(column)s") % {"row": _count(number), "column": index + 1},
                                        _count(len(value)), limits)
                    row[index] = clean_cell_text(value, excel=False)
                builder.add(number, row)
        except _TooManyRows:
            # Counting the rest is cheap (the text is at most IMPORT_MAX_BYTES).
            total = builder.count + sum(1 for row in reader if any(value.strip() for value in row))
            raise builder.too_many_rows(total) from None
    except csv.Error as exc:
        # The csv module's own cap on a field (131 072 characters unless changed).
        if "field larger than field limit" in str(exc):
            raise _too_long(_("Dòng %(row)s có một ô") % {"row": _count(number + 1)},
                            _("hơn %(count)s") % {"count": _count(csv.field_size_limit())}, limits) from None
        raise FileRefused(_("Tệp CSV hỏng ở dòng %(row)s: không tách được các ô.") % {"row": _count(number + 1)}) from None
    if not builder.count:
        raise FileRefused(_("Tệp trống: không có dòng dữ liệu nào."))
    return Workbook(sheets=[builder.sheet], format="csv")


def _too_wide_csv(number: int, width: int, limits: Limits) -> FileRefused:
    return FileRefused(_("Dòng %(row)s của tệp CSV có %(count)s cột, vượt giới hạn %(limit)s cột. Xoá các cột thừa rồi "
                         "tải lên lại.") % {"row": _count(number), "count": _count(width), "limit": _count(limits.columns)})


# ---- XLSX ----------------------------------------------------------------------------

def read_xlsx(data: bytes, limits: Limits | None = None) -> Workbook:
    limits = limits or Limits.current()
    _check_archive(data, limits)
    try:
        book = _open_book(data)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError) as exc:
        # SyntaxError: xml.etree's ParseError for XML that is not well formed.
        _refuse_forbidden_xml(exc)
        raise FileRefused(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx (%(error)s).") % {
            "error": exc.__class__.__name__}) from None
    try:
        percent_styles = _percent_styles(book.wb)
        sheets = [_read_sheet(book, title, path, limits, percent_styles) for title, path in _worksheets(book)]
    except ValueError as exc:
        _refuse_forbidden_xml(exc)
        raise
    finally:
        book.archive.close()
    return Workbook(sheets=sheets, format="xlsx")


def _open_book(data: bytes):
    """openpyxl's reader with the package, shared strings, workbook and styles read, and
    no worksheet touched: load_workbook(read_only=True) would parse each worksheet that
    has no <dimension> element to its end just to size it."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    book = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
    book.read_manifest()
    book.read_strings()
    book.read_workbook()
    apply_stylesheet(book.archive, book.wb)
    return book


def _worksheets(book):
    """(title, path in the zip) of each worksheet, in the workbook's order (chart sheets
    and sheets whose part is missing are left out, as openpyxl does)."""
    for sheet, rel in book.parser.find_sheets():
        if rel.target in book.valid_files and "chartsheet" not in rel.Type:
            yield sheet.name, rel.target


def _refuse_forbidden_xml(exc: BaseException) -> None:
    """FileRefused when defusedxml refused the XML (openpyxl may wrap its error)."""
    from defusedxml import DefusedXmlException

    if isinstance(exc, DefusedXmlException) or isinstance(exc.__cause__, DefusedXmlException):
        raise FileRefused(_("Tệp Excel chứa khai báo XML không được phép (DTD hoặc thực thể), điều mà Excel không bao giờ "
                            "tạo ra. Mở tệp bằng Excel, lưu lại rồi tải lên lại.")) from None


def _check_archive(data: bytes, limits: Limits) -> None:
    """Refuse the zip before any member is inflated (sizes come from its directory;
    zipfile stops reading a member at its declared size, so they cannot lie upwards)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải .xlsx (%(error)s).") % {
            "error": exc.__class__.__name__}) from None
    if len(members) > MAX_MEMBERS:
        raise FileRefused(_("Tệp Excel có %(count)s phần bên trong, vượt giới hạn %(limit)s phần: tệp hỏng hoặc không "
                            "phải là bảng tính thông thường.") % {"count": _count(len(members)), "limit": _count(MAX_MEMBERS)})
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed:
        raise FileRefused(_("Tệp Excel khi giải nén lớn %(size)s MB, vượt giới hạn %(limit)s MB.") % {
            "size": _mb(total), "limit": _mb(limits.uncompressed)})
    for member in members:
        if member.file_size > RATIO_GRACE_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise FileRefused(_(
                "Phần “%(part)s” của tệp Excel nén bất thường: %(size)s MB khi giải nén, gấp %(ratio)s lần khi nén "
                "(giới hạn %(limit)s lần). Tệp có thể bị hỏng hoặc được tạo ra để làm treo máy chủ; mở tệp bằng Excel, "
                "lưu lại rồi tải lên lại.") % {
                "part": member.filename, "size": _mb(member.file_size),
                "ratio": _count(member.file_size // max(member.compress_size, 1)), "limit": _count(MAX_RATIO)})


def _xml_rows(book, path: str, data_only: bool):
    """(row number, cells) for each row present in a worksheet's XML; each cell a dict
    (column, value, data_type, style_id) of a cell present in the file.

    This is the parser openpyxl's read-only worksheets run (openpyxl is pinned in
    requirements.txt); their iter_rows pads every row to the width of the sheet's
    <dimension>, or of its last cell, and yields each missing row, so a file can make it
    build a million rows or 16 384-wide ones, or, with max_row/max_col, hide data.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = book.wb
    with book.archive.open(path) as source:
        parser = WorkSheetParser(_WithoutEmptyCells(source), book.shared_strings, data_only=data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        yield from parser.parse()


# A cell element with its reference and no content: formatted, never holding a value
# (Excel writes one per cell of a block the user formatted, two million for A1:CV20000).
EMPTY_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?:\s+[\w:.-]+="[^"<>]*")*?\s+r="[A-Za-z]{1,3}[0-9]{1,7}"'
                        rb'(?:\s+[\w:.-]+="[^"<>]*")*\s*/>')
FILTER_CHUNK = 64 * 1024


class _WithoutEmptyCells:
    """A worksheet's XML stream with the empty cells taken out before the XML parser sees
    them (a regular expression is some fifty times faster than parsing them).

    Only cells with an `r` reference go: a cell without one is placed after the one
    before it. What was read is cut before a tag it ends in the middle of, so no tag is
    ever split between two passes.
    """

    def __init__(self, source):
        self.source = source
        self.pending = b""
        self.out = b""
        self.done = False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.out) < size):
            chunk = self.source.read(FILTER_CHUNK)
            if not chunk:
                self.done = True
                self.out += EMPTY_CELL.sub(b"", self.pending)
                self.pending = b""
                break
            buffer = self.pending + chunk
            cut = buffer.rfind(b"<")
            if cut < 0 or buffer.find(b">", cut) >= 0 or len(buffer) - cut > FILTER_CHUNK:
                # No tag cut short (or one too long to be an empty cell): all of it.
                cut = len(buffer)
            self.out += EMPTY_CELL.sub(b"", buffer[:cut])
            self.pending = buffer[cut:]
        if size < 0:
            data, self.out = self.out, b""
        else:
            data, self.out = self.out[:size], self.out[size:]
        return data


def _percent_styles(wb) -> set[int]:
    """Indexes of the cell styles whose number format shows a percentage."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = list(getattr(wb, "_number_formats", []))
    styles = set()
    for index, style in enumerate(getattr(wb, "_cell_styles", [])):
        fmt_id = style.numFmtId
        if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fmt_id)
        else:
            fmt = custom[fmt_id - BUILTIN_FORMATS_MAX_SIZE] if fmt_id - BUILTIN_FORMATS_MAX_SIZE < len(custom) else None
        if fmt and "%" in fmt:
            styles.add(index)
    return styles


def _column_name(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if 0 < column <= 18278 else str(column)


def _read_sheet(book, title: str, path: str, limits: Limits, percent_styles: set[int]) -> Sheet:
    """The data rows of one worksheet: only the cells present in the file that hold a
    value, placed by their column; the sheet's declared dimension is ignored."""
    builder = _SheetBuilder(title, limits)
    formulas: dict[tuple[int, int], bool] = {}  # (row, column index) -> percent format
    try:
        for number, cells in _xml_rows(book, path, data_only=False):
            values = _row_values(title, number, cells, limits, percent_styles, formulas)
            if values:
                builder.add(number, values)
    except _TooManyRows:
        raise builder.too_many_rows(_count_xml_data_rows(book.archive, path)) from None
    if formulas:
        _fill_cached_values(book, path, builder.sheet, formulas, limits)
    return builder.sheet


def _row_values(title: str, number: int, cells: list[dict], limits: Limits, percent_styles: set[int], formulas: dict) -> list:
    """A row's values by column ([] when no cell holds a value). Formula cells are None
    here and recorded in `formulas`, to be filled with the value Excel saved."""
    values = []
    for cell in cells:
        value = cell["value"]
        formula = cell["data_type"] == "f"
        if value is None or (not formula and isinstance(value, str) and not value.strip()):
            continue
        column = cell["column"]
        if column > limits.columns:
            raise FileRefused(_("Trang tính “%(sheet)s”, dòng %(row)s có dữ liệu ở cột %(column)s (cột thứ %(index)s), vượt "
                                "giới hạn %(limit)s cột. Xoá các cột thừa rồi tải lên lại.") % {
                "sheet": title, "row": _count(number), "column": _column_name(column), "index": _count(column),
                "limit": _count(limits.columns)})
        if formula:
            formulas[(number, column - 1)] = cell["style_id"] in percent_styles
            value = None
        elif isinstance(value, str):
            if len(value) > limits.cell_chars:
                where = _("Ô %(cell)s của trang tính “%(sheet)s”") % {"cell": f"{_column_name(column)}{number}", "sheet": title}
                raise _too_long(where, _count(len(value)), limits)
            value = clean_cell_text(value, excel=True)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and cell["style_id"] in percent_styles:
            value = _percent(value)
        if column > len(values):
            values.extend([None] * (column - 1 - len(values)))
            values.append(value)
        else:
            values[column - 1] = value
    return values


def _percent(value) -> str:
    return format((Decimal(format(value, ".15g")) * 100).normalize(), "f") + "%"


def _fill_cached_values(book, path: str, sheet: Sheet, formulas: dict[tuple[int, int], bool], limits: Limits) -> None:
    """The values Excel saved for formula cells; the cells without one (a file generated
    by a program and never opened in Excel or LibreOffice) go to missing_formula_values."""
    last = max(number for number, _index in formulas)
    rows = _xml_rows(book, path, data_only=True)
    try:
        for number, cells in rows:
            if number > last:
                break
            for cell in cells:
                key = (number, cell["column"] - 1)
                value = cell["value"]
                if key not in formulas or value is None:
                    continue
                if isinstance(value, str):
                    value = clean_cell_text(value[:limits.cell_chars], excel=True)
                elif isinstance(value, (int, float)) and not isinstance(value, bool) and formulas[key]:
                    value = _percent(value)
                sheet.rows[number - sheet.first_row][key[1]] = value
                del formulas[key]
    finally:
        rows.close()
    sheet.missing_formula_values.update(formulas)


ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")
VALUE_TAG = re.compile(rb"<(?:[\w.-]+:)?[vt](?:\s[^>]*)?>\s*[^<\s]")
CHUNK = 1024 * 1024


def _count_xml_data_rows(archive: zipfile.ZipFile, path: str) -> int:
    """Rows of a worksheet's XML that hold a value, counted without parsing the XML
    (only for the message of a file over the row limit)."""
    count = 0
    pending = b""
    with archive.open(path) as member:
        while True:
            chunk = member.read(CHUNK)
            pending += chunk
            starts = [m.start() for m in ROW_TAG.finditer(pending)]
            if chunk:
                if len(starts) < 2:
                    continue
                # The last row may go on in the next chunk.
                ends = starts[1:]
                starts = starts[:-1]
            elif not starts:
                return count
            else:
                ends = starts[1:] + [len(pending)]
            count += sum(1 for start, end in zip(starts, ends, strict=True) if VALUE_TAG.search(pending, start, end))
            if not chunk:
                return count
            pending = pending[ends[-1]:]
