"""Points to win back (issue 15): hand-computed losses, recurrence through the framework
mapping, who reads them, the XLSX carrying the page's numbers, flat query counts, rounds."""
import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.services.analysis_access import Audience
from reports.services.winback import win_back
from scorecards.models import Agency, Criterion, EvaluationPeriod, Score
from tests.factories import AgencyFactory, FrameworkFactory, build_period
from tests.reports.builders import build_report_case

pytestmark = pytest.mark.django_db


def _period(pk):
    return EvaluationPeriod.objects.select_related("framework", "subject__province").get(pk=pk)


def _leaf(fw, parent, code, lineage="", preds=(), max_points="1"):
    c = Criterion.objects.create(framework=fw, parent=parent, code=code, name=f"Nội dung {code}", max_points=D(max_points),
                                 lineage=lineage)
    if preds:
        c.predecessors.add(*preds)
    return c


def _appraise(period, points: dict):
    for score in Score.objects.filter(period=period).select_related("criterion"):
        if score.criterion.code in points:
            score.appraised_points = D(points[score.criterion.code])
            score.save(update_fields=["appraised_points"])


@pytest.fixture
def mapped_case(demo):
    """Two versions: 1.2 renamed 1.4, 1.3 split into 1.5 and 1.6, 2.2 new.

    Last year lost: 1.1 0,5; 1.2 0,5; 1.3 1; 2.1 nothing. This year: 1.1 0,25 (recurring),
    1.4 0,5 (recurring through the rename, last year's code 1.2), 1.5 1 (split: not
    recurring), 1.6 nothing, 2.1 0,5 (last year nothing: not recurring), 2.2 1 (new)."""
    old = FrameworkFactory(code="wb-old", total_points=D(4))
    f1 = _leaf(old, None, "1", max_points="3")
    o11, o12, o13 = (_leaf(old, f1, c) for c in ("1.1", "1.2", "1.3"))
    f2 = _leaf(old, None, "2")
    o21 = _leaf(old, f2, "2.1")
    new = FrameworkFactory(code="wb-new", total_points=D(6), previous=old)
    n1 = _leaf(new, None, "1", "same", [f1], max_points="4")
    _leaf(new, n1, "1.1", "same", [o11])
    _leaf(new, n1, "1.4", "renamed", [o12])
    _leaf(new, n1, "1.5", "split", [o13])
    _leaf(new, n1, "1.6", "split", [o13])
    n2 = _leaf(new, None, "2", "same", [f2], max_points="2")
    _leaf(new, n2, "2.1", "same", [o21])
    _leaf(new, n2, "2.2", "new")
    subject = AgencyFactory(code="wb-tinh", name="UBND tỉnh Giành Lại", kind=Agency.Kind.PROVINCE)
    lead = AgencyFactory(code="wb-so", name="Sở Giành Lại")
    before = build_period(old, year=2031, subject=subject, lead=lead, status="published")
    _appraise(before, {"1.1": "0.5", "1.2": "0.5", "1.3": "0", "2.1": "1"})
    now = build_period(new, year=2032, subject=subject, lead=lead, status="published")
    _appraise(now, {"1.1": "0.75", "1.4": "0.5", "1.5": "0", "1.6": "1", "2.1": "0.5", "2.2": "0"})
    return _period(now.pk)


