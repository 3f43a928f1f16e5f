"""The printed documents of a round (reports.services.round_docs): the results annex in
PDF/DOCX/XLSX, a subject's own scorecard in PDF/XLSX, the analysis report, and the
render_ranking command, checked against figures computed by hand on `small_round`.

The scenario (`scored`), leaves of 1 point, field 3 survey-sourced, caps bonus 3 / penalty 5:
- Sở A: every leaf 1 except 1.1.1 (round 1: 0,25, round 2: 0,5) → 11,5/12 = 95,833; bonus 1 → 96,833, rank 1, Tốt.
- Sở B: field 2 at 0,5 per leaf → 10/12 = 83,333; penalty 2 → 81,333, rank 2, Khá.
- Sở C: criterion 1.1 not applicable, 2.1.x at 0 → 8/10 = 80,000; bonus 1,333 → 81,333, rank 2 (tie), Khá.
- Xã A: field 1 at 0 → 8/12 = 66,667, rank 1, Trung bình. Xã B: every leaf 0,5 → 50,000, rank 2, Yếu.
Last year (`last_year`, a 2024 round with the same departments): Sở B 100 (1, Tốt), Sở C 75 (2, Trung bình),
Sở A 50 (3, Yếu).
"""
import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import round_docs
from reports.services.round_docs import analysis as analysis_mod
from reports.services.round_docs import common
from reports.services.round_docs.annex import build_annex
from reports.services.round_docs.render_annex_pdf import annex_html, render_annex_pdf
from reports.services.round_docs.scorecard import build_scorecard_doc
from scorecards.choices import AdjustmentKind, PeriodStatus
from scorecards.models import Adjustment, Agency, Score
from scorecards.services import rounds as round_service
from tests.rounds.conftest import build_round_framework, make_round

D = Decimal


def set_points(period, points):
    """Every leaf of `period` gets `points` (appraised, round 1) and self points 1."""
    Score.objects.filter(period=period).update(appraised_points=D(points), self_points=D(1))


def set_leaves(period, prefix, **values):
    Score.objects.filter(period=period, criterion__code__startswith=prefix).update(**values)


def rename(period, name):
    Agency.objects.filter(pk=period.subject_id).update(name=name)


