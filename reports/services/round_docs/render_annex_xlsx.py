"""The results annex as XLSX (openpyxl): a sheet per group, numbers stored as numbers with a
0.00 format (0.000 where a value needs the third decimal), ranks as whole numbers."""
from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from . import common
from .annex import Annex, AnnexGroup, build_annex
from .xlsx import BOLD, CENTRE, ITALIC, PLAIN, RED, line, put, save, sheet_title


def _headers(group: AnnexGroup) -> list[str]:
    heads = [_("STT"), _("Đơn vị")] + [f"{code}\n({common.fmt_points(mx)})" for code, _n, mx in group.field_heads]
    heads.append(_("Điểm quy về thang 100"))
    if group.show_adjustments:
        heads += [_("Điểm thưởng"), _("Điểm trừ")]
    return heads + [_("Tổng điểm"), _("Xếp hạng"), _("Xếp loại"), _("Tiêu chí không áp dụng")]


def _sheet(ws, annex: Annex, group: AnnexGroup):
    heads = _headers(group)
    last = len(heads)
    n = len(group.field_heads)
    row = 1
    line(ws, row, annex.issuer, last, font=BOLD)
    row += 1
    line(ws, row, annex.label, last, font=BOLD)
    row += 1
    line(ws, row, annex.title, last, font=BOLD)
    ws.row_dimensions[row].height = 32
    row += 1
    line(ws, row, annex.decision_line, last, font=ITALIC)
    row += 1
    if annex.illustrative:
        line(ws, row, common.illustrative_sentence(), last, font=RED)
        row += 1
    line(ws, row, group.title, last, font=BOLD, align=Alignment(horizontal="left"))
    row += 1
    top = row
    # Two header rows: "Điểm theo lĩnh vực" over the field codes, the other heads merged down.
    for col, text in enumerate(heads, start=1):
        if 3 <= col < 3 + n:
            put(ws, top + 1, col, text, font=BOLD, align=CENTRE)
            put(ws, top, col, "", font=BOLD, align=CENTRE)
        else:
            put(ws, top, col, text, font=BOLD, align=CENTRE)
            put(ws, top + 1, col, None, font=BOLD, align=CENTRE)
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    if n:
        put(ws, top, 3, _("Điểm theo lĩnh vực"), font=BOLD, align=CENTRE)
        if n > 1:
            ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=2 + n)
    ws.row_dimensions[top].height = 30
    ws.row_dimensions[top + 1].height = 30
    row = top + 2
    first_data = row
    total_col = heads.index(_("Tổng điểm")) + 1
    for r in group.rows:
        values = [r.number, r.unit]
        values += ["–" if v is None else v for v in r.fields]
        values.append(r.rescaled)
        if group.show_adjustments:
            values += [r.bonus, r.penalty]
        values += [r.total, r.rank, r.grade, ", ".join(r.not_applicable_codes)]
        for col, value in enumerate(values, start=1):
            places = group.field_places if 3 <= col < 3 + n else group.places
            put(ws, row, col, value, font=BOLD if col == total_col else PLAIN, places=places,
                align=CENTRE if value == "–" else None)
        row += 1
    row += 1
    for note in [*group.notes, annex.incomplete_note]:
        if note:
            line(ws, row, note, last, font=ITALIC, align=Alignment(horizontal="left", wrap_text=True))
            ws.row_dimensions[row].height = 15 * (1 + len(note) // 140)
            row += 1
    widths = [6, 34] + [8] * n + [11] + ([9, 9] if group.show_adjustments else []) + [10, 8, 12, 18]
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = ws.cell(row=first_data, column=3)
    ws.print_title_rows = f"{top}:{top + 1}"
    ws.page_setup.orientation = "landscape" if annex.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if annex.illustrative:
        ws.oddHeader.right.text = common.illustrative_mark()
        ws.oddHeader.right.color = "B00020"


def render_annex_xlsx_from(annex: Annex) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for group in annex.groups:
        ws = wb.create_sheet(sheet_title(f"{group.number}. {group.name}", used))
        _sheet(ws, annex, group)
    if not annex.groups:
        ws = wb.create_sheet(_("Phụ lục"))
        line(ws, 1, _("Đợt đánh giá chưa có nhóm đối tượng."), 1)
    wb.properties.title = common.xml_safe(annex.title)
    return save(wb)


def render_annex_xlsx(round_, group=None) -> bytes:
    return render_annex_xlsx_from(build_annex(round_, group))