def test_recurrence_follows_the_mapping_across_a_framework_change(mapped_case):
    result = win_back(mapped_case)
    rows = {r.code: r for r in result.rows}
    assert set(rows) == {"1.1", "1.4", "1.5", "2.1", "2.2"}  # 1.6 at its maximum
    assert (rows["1.1"].recurring, rows["1.1"].previous_lost, rows["1.1"].weight) == (True, D("0.5"), D("0.5"))
    # Renamed: still the same content, recurring, with last year's code.
    assert (rows["1.4"].recurring, rows["1.4"].previous_lost, rows["1.4"].previous_codes) == (True, D("0.5"), ["1.2"])
    assert rows["1.4"].code_changed and rows["1.4"].weight == D("1.0")
    # Split and new nodes do not compare: never recurring, whatever last year lost.
    assert (rows["1.5"].recurring, rows["1.5"].previous_lost, rows["1.5"].weight) == (False, None, D("1"))
    assert (rows["2.2"].recurring, rows["2.2"].previous_lost) == (False, None)
    # Compared, but nothing lost last year.
    assert (rows["2.1"].recurring, rows["2.1"].previous_lost, rows["2.1"].weight) == (False, D("0"), D("0.5"))
    # Weight desc (1, 1, 1, 0,5, 0,5), then lost desc, then framework order.
    assert [r.code for r in result.rows] == ["1.5", "2.2", "1.4", "2.1", "1.1"]
    assert result.total_lost == D("3.25")
    assert [(t.key, t.lost, t.recurring) for t in result.by_field] == [("1", D("1.75"), 2), ("2", D("1.5"), 0)]
    assert [(t.label, t.lost, t.count) for t in result.by_agency] == [("Sở Giành Lại", D("3.25"), 5)]
    assert result.previous.year == 2031


def test_demo_2024_hand_computed(period_2024):
    result = win_back(period_2024)
    rows = {r.code: r for r in result.rows}
    # 8.SIPAS: 10 − 8,300 = 1,7 lost; 2023: 10 − 8,010 = 1,99 → recurring, weight 3,4.
    assert result.rows[0].code == "8.SIPAS"
    assert (rows["8.SIPAS"].lost, rows["8.SIPAS"].previous_lost, rows["8.SIPAS"].weight) == (D("1.7"), D("1.99"), D("3.4"))
    assert rows["8.SIPAS"].decidable is False and rows["5.KS"].decidable is False and rows["8.2"].decidable is True
    # 8.2: 1,5 − 0 = 1,5; 2023 1,5 − 0,437 = 1,063 → weight 3.
    assert (rows["8.2"].lost, rows["8.2"].previous_lost, rows["8.2"].weight) == (D("1.5"), D("1.063"), D("3"))
    # 2.3.2 lost 0,25 in 2024 but had its maximum in 2023: not recurring.
    assert (rows["2.3.2"].recurring, rows["2.3.2"].weight, rows["2.3.2"].agency_name) == (False, D("0.25"), "Sở Tư pháp")
    assert [r.code for r in result.rows[:5]] == ["8.SIPAS", "8.2", "5.KS", "8.4", "6.3.2"]
    # Every leaf below its maximum in 2024 (the 1.R… rows of the demo are at their maxima).
    assert len(result.rows) == 24
    assert result.total_lost == sum((r.lost for r in result.rows), D(0)) == D("11.777")
    channels = {t.key: t.lost for t in result.by_channel}
    assert channels == {"evidence": D("7.596"), "monitoring": D("0.071"), "survey": D("2.410"), "sipas": D("1.7")}
    agencies = {t.label: t.lost for t in result.by_agency}
    assert agencies["Sở Tư pháp"] == D("0.25") and agencies["Sở Tài chính"] == D("2.039")  # 8.4 1 + 6.3.2 0,75 + 6.3.1 0,25 + 6.1.3 0,039
    assert result.by_agency[0].label == "Sở Nội vụ"
    assert not result.is_illustrative


def test_demo_2025_recurring_through_the_moved_criterion(period_2025):
    """2025's framework moved 7.3.4 to 3.4 (Sở Khoa học và Công nghệ): 2024 lost 0,5 there."""
    row = next(r for r in win_back(period_2025).rows if r.code == "3.4")
    assert (row.recurring, row.previous_lost, row.previous_codes, row.lost, row.weight) == (
        True, D("0.5"), ["7.3.4"], D("0.375"), D("0.75"))
    assert win_back(period_2025).is_illustrative


def test_agency_audience_sees_its_own_rows(period_2024, agency_tuphap):
    result = win_back(period_2024, Audience(everything=False, agency_id=agency_tuphap.pk))
    assert [r.code for r in result.rows] == ["2.3.2"]
    assert result.total_lost == D("0.25")
    assert [t.label for t in result.by_agency] == ["Sở Tư pháp"]


