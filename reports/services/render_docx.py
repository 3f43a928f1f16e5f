"""DOCX of the report (python-docx), for staff who edit the text before signing.

Same sections, sentences and tables as the PDF (they come from the same context); the
chart is given as its table of figures. Footnotes, which python-docx cannot write, are
listed at the end under a rule with their numbers kept in the text.
"""
from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from .assemble import ReportData
from .context import build_context
from .tables import Table

FONT = "Times New Roman"
INDENT = Cm(1.27)


def _set_margins(section, top=20, bottom=20, left=30, right=15):
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)


def page_field(paragraph):
    """Append Word's PAGE field (the page number) to a paragraph."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_number_header(section):
    """Page number centred in the top margin, none on the first page."""
    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(para)


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cant_split(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


class Writer:
    def __init__(self):
        self.doc = Document()
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(14)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        fmt = style.paragraph_format
        fmt.space_after = Pt(6)
        fmt.space_before = Pt(0)
        fmt.line_spacing = 1.1
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        _set_margins(section)
        _page_number_header(section)

    def para(self, text="", *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, size=None, lead=""):
        p = self.doc.add_paragraph()
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = INDENT
        if lead:
            r = p.add_run(lead)
            r.italic = True
            r.bold = bold
            if size:
                r.font.size = Pt(size)
        r = p.add_run(text)
        r.bold, r.italic = bold, italic
        if size:
            r.font.size = Pt(size)
        return p

    def note_call(self, p, note, tail=""):
        if note:
            r = p.add_run(str(note.number))
            r.font.superscript = True
        if tail:
            p.add_run(tail)

    def heading(self, text):
        p = self.para(text, bold=True)
        p.paragraph_format.keep_with_next = True
        return p

    def blocks(self, blocks):
        for b in blocks:
            if b.kind == "heading":
                self.para(b.text, bold=True, italic=True)
            elif b.kind == "item":
                self.para(b.text, lead="- " + b.lead if b.lead else "- ")
            else:
                self.para(b.text, lead=b.lead)

    def table(self, table: Table, *, size=11, width_mm=165):
        t = self.doc.add_table(rows=1, cols=table.columns)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = [Mm(width_mm * w / 100) for w in table.widths]
        header = t.rows[0]
        _repeat_header(header)
        for i, text in enumerate(table.headers):
            cell = header.cells[i]
            cell.width = widths[i]
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(text)
            r.bold = True
            r.font.size = Pt(size)
        for row in table.rows:
            cells = t.add_row().cells
            for i, c in enumerate(row.cells):
                cells[i].width = widths[i]
                lines = c.text.split("\n") or [""]
                for j, line in enumerate(lines):
                    p = cells[i].paragraphs[0] if j == 0 else cells[i].add_paragraph()
                    p.paragraph_format.space_after = Pt(0)
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if c.numeric else WD_ALIGN_PARAGRAPH.LEFT
                    r = p.add_run(line)
                    r.bold = row.strong
                    r.font.size = Pt(size)
        return t

    def new_section(self, landscape: bool):
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        _set_margins(section, left=25 if landscape else 30)
        section.different_first_page_header_footer = False
        return section


def _header(w: Writer, ctx: dict):
    record = ctx["record"]
    t = w.doc.add_table(rows=2, cols=2)
    _no_borders(t)
    widths = (Mm(66), Mm(99))
    cells = [
        [(record.parent_body, False, False, 13), (record.issuer, True, False, 13), ("―――――", False, False, 10)],
        [(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), True, False, 12.5), (_("Độc lập - Tự do - Hạnh phúc"), True, False, 13.5),
         ("――――――――――――――", False, False, 10)],
    ]
    for col, lines in enumerate(cells):
        cell = t.rows[0].cells[col]
        cell.width = widths[col]
        for j, (text, bold, italic, size) in enumerate(lines):
            p = cell.paragraphs[0] if j == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            r = p.add_run(text)
            r.bold, r.italic, r.font.size = bold, italic, Pt(size)
    for col, (text, italic, size) in enumerate(((ctx["number_line"], False, 13), (ctx["date_line"], True, 13.5))):
        cell = t.rows[1].cells[col]
        cell.width = widths[col]
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        r.italic, r.font.size = italic, Pt(size)


def render_docx(data: ReportData, context: dict | None = None) -> bytes:
    ctx = context or build_context(data)
    text, blocks, year = ctx["text"], ctx["blocks"], data.year
    notes = text.footnotes
    w = Writer()
    _header(w, ctx)
    w.para(_("BÁO CÁO"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False).paragraph_format.space_before = Pt(12)
    w.para(text.subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    w.para("―――――", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=10)
    if ctx.get("illustrative_line"):
        mark = w.para(ctx["illustrative_line"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        for run in mark.runs:
            run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    w.note_call(w.para(text.opening), notes.get("baseline"))

    w.heading(_("I. KẾT QUẢ CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN ĐỐI VỚI SỰ PHỤC VỤ CỦA CƠ QUAN HÀNH CHÍNH NHÀ NƯỚC (SIPAS)"))
    w.heading(_("1. Tổng quan về Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước năm %(year)s") % {"year": year})
    w.blocks(blocks["sipas_method"])
    w.heading(_("2. Nội dung, tiêu chí đo lường sự hài lòng của người dân năm %(year)s") % {"year": year})
    w.para(text.sipas_criteria)
    for line in text.sipas_sections:
        w.para("+ " + line)
    w.heading(_("3. Kết quả đo lường sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước năm %(year)s") % {"year": year})
    if text.sipas_result:
        w.note_call(w.para(text.sipas_result + (" " + text.sipas_indicators if text.sipas_indicators else "")), notes.get("sipas"))
    if data.sipas.has_values:
        w.table(ctx["sipas_table"], size=11)
    w.blocks(blocks["sipas_commentary"])
    if text.sipas_expectations:
        w.para(text.sipas_expectations)

    w.heading(_("II. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)"))
    w.heading(_("1. Công tác triển khai tự đánh giá, chấm điểm xác định Chỉ số CCHC năm %(year)s") % {"year": year})
    w.blocks(blocks["self_assessment_work"])
    w.para(" ".join([text.self_assessed_total] + [b.text for b in blocks["self_assessment_after"]]))
    w.heading(_("2. Kết quả Chỉ số CCHC năm %(year)s") % {"year": year})
    p = w.para(text.par_result)
    w.note_call(p, notes.get("history"), text.par_result_tail + (" " + text.par_channels if data.par.has_results else ""))
    if data.par.has_results:
        w.note_call(p, notes.get("framework"))
    if data.par.has_results:
        _par_details(w, ctx, data)
    _closing_sections(w, ctx, data)
    return _save(w, text)


def _par_details(w: Writer, ctx: dict, data: ReportData):
    text, notes = ctx["text"], ctx["text"].footnotes
    for item in text.field_items:
        w.para("- " + item["text"])
        for sub in item["sub"]:
            w.para("+ " + sub).paragraph_format.first_line_indent = Cm(1.9)
    if text.par_summary:
        p = w.para(text.par_summary)
        w.note_call(p, notes.get("rose"), text.par_summary_tail)
    w.para(text.chart_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=13).paragraph_format.keep_with_next = True
    w.table(ctx["chart_table"], size=12)


def _closing_sections(w: Writer, ctx: dict, data: ReportData):
    text, blocks, year = ctx["text"], ctx["blocks"], data.year
    w.heading(_("3. Tồn tại, hạn chế và nguyên nhân"))
    if not data.par.has_results:
        w.para(_("Chưa có kết quả thẩm định để phân tích tồn tại, hạn chế."))
    else:
        _shortfalls(w, ctx, data)
    w.heading(_("4. Một số giải pháp duy trì, cải thiện kết quả Chỉ số cải cách hành chính năm %(next)s và các năm tiếp theo") % {"next": year + 1})
    w.blocks(blocks["solutions"])
    w.heading(_("5. Kiến nghị, đề xuất"))
    w.blocks(blocks["recommendations"])
    w.para(text.closing)
    _signature(w, ctx)


def _shortfalls(w: Writer, ctx: dict, data: ReportData):
    text, notes = ctx["text"], ctx["text"].footnotes
    p = w.para(text.shortfall_intro)
    w.note_call(p, notes.get("rank"), text.shortfall_intro_tail)
    if text.fields_fell_title:
        w.para("* " + text.fields_fell_title)
        for line in text.fields_fell:
            w.para("+ " + line)
    if data.par.shortfalls:
        w.new_section(landscape=True)
        w.para(text.shortfall_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=12)
        w.table(ctx["shortfall_table"], size=10, width_mm=257)
        w.new_section(landscape=False)


def _save(w: Writer, text) -> bytes:
    if text.footnote_list:
        w.para("――――――――――", indent=False, size=10)
        for note in text.footnote_list:
            p = w.para("", indent=False, size=11)
            r = p.add_run(str(note.number))
            r.font.superscript = True
            r2 = p.add_run(" " + note.text)
            r2.font.size = Pt(11)
    out = BytesIO()
    w.doc.save(out)
    return out.getvalue()


def _signature(w: Writer, ctx: dict):
    record = ctx["record"]
    t = w.doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _cant_split(t.rows[0])
    left, right = t.rows[0].cells
    p = left.paragraphs[0]
    r = p.add_run(_("Nơi nhận:"))
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    lines = ctx["recipients"]
    for i, line in enumerate(lines):
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        rr = q.add_run(f"- {line}{'.' if i == len(lines) - 1 else ';'}")
        rr.font.size = Pt(11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(record.signer_title)
    r.bold = True
    for _i in range(4):
        right.add_paragraph()
    q = right.add_paragraph()
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rr = q.add_run(record.signer_name)
    rr.bold = True