@pytest.fixture
def pdf_text():
    """Text of a PDF as pdftotext (poppler-utils) reads it; pages end with a form feed."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) không có trên máy")

    def _text(pdf: bytes, layout: bool = False) -> str:
        args = ["pdftotext"] + (["-layout"] if layout else []) + ["-", "-"]
        return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    return _text


@pytest.fixture
def scored(small_round):
    """small_round scored as in the module docstring: {unit name: period, "round": round}."""
    return score_small_round(small_round)


def score_small_round(small_round):
    periods = {p.subject.name: p for p in small_round.periods.select_related("subject", "group")}
    a, b, c = periods["Sở A"], periods["Sở B"], periods["Sở C"]
    set_points(a, 1)
    set_leaves(a, "1.1.1", appraised_points=D("0.25"), appraised_points_round2=D("0.5"), explanation="Đã ban hành kế hoạch",
               appraisal_reason="Thiếu văn bản triển khai", explanation_requested=True, appeal_explanation="Bổ sung quyết định")
    Adjustment.objects.create(period=a, kind=AdjustmentKind.BONUS, content="Sáng kiến được công nhận",
                              claimed_points=D(2), points=D(1), explanation="Có quyết định công nhận")
    set_points(b, 1)
    set_leaves(b, "2.", appraised_points=D("0.5"))
    Adjustment.objects.create(period=b, kind=AdjustmentKind.PENALTY, content="Chậm gửi báo cáo", points=D(2))
    set_points(c, 1)
    set_leaves(c, "1.1.", not_applicable=True)
    set_leaves(c, "2.1.", appraised_points=D(0))
    Adjustment.objects.create(period=c, kind=AdjustmentKind.BONUS, content="Mô hình mới", points=D("1.333"))
    set_points(periods["Xã A"], 1)
    set_leaves(periods["Xã A"], "1.", appraised_points=D(0))
    set_points(periods["Xã B"], "0.5")
    periods["round"] = small_round
    return periods


@pytest.fixture
def last_year(scored, officer):
    """A 2024 round with the same departments: Sở B 100, Sở C 75, Sở A 50."""
    prev = make_round(officer, year=2024, name="Chỉ số CCHC năm 2024 (thử)", departments=(), communes=(),
                      status=PeriodStatus.DRAFT)
    group = prev.groups.get(code="so")
    round_service.add_subjects(group.pk, [scored[n].subject for n in ("Sở A", "Sở B", "Sở C")], actor=officer)
    by_name = {p.subject.name: p for p in prev.periods.select_related("subject")}
    set_points(by_name["Sở A"], "0.5")
    set_points(by_name["Sở B"], 1)
    set_points(by_name["Sở C"], "0.75")
    return prev


def publish(round_, officer):
    round_.decision_number = "512/QĐ-UBND"
    round_.decision_date = date(2026, 1, 20)
    round_.decision_signer = "Nguyễn Văn A"
    round_.save()
    round_service.change_round_status(round_.pk, PeriodStatus.APPRAISAL, actor=officer)
    round_service.change_round_status(round_.pk, PeriodStatus.PUBLISHED, actor=officer)
    round_.refresh_from_db()
    return round_


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- annex data

def test_annex_rows_match_hand_computed_figures(scored):
    annex = build_annex(scored["round"])
    so, xa = annex.groups
    rows = {r.unit: r for r in so.rows}
    assert [r.unit for r in so.rows] == ["Sở A", "Sở B", "Sở C"]
    assert [r.rank for r in so.rows] == [1, 2, 2]  # the tie shares rank 2
    assert rows["Sở A"].fields == [D("3.5"), D(4), D(4)]
    assert (rows["Sở A"].total, rows["Sở A"].grade, rows["Sở A"].bonus) == (D("96.833"), "Tốt", D(1))
    assert (rows["Sở B"].rescaled, rows["Sở B"].penalty, rows["Sở B"].total) == (D("83.333"), D(2), D("81.333"))
    assert (rows["Sở C"].rescaled, rows["Sở C"].total, rows["Sở C"].grade) == (D("80.000"), D("81.333"), "Khá")
    assert rows["Sở C"].not_applicable_codes == ["1.1.1", "1.1.2"]
    assert [(r.unit, r.rank, r.total, r.grade) for r in xa.rows] == [
        ("Xã A", 1, D("66.667"), "Trung bình"), ("Xã B", 2, D("50.000"), "Yếu")]
    assert so.places == 3 and so.field_places == 2
    assert so.show_adjustments
    assert annex.title == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025 CỦA SỞ, BAN, NGÀNH VÀ UBND XÃ, PHƯỜNG"
    assert annex.issuer == "UBND TỈNH ĐIỆN BIÊN"
    # Not published yet: a draft, whatever the decision fields hold.
    assert annex.label == "Dự thảo phụ lục"
    assert annex.decision_line == "(Dự thảo – kết quả chưa được công bố; giai đoạn: tự đánh giá)"
    assert not annex.landscape


def test_annex_decision_line_after_publication(scored, officer):
    round_ = publish(scored["round"], officer)
    annex = build_annex(round_)
    assert annex.decision_line == "(Kèm theo Quyết định số 512/QĐ-UBND ngày 20/01/2026 của UBND tỉnh Điện Biên)"
    assert annex.published and annex.incomplete_note == ""


def test_annex_says_figures_are_provisional_while_points_are_missing(small_round):
    annex = build_annex(small_round)
    assert annex.incomplete_note == "Số liệu tạm tính: 05 đơn vị còn tiêu chí chưa có điểm thẩm định (tính 0 điểm)."


def test_annex_dash_for_a_field_not_counted(scored):
    set_leaves(scored["Xã B"], "3.", appraised_points=None)  # not surveyed: out of the maximum
    xa = build_annex(scored["round"]).groups[1]
    row = next(r for r in xa.rows if r.unit == "Xã B")
    assert row.fields == [D(2), D(2), None] and row.rescaled == D("50.000")
    assert any(note.startswith("Dấu “–”") for note in xa.notes)


def test_annex_html_escapes_hostile_names(scored):
    rename(scored["Sở A"], '<script>alert(1)</script>&"x"')
    html = annex_html(scored["round"])
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html


@pytest.fixture
def small_and_big(officer):
    small = make_round(officer, name="nhỏ", departments=("Sở 1", "Sở 2"), communes=("Xã 1",))
    big = make_round(officer, name="lớn", departments=[f"Sở lớn {i}" for i in range(12)],
                     communes=[f"Xã lớn {i}" for i in range(15)])
    for round_ in (small, big):
        Score.objects.filter(period__round=round_).update(appraised_points=D("0.5"))
        first = round_.periods.order_by("pk").first()
        Adjustment.objects.create(period=first, kind=AdjustmentKind.BONUS, content="Thưởng", points=D(1))
    return type(small).objects.get(pk=small.pk), type(big).objects.get(pk=big.pk)


@pytest.mark.parametrize("build", [
    annex_html,
    analysis_mod.build_analysis,
    lambda r: build_scorecard_doc(r.periods.order_by("pk").last()),
], ids=["annex", "analysis", "scorecard"])
def test_queries_do_not_grow_with_subjects(build, small_and_big, django_assert_max_num_queries):
    small, big = small_and_big
    build(small)  # warm the per-process caches (content types, …)
    with CaptureQueriesContext(connection) as few:
        build(type(small).objects.get(pk=small.pk))
    with django_assert_max_num_queries(len(few)):
        build(type(big).objects.get(pk=big.pk))


# ---------------------------------------------------------------- annex formats

def test_annex_pdf_text_and_illustrative_mark_on_every_page(scored, pdf_text):
    round_ = scored["round"]
    round_.is_illustrative = True
    round_.save()
    pdf = render_annex_pdf(round_)
    assert pdf.startswith(b"%PDF")
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    assert len(pages) == 2  # each group starts a page
    assert all("Số liệu minh họa" in page for page in pages)
    text = flat(pdf_text(pdf))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH ĐIỆN BIÊN" in text and "Dự thảo phụ lục" in text
    assert "(Dự thảo – kết quả chưa được công bố; giai đoạn: tự đánh giá)" in text
    assert "1 Sở A 3,50 4,00 4,00 95,833 1,000 0,000 96,833 1 Tốt" in text
    assert "2 Sở B 4,00 2,00 4,00 83,333 0,000 2,000 81,333 2 Khá" in text
    assert "3 Sở C (*) 2,00 2,00 4,00 80,000 1,333 0,000 81,333 2 Khá" in text
    assert "1 Xã A 0,00 4,00 4,00 66,667 0,000 0,000 66,667 1 Trung bình" in text
    assert "Sở C (1.1.1, 1.1.2)" in text


def test_annex_pdf_without_illustrative_mark(scored, pdf_text):
    assert "minh họa" not in pdf_text(render_annex_pdf(scored["round"])).lower()


def test_annex_pdf_one_group_on_landscape_when_wide(officer, pdf_text):
    fw = build_round_framework("fw-wide-docs", fields=7, survey_fields=())
    round_ = make_round(officer, name="rộng", framework=fw)
    Score.objects.filter(period__round=round_).update(appraised_points=D(1))
    pdf = render_annex_pdf(round_, round_.groups.get(code="xa"))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # landscape A4
    text = flat(pdf_text(pdf))
    assert "I. UBND XÃ, PHƯỜNG" in text and "SỞ, BAN, NGÀNH" not in text
    assert "Sở A" not in text and "1 Xã A 4,00 4,00 4,00 4,00 4,00 4,00 4,00 100,00" in text


def test_annex_xlsx_numbers_ranks_and_grades(scored):
    wb = openpyxl.load_workbook(io.BytesIO(round_docs.render_annex(scored["round"], "xlsx").content))
    assert wb.sheetnames == ["I. Sở, ban, ngành", "II. UBND xã, phường"]
    ws = wb["I. Sở, ban, ngành"]
    rows = [r for r in ws.iter_rows() if isinstance(r[0].value, int)]
    values = [[c.value for c in r[:11]] for r in rows]
    assert values[0] == [1, "Sở A", 3.5, 4, 4, 95.833, 1, 0, 96.833, 1, "Tốt"]
    assert values[1] == [2, "Sở B", 4, 2, 4, 83.333, 0, 2, 81.333, 2, "Khá"]
    assert values[2] == [3, "Sở C", 2, 2, 4, 80, 1.333, 0, 81.333, 2, "Khá"]
    assert rows[2][11].value == "1.1.1, 1.1.2"
    total = rows[0][8]
    assert total.data_type == "n" and total.number_format == "0.000"
    assert rows[0][2].data_type == "n" and rows[0][2].number_format == "0.00"
    head_row = rows[0][0].row - 2
    assert [c.value for c in ws[head_row]][:3] == ["STT", "Đơn vị", "Điểm theo lĩnh vực"]
    assert [c.value for c in ws[head_row + 1]][2:5] == ["1\n(4)", "2\n(4)", "3\n(4)"]
    xa = wb["II. UBND xã, phường"]
    assert [[c.value for c in r[:11]] for r in xa.iter_rows() if isinstance(r[0].value, int)][1] == [
        2, "Xã B", 2, 2, 2, 50, 0, 0, 50, 2, "Yếu"]


def test_annex_xlsx_keeps_formula_like_names_as_text(scored):
    rename(scored["Sở A"], '=HYPERLINK("http://x")')
    wb = openpyxl.load_workbook(io.BytesIO(round_docs.render_annex(scored["round"], "xlsx").content))
    cell = next(c for row in wb.worksheets[0].iter_rows() for c in row if str(c.value or "").startswith("=HYPER"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_annex_docx_tables_and_header(scored):
    round_ = scored["round"]
    round_.is_illustrative = True
    round_.save()
    document = docx.Document(io.BytesIO(round_docs.render_annex(round_, "docx").content))
    texts = [p.text for p in document.paragraphs]
    assert "Dự thảo phụ lục" in texts and "I. SỞ, BAN, NGÀNH" in texts and "II. UBND XÃ, PHƯỜNG" in texts
    head = document.tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head.rows[0].cells[1].text
    assert "UBND TỈNH ĐIỆN BIÊN" in head.rows[0].cells[0].text
    so = document.tables[1]
    assert [c.text for c in so.rows[2].cells] == ["1", "Sở A", "3,50", "4,00", "4,00", "95,833", "1,000", "0,000", "96,833",
                                                  "1", "Tốt"]
    assert [c.text for c in so.rows[4].cells][:2] == ["3", "Sở C (*)"] and so.rows[4].cells[-2].text == "2"
    assert all("tblHeader" in row._tr.xml for row in so.rows[:2])  # both header rows repeat on every page
    section = document.sections[0]
    assert "Số liệu minh họa" in " ".join(p.text for p in section.header.paragraphs)
    assert "Số liệu minh họa" in " ".join(p.text for p in section.first_page_header.paragraphs)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert section.page_width < section.page_height  # three fields: portrait


def test_control_characters_in_names_do_not_break_docx_and_xlsx(scored):
    rename(scored["Sở A"], "Sở\x0b A\x1f")  # (NUL: PostgreSQL and the forms refuse it)
    document = docx.Document(io.BytesIO(round_docs.render_annex(scored["round"], "docx").content))
    assert document.tables[1].rows[2].cells[1].text == "Sở A"
    wb = openpyxl.load_workbook(io.BytesIO(round_docs.render_annex(scored["round"], "xlsx").content))
    assert "Sở A" in [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    ws = openpyxl.load_workbook(io.BytesIO(round_docs.render_scorecard(scored["Sở A"], "xlsx").content)).active
    assert ws.title == "Sở A" and "Đơn vị: Sở A" in [c.value for row in ws.iter_rows() for c in row]
    assert render_annex_pdf(scored["round"]).startswith(b"%PDF")


def test_annex_docx_is_landscape_when_wide(officer):
    fw = build_round_framework("fw-wide-docx", fields=6, survey_fields=())
    round_ = make_round(officer, name="rộng docx", framework=fw)
    document = docx.Document(io.BytesIO(round_docs.render_annex(round_, "docx").content))
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert len(document.tables[1].columns) == 2 + 6 + 6  # STT, unit, fields, rescaled, bonus, penalty, total, rank, grade


def test_annex_file_names(scored):
    so = scored["round"].groups.get(code="so")
    doc = round_docs.render_annex(scored["round"], "pdf", so)
    assert doc.filename == "phu-luc-ket-qua-chi-so-cchc-nam-2025-so-ban-nganh.pdf"
    assert doc.display_name == "Phụ lục kết quả Chỉ số CCHC năm 2025 - Sở, ban, ngành.pdf"
    assert doc.content_disposition.startswith(
        'attachment; filename="phu-luc-ket-qua-chi-so-cchc-nam-2025-so-ban-nganh.pdf"; '
        "filename*=UTF-8''Ph%E1%BB%A5%20l%E1%BB%A5c")


def test_unknown_format_and_group_are_refused(scored):
    with pytest.raises(round_docs.DocumentError, match="không được hỗ trợ"):
        round_docs.render_annex(scored["round"], "odt")
    with pytest.raises(round_docs.DocumentError, match=r"Các nhóm: so \(Sở, ban, ngành\), xa \(UBND xã, phường\)"):
        round_docs.find_group(scored["round"], "khong-co")


# ---------------------------------------------------------------- scorecard

def test_scorecard_rows(scored):
    doc = build_scorecard_doc(scored["Sở A"])
    by_code = {r.code: r for r in doc.rows if r.code}
    leaf = by_code["1.1.1"]
    assert (leaf.max_points, leaf.self_points, leaf.round1, leaf.round2, leaf.final) == (1, 1, D("0.25"), D("0.5"), D("0.5"))
    assert leaf.explanation == "Đã ban hành kế hoạch\nGiải trình sau thẩm định vòng 1: Bổ sung quyết định"
    assert leaf.reason == "[Yêu cầu giải trình] Thiếu văn bản triển khai"
    field = by_code["1"]
    assert (field.max_points, field.self_points, field.round1, field.round2, field.final) == (4, 4, D("3.25"), D("0.5"), D("3.5"))
    assert by_code["3.1.1"].survey and by_code["3.1.1"].self_points is None
    sums = {r.name: r for r in doc.rows if r.kind in ("sum", "total")}
    assert (sums["Cộng điểm các lĩnh vực"].final, sums["Cộng điểm các lĩnh vực"].max_points) == (D("11.5"), 12)
    assert (sums["Quy về thang 100"].final, sums["Quy về thang 100"].self_points) == (D("95.833"), D("100.000"))
    assert sums["Điểm thưởng được tính (tối đa 3 điểm)"].final == D(1)
    assert sums["TỔNG ĐIỂM"].final == D("96.833")
    bonus = next(r for r in doc.rows if r.kind == "adjustment")
    assert (bonus.name, bonus.self_points, bonus.final) == ("Sáng kiến được công nhận", D(2), D(1))
    assert doc.summary[0] == "Tổng điểm: 96,833 điểm; xếp hạng 1/3 trong nhóm sở, ban, ngành; xếp loại Tốt."


def test_scorecard_marks_not_applicable_and_compares_last_year(scored, last_year):
    doc = build_scorecard_doc(scored["Sở C"])
    by_code = {r.code: r for r in doc.rows if r.code}
    assert by_code["1.1.1"].not_applicable and by_code["1.1.2"].not_applicable
    assert (by_code["1"].max_points, by_code["1"].final) == (2, 2)
    assert doc.summary == [
        "Tổng điểm: 81,333 điểm; xếp hạng 2/3 trong nhóm sở, ban, ngành; xếp loại Khá.",
        "So với năm 2024 (75,000 điểm, hạng 2/3, xếp loại Trung bình): tổng điểm +6,333 điểm, giữ nguyên thứ hạng.",
    ]
    assert any(note.startswith("KAD: tiêu chí không áp dụng") for note in doc.notes)


def test_scorecard_pdf_text(scored, pdf_text):
    doc = round_docs.render_scorecard(scored["Sở A"], "pdf")
    assert doc.filename == "phieu-cham-diem-chi-so-cchc-nam-2025-so-a.pdf"
    text = flat(pdf_text(doc.content))
    lines = [flat(line) for line in pdf_text(doc.content, layout=True).splitlines()]
    assert any(line.startswith("1.1.1 Nội dung 1.1.1 1 1 0,25 0,5 0,5 Đã ban hành kế hoạch") for line in lines)
    assert "KẾT QUẢ TỰ ĐÁNH GIÁ VÀ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025" in text
    assert "Đơn vị: Sở A" in text
    assert "[Yêu cầu giải trình] Thiếu văn bản triển khai" in text
    assert "TỔNG ĐIỂM 96,833" in lines
    assert "Quy về thang 100 100 100 95,833" in lines
    assert "Tổng điểm: 96,833 điểm; xếp hạng 1/3 trong nhóm sở, ban, ngành; xếp loại Tốt." in text


def test_scorecard_pdf_not_applicable_mark(scored, pdf_text):
    lines = [flat(line) for line in pdf_text(round_docs.render_scorecard(scored["Sở C"], "pdf").content, layout=True).splitlines()]
    assert "1.1.1 Nội dung 1.1.1 (không áp dụng) 1 KAD KAD KAD KAD" in lines


def test_scorecard_xlsx_numbers(scored):
    ws = openpyxl.load_workbook(io.BytesIO(round_docs.render_scorecard(scored["Sở C"], "xlsx").content)).active
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    assert [c.value for c in rows["2.1.1"][:8]] == ["2.1.1", "Nội dung 2.1.1", 1, 1, 0, None, 0, None]
    assert rows["2.1.1"][2].data_type == "n"
    assert [c.value for c in rows["1.1.1"][:8]] == ["1.1.1", "Nội dung 1.1.1", 1, "KAD", "KAD", "KAD", "KAD", "x"]
    names = {r[1].value: r for r in ws.iter_rows() if r[1].value}
    assert names["TỔNG ĐIỂM"][6].value == pytest.approx(81.333)
    assert names["Quy về thang 100"][6].value == pytest.approx(80)
    assert names["Mô hình mới"][6].value == pytest.approx(1.333)


def test_scorecard_of_a_period_outside_rounds_is_refused(period_2024):
    with pytest.raises(round_docs.DocumentError):
        round_docs.render_scorecard(period_2024, "pdf")


# ---------------------------------------------------------------- analysis

def test_analysis_sentences_from_data(scored, last_year):
    a = analysis_mod.build_analysis(scored["round"])
    so, xa = a.groups
    assert so.paragraphs["scores"] == [
        "Nhóm có 03 đơn vị được đánh giá; điểm trung bình đạt 86,50 điểm.",
        "Cao nhất là Sở A với 96,83 điểm; thấp nhất là Sở B và Sở C với 81,33 điểm; chênh lệch 15,50 điểm.",
    ]
    assert so.paragraphs["grades"] == [
        "Về xếp loại: 01 đơn vị xếp loại Tốt (33,33%); 02 đơn vị xếp loại Khá (66,67%); "
        "không có đơn vị nào xếp loại Trung bình; không có đơn vị nào xếp loại Yếu."]
    assert so.paragraphs["moves"] == [
        "So với năm 2024 (03 đơn vị có kết quả cả hai năm): có 01 đơn vị tăng hạng (Sở A tăng 02 bậc); "
        "có 01 đơn vị giảm hạng (Sở B giảm 01 bậc); có 01 đơn vị giữ nguyên thứ hạng.",
        "Có 01 đơn vị xếp loại thấp hơn năm 2024: Sở B (từ Tốt xuống Khá).",
    ]
    assert [(c.code, c.below, c.appraised, c.lost) for c in so.losses] == [
        ("2.1.1", 2, 3, D("1.5")), ("2.1.2", 2, 3, D("1.5")), ("1.1.1", 1, 2, D("0.5")),
        ("2.2.1", 1, 3, D("0.5")), ("2.2.2", 1, 3, D("0.5"))]
    assert so.paragraphs["losses"][0].startswith(
        "Các tiêu chí có nhiều đơn vị bị trừ điểm nhất: 2.1.1 – Nội dung 2.1.1: 02/03 đơn vị chưa đạt điểm tối đa, "
        "bị trừ tổng cộng 1,5 điểm;")
    assert xa.paragraphs["moves"] == ["Không có đơn vị nào của nhóm có kết quả trong đợt đánh giá năm 2024 để so sánh."]
    assert xa.paragraphs["grades"] == [
        "Về xếp loại: không có đơn vị nào xếp loại Tốt; không có đơn vị nào xếp loại Khá; "
        "01 đơn vị xếp loại Trung bình (50%); 01 đơn vị xếp loại Yếu (50%)."]
    assert a.intro[0] == ("Đợt đánh giá “Chỉ số CCHC năm 2025 (thử)” có 05 đơn vị thuộc 02 nhóm: "
                          "nhóm sở, ban, ngành 03 đơn vị, nhóm UBND xã, phường 02 đơn vị.")
    assert "giai đoạn “Tự đánh giá”" in a.intro[1]


def test_analysis_follows_the_data(scored, last_year):
    """Change the scores and the sentences change with them: nothing is written by hand."""
    set_leaves(scored["Sở B"], "2.", appraised_points=D(1))  # Sở B: 100 − 2 = 98, Tốt
    so = analysis_mod.build_analysis(scored["round"]).groups[0]
    assert so.paragraphs["scores"][1].startswith("Cao nhất là Sở B với 98,00 điểm; thấp nhất là Sở C với 81,33 điểm")
    assert so.paragraphs["moves"][1] == "Không có đơn vị nào xếp loại thấp hơn năm 2024."
    Score.objects.filter(period__round=scored["round"]).update(appraised_points=D(1), appraised_points_round2=None)
    so = analysis_mod.build_analysis(scored["round"]).groups[0]
    assert so.paragraphs["losses"] == ["Mọi đơn vị đều đạt điểm tối đa ở các tiêu chí đã thẩm định."]


def test_analysis_without_an_earlier_round(officer):
    round_ = make_round(officer, year=2000, name="Đợt năm 2000")
    a = analysis_mod.build_analysis(round_)
    assert a.previous_round is None
    assert a.groups[0].paragraphs["moves"] == [
        "Chưa có đợt đánh giá năm trước trên hệ thống nên chưa so sánh được thứ hạng với năm trước."]
    assert a.groups[0].paragraphs["losses"] == ["Chưa có điểm thẩm định để phân tích các tiêu chí bị trừ điểm."]
    assert a.intro[2] == "Cả 05 đơn vị đều còn tiêu chí chưa có điểm thẩm định (tính 0 điểm)."


def test_analysis_pdf_text(scored, last_year, officer, pdf_text):
    round_ = publish(scored["round"], officer)
    text = flat(pdf_text(round_docs.render_analysis(round_, "pdf").content))
    assert "SỞ NỘI VỤ" in text and "BÁO CÁO" in text
    assert "Kết quả đã được công bố tại Quyết định số 512/QĐ-UBND ngày 20/01/2026 của UBND tỉnh Điện Biên." in text
    assert "Có 01 đơn vị xếp loại thấp hơn năm 2024: Sở B (từ Tốt xuống Khá)." in text
    assert "1 Sở A 96,83 Tốt 50,00 3/3 Yếu +2" in text
    assert "1 2.1.1 Nội dung 2.1.1 1 02/03 1,5" in text


def test_analysis_html_escapes(scored):
    rename(scored["Sở A"], "<b>Sở & A</b>")
    html = round_docs.render_analysis(scored["round"], "html").content.decode()
    assert "<b>Sở & A</b>" not in html and "&lt;b&gt;Sở &amp; A&lt;/b&gt;" in html
    assert '<link rel="stylesheet"' not in html and ".doc-header" in html  # a file that reads on its own


# ---------------------------------------------------------------- render_ranking command

def test_command_writes_one_group(scored, tmp_path):
    out = tmp_path / "bxh.xlsx"
    stdout = io.StringIO()
    call_command("render_ranking", "--year", "2025", "--round", str(scored["round"].pk), "--group", "xa",
                 "--format", "xlsx", "--output", str(out), stdout=stdout)
    assert openpyxl.load_workbook(out).sheetnames == ["I. UBND xã, phường"]
    assert "Đã ghi phụ lục kết quả" in stdout.getvalue()


def test_command_pdf_and_docx(scored, tmp_path, pdf_text):
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"bxh.{fmt}"
        call_command("render_ranking", "--year", "2025", "--round", str(scored["round"].pk), "--format", fmt,
                     "--output", str(out), stdout=io.StringIO())
    assert "96,833" in pdf_text((tmp_path / "bxh.pdf").read_bytes())
    assert docx.Document(str(tmp_path / "bxh.docx")).tables[1].rows[2].cells[1].text == "Sở A"


def test_command_with_several_rounds_lists_their_ids(scored, officer, tmp_path):
    other = make_round(officer, name="Đợt thứ hai 2025", departments=("Sở X",), communes=("Xã X",))
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as exc:
        call_command("render_ranking", "--year", "2025", "--format", "pdf", "--output", str(out))
    message = str(exc.value)
    assert message.startswith("Năm 2025 có") and message.endswith("Hãy chọn một đợt bằng --round.")
    assert f"{scored['round'].pk} (Chỉ số CCHC năm 2025 (thử))" in message and f"{other.pk} (Đợt thứ hai 2025)" in message
    assert not out.exists() and not (tmp_path / "x.pdf.part").exists()


def test_command_with_one_round_in_the_year_needs_no_round(officer, tmp_path):
    round_ = make_round(officer, year=2031, name="Đợt 2031", framework=build_round_framework("fw-2031", year=2031))
    out = tmp_path / "x.xlsx"
    call_command("render_ranking", "--year", "2031", "--format", "xlsx", "--output", str(out), stdout=io.StringIO())
    assert openpyxl.load_workbook(out).sheetnames == ["I. Sở, ban, ngành", "II. UBND xã, phường"]
    assert round_.pk


def test_command_unknown_group_lists_codes(scored, tmp_path):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=r"không có nhóm “khong”. Các nhóm: so \(Sở, ban, ngành\), xa \(UBND xã, phường\)"):
        call_command("render_ranking", "--year", "2025", "--round", str(scored["round"].pk), "--group", "khong",
                     "--format", "docx", "--output", str(out))
    assert not out.exists()


def test_command_unknown_round_empty_year_missing_folder(scored, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="Không có đợt đánh giá mã 999999 trong năm 2025"):
        call_command("render_ranking", "--year", "2025", "--round", "999999", "--output", str(out))
    with pytest.raises(CommandError, match="Năm 2032 chưa có đợt đánh giá nào"):
        call_command("render_ranking", "--year", "2032", "--output", str(out))
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("render_ranking", "--year", "2025", "--round", str(scored["round"].pk), "--output",
                     str(tmp_path / "khong-co" / "x.pdf"))
    assert not out.exists()


def test_command_exits_non_zero(scored, tmp_path, capsys):
    """From the command line (run_from_argv): a Vietnamese message on stderr and exit status 1."""
    from django.core.management import ManagementUtility

    out = tmp_path / "x.pdf"
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "render_ranking", "--year", "2025", "--round", str(scored["round"].pk),
                           "--group", "khong", "--output", str(out)]).execute()
    assert exc.value.code == 1
    assert "Các nhóm: so (Sở, ban, ngành), xa (UBND xã, phường)" in capsys.readouterr().err
    assert not out.exists()


def test_helpers():
    assert common.mid_sentence("Các sở, ban, ngành") == "các sở, ban, ngành"
    assert common.mid_sentence("UBND các xã, phường") == "UBND các xã, phường"
    assert common.ascii_name("Phụ lục – Đồng Văn") == "phu-luc-dong-van"
    assert common.places_for([D("1.5"), D("2")]) == 2 and common.places_for([D("1.125")]) == 3
    assert analysis_mod.join_names(["A", "B", "C"]) == "A, B và C"
