"""The report's DOCX as a secretary finishes it in Word or LibreOffice: real footnotes, the
chart as a picture, fixed column widths, properties of the issuing body, heading styles,
the draft mark on every page, the same bytes for the same data; and LibreOffice's own
layout of it (converted headless) against the PDF.

The 2024 report is rendered once per module (draft, final, the PDF): about 3 s in all.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from types import SimpleNamespace

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from lxml import etree

from reports.services import assemble, build_context, find_period
from reports.services.render_docx import render_docx
from tests.reports.helpers import squash

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1], "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
PLACEHOLDER = "(Chưa có nội dung – cán bộ nhập tại trang quản trị báo cáo.)"


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        data = assemble(find_period(2024))
        ctx = build_context(data)
        draft = render_docx(data, ctx)
        again = render_docx(data, build_context(data))
        final = render_docx(data, final=True)
    return Rendered(data=data, ctx=ctx, draft=draft, again=again, final=final)


class Rendered(SimpleNamespace):
    def __repr__(self):  # the data's repr would query the database outside a test's access
        return "Rendered(2024)"


def open_docx(blob: bytes):
    return docx.Document(io.BytesIO(blob))


def part_xml(blob: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return etree.fromstring(z.read(name))


def test_footnotes_are_word_footnotes_called_from_the_text(report):
    notes = report.ctx["text"].footnote_list
    assert len(notes) >= 3
    with zipfile.ZipFile(io.BytesIO(report.draft)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        body = etree.fromstring(z.read("word/document.xml"))
        footnotes = etree.fromstring(z.read("word/footnotes.xml"))
        settings = z.read("word/settings.xml").decode()
    assert ('PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"') in types
    assert 'relationships/footnotes" Target="footnotes.xml"' in rels
    by_id = {f.get(f"{W}id"): f for f in footnotes.findall("w:footnote", NS)}
    assert by_id["-1"].get(f"{W}type") == "separator" and by_id["-1"].find(".//w:separator", NS) is not None
    assert by_id["0"].get(f"{W}type") == "continuationSeparator"
    assert '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>' in settings
    for note in notes:
        element = by_id[str(note.number)]
        assert "".join(element.itertext()).strip() == note.text
        assert element.find("w:p/w:pPr/w:pStyle", NS).get(f"{W}val") == "FootnoteText"
        assert element.find(".//w:footnoteRef", NS) is not None
    # The calls in the text, in reading order, each once: Word numbers them 1, 2, 3 … as the PDF.
    calls = [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")]
    assert calls == [str(n.number) for n in notes]
    # No list of notes after the signature any more, nor their text in the body.
    text = "\n".join(p.text for p in open_docx(report.draft).paragraphs)
    assert "――――――――――" not in text
    assert all(note.text not in text for note in notes)
    styles = {s.style_id: s for s in open_docx(report.draft).styles}
    assert styles["FootnoteReference"].font.superscript
    assert styles["FootnoteText"].name == "footnote text"


def test_chart_is_a_picture_of_the_svg_and_its_table_is_gone(report):
    document = open_docx(report.draft)
    images = [p for p in document.part.package.iter_parts() if p.content_type == "image/png"]
    assert len(images) == 1
    png = images[0].blob
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width_px = int.from_bytes(png[16:20], "big")
    assert 1200 <= width_px <= 1320  # 16 cm at about 200 dpi
    inline = document.element.body.find(".//wp:inline", NS)
    assert abs(int(inline.find("wp:extent", NS).get("cx")) - Cm(16)) < Mm(1)
    assert inline.find("wp:docPr", NS).get("descr") == report.ctx["text"].chart_title
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p._p.find(".//wp:inline", NS) is not None)
    assert paragraphs[at - 1].text == report.ctx["text"].chart_title
    assert paragraphs[at - 1].paragraph_format.keep_with_next
    # header, SIPAS, shortfalls, signature: the chart's figures are no table any more
    assert len(document.tables) == 4
    assert not any(t.rows[0].cells[0].text == "Lĩnh vực" for t in document.tables)


def _grid(table) -> list[int]:
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_every_table_has_fixed_column_widths_names_wide_numbers_narrow(report):
    document = open_docx(report.draft)
    for table in document.tables:
        grid = _grid(table)
        assert len(grid) == len(table.columns) and min(grid) > 0
        tbl_pr = table._tbl.tblPr
        assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert int(tbl_pr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
        for row in table.rows:
            assert [c.width.twips for c in row.cells] == grid
    header, sipas, shortfall, signature = document.tables
    portrait, landscape = Mm(165).twips, Mm(257).twips
    assert abs(sum(_grid(sipas)) - portrait) <= 10 and abs(sum(_grid(shortfall)) - landscape) <= 10
    name, others = _grid(sipas)[0], _grid(sipas)[1:]
    assert name > 3 * max(others)
    grid = _grid(shortfall)
    assert shortfall.rows[0].cells[6].text.startswith("Nguyên nhân") and shortfall.rows[0].cells[1].text.startswith("Lĩnh vực")
    assert grid[6] == max(grid)  # the reasons
    assert grid[1] > max(grid[2:6]) and grid[7] > max(grid[2:6])  # names and lead agencies wider than numbers
    # the order of the table properties is the schema's (Word refuses others)
    order = [el.tag.split("}")[1] for el in shortfall._tbl.tblPr]
    schema = ["tblStyle", "tblW", "jc", "tblBorders", "tblLayout", "tblCellMar", "tblLook"]
    assert [t for t in schema if t in order] == order
    assert [el.tag.split("}")[1] for el in header._tbl.tblPr].index("tblBorders") < \
        [el.tag.split("}")[1] for el in header._tbl.tblPr].index("tblLayout")


def test_properties_name_the_issuing_body_and_the_report_date(report):
    props = open_docx(report.draft).core_properties
    assert props.author == "Sở Nội vụ tỉnh Điện Biên" and props.last_modified_by == props.author
    assert props.title == report.ctx["text"].subject
    assert "2024" in props.subject and "SIPAS" in props.keywords
    assert props.created == props.modified == dt.datetime(2025, 4, 10, tzinfo=dt.timezone.utc)  # the record's date
    assert props.revision == 1 and props.identifier == "661/BC-SNV" and props.language == "vi-VN"
    assert props.content_status == "DỰ THẢO" and open_docx(report.final).core_properties.content_status == ""
    with zipfile.ZipFile(io.BytesIO(report.draft)) as z:
        assert "docProps/thumbnail.jpeg" not in z.namelist()
        everything = b"".join(z.read(n) for n in z.namelist() if not n.endswith(".png"))
    assert b"python-docx" not in everything and b"Macintosh" not in everything and b"2013-12-23" not in everything


def test_headings_are_word_heading_styles_formatted_as_the_body(report):
    document = open_docx(report.draft)
    by_text = {p.text: p.style.name for p in document.paragraphs}
    assert by_text["I. KẾT QUẢ CHỈ SỐ HÀI LÒNG CỦA NGƯỜI DÂN ĐỐI VỚI SỰ PHỤC VỤ CỦA CƠ QUAN HÀNH CHÍNH NHÀ NƯỚC (SIPAS)"] == "Heading 1"
    assert by_text["II. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX)"] == "Heading 1"
    assert by_text["2. Kết quả Chỉ số CCHC năm 2024"] == "Heading 2"
    assert by_text["5. Kiến nghị, đề xuất"] == "Heading 2"
    assert sum(name == "Heading 2" for name in by_text.values()) == 8
    for level in (1, 2):
        style = document.styles[f"Heading {level}"]
        assert style.font.name == "Times New Roman" and style.font.size == Pt(14) and style.font.bold
        assert str(style.font.color.rgb) == "000000"
        assert style.paragraph_format.first_line_indent == Cm(1.27)
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
        assert "Theme" not in etree.tostring(style.element).decode()  # no theme font, no theme colour


def test_draft_mark_on_every_page_of_a_draft_and_none_in_the_final(report):
    document = open_docx(report.draft)
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    first = document.sections[0]
    assert first.different_first_page_header_footer
    assert "DỰ THẢO" in "".join(p.text for p in first.first_page_header.paragraphs)
    assert not first.first_page_header._element.xpath(".//w:fldSimple")  # no page number on page 1
    for section in document.sections:
        header = section.header
        assert "DỰ THẢO" in "".join(p.text for p in header.paragraphs)
        assert header._element.xpath('.//w:fldSimple[@w:instr="PAGE"]')
    for later in document.sections[1:]:
        # linked to the first section's header; page numbers on their first pages too
        assert later.header.is_linked_to_previous and not later.different_first_page_header_footer
    final = open_docx(report.final)
    with zipfile.ZipFile(io.BytesIO(report.final)) as z:
        headers = [n for n in z.namelist() if n.startswith("word/header")]
        assert len(headers) == 2
        assert all("DỰ THẢO" not in z.read(n).decode() for n in headers + ["word/document.xml"])
    assert final.sections[0].header._element.xpath('.//w:fldSimple[@w:instr="PAGE"]')


def test_same_data_gives_the_same_bytes(report):
    assert report.draft == report.again
    assert report.draft != report.final
    with zipfile.ZipFile(io.BytesIO(report.draft)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2025, 4, 10, 0, 0, 0)}
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])


@pytest.mark.django_db
def test_empty_staff_sections_say_so(demo):
    data = assemble(find_period(2024))
    for name in ("sipas_method", "solutions", "sipas_commentary"):
        setattr(data.record, name, "")
    draft = open_docx(render_docx(data)).paragraphs
    at = next(i for i, p in enumerate(draft) if p.text.startswith("1. Tổng quan về Chỉ số hài lòng"))
    assert draft[at + 1].text == PLACEHOLDER and draft[at + 1].runs[0].italic
    assert sum(p.text == PLACEHOLDER for p in draft) == 3  # I.1, the I.3 commentary, II.4
    final = open_docx(render_docx(data, final=True)).paragraphs
    assert not any(p.text == PLACEHOLDER for p in final)
    assert sum(p.text == "(Không có nội dung.)" for p in final) == 2  # under their own headings only


# ---- LibreOffice ---------------------------------------------------------------------------

def soffice_pdf(blob: bytes, tmp_path) -> bytes:
    """The DOCX converted by LibreOffice headless, in a profile of its own (another
    LibreOffice running on the machine does not get the job)."""
    exe = shutil.which("soffice")
    if not exe:
        pytest.skip("soffice (LibreOffice, gói libreoffice-writer-nogui) không có trên máy")
    src = tmp_path / "bao-cao.docx"
    src.write_bytes(blob)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(src)], capture_output=True, timeout=180, check=True,
                   env={**os.environ, "HOME": str(tmp_path)})
    return (tmp_path / "bao-cao.pdf").read_bytes()


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [(float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)]


def test_libreoffice_lays_the_docx_out_close_to_the_pdf(report, tmp_path, pdf_text, django_db_blocker):
    from reports.services.render_html import render_document
    from reports.services.render_pdf import html_to_pdf

    converted = soffice_pdf(report.draft, tmp_path)
    with django_db_blocker.unblock():
        weasy = html_to_pdf(render_document(report.data, context=report.ctx))
    lo_sizes, pdf_sizes = page_sizes(converted), page_sizes(weasy)
    assert len(pdf_sizes) >= 10
    assert len(lo_sizes) <= 1.3 * len(pdf_sizes), (len(lo_sizes), len(pdf_sizes))
    landscape = [i for i, (w, h) in enumerate(lo_sizes) if w > h]
    assert landscape and landscape == list(range(landscape[0], landscape[-1] + 1))
    assert len(landscape) <= 1.3 * sum(w > h for w, h in pdf_sizes) + 1
    pages = pdf_text(converted).split("\f")[:len(lo_sizes)]
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert "DỰ THẢO" in squash(page), number
        assert (str(number) in lines[:3]) == (number > 1), (number, lines[:3])
    for i in landscape:  # the shortfall table's header row repeats on each of its pages
        assert "Nguyên nhân chưa đạt điểm tối đa" in squash(pages[i])
    text = squash(" ".join(pages))
    assert "Biểu đồ kết quả điểm các lĩnh vực" in text and report.data.record.signer_name in text


def test_libreoffice_keeps_hostile_reasons_inside_the_landscape_table(django_db_setup, django_db_blocker, tmp_path, pdf_text):
    """Long pasted reasons, a 110-character file name, a URL, decomposed Unicode and
    control characters: the DOCX opens, every character of the table's pages lies inside
    the page and nothing is lost."""
    import pdfplumber

    from tests.reports import hostile

    with django_db_blocker.unblock():
        data = assemble(find_period(2024))
    rows = data.par.shortfalls
    for i, reason in enumerate(hostile.REASONS):
        rows[i] = dataclasses.replace(rows[i], reason=reason)
    rows[5] = dataclasses.replace(rows[5], name=rows[5].name + "\x0b\x01" + "Đ" * 60)
    with django_db_blocker.unblock():
        blob = render_docx(data)
    converted = soffice_pdf(blob, tmp_path)
    with pdfplumber.open(io.BytesIO(converted)) as pdf:
        for page in pdf.pages:
            if page.width > page.height:  # inside the margins: 25 mm left, 15 mm right (1 pt to spare)
                left, right = Mm(25).pt - 1, page.width - Mm(15).pt + 1
                assert all(left <= c["x0"] and c["x1"] <= right for c in page.chars), page.page_number
    text = "".join(pdf_text(converted).split())
    for mark in (hostile.END_LONG, hostile.END_LINES, hostile.END_NFD):
        assert mark in text
    assert "Đ" * 10 in text  # the unbroken name, broken inside its narrow column (lines read across the row)


@pytest.mark.django_db
def test_round_annex_docx_has_fixed_widths_and_the_draft_mark_until_published(demo):
    from reports.services.round_docs import render_annex
    from scorecards.choices import PeriodStatus
    from scorecards.models import Round

    round_ = Round.objects.get(year=2024)
    published = open_docx(render_annex(round_, "docx").content)
    headers = " ".join(p.text for s in published.sections for h in (s.header, s.first_page_header) for p in h.paragraphs)
    assert "DỰ THẢO" not in headers
    table = published.tables[1]
    grid = _grid(table)
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert grid[1] == max(grid)  # the unit's name
    for row in table.rows[:2]:  # the merged header cells span their columns' widths
        spans = [(tc.grid_span, tc.width.twips) for tc in row._tr.tc_lst]
        assert sum(s for s, _w in spans) == len(grid)
        assert sum(w for _s, w in spans) == sum(grid)
    Round.objects.filter(pk=round_.pk).update(status=PeriodStatus.APPRAISAL)
    round_.refresh_from_db()
    draft = open_docx(render_annex(round_, "docx").content)
    section = draft.sections[0]
    for header in (section.header, section.first_page_header):
        assert "DỰ THẢO" in " ".join(p.text for p in header.paragraphs)
