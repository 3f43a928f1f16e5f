"""DOCX of the report (python-docx), for staff who finish the text in Word or LibreOffice
before signing.

Same sections, sentences and tables as the PDF (they come from the same context):
headings in Word's heading styles (the navigation pane shows them) formatted as the
official body; tables with fixed column widths (names and reasons wide, numbers narrow);
the chart as a picture of the PDF's SVG; real Word footnotes; the shortfall table on
landscape pages; page numbers top centre from page 2; "DỰ THẢO" on every page of a draft;
document properties from the report record. The same data gives the same bytes.
"""
from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from . import docx_layout as layout
from . import docx_parts as parts
from .assemble import ReportData, default_area_name
from .context import build_context
from .narrative import _VOWELS
from .docx_layout import FONT, INDENT, page_field
from .tables import Table

PORTRAIT_TEXT_MM = 210 - 30 - 15
LANDSCAPE_TEXT_MM = 297 - 25 - 15
CHART_WIDTH_CM = 16


def empty_section_placeholder(*, draft: bool = True) -> str:
    """What stands for a staff-written section left empty, as the PDF's template prints it
    (reports/_blocks.html): a draft asks for the text, a final render says it is empty."""
    if draft:
        return _("(Chưa có nội dung – cán bộ nhập tại trang quản trị báo cáo.)")
    return _("(Không có nội dung.)")


def _set_margins(section, top=20, bottom=20, left=30, right=15):
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)


def _no_borders(table):
    layout.no_borders(table)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cant_split(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


class Writer:
    def __init__(self, *, draft_mark: str | None = None):
        self.doc = Document()
        layout.base_styles(self.doc)
        layout.heading_styles(self.doc)
        parts.set_language(self.doc)
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        _set_margins(section)
        layout.page_headers(section, draft_mark=draft_mark)
        self.notes: list[tuple[int, str]] = []

    def para(self, text="", *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, size=None, lead="",
             style=None):
        p = self.doc.add_paragraph(style=style)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = INDENT
        if lead:
            r = p.add_run(parts.xml_text(lead))
            r.italic = True
            r.bold = bold or None
            if size:
                r.font.size = Pt(size)
        r = p.add_run(parts.xml_text(text))
        if bold or italic:
            r.bold, r.italic = bold or None, italic or None
        if size:
            r.font.size = Pt(size)
        return p

    def note_call(self, p, note, tail=""):
        """A real Word footnote where the PDF puts its call, then the rest of the sentence."""
        if note:
            self.notes.append((note.number, note.text))
            parts.footnote_reference(p, note.number)
        if tail:
            p.add_run(parts.xml_text(tail))

    def heading(self, text, level=2):
        """I./II. (level 1), 1./2./3. (level 2): Word's heading styles, formatted as the body."""
        return self.para(text, style=f"Heading {level}", indent=False, align=None)

    def blocks(self, blocks, *, placeholder="", draft=False):
        """Staff-written text. Empty, it says so as the PDF does: under its own heading
        (placeholder="heading") in every render, the words differing for a draft and a
        final render; after other sentences (placeholder="draft") in a draft only."""
        if not blocks and placeholder and (draft or placeholder == "heading"):
            self.para(empty_section_placeholder(draft=draft), italic=True)
        for b in blocks:
            if b.kind == "heading":
                self.heading(b.text, level=3)
            elif b.kind == "item":
                self.para(b.text, lead="- " + b.lead if b.lead else "- ")
            else:
                self.para(b.text, lead=b.lead)

    def table(self, table: Table, *, size=11, width_mm=PORTRAIT_TEXT_MM):
        t = self.doc.add_table(rows=1, cols=table.columns)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = t.rows[0]
        _repeat_header(header)
        for i, text in enumerate(table.headers):
            p = header.cells[i].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            r = p.add_run(parts.xml_text(text))
            r.bold = True
            r.font.size = Pt(size)
        for row in table.rows:
            added = t.add_row()
            if not row.long:
                _cant_split(added)  # kept whole on one page, as in the PDF
            cells = added.cells
            for i, c in enumerate(row.cells):
                lines = c.text.split("\n") or [""]
                for j, line in enumerate(lines):
                    p = cells[i].paragraphs[0] if j == 0 else cells[i].add_paragraph()
                    p.paragraph_format.space_after = Pt(0)
                    p.paragraph_format.line_spacing = 1.0
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if c.numeric else WD_ALIGN_PARAGRAPH.LEFT
                    r = p.add_run(parts.xml_text(line))
                    r.bold = row.strong or None
                    r.font.size = Pt(size)
        # The PDF's widths (percent of the text width): names and reasons wide, numbers narrow.
        layout.column_widths(t, [Mm(width_mm * w / sum(table.widths)) for w in table.widths])
        layout.cell_margins(t)
        return t

    def picture(self, png: bytes, *, width_cm: float, title: str):
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(6)
        p.paragraph_format.keep_together = True
        p.add_run().add_picture(BytesIO(png), width=Cm(width_cm))
        for doc_pr in p._p.xpath(".//wp:docPr"):
            doc_pr.set("descr", parts.xml_text(title))
        return p

    def new_section(self, landscape: bool):
        # The paragraph that ends the previous section holds nothing: 1 pt high, so that it
        # never opens a page of its own after a table that fills the last one.
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        fmt = self.doc.paragraphs[-1].paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), Pt(1)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        _set_margins(section, left=25 if landscape else 30)
        layout.follow_headers(section)
        return section


