"""Hostile and broken spreadsheets: each is read (only the cells that hold data) or
refused with a Vietnamese message naming the limit, never a traceback, and an import of
it changes nothing. Every file is made here, small on disk; the time and memory each
takes are measured by bench/hostile.py, not asserted."""
import datetime
import io
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Font

from scorecards.resources import services
from scorecards.transfer import readers
from scorecards.transfer.readers import FileRefused, read_upload

from .conftest import SCORE_HEADER, csv_bytes, xlsx

H = SCORE_HEADER
GOOD_ROW = ["2.3.2", "0,5", "", "", ""]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


# ---- files ---------------------------------------------------------------------------

def styled_far(coord, value=None, percent=False):
    """A good score file plus one formatted cell far away (Excel keeps such a cell when
    a user formats it, or formats and clears it)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Điểm"
    ws.append(H)
    ws.append(GOOD_ROW)
    ws[coord].font = Font(bold=True)
    if percent:
        ws[coord].number_format = "0.00%"
    if value is not None:
        ws[coord].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data, replace=None, add=None):
    """The XLSX `data` with members replaced or added (deflated, as Excel does)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def raw_xlsx(sheet_data, shared=(), prolog="", head=""):
    """An XLSX written part by part: `sheet_data` is the XML inside <sheetData>, `shared`
    the shared strings (as Excel stores text), `prolog` what goes before <worksheet>,
    `head` what goes before <sheetData>."""
    sst = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in shared)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{REL_NS}/officeDocument"/></Relationships>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Điểm" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL_NS}/worksheet"/>'
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL_NS}/sharedStrings"/></Relationships>'),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN_NS}" count="{len(shared)}" uniqueCount="{len(shared)}">{sst}</sst>',
        "xl/worksheets/sheet1.xml": f'{prolog}<worksheet xmlns="{MAIN_NS}">{head}<sheetData>{sheet_data}</sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def huge_comment(size=40 * 1024 * 1024):
    """A good score file hiding a comment of `size` characters (48 KB on disk at 40 MB)."""
    body = (f'<comments xmlns="{MAIN_NS}"><authors><author>x</author></authors><commentList>'
            f'<comment ref="A1" authorId="0"><text><t>').encode() + b"A" * size + b"</t></text></comment></commentList></comments>"
    rels = (f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Target="../comments1.xml" '
            f'Type="{REL_NS}/comments"/></Relationships>')
    return rezip(xlsx([H, GOOD_ROW]), add={"xl/comments1.xml": body, "xl/worksheets/_rels/sheet1.xml.rels": rels})


def inflating_sheet(size):
    """A good score file whose sheet inflates to `size` bytes (blank space inside the XML)."""
    data = xlsx([H, GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * size, 1)
    return rezip(data, replace={"xl/worksheets/sheet1.xml": padded})


LAUGHS = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))


def billion_laughs(where):
    """A billion laughs (entities that expand a thousand million times) in the sheet or
    in the workbook part."""
    if where == "sheet":
        return raw_xlsx(f'<row r="1">{inline("A1", "&lol9;")}</row>', prolog=f"<!DOCTYPE worksheet [{LAUGHS}]>")
    data = raw_xlsx(f'<row r="1">{inline("A1", "x")}</row>')
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    return rezip(data, replace={"xl/workbook.xml": f"<!DOCTYPE workbook [{LAUGHS}]>{workbook.replace('Điểm', '&lol9;')}".encode()})


# ---- helpers -------------------------------------------------------------------------

def refusal(data, filename):
    with pytest.raises(FileRefused) as caught:
        read_upload(data, filename)
    return str(caught.value)


def assert_refused(data, filename, fragment, officer, period, db_state):
    """read_upload refuses with a message holding `fragment`; the preview of an import
    shows that very message and the database is unchanged."""
    message = refusal(data, filename)
    assert fragment in message, message
    before = db_state()
    preview = services.run_import("scores", data, filename, scope=period, actor=officer, dry_run=True)
    assert not preview.ok and message in [str(e) for e in preview.errors], [str(e) for e in preview.errors]
    assert not preview.applied
    assert db_state() == before
    return message


