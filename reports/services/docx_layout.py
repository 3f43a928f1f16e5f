"""Layout of the report's DOCX in Word's own terms: styles formatted as the official body
(Nghị định 30/2020), fixed column widths every word processor keeps, the page headers
(page number from page 2, the draft mark on every page) and the chart as a picture.

LibreOffice lays a table out from its grid (<w:tblGrid>), not from the cells' widths, and
Word from the cells' widths when the layout is fixed: both are written, with the table's
width, so the two agree with the PDF.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Mm, Pt, Twips

from .docx_parts import xml_text

FONT = "Times New Roman"
INDENT = Cm(1.27)
BLACK = "000000"

# The successors of some children of <w:tblPr> in the schema's order.
_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
               "w:tblLook", "w:tblCaption", "w:tblDescription")
_AFTER_BORDERS = _AFTER_TBLW[4:]


def _fonts(rpr, font: str = FONT):
    """Explicit fonts (no theme font) on a run-properties element."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for name in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{name}"), font)


def base_styles(document, *, size_pt: float = 14):
    """Normal: Times New Roman `size_pt`, 6 pt after, lines 1,1 (the PDF's 1,25 em); the defaults lose their
    theme fonts, so every style (header, table, footnote) writes in the same font."""
    styles = document.styles.element
    default_rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(default_rpr)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size_pt)
    _fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_after = Pt(6)
    fmt.space_before = Pt(0)
    fmt.line_spacing = 1.1
    fmt.widow_control = True