def _header(w: Writer, ctx: dict):
    record = ctx["record"]
    t = w.doc.add_table(rows=2, cols=2)
    _no_borders(t)
    cells = [
        [(record.parent_body, False, False, 13), (record.issuer, True, False, 13), ("―――――", False, False, 10)],
        [(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), True, False, 12.5), (_("Độc lập - Tự do - Hạnh phúc"), True, False, 13.5),
         ("――――――――――――――", False, False, 10)],
    ]
    for col, lines in enumerate(cells):
        cell = t.rows[0].cells[col]
        for j, (text, bold, italic, size) in enumerate(lines):
            p = cell.paragraphs[0] if j == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            r = p.add_run(parts.xml_text(text))
            r.bold, r.italic, r.font.size = bold or None, italic or None, Pt(size)
    for col, (text, italic, size) in enumerate(((ctx["number_line"], False, 13), (ctx["date_line"], True, 13.5))):
        p = t.rows[1].cells[col].paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(parts.xml_text(text))
        r.italic, r.font.size = italic or None, Pt(size)
    # 40 % / 60 % of the text width, as the PDF's header.
    layout.column_widths(t, [Mm(PORTRAIT_TEXT_MM * 0.4), Mm(PORTRAIT_TEXT_MM * 0.6)])