def assert_reads_good_row(data, filename, officer, period, db_state):
    """The file is read as its two data rows; its import previews cleanly, writes nothing."""
    workbook = read_upload(data, filename)
    sheet = workbook.sheets[0]
    assert (sheet.first_row, len(sheet.rows)) == (1, 2)
    assert sheet.rows[1][0] == "2.3.2"
    before = db_state()
    preview = services.run_import("scores", data, filename, scope=period, actor=officer, dry_run=True)
    assert preview.ok, [str(e) for e in preview.errors]
    assert db_state() == before


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.iterparse.__module__.startswith("defusedxml")


# ---- cells declared far away ---------------------------------------------------------

@pytest.mark.parametrize("coord", ["A1048576", "XFD1048576"])
@pytest.mark.parametrize("percent", [False, True], ids=["plain", "percent"])
def test_a_formatted_empty_cell_far_away_is_ignored(coord, percent, open_period, officer, db_state):
    # 14 s and 1 GB before (a MemoryError at XFD): now only the cells with data are kept.
    # The percent format sends the file through the cell-by-cell path.
    data = styled_far(coord, percent=percent)
    assert len(data) < 10_000
    assert_reads_good_row(data, "diem.xlsx", officer, open_period, db_state)


def test_a_value_a_million_rows_down_is_refused(open_period, officer, db_state):
    message = assert_refused(styled_far("A1048576", value="x"), "diem.xlsx", "có dữ liệu ở dòng 1.048.576", officer, open_period, db_state)
    assert "xoá ô đó" in message


def test_a_value_in_the_last_column_is_refused(open_period, officer, db_state):
    assert_refused(styled_far("XFD2", value="x"), "diem.xlsx", "vượt giới hạn 100 cột", officer, open_period, db_state)


def test_a_lying_dimension_neither_pads_nor_truncates():
    # The sheet says A1:XFD1048576, then A1:A1; the cells in the file are what counts.
    for ref in ("A1:XFD1048576", "A1:A1"):
        rows = f'<row r="1">{inline("A1", "Mã tiêu chí")}{inline("B1", "Điểm tự đánh giá")}</row>' \
               f'<row r="3">{inline("A3", "2.3.2")}<c r="B3"><v>0.5</v></c></row>'
        sheet = read_upload(raw_xlsx(rows, head=f'<dimension ref="{ref}"/>'), "x.xlsx").sheets[0]
        assert sheet.rows == [["Mã tiêu chí", "Điểm tự đánh giá"], [], ["2.3.2", 0.5]]


def test_empty_cells_are_skipped_and_values_stay_in_their_columns():
    # A few hundred KB of XML: the empty-cell filter's chunks end at many offsets.
    rows, expected = [], []
    for n in range(1, 3001):
        cells = f'<c r="A{n}" s="1"/>{inline(f"B{n}", f"v{n}")}<c r="C{n}" s="2" t="n"/>'
        row = [None, f"v{n}"]
        if n % 7 == 0:
            cells += f'<c r="D{n}" s="1"><v>{n}</v></c><c r="E{n}" s="1"></c>'
            row += [None, n]
        rows.append(f'<row r="{n}">{cells}</row>')
        expected.append(row)
    assert read_upload(raw_xlsx("".join(rows)), "x.xlsx").sheets[0].rows == expected


def test_cells_without_a_reference_keep_their_place():
    rows = '<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c s="1"/><c t="inlineStr"><is><t>c</t></is></c></row>'
    assert read_upload(raw_xlsx(rows), "x.xlsx").sheets[0].rows == [["a", None, "c"]]


