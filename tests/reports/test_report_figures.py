"""The demo report prints every figure of report 661/BC-SNV, computed from the data.

Where the original's arithmetic was wrong (CHECKS.md) the report prints the computed
value: the shortfall totals are 13,571 / 11,333 / 2,238, indicator 17 rises 2,96%.
"""
import re

import pytest

from reports.services import find_period, render
from tests.reports.helpers import html_text, squash, table_rows

# (code, max, self, appraised, deduction) of the table of criteria below their maximum.
SHORTFALL_ROWS = [
    ("1.3", "1", "0,96", "0,96", "0"), ("1.7", "1,5", "1,429", "1,429", "0"),
    ("2.3.2", "1", "1", "0,75", "0,25"), ("5.4", "1,5", "1", "1", "0"), ("5.6", "0,5", "0,25", "0,25", "0"),
    ("6.1.1", "1", "0,961", "0,785", "0,176"), ("6.1.3", "1", "0,961", "0,961", "0"),
    ("6.3.1", "0,25", "0", "0", "0"), ("6.3.2", "0,75", "0", "0", "0"),
    ("7.1.1", "0,5", "0,5", "0", "0,5"), ("7.1.4", "1", "1", "0,688", "0,312"),
    ("7.3.4", "1", "0,5", "0,5", "0"), ("7.3.6", "1,5", "1,323", "1,323", "0"), ("7.3.7", "1,5", "1,264", "1,264", "0"),
    ("8.2", "1,5", "0", "0", "0"), ("8.3.2", "0,5", "0", "0", "0"), ("8.4", "1,5", "1,5", "0,5", "1"),
    ("8.5", "1,5", "0,923", "0,923", "0"),
]
TOTALS = ("19", "13,571", "11,333", "2,238")

SENTENCES = [
    "đạt 82,96%, xếp thứ 40/63 tỉnh, thành; tăng 2,86% và 09 bậc so với năm 2023 (80,10%, xếp thứ 49/63)",
    "39/39 tiêu chí thuộc 09 nhóm tiêu chí đều tăng điểm số so với năm 2023",
    "được thực hiện với 09 nhóm tiêu chí (39 tiêu chí), trong đó 04 nhóm tiêu chí (23 tiêu chí)",
    "05 nhóm tiêu chí (16 tiêu chí) về việc cung ứng DVHCC",
    "77,8% mong muốn “Nâng cao năng lực của CBCCVC chức trong giải quyết công việc cho người dân”",
    "là 60,642/66,5 điểm (đạt 91,191% so với điểm tối đa)",
    "đạt 88,23/100, tăng 0,21 điểm so với năm 2023 (năm 2023 đạt 88,02/100)",
    "là năm tỉnh đạt số điểm cao nhất từ trước đến nay",
    "tài liệu kiểm chứng là 58,904/66,5 điểm",
    "hành chính nhà nước là 27,89/32 điểm",
    "đạt 1,429/1,5 điểm",
    "Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC: đạt 7,96/8 điểm;",
    "Lĩnh vực 7: Xây dựng, phát triển chính quyền điện tử, chính quyền số: đạt 10,775/12,5 điểm;",
    "8,30/10 điểm",
    "đạt 19,59/22 điểm",
    "có 04 lĩnh vực tăng điểm so với năm 2023",
    "vị trí xếp hạng giảm 15 bậc, xếp thứ 35/63 tỉnh, thành",
    "còn có 18 tiêu chí (TC), tiêu chí thành phần (TCTP)",
    "Cải cách thể chế giảm nhẹ: 0,3 điểm, đạt 9,43/10 = 94,3%;",
    "Xây dựng, phát triển chính quyền điện tử, chính quyền số giảm 0,56 điểm, đạt 11,68/13,5 = 86,52%;",
]
FOOTNOTES = [
    "Năm 2023 – 88,02 điểm; 2022 – 86,30 điểm",
    "2012 – 62,58 điểm.",
    "Công tác chỉ đạo, điều hành CCHC (+0,58 điểm, đạt 9,39/9,5 = 98,84%)",
    "Cải cách thủ tục hành chính (+0,82 điểm, đạt tối đa 13/13 = 100%)",
    "Năm 2023 xếp thứ 20/63 tỉnh, thành.",
]


@pytest.fixture
def demo_html(demo, officer, client_for):
    response = client_for(officer).get("/reports/2024/")
    assert response.status_code == 200
    return response.content.decode()


def test_preview_prints_every_reference_figure(demo_html):
    text = html_text(demo_html)
    for sentence in SENTENCES + FOOTNOTES:
        assert sentence in text, sentence
    assert "UBND TỈNH ĐIỆN BIÊN" in text and "Số: 661/BC-SNV" in text
    assert "Điện Biên, ngày 10 tháng 4 năm 2025" in text
    assert "Nguyễn Tiến Đạt" in text and "GIÁM ĐỐC" in text


