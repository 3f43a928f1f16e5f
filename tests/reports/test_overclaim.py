"""Over-claiming in self-assessment (issue 15): hand-computed deductions from the demo's
fixture, agencies cut most often, criteria across a mapped framework change, who reads
what, the XLSX carrying the page's numbers, flat query counts, rounds."""
import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.services import assemble
from reports.services.analysis_access import Audience
from reports.services.overclaim import over_claim
from scorecards.models import Criterion, EvaluationPeriod, Score
from tests.reports.builders import build_report_case
from tests.reports.test_winback import mapped_case  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[2] / "scorecards" / "fixtures" / "dien_bien_demo.json"


def _period(pk):
    return EvaluationPeriod.objects.select_related("framework", "subject__province").get(pk=pk)


def test_demo_2024_deduction_from_the_fixture(period_2024):
    """The issue's 2,238 points: self − appraised over the self-assessed criteria below their
    maximum, read here straight from the fixture file (maxima from the loaded framework)."""
    scores = next(p for p in json.loads(FIXTURE.read_text())["periods"] if p["year"] == 2024)["scores"]
    maxima = {c.code: c.max_points for c in Criterion.objects.filter(framework=period_2024.framework)}
    below = {code: D(s["self"]) - D(s["appraised"]) for code, s in scores.items()
             if s.get("self") is not None and D(s["appraised"]) < maxima[code]}
    assert sum(below.values(), D(0)) == D("2.238")
    # By hand: 2.3.2 1−0,75; 6.1.1 0,961−0,785; 7.1.1 0,5−0; 7.1.4 1−0,688; 8.4 1,5−0,5.
    assert {c: d for c, d in below.items() if d} == {
        "2.3.2": D("0.25"), "6.1.1": D("0.176"), "7.1.1": D("0.5"), "7.1.4": D("0.312"), "8.4": D("1.0")}
    year = over_claim(period_2024).current
    assert year.deduction_below_max == D("2.238")
    assert year.deduction_below_max == assemble(period_2024).par.shortfall_totals.deduction  # the report's table
    # Over every self-assessed leaf: 3.R was raised from 12,5 to 13 (at its maximum).
    assert year.deduction_all == D("1.738")
    assert [(r.code, r.deduction) for r in year.raised_rows] == [("3.R", D("-0.5"))]
    assert year.points_raised == D("0.5")
    # 26 self-assessed leaves, 6 differ (2.3.2, 3.R, 6.1.1, 7.1.1, 7.1.4, 8.4): 20/26.
    assert (year.assessed, year.equal) == (26, 20)
    assert year.equal_share == D(20) * 100 / 26


def test_years_without_self_assessment_are_not_zero(period_2024):
    result = over_claim(period_2024)
    assert [y.year for y in result.years] == [2023, 2024]
    y2023 = result.years[0]
    assert y2023.rows == [] and y2023.without_self == 26
    assert (y2023.deduction_all, y2023.deduction_below_max, y2023.equal_share) == (None, None, None)
    history = next(h for h in result.criteria if h.code == "8.4")
    assert history.cells[0].self_points is None and history.cells[0].deduction is None
    assert history.cells[1].deduction == D("1.0")


def test_demo_2024_agencies_cut_most_often_first(period_2024):
    lines = [(a.agency_name, a.assessed, a.cut, a.points_cut, a.times_cut) for a in over_claim(period_2024).agencies]
    assert lines[:4] == [
        ("Sở Thông tin và Truyền thông", 5, 2, D("0.812"), 2),  # 7.1.1 0,5 + 7.1.4 0,312
        ("Sở Tài chính", 4, 1, D("1.0"), 1),
        ("Sở Tư pháp", 1, 1, D("0.25"), 1),
        ("Sở Kế hoạch và Đầu tư", 4, 1, D("0.176"), 1),
    ]
    sonv = next(a for a in over_claim(period_2024).agencies if a.agency_name == "Sở Nội vụ")
    assert (sonv.cut, sonv.raised) == (0, 1)


def test_demo_2025_across_years_follows_the_successor(period_2025):
    """Sở Kế hoạch và Đầu tư ended on 28/02/2025: its 2024 criteria count for Sở Tài chính.
    Cuts: 2024 8.4 1 and 6.1.1 0,176; 2025 6.1.1 0,176, 6.1.3 0,063, 8.4 0,906."""
    result = over_claim(period_2025)
    assert [y.year for y in result.years] == [2023, 2024, 2025]
    stc = result.agencies[0]
    assert (stc.agency_name, stc.times_cut, stc.points_cut_all, stc.years_cut) == ("Sở Tài chính", 5, D("2.321"), [2024, 2025])
    assert (stc.cut, stc.points_cut) == (3, D("1.145"))
    moved = next(h for h in result.criteria if h.code == "3.4")
    assert moved.cells[1].other_code == "7.3.4" and moved.cells[1].deduction == D("0.5") - D("0.5")
    assert result.is_illustrative