def test_the_empty_cell_filter_never_cuts_a_tag(monkeypatch):
    monkeypatch.setattr(readers, "FILTER_CHUNK", 40)
    xml = "".join(f'<row r="{n}"><c r="A{n}" s="1"/><c r="B{n}"><v>{n}</v></c><x:c s="2" r="C{n}"/></row>'
                  for n in range(1, 500)).encode()
    stream = readers._WithoutEmptyCells(io.BytesIO(xml))
    out = b"".join(iter(lambda: stream.read(5), b""))
    assert out == readers.EMPTY_CELL.sub(b"", xml)
    assert b"<v>499</v>" in out and b's="1"/>' not in out and b's="2"' not in out


# ---- size, ratio, members ------------------------------------------------------------

def test_a_huge_comment_in_a_small_zip_is_refused(settings, open_period, officer, db_state):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # the ratio rule refuses it, not the total
    data = huge_comment()
    assert len(data) < 100_000
    message = assert_refused(data, "diem.xlsx", "“xl/comments1.xml” của tệp Excel nén bất thường", officer, open_period, db_state)
    assert "giới hạn 100 lần" in message


def test_a_sheet_inflating_past_the_limit_is_refused(settings, open_period, officer, db_state):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    data = inflating_sheet(6 * 1024 * 1024)
    assert len(data) < 50_000
    assert_refused(data, "diem.xlsx", "khi giải nén lớn 6 MB, vượt giới hạn 5 MB", officer, open_period, db_state)


def test_a_zip_of_many_members_is_refused(open_period, officer, db_state):
    data = rezip(xlsx([H, GOOD_ROW]), add={f"xl/media/x{i}.bin": b"" for i in range(readers.MAX_MEMBERS)})
    assert_refused(data, "diem.xlsx", "vượt giới hạn 1.000 phần", officer, open_period, db_state)


@pytest.mark.parametrize("where", ["sheet", "workbook"])
def test_xml_entities_are_refused(where, open_period, officer, db_state):
    # Worksheets and shared strings go through defusedxml; the small parts (workbook,
    # styles) through lxml without entity resolution, which refuses the loop itself.
    data = billion_laughs(where)
    message = refusal(data, "diem.xlsx")
    assert message.startswith({"sheet": "Tệp Excel chứa khai báo XML không được phép",
                               "workbook": "Không đọc được tệp Excel: tệp hỏng"}[where]), message
    before = db_state()
    preview = services.run_import("scores", data, "diem.xlsx", scope=open_period, actor=officer, dry_run=True)
    assert [str(e) for e in preview.errors] == [message]
    assert db_state() == before


# ---- rows, columns, cells ------------------------------------------------------------

def test_a_csv_of_a_million_columns_is_refused(open_period, officer, db_state):
    data = ("Mã tiêu chí" + ";" * 1_000_000 + "x\n2.3.2;0,5\n").encode()
    assert_refused(data, "diem.csv", "Dòng 1 của tệp CSV có 1.000.001 cột, vượt giới hạn 100 cột", officer, open_period, db_state)


def test_a_quoted_csv_of_a_million_columns_is_refused(open_period, officer, db_state):
    # Quotes may hide delimiters: this one goes through the csv module, still refused.
    data = ('"Mã tiêu chí"' + ';"a"' * 1_000_000 + "\n2.3.2;0,5\n").encode()
    assert_refused(data, "diem.csv", "có 1.000.001 cột, vượt giới hạn 100 cột", officer, open_period, db_state)


def test_csv_trailing_empty_fields_do_not_count_as_columns():
    rows = read_upload(("Mã tiêu chí;Điểm tự đánh giá" + ";" * 5000 + "\n2.3.2;0,5" + ";" * 5000 + "\n").encode(), "x.csv").sheets[0].rows
    assert rows == [["Mã tiêu chí", "Điểm tự đánh giá"], ["2.3.2", "0,5"]]