def render_docx(data: ReportData, context: dict | None = None, *, final: bool = False) -> bytes:
    """The report as DOCX bytes; a draft carries the draft mark on every page unless the
    context (or `final`) says it is the publication snapshot."""
    ctx = context or build_context(data, final=final)
    text, blocks, year = ctx["text"], ctx["blocks"], data.year
    draft = bool(ctx.get("is_draft"))
    notes = text.footnotes
    w = Writer(draft_mark=ctx.get("draft_mark") if draft else None)
    _header(w, ctx)
    w.para(_("BÁO CÁO"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False).paragraph_format.space_before = Pt(12)
    w.para(text.subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    w.para("―――――", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=10)
    if ctx.get("illustrative_line"):
        mark = w.para(ctx["illustrative_line"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        for run in mark.runs:
            run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    w.note_call(w.para(text.opening), notes.get("baseline"))

    w.heading(_("I. KẾT QUẢ CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN ĐỐI VỚI SỰ PHỤC VỤ CỦA CƠ QUAN HÀNH CHÍNH NHÀ NƯỚC (SIPAS)"), level=1)
    w.heading(_("1. Tổng quan về Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước năm %(year)s") % {"year": year})
    w.blocks(blocks["sipas_method"], placeholder="heading", draft=draft)
    w.heading(_("2. Nội dung, tiêu chí đo lường sự hài lòng của người dân năm %(year)s") % {"year": year})
    w.para(text.sipas_criteria)
    for line in text.sipas_sections:
        w.para("+ " + line)
    w.heading(_("3. Kết quả đo lường sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước năm %(year)s") % {"year": year})
    if text.sipas_result:
        w.note_call(w.para(text.sipas_result + (" " + text.sipas_indicators if text.sipas_indicators else "")), notes.get("sipas"))
    if data.sipas.has_values:
        w.table(ctx["sipas_table"], size=11)
    w.blocks(blocks["sipas_commentary"], placeholder="draft", draft=draft)
    if text.sipas_expectations:
        w.para(text.sipas_expectations)

    w.heading(_("II. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)"), level=1)
    w.heading(_("1. Công tác triển khai tự đánh giá, chấm điểm xác định Chỉ số CCHC năm %(year)s") % {"year": year})
    w.blocks(blocks["self_assessment_work"], placeholder="draft", draft=draft)
    w.para(" ".join([text.self_assessed_total] + [b.text for b in blocks["self_assessment_after"]]))
    w.heading(_("2. Kết quả Chỉ số CCHC năm %(year)s") % {"year": year})
    p = w.para(text.par_result)
    w.note_call(p, notes.get("history"), text.par_result_tail + (" " + text.par_channels if data.par.has_results else ""))
    if data.par.has_results:
        w.note_call(p, notes.get("framework"))
    if data.par.has_results:
        _par_details(w, ctx, data)
    _closing_sections(w, ctx, data, draft)
    return _save(w, ctx, data)


def _par_details(w: Writer, ctx: dict, data: ReportData):
    text, notes = ctx["text"], ctx["text"].footnotes
    for item in text.field_items:
        w.para("- " + item["text"])
        for sub in item["sub"]:
            w.para("+ " + sub).paragraph_format.first_line_indent = Cm(1.9)
    if text.par_summary:
        p = w.para(text.par_summary)
        w.note_call(p, notes.get("rose"), text.par_summary_tail)
    title = w.para(text.chart_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=13)
    title.paragraph_format.keep_with_next = True
    title.paragraph_format.space_before = Pt(6)
    w.picture(layout.chart_png(str(ctx["chart_svg"]), width_cm=CHART_WIDTH_CM), width_cm=CHART_WIDTH_CM, title=text.chart_title)


def _closing_sections(w: Writer, ctx: dict, data: ReportData, draft: bool):
    text, blocks, year = ctx["text"], ctx["blocks"], data.year
    w.heading(_("3. Tồn tại, hạn chế và nguyên nhân"))
    if not data.par.has_results:
        w.para(_("Chưa có kết quả thẩm định để phân tích tồn tại, hạn chế."))
    else:
        _shortfalls(w, ctx, data)
    w.heading(_("4. Một số giải pháp duy trì, cải thiện kết quả Chỉ số cải cách hành chính năm %(next)s và các năm tiếp theo") % {"next": year + 1})
    if ctx["followup_table"] is not None:
        w.para(ctx["followup_line"])
        w.table(ctx["followup_table"], size=11)
    w.blocks(blocks["solutions"], placeholder="heading", draft=draft)
    w.heading(_("5. Kiến nghị, đề xuất"))
    w.blocks(blocks["recommendations"], placeholder="heading", draft=draft)
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
        title = w.para(text.shortfall_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=12)
        title.paragraph_format.keep_with_next = True
        w.table(ctx["shortfall_table"], size=10, width_mm=LANDSCAPE_TEXT_MM)
        w.new_section(landscape=False)


def _name_case(name: str) -> str:
    """"SỞ NỘI VỤ" -> "Sở Nội vụ", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" -> "Sở Kế hoạch và Đầu tư": a name
    printed in capitals (the page header) as it reads in a sentence: the first two words and
    the word after "và" or "-" capitalised, acronyms (no vowel: UBND) kept."""
    if name != name.upper():
        return name
    words, out = name.split(), []
    for i, word in enumerate(words):
        low = word.lower()
        if not set(low) & _VOWELS:
            out.append(word)
        elif i < 2 or (i and words[i - 1].lower() in ("và", "-")):
            out.append(low[:1].upper() + low[1:])
        else:
            out.append(low)
    return " ".join(out)


def issuing_body(record, period=None) -> str:
    """"Sở Nội vụ tỉnh Điện Biên": the issuer as the opening paragraph names it (its role
    before " - "), else as the header prints it, with the province's name."""
    name = (record.issuer_role or "").split(" - ")[0].strip() or _name_case((record.issuer or "").strip())
    area = (record.area_name or "").strip() or (default_area_name(period) if period is not None else "")
    if area and area.lower() not in name.lower():
        name = f"{name} {area}".strip()
    return name or (record.parent_body or "").strip()


def _save(w: Writer, ctx: dict, data: ReportData) -> bytes:
    record, text = ctx["record"], ctx["text"]
    if w.notes:
        parts.add_footnotes(w.doc, w.notes)
    when = parts.fixed_datetime(record.date, data.year)
    author = issuing_body(record, data.period)
    parts.set_properties(
        w.doc, author=author, title=text.subject,
        subject=_("Chỉ số CCHC (PAR Index) và Chỉ số SIPAS năm %(year)s") % {"year": data.year},
        keywords="; ".join(k for k in (_("Chỉ số CCHC"), "PAR Index", "SIPAS", str(data.year), record.area_name) if k),
        category=_("Báo cáo"), description=ctx.get("illustrative_line") or "",
        identifier=record.number or "", status=ctx.get("draft_mark", "") if ctx.get("is_draft") else "", when=when)
    out = BytesIO()
    w.doc.save(out)
    return parts.normalise_zip(out.getvalue(), when)


def _signature(w: Writer, ctx: dict):
    record = ctx["record"]
    t = w.doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _cant_split(t.rows[0])
    left, right = t.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    r = p.add_run(_("Nơi nhận:"))
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    lines = ctx["recipients"]
    for i, line in enumerate(lines):
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        rr = q.add_run(parts.xml_text(f"- {line}{'.' if i == len(lines) - 1 else ';'}"))
        rr.font.size = Pt(11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(parts.xml_text(record.signer_title))
    r.bold = True
    for _i in range(4):
        right.add_paragraph()
    q = right.add_paragraph()
    q.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rr = q.add_run(parts.xml_text(record.signer_name))
    rr.bold = True
    layout.column_widths(t, [Mm(PORTRAIT_TEXT_MM * 0.5)] * 2)


__all__ = ["FONT", "empty_section_placeholder", "issuing_body", "page_field", "render_docx"]