def heading_styles(document, *, size_pt: float = 14):
    """"Heading 1" (I., II.), "Heading 2" (1., 2.) and "Heading 3" (the staff's "##"
    sub-headings) keep their outline levels (the navigation pane, a table of contents) but
    print as the official body: Times New Roman bold, black, justified, first line indented
    1,27 cm, kept with the next paragraph; Heading 3 also italic."""
    half_points = round(size_pt * 2)
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"].element
        for tag in ("w:pPr", "w:rPr"):
            old = style.find(qn(tag))
            if old is not None:
                style.remove(old)
        style.append(parse_xml(
            f'<w:pPr {nsdecls("w")}><w:keepNext/><w:keepLines/><w:spacing w:before="0" w:after="120"/>'
            f'<w:ind w:firstLine="{INDENT.twips}"/><w:jc w:val="both"/><w:outlineLvl w:val="{level - 1}"/></w:pPr>'))
        style.append(parse_xml(
            f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
            f'<w:b/><w:bCs/>{"<w:i/><w:iCs/>" if level == 3 else ""}<w:color w:val="{BLACK}"/>'
            f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'))


# ---- tables ------------------------------------------------------------------------------

def _replace_in_tblPr(tbl_pr, element, successors):
    old = tbl_pr.find(element.tag)
    if old is not None:
        tbl_pr.remove(old)
    tbl_pr.insert_element_before(element, *successors)


def column_widths(table, widths: list[Length]):
    """Fixed layout: the table's width, the grid's columns and every cell's width (a merged
    cell gets the columns it spans)."""
    tbl = table._tbl
    table.autofit = False
    twips = [int(w.twips) for w in widths]
    tbl_w = OxmlElement("w:tblW")
    tbl_w.set(qn("w:w"), str(sum(twips)))
    tbl_w.set(qn("w:type"), "dxa")
    _replace_in_tblPr(tbl.tblPr, tbl_w, _AFTER_TBLW)
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for w in twips:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(w))
        grid.append(col)
    for tr in tbl.tr_lst:
        start = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Twips(sum(twips[start:start + span]))
            start += span


def cell_margins(table, *, side_pt: float = 3, top_pt: float = 1):
    """The cells' inner margins of the whole table (Word's default is 5,4 pt on each side;
    the PDF pads its cells 2 pt × 3 pt): narrow numeric columns keep their figures on a line."""
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top_pt), ("left", side_pt), ("bottom", top_pt), ("right", side_pt)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(value * 20)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    _replace_in_tblPr(table._tbl.tblPr, mar, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


def no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    _replace_in_tblPr(table._tbl.tblPr, borders, _AFTER_BORDERS)


# ---- page headers ------------------------------------------------------------------------

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


def draft_mark_paragraph(header, mark: str, size_pt: float = 12):
    """The draft mark boxed at the top right of the page (as the PDF's), in a frame
    (<w:framePr>) anchored to the page: it takes no line of the header, so the page number
    keeps its place, and it sits at the right margin of a portrait or a landscape page alike."""
    p = header.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_after = Pt(0)
    frame = parse_xml(f'<w:framePr {nsdecls("w")} w:wrap="around" w:vAnchor="page" w:hAnchor="margin" '
                      f'w:xAlign="right" w:y="{Mm(6).twips}"/>')
    p._p.get_or_add_pPr().insert_element_before(
        frame, "w:widowControl", "w:numPr", "w:pBdr", "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
    box = parse_xml(f'<w:pBdr {nsdecls("w")}>' + "".join(
        f'<w:{edge} w:val="single" w:sz="6" w:space="2" w:color="{BLACK}"/>' for edge in ("top", "left", "bottom", "right"))
        + "</w:pBdr>")
    p._p.get_or_add_pPr().insert_element_before(box, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
    run = p.add_run(xml_text(mark))
    run.bold = True
    run.font.size = Pt(size_pt)
    # Before the page number's paragraph: a frame anchors to the paragraph after it.
    header._element.insert(0, p._p)
    return p


def page_headers(section, *, draft_mark: str | None, number_size: float = 13, mark_size: float = 12):
    """The first section's headers: the page number centred at the top from page 2 (none
    on page 1: a different first page), and the draft mark on every page when given (the
    first page's header too). Later sections inherit these headers (linked to previous)."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(number)
    for run in number._p.xpath(".//w:r"):
        rpr = run.get_or_add_rPr()
        rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{round(number_size * 2)}"/>'))
    first = section.first_page_header
    first.is_linked_to_previous = False
    if draft_mark:
        draft_mark_paragraph(header, draft_mark, mark_size)
        draft_mark_paragraph(first, draft_mark, mark_size)


def follow_headers(section):
    """A later section: the same headers as the section before (linked), page numbers on
    its first page too (no different first page)."""
    section.different_first_page_header_footer = False
    section.header.is_linked_to_previous = True
    section.first_page_header.is_linked_to_previous = True
    section.footer.is_linked_to_previous = True
    section.header_distance = Mm(10)


# ---- the chart ---------------------------------------------------------------------------

CHART_FONT = "Liberation Serif"  # the PDF's face (static/fonts), made known to fontconfig below
FALLBACK_FONT = "Times New Roman"  # fontconfig's metric twin of it, or the system's serif
_chart_font: str | None = None
_chart_font_lock = threading.Lock()


def _register_chart_font() -> str:
    """The family the rasteriser draws the chart's text in: the bundled Liberation Serif
    (the face the PDF embeds as "ReportSerif") added to fontconfig's application fonts
    once per process, so cairo finds it by name; if that fails, "Times New Roman" (the
    system's serif). WeasyPrint keeps its own fontconfig configuration and is not touched."""
    global _chart_font
    with _chart_font_lock:
        if _chart_font is None:
            _chart_font = FALLBACK_FONT
            try:
                from django.contrib.staticfiles import finders

                files = [finders.find(f"fonts/LiberationSerif-{face}.ttf") for face in ("Regular", "Bold", "Italic", "BoldItalic")]
                lib = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
                lib.FcConfigAppFontAddFile.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
                lib.FcConfigAppFontAddFile.restype = ctypes.c_int
                if all(files) and all(lib.FcConfigAppFontAddFile(None, str(f).encode()) for f in files):
                    _chart_font = CHART_FONT
            except OSError:
                pass
        return _chart_font


def chart_png(svg: str, *, width_cm: float = 16, dpi: int = 200) -> bytes:
    """The report's SVG chart as a PNG of `width_cm` at `dpi` (cairosvg, the SVG the PDF
    draws). cairosvg takes the first family of a font-family list only and knows no web
    font ("ReportSerif" is the PDF's @font-face): it is given the same face by its name."""
    import cairosvg

    svg = re.sub(r'font-family="ReportSerif[^"]*"', f'font-family="{_register_chart_font()}"', svg)
    width_px = round(width_cm / 2.54 * dpi)
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width_px, dpi=dpi)