def test_a_csv_of_30000_rows_is_refused_at_20000(open_period, officer, db_state):
    data = csv_bytes([H] + [[f"9.{i}", "1", "", "", ""] for i in range(30_000)])
    assert_refused(data, "diem.csv", "Tệp CSV có 30.000 dòng dữ liệu, vượt giới hạn 20.000 dòng", officer, open_period, db_state)


def test_an_xlsx_over_the_row_limit_is_refused_with_its_count(settings, open_period, officer, db_state):
    settings.IMPORT_MAX_ROWS = 50
    data = xlsx([H] + [[f"9.{i}", 1, "", "", ""] for i in range(80)])
    assert_refused(data, "diem.xlsx", "Trang tính “Điểm” có 80 dòng dữ liệu, vượt giới hạn 50 dòng", officer, open_period, db_state)


def test_the_row_limit_counts_data_rows_only(settings):
    settings.IMPORT_MAX_ROWS = 3
    # Three data rows under a header, blank rows between them and a formatted tail: read.
    data = styled_far("A500")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    ws["A4"], ws["A6"] = "2.3.3", "2.3.4"
    out = io.BytesIO()
    wb.save(out)
    sheet = read_upload(out.getvalue(), "x.xlsx").sheets[0]
    assert [row[:1] for row in sheet.rows] == [["Mã tiêu chí"], ["2.3.2"], [], ["2.3.3"], [], ["2.3.4"]]


def test_an_xlsx_with_too_many_columns_is_refused(open_period, officer, db_state):
    data = xlsx([H, GOOD_ROW + [f"cột {i}" for i in range(150)]])
    assert_refused(data, "diem.xlsx", "dòng 2 có dữ liệu ở cột CW (cột thứ 101), vượt giới hạn 100 cột", officer, open_period, db_state)


def test_a_csv_with_too_many_columns_is_refused(settings, open_period, officer, db_state):
    settings.IMPORT_MAX_COLUMNS = 10
    data = csv_bytes([H, GOOD_ROW + ["x"] * 20])
    assert_refused(data, "diem.csv", "Dòng 2 của tệp CSV có 25 cột, vượt giới hạn 10 cột", officer, open_period, db_state)


@pytest.mark.parametrize("fmt", ["xlsx", "xlsx-shared", "csv"])
def test_a_cell_longer_than_excel_allows_is_refused(fmt, open_period, officer, db_state):
    # Excel cannot make such a cell (and openpyxl cuts one at 32 767 when writing): a
    # program wrote it, by hand here.
    long_text = "x" * 40_000
    header = "".join(inline(f"{c}1", h) for c, h in zip("ABCDE", H, strict=True))
    if fmt == "xlsx":
        data = raw_xlsx(f'<row r="1">{header}</row><row r="2">{inline("A2", "2.3.2")}{inline("C2", long_text)}</row>')
    elif fmt == "xlsx-shared":
        data = raw_xlsx(f'<row r="1">{header}</row><row r="2">{inline("A2", "2.3.2")}<c r="C2" t="s"><v>0</v></c></row>',
                        shared=[long_text])
    else:
        data = csv_bytes([H, ["2.3.2", "0,5", long_text, "", ""]])
    fmt = fmt.split("-")[0]
    assert_refused(data, f"diem.{fmt}", "dài 40.000 ký tự, vượt giới hạn 32.767 ký tự của một ô", officer, open_period, db_state)


def test_an_unexpected_error_becomes_a_refusal(monkeypatch, open_period, officer, db_state):
    def broken(*args, **kwargs):
        raise RuntimeError("lỗi lạ")

    monkeypatch.setattr(readers, "_read_sheet", broken)
    assert_refused(xlsx([H, GOOD_ROW]), "diem.xlsx", "Không đọc được tệp “diem.xlsx”: tệp hỏng hoặc có cấu trúc không đọc được (RuntimeError)",
                   officer, open_period, db_state)


