"""The results annex as DOCX (python-docx): the same rows as the PDF, for staff who attach
it to the decision. Landscape section when the tables are wide; both header rows repeat
on every page; fixed column widths (the PDF's), which LibreOffice keeps as Word does; the
illustrative mark and, before publication, the "DỰ THẢO" mark in the page header of every
page."""
from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.services import docx_layout as layout
from reports.services.render_docx import FONT, _cant_split, _no_borders, _repeat_header, page_field

from . import common
from .annex import Annex, AnnexGroup, build_annex
from .render_annex_pdf import column_widths

RED = RGBColor(0xB0, 0x00, 0x20)


def new_document(*, landscape: bool, size: float = 13) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(20), Mm(15)
    section.left_margin, section.right_margin = Mm(20 if landscape else 30), Mm(15)
    return doc


def text_width_mm(doc) -> float:
    s = doc.sections[0]
    return (s.page_width - s.left_margin - s.right_margin) / Mm(1)


def page_headers(doc, illustrative: bool, draft: bool = False):
    """Page number centred from page 2 (Nghị định 30); the illustrative mark on every page;
    a draft (not yet published) boxed "DỰ THẢO" at the top right of every page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    for header, numbered in ((section.header, True), (section.first_page_header, False)):
        para = header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if numbered:
            page_field(para)
        if illustrative:
            mark = header.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = mark.add_run(common.illustrative_mark())
            run.bold, run.font.size, run.font.color.rgb = True, Pt(11), RED
        if draft:
            layout.draft_mark_paragraph(header, _("DỰ THẢO"))


def para(doc, text="", *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=None, color=None, after=0):
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    run = p.add_run(common.xml_safe(text))
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return p


def doc_header(doc, issuer: str, *, parent_body: str = "", number_line: str = "", date_line: str = ""):
    """Issuer left, national motto right (Nghị định 30/2020/NĐ-CP), with their short rules."""
    width = text_width_mm(doc)
    t = doc.add_table(rows=2 if (number_line or date_line) else 1, cols=2)
    _no_borders(t)
    widths = (Mm(width * 0.4), Mm(width * 0.6))
    left = ([(parent_body, False, 13)] if parent_body else []) + [(issuer, True, 13), ("―――――", False, 9)]
    right = [(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), True, 12.5), (_("Độc lập - Tự do - Hạnh phúc"), True, 13.5),
             ("――――――――――――――", False, 9)]
    for col, lines in enumerate((left, right)):
        cell = t.rows[0].cells[col]
        for j, (text, bold, size) in enumerate(lines):
            p = cell.paragraphs[0] if j == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(text)
            r.bold, r.font.size = bold, Pt(size)
    if number_line or date_line:
        for col, (text, italic) in enumerate(((number_line, False), (date_line, True))):
            cell = t.rows[1].cells[col]
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(text)
            r.italic, r.font.size = italic, Pt(13)
    layout.column_widths(t, list(widths))
    return t


def annex_heading(doc, *, label: str, title: str, decision_line: str, illustrative: bool, note: str = "") -> None:
    """An annex's heading under the two-column header: "Phụ lục", its title, the line naming
    the decision it goes with, a short rule, the illustrative sentence and an optional note."""
    para(doc, label, bold=True, size=14).paragraph_format.space_before = Pt(10)
    para(doc, title, bold=True, size=14)
    para(doc, decision_line, italic=True, size=13)
    para(doc, "―――――――", size=9, after=6)
    if illustrative:
        para(doc, common.illustrative_sentence(), bold=True, color=RED, after=6)
    if note:
        para(doc, note, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, size=11, after=4)


def cell_text(cell, text, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=10):
    p = cell.paragraphs[0]
    p.alignment = align
    run = p.add_run(common.xml_safe(text))
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return run


def _group_table(doc, group: AnnexGroup, landscape: bool, size: float):
    n = len(group.field_heads)
    heads = [_("STT"), _("Đơn vị")] + [""] * n + [_("Điểm quy về thang 100")]
    if group.show_adjustments:
        heads += [_("Điểm thưởng"), _("Điểm trừ")]
    heads += [_("Tổng điểm"), _("Xếp hạng"), _("Xếp loại")]
    cols = len(heads)
    width = text_width_mm(doc)
    widths = [Mm(width * w / 100) for w in column_widths(group, landscape)]
    t = doc.add_table(rows=2, cols=cols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    top, second = t.rows
    for row in (top, second):
        _repeat_header(row)
    for i, text in enumerate(heads):
        if 2 <= i < 2 + n:
            continue
        cell_text(top.cells[i], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
        top.cells[i].merge(second.cells[i])
    if n:
        merged = top.cells[2].merge(top.cells[1 + n])
        cell_text(merged, _("Điểm theo lĩnh vực"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
        for k, (code, _name, mx) in enumerate(group.field_heads):
            c = second.cells[2 + k]
            cell_text(c, code, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
            p = c.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(f"({common.fmt_points(mx)})").font.size = Pt(size)
    right, centre = WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER
    for r in group.rows:
        values = [(str(r.number), centre, False), (r.unit + (" (*)" if r.not_applicable_codes else ""), WD_ALIGN_PARAGRAPH.LEFT, False)]
        values += [("–", centre, False) if v is None else (group.field_fmt(v), right, False) for v in r.fields]
        values.append((group.fmt(r.rescaled), right, False))
        if group.show_adjustments:
            values += [(group.fmt(r.bonus), right, False), (group.fmt(r.penalty), right, False)]
        values += [(group.fmt(r.total), right, True), ("" if r.rank is None else str(r.rank), centre, False), (r.grade, centre, False)]
        row = t.add_row()
        _cant_split(row)
        for i, (text, align, bold) in enumerate(values):
            cell_text(row.cells[i], text, bold=bold, align=align, size=size)
    if not group.rows:
        row = t.add_row()
        merged = row.cells[0].merge(row.cells[cols - 1])
        cell_text(merged, _("Nhóm chưa có đơn vị."), size=size)
    layout.column_widths(t, widths)
    layout.cell_margins(t)
    return t


def render_annex_docx_from(annex: Annex) -> bytes:
    landscape = annex.landscape
    doc = new_document(landscape=landscape)
    page_headers(doc, annex.illustrative, draft=not annex.published)
    doc_header(doc, annex.issuer)
    annex_heading(doc, label=annex.label, title=annex.title, decision_line=annex.decision_line,
                  illustrative=annex.illustrative, note=annex.incomplete_note)
    size = 11 if annex.max_fields <= 5 else 10 if annex.max_fields <= 8 else 9
    for i, group in enumerate(annex.groups):
        title = para(doc, group.title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, size=13, after=3)
        title.paragraph_format.keep_with_next = True
        if i:
            title.paragraph_format.page_break_before = True
        _group_table(doc, group, landscape, size)
        for note in group.notes:
            if note:
                para(doc, note, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=11).paragraph_format.space_before = Pt(3)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def render_annex_docx(round_, group=None) -> bytes:
    return render_annex_docx_from(build_annex(round_, group))