def test_preview_shortfall_table_matches_reference(demo_html):
    rows = table_rows(demo_html, "shortfall")
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows[:-1]] == SHORTFALL_ROWS
    assert rows[2][7] == "Sở Tư pháp" and rows[1][7] == "Văn phòng UBND tỉnh"
    assert rows[-1][0] == "TỔNG ĐIỂM" and tuple(rows[-1][2:6]) == TOTALS


def test_sipas_table_has_every_indicator_with_computed_changes(demo_html):
    rows = table_rows(demo_html, "sipas")
    assert len(rows) == 2 + 9 + 39 + 1
    by_label = {r[0].split(".")[0]: r for r in rows}
    assert by_label["17"][1:] == ["83,39%", "80,43%", "2,96%"]  # the original printed 2,80%
    assert by_label["23"][1:] == ["83,10%", "79,57%", "3,53%"]  # the original printed 3,61%
    assert rows[0][1:] == ["82,88%", "80,03%", "2,85%"]
    assert rows[-1][0] == "SỰ PHỤC VỤ HÀNH CHÍNH NÓI CHUNG NĂM 2024" and rows[-1][1:] == ["82,96%", "80,10%", "2,86%"]


def test_chart_draws_each_field_both_years(demo_html):
    svg = re.search(r"<svg.*?</svg>", demo_html, flags=re.S).group(0)
    for label in ("9,39", "8,81", "13,00", "12,18", "11,22", "11,87"):
        assert f">{label}<" in svg, label
    assert svg.count("<rect") == 8 * 2 + 2  # two bars per field and the legend


@pytest.mark.django_db
def test_pdf_prints_the_same_figures(demo, pdf_text):
    report = render(find_period(2024), "pdf")
    assert report.content.startswith(b"%PDF")
    text = squash(pdf_text(report.content))
    for figure in ("82,96%", "40/63", "2,86%", "09 bậc", "60,642/66,5", "91,191%", "88,23", "0,21", "58,904/66,5",
                   "27,89/32", "1,429/1,5", "8,30/10", "19,59/22", "35/63", "15 bậc"):
        assert figure in text, figure
    assert "tăng 2,86% và 09 bậc so với năm 2023" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    layout = pdf_text(report.content, layout=True)
    for code, *cells in SHORTFALL_ROWS:
        numbers = r"\s+".join(map(re.escape, cells))
        pattern = r"^\s*" + re.escape(code) + r"\s.*?\s" + numbers + r"\s"
        assert re.search(pattern, layout, flags=re.M), code
    assert re.search(r"TỔNG ĐIỂM\s+" + r"\s+".join(map(re.escape, TOTALS)), layout)


@pytest.mark.django_db
def test_pdf_is_a4_with_embedded_report_font_and_numbers_from_page_two(demo, pdf_text):
    import subprocess

    pdf = render(find_period(2024), "pdf").content
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "ReportSerif" in fonts and " no " not in fonts.split("\n", 2)[2].replace("CID TrueType", "")
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "595.276 x 841.89" in info or "595.28 x 841.89" in info
    pages = pdf_text(pdf).split("\f")
    assert not pages[0].lstrip().startswith("1")
    assert pages[1].strip().splitlines()[0].strip() == "2"
    # the shortfall table's header is repeated on every page it spans
    header_pages = [i for i, p in enumerate(pages) if "Điểm bị trừ so với tự đánh giá" in squash(p)]
    first_row = next(i for i, p in enumerate(pages) if "Xử lý các vấn đề phát hiện" in squash(p))
    total_row = next(i for i, p in enumerate(pages) if "TỔNG ĐIỂM" in squash(p))
    assert header_pages == list(range(first_row, total_row + 1)) and len(header_pages) >= 2


@pytest.mark.django_db
def test_docx_has_the_same_sections_and_tables(demo):
    from io import BytesIO

    import docx

    document = docx.Document(BytesIO(render(find_period(2024), "docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    for sentence in ("tăng 2,86% và 09 bậc", "60,642/66,5 điểm (đạt 91,191%", "88,23/100", "giảm 15 bậc, xếp thứ 35/63"):
        assert sentence in text
    shortfall = document.tables[-2]
    assert [c.text for c in shortfall.rows[-1].cells][2:6] == list(TOTALS)
    assert shortfall.rows[0]._tr.trPr.xpath("./w:tblHeader")  # header row repeats on every page
    from docx.enum.section import WD_ORIENT

    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert document.sections[0].different_first_page_header_footer  # no page number on page 1
    assert "Nguyễn Tiến Đạt" in "\n".join(c.text for c in document.tables[-1].rows[0].cells)
    assert [c.text for c in shortfall.rows[3].cells][:6] == ["2.3.2", shortfall.rows[3].cells[1].text, "1", "1", "0,75", "0,25"]
