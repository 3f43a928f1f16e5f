"""Figures follow the database: one changed score moves its row, the totals and the sentences;
a period without a previous one drops the comparisons instead of failing."""
from decimal import Decimal

import pytest

from reports.services import assemble, find_period, render
from reports.services.context import build_context
from reports.services.render_html import render_document
from scorecards.models import EvaluationPeriod, Score
from tests.factories import build_framework, build_period
from tests.reports.helpers import html_text, table_rows


def _appraise(period, code, points):
    score = Score.objects.get(period=period, criterion__code=code)
    score.appraised_points = Decimal(points)
    score.save()


def test_raising_one_appraised_score_changes_row_totals_and_sentences(period_2024, officer, client_for):
    _appraise(period_2024, "7.1.1", "0.25")
    page = client_for(officer).get("/reports/2024/").content.decode()
    rows = table_rows(page, "shortfall")
    row = next(r for r in rows if r[0] == "7.1.1")
    assert row[2:6] == ["0,5", "0,5", "0,25", "0,25"]
    assert rows[-1][2:6] == ["19", "13,571", "11,583", "1,988"]
    text = html_text(page)
    assert "tài liệu kiểm chứng là 59,154/66,5 điểm" in text
    assert "chính quyền số: đạt 11,025/12,5 điểm" in text
    assert "chính quyền số giảm nhẹ: 0,31 điểm, đạt 11,93/13,5 = 88,37%" in text
    # The published score stays 88,23; the preview tells staff the computed one differs.
    assert "đạt 88,23/100" in text and "điểm tính từ dữ liệu chấm điểm 88,473" in text


def test_a_score_reaching_its_maximum_leaves_the_table(period_2024, officer, client_for):
    _appraise(period_2024, "7.1.1", "0.5")
    page = client_for(officer).get("/reports/2024/").content.decode()
    rows = table_rows(page, "shortfall")
    assert "7.1.1" not in [r[0] for r in rows] and len(rows) == 17 + 1
    assert rows[-1][2:6] == ["18,5", "13,071", "11,333", "1,738"]
    text = html_text(page)
    assert "còn có 17 tiêu chí (TC)" in text and "BẢNG THỐNG KÊ 17 TC, TCTP" in text


def test_period_without_previous_renders_without_comparisons(period_2023, officer, client_for):
    assert period_2023.previous() is None
    response = client_for(officer).get("/reports/2023/")
    assert response.status_code == 200
    text = html_text(response.content.decode())
    assert "so với năm 2022" not in text and "bậc" not in text
    assert "đạt 80,10%, xếp thứ 49/63 tỉnh, thành." in text
    assert "Điểm Chỉ số CCHC năm 2023 của tỉnh Điện Biên đạt 88,02/100" in text
    assert len(table_rows(response.content.decode(), "sipas")[0]) == 2  # no previous-year columns


@pytest.mark.django_db
def test_bare_period_without_province_results_or_record_renders_all_formats():
    period = build_period(build_framework(fields=2, criteria_per_field=2, leaves_per_criterion=2), year=2030)
    data = assemble(EvaluationPeriod.objects.select_related("framework", "subject").get(pk=period.pk))
    assert data.previous is None and not data.par.has_results
    text = html_text(render_document(data))
    assert "Chưa có kết quả Chỉ số CCHC năm 2030" in text
    for fmt in ("pdf", "docx", "html"):
        assert render(period, fmt).content


def test_period_with_results_but_no_self_assessment_says_so(open_period):
    text = html_text(render_document(assemble(find_period(2026))))
    assert "Chưa có số liệu tự đánh giá, chấm điểm của tỉnh Điện Biên năm 2026" in text
    assert "Chưa có kết quả Chỉ số CCHC năm 2026" in text


def test_record_is_not_the_highest_ever_when_history_says_otherwise(period_2024):
    from scorecards.models import NationalResult

    NationalResult.objects.filter(year=2021).update(par_score=Decimal("90"))
    data = assemble(find_period(2024))
    assert not data.par.is_record
    assert "cao nhất từ trước đến nay" not in html_text(render_document(data, context=build_context(data)))