def test_mapped_framework_change(mapped_case):  # noqa: F811
    """1.2 renamed 1.4 is the same criterion across the years; 1.5 split from 1.3 is not."""
    before = EvaluationPeriod.objects.get(subject=mapped_case.subject, year=2031)
    for period, points in ((before, {"1.1": "1", "1.2": "1", "1.3": "0.5"}),
                           (mapped_case, {"1.1": "1", "1.4": "1", "1.5": "0.5", "1.6": "1", "2.1": "0.5"})):
        for score in Score.objects.filter(period=period).select_related("criterion"):
            if score.criterion.code in points:
                score.self_points = D(points[score.criterion.code])
                score.save(update_fields=["self_points"])
    result = over_claim(_period(mapped_case.pk))
    cells = {h.code: h.cells for h in result.criteria}
    assert (cells["1.4"][0].other_code, cells["1.4"][0].deduction, cells["1.4"][1].deduction) == ("1.2", D("0.5"), D("0.5"))
    assert cells["1.1"][0].other_code == "" and cells["1.1"][0].deduction == D("0.5")
    assert cells["1.5"][0] is None and cells["1.5"][1].deduction == D("0.5")
    assert result.criteria[0].code == "1.4" and result.criteria[0].times_cut == 2
    # 2032: 1.1 0,25, 1.4 0,5, 1.5 0,5, 2.1 0 (2.2 has no self-assessment: not counted).
    assert result.current.deduction_all == D("1.25") and result.current.without_self == 1
    assert [(y.year, y.points_cut) for y in result.years] == [(2031, D("1.5")), (2032, D("1.25"))]


def test_agency_audience_sees_only_its_own(period_2024, agency_tuphap):
    result = over_claim(period_2024, Audience(everything=False, agency_id=agency_tuphap.pk))
    assert [r.code for r in result.current.rows] == ["2.3.2"]
    assert [a.agency_name for a in result.agencies] == ["Sở Tư pháp"]
    assert [h.code for h in result.criteria] == ["2.3.2"]
    assert result.current.deduction_below_max == D("0.25")


# ---- pages and XLSX -----------------------------------------------------------------------------

def test_pages_by_persona(client_for, officer, leader, tuphap, period_2024):
    url = f"/reports/2024/tu-danh-gia-cao/?period={period_2024.pk}"
    for user in (officer, leader):
        html = client_for(user).get(url).content.decode()
        assert 'data-deduction-below-max="2.238"' in html and 'data-agency="Sở Tài chính"' in html
        assert f"/reports/2024/diem-gianh-lai/?period={period_2024.pk}" in html
        assert f"/reports/2024/tong-quan/?period={period_2024.pk}" in html
    response = client_for(tuphap).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="2.3.2"' in html and 'data-code="8.4"' not in html
    assert 'data-agency="Sở Tư pháp"' in html and 'data-agency="Sở Tài chính"' not in html
    assert "diem-gianh-lai" not in html  # no link to a page they may not read
    assert client_for(tuphap).get(f"/reports/2024/diem-gianh-lai/?period={period_2024.pk}").status_code == 403
    from django.test import Client

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_xlsx_carries_the_page_numbers(client_for, officer, tuphap, period_2025):
    result = over_claim(period_2025)
    response = client_for(officer).get(f"/reports/2025/tu-danh-gia-cao/xlsx/?period={period_2025.pk}")
    assert 'filename="tu-danh-gia-cao-2025.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    years = [row for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert [r[0] for r in years] == [2023, 2024, 2025]
    for row, year in zip(years, result.years, strict=False):
        assert (None if row[6] is None else D(str(row[6]))) == year.deduction_below_max
        assert (None if row[7] is None else D(str(row[7]))) == year.deduction_all
    assert D(str(years[1][6])) == D("2.238")
    agencies = {r[0]: (r[5], D(str(r[6]))) for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert agencies == {a.agency_name: (a.times_cut, a.points_cut_all) for a in result.agencies}
    page = client_for(officer).get(f"/reports/2025/tu-danh-gia-cao/?period={period_2025.pk}").content.decode()
    for year in result.years:
        if year.rows:
            assert f'data-deduction-below-max="{year.deduction_below_max}"' in page
    # An agency's workbook has its own lines only.
    own = load_workbook(io.BytesIO(client_for(tuphap).get(
        f"/reports/2025/tu-danh-gia-cao/xlsx/?period={period_2025.pk}").content))
    assert [r[0] for r in own.worksheets[1].iter_rows(min_row=2, values_only=True)] == ["Sở Tư pháp"]
    assert [r[0] for r in own.worksheets[2].iter_rows(min_row=2, values_only=True)] == ["2.3.2"]


def test_query_count_does_not_grow(period_2024):
    large = build_report_case(scale=5, code="ocq")
    assert len(over_claim(_period(large.pk)).current.rows) > 150

    def count(period):
        with CaptureQueriesContext(connection) as ctx:
            over_claim(period)
        return len(ctx.captured_queries)

    assert count(_period(period_2024.pk)) == count(_period(large.pk)) <= 6


def test_round_scorecard(client_for, tuphap, taichinh, demo):
    period = (EvaluationPeriod.objects.filter(round__isnull=False, year=2025, subject__code="so-tu-phap")
              .select_related("framework", "subject__province").get())
    result = over_claim(period)
    assert [y.year for y in result.years] == [2024, 2025]
    assert [a.agency_name for a in result.agencies] == [period.subject.name]
    assert result.current.rows and result.current.deduction_all == sum((r.deduction for r in result.current.rows), D(0))
    url = f"/reports/2025/tu-danh-gia-cao/?period={period.pk}"
    assert client_for(tuphap).get(url).status_code == 200
    assert client_for(taichinh).get(url).status_code == 403
