"""A subject's own scorecard as XLSX: the same rows as the PDF, points as numbers (0.00)."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import common
from .scorecard import ScorecardDoc, build_scorecard_doc
from .scorecard_pdf import na_mark
from .xlsx import BOLD, CENTRE, ITALIC, PLAIN, RED, line, put, save, sheet_title

FIELD_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADS = (_lazy("Mã"), _lazy("Tiêu chí, nội dung"), _lazy("Điểm tối đa"), _lazy("Tự đánh giá"), _lazy("Thẩm định vòng 1"),
         _lazy("Thẩm định vòng 2"), _lazy("Điểm đạt"), _lazy("Không áp dụng"), _lazy("Giải trình của đơn vị"),
         _lazy("Ý kiến thẩm định"))
WIDTHS = (9, 48, 9, 10, 10, 10, 10, 9, 45, 45)


def _places(doc: ScorecardDoc) -> int:
    values = [v for r in doc.rows for v in (r.max_points, r.self_points, r.round1, r.round2, r.final)]
    return common.places_for(values)


def render_scorecard_xlsx_from(doc: ScorecardDoc) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(doc.unit, set())
    last = len(HEADS)
    row = 1
    for text, font in ((doc.issuer, BOLD), (doc.title, BOLD), (_("Đơn vị: %(unit)s") % {"unit": doc.unit}, BOLD),
                       (f"{doc.round_name} – " + _("nhóm %(group)s") % {"group": doc.group_name}, ITALIC)):
        line(ws, row, text, last, font=font)
        row += 1
    if doc.illustrative:
        line(ws, row, common.illustrative_sentence(), last, font=RED)
        row += 1
    line(ws, row, f"{doc.status_line} {doc.lock_line}", last, font=ITALIC, align=Alignment(horizontal="left"))
    row += 1
    head_row = row
    for col, text in enumerate(HEADS, start=1):
        put(ws, row, col, str(text), font=BOLD, align=CENTRE)
    ws.row_dimensions[row].height = 30
    row += 1
    places = _places(doc)
    for r in doc.rows:
        strong = r.kind in ("field", "sum", "total")
        font = BOLD if strong else Font(name="Times New Roman", italic=True, size=11) if r.kind == "node" else PLAIN
        na = r.kind == "leaf" and r.not_applicable
        points = [r.max_points, r.self_points, r.round1, r.round2, r.final]
        values = [r.code, r.name, points[0]] + [na_mark() if na else v for v in points[1:]]
        values += ["x" if na else "", r.explanation, r.reason]
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value, font=font, places=places,
                       align=CENTRE if (value == na_mark() or col == 8) else None)
            if r.kind == "field":
                cell.fill = FIELD_FILL
        row += 1
    row += 1
    for text in doc.summary:
        line(ws, row, text, last, font=BOLD, align=Alignment(horizontal="left", wrap_text=True))
        row += 1
    for note in doc.notes:
        line(ws, row, note, last, font=ITALIC, align=Alignment(horizontal="left", wrap_text=True))
        row += 1
    for col, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=head_row + 1, column=3)
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if doc.illustrative:
        ws.oddHeader.right.text = common.illustrative_mark()
        ws.oddHeader.right.color = "B00020"
    wb.properties.title = common.xml_safe(f"{doc.title} – {doc.unit}")
    return save(wb)


def render_scorecard_xlsx(period) -> bytes:
    return render_scorecard_xlsx_from(build_scorecard_doc(period))