def _count(func, period):
    with CaptureQueriesContext(connection) as ctx:
        func(period)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow(period_2024):
    large = build_report_case(scale=5, code="wbq")
    assert Criterion.objects.filter(framework=large.framework).leaves().count() > 150
    assert len(win_back(large).rows) > 50
    assert _count(win_back, _period(period_2024.pk)) == _count(win_back, _period(large.pk)) <= 6


# ---- pages and XLSX -----------------------------------------------------------------------------

def test_pages_by_persona(client_for, officer, leader, tuphap, period_2024):
    url = f"/reports/2024/diem-gianh-lai/?period={period_2024.pk}"
    for user in (officer, leader):
        response = client_for(user).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-code="8.SIPAS"' in html and "11,777" in html
        assert f"/reports/2024/tong-quan/?period={period_2024.pk}" in html
        assert f"/reports/2024/tu-danh-gia-cao/?period={period_2024.pk}" in html
    assert client_for(tuphap).get(url).status_code == 403
    assert client_for(tuphap).get(f"/reports/2024/diem-gianh-lai/xlsx/?period={period_2024.pk}").status_code == 403
    from django.test import Client
    from django.urls import reverse

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_illustrative_mark(client_for, officer, period_2025, period_2024):
    assert b"data-illustrative" in client_for(officer).get(f"/reports/2025/diem-gianh-lai/?period={period_2025.pk}").content
    assert b"data-illustrative" not in client_for(officer).get(f"/reports/2024/diem-gianh-lai/?period={period_2024.pk}").content


def test_xlsx_carries_the_page_numbers(client_for, officer, period_2025):
    response = client_for(officer).get(f"/reports/2025/diem-gianh-lai/xlsx/?period={period_2025.pk}")
    assert response.status_code == 200
    assert 'filename="diem-gianh-lai-2025.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    result = win_back(period_2025)
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    lines = [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]
    assert [line["Mã"] for line in lines] == [r.code for r in result.rows]
    for line, row in zip(lines, result.rows, strict=False):
        assert D(str(line["Bị mất"])) == row.lost
        assert D(str(line["Điểm × lặp lại"])) == row.weight
        assert line["Lặp lại năm trước"] == ("Có" if row.recurring else "Không")
    moved = next(line for line in lines if line["Mã"] == "3.4")
    assert moved["Mã năm trước"] == "7.3.4"
    agencies = wb.worksheets[1]
    by_agency = {row[0]: D(str(row[3])) for row in agencies.iter_rows(min_row=2, values_only=True)}
    assert by_agency == {t.label: t.lost for t in result.by_agency}
    page = client_for(officer).get(f"/reports/2025/diem-gianh-lai/?period={period_2025.pk}").content.decode()
    for t in result.by_agency:
        assert f'data-agency="{t.label}" data-lost="{t.lost}"' in page
    assert any("MINH HỌA" in str(row[0]) for row in sheet.iter_rows(values_only=True) if row and row[0])


# ---- a province's own round ---------------------------------------------------------------------

def _round_period(code):
    return (EvaluationPeriod.objects.filter(round__isnull=False, year=2025, subject__code=code)
            .select_related("framework", "subject__province").get())


def test_round_scorecard(client_for, tuphap, taichinh, demo):
    period = _round_period("so-tu-phap")
    result = win_back(period)
    assert result.previous is not None and result.previous.year == 2024 and result.previous.round_id
    assert result.rows and {r.agency_name for r in result.rows} == {period.subject.name}
    assert result.total_lost == sum((r.lost for r in result.rows), D(0))
    url = f"/reports/2025/diem-gianh-lai/?period={period.pk}"
    response = client_for(tuphap).get(url)
    assert response.status_code == 200 and f'data-code="{result.rows[0].code}"'.encode() in response.content
    assert client_for(taichinh).get(url).status_code == 403