def test_a_corrupt_member_becomes_a_refusal(open_period, officer, db_state):
    data = rezip(xlsx([H, GOOD_ROW]), replace={"xl/worksheets/sheet1.xml": b"\x00\xff" * 100})
    message = assert_refused(data, "diem.xlsx", "Không đọc được tệp", officer, open_period, db_state)
    assert "Traceback" not in message


# ---- cells as Excel stores them ------------------------------------------------------

def test_excel_escapes_are_decoded_and_line_breaks_kept():
    shared = ["dòng 1_x000D_\ndòng 2", "tab_x0009_sau", "chuông_x0007_bỏ"]
    rows = (f'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
            f'{inline("D1", "_x005F_x000D_ là chữ")}{inline("E1", "a_x000A_b")}</row>')
    sheet = read_upload(raw_xlsx(rows, shared=shared), "x.xlsx").sheets[0]
    assert sheet.rows == [["dòng 1\r\ndòng 2", "tab\tsau", "chuôngbỏ", "_x000D_ là chữ", "a\nb"]]


def test_csv_text_keeps_line_breaks_and_apostrophes_and_drops_control_characters():
    data = csv_bytes([["Mã", "Giải trình"], ["2.3.2", "dòng 1\r\ndòng 2\x07"], ["'=1+1", "'0123"]])
    rows = read_upload(data, "x.csv").sheets[0].rows
    # The apostrophe of a formula guard is the parser's to take off (clean_text), not the reader's.
    assert rows == [["Mã", "Giải trình"], ["2.3.2", "dòng 1\r\ndòng 2"], ["'=1+1", "'0123"]]


def test_numbers_stored_as_text_and_dates_come_back_as_excel_stored_them(open_period, officer, db_state):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Điểm"
    ws.append(H)
    ws.append(["2.3.2", "0,5", "", "", ""])  # a number stored as text
    ws.append(["1.3", datetime.datetime(2025, 5, 1), "", "", ""])  # "1.5" that Excel turned into 1 May
    ws["B3"].number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    wb.save(out)
    rows = read_upload(out.getvalue(), "x.xlsx").sheets[0].rows
    assert rows[1] == ["2.3.2", "0,5"]
    assert rows[2] == ["1.3", datetime.datetime(2025, 5, 1)]
    # The reader keeps the date; the column's parser says what Excel did.
    before = db_state()
    preview = services.run_import("scores", out.getvalue(), "x.xlsx", scope=open_period, actor=officer, dry_run=True)
    assert any(e.row == 3 and "Excel đã tự đổi ô này thành ngày" in str(e) for e in preview.errors), [str(e) for e in preview.errors]
    assert db_state() == before


def test_formula_values_and_percent_cells_are_still_read(open_period):
    data = xlsx([H, ["2.3.2", 0.5, "", "", ""], ["2.3.3", "=1/2", "", "", ""]], percent_cells=[(2, 2)])
    sheet = read_upload(data, "x.xlsx").sheets[0]
    assert sheet.rows[1][1] == "50%"
    assert sheet.rows[2][1] is None and sheet.missing_formula_values == {(3, 1)}


# ---- normal files --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_demo_export_reads_as_openpyxl_and_csv_read_it(fmt, appraisal_2024):
    import csv

    data = services.export("scores", fmt, scope=appraisal_2024)
    sheet = read_upload(data, f"export.{fmt}").sheets[0]
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        plain = [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
        wb.close()
    else:
        text = data.decode("utf-8-sig")
        plain = list(csv.reader(io.StringIO(text, newline=""), delimiter=max(",;", key=text.split("\n")[0].count)))
    for row in plain:
        while row and row[-1] in (None, ""):
            row.pop()
    assert len(sheet.rows) > 20
    assert sheet.rows == plain


def test_a_small_zip_of_a_huge_comment_is_refused_by_the_total_too(open_period, officer, db_state):
    assert_refused(huge_comment(), "diem.xlsx", "vượt giới hạn 16 MB", officer, open_period, db_state)
