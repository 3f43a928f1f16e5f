"""The leaders' overview: the year's headline figures, fields against last year, and where
points were lost, by criterion and by lead agency; all from the same data as the report."""
import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import assemble
from reports.services.dashboard import build_dashboard
from scorecards.models import Agency, Assignment, Criterion, ImprovementItem, Score, ScoringSource
from tests.reports.builders import build_report_case
from tests.reports.helpers import html_text, table_rows

URL = "/reports/2024/tong-quan/"


def _losses_by_agency_from_the_database(period):
    """Max − appraised per lead agency, for self-assessed leaves below their maximum."""
    leads = {a.criterion_id: a.lead_agency.name for a in Assignment.objects.filter(period=period).select_related("lead_agency")}
    out = defaultdict(Decimal)
    scores = Score.objects.filter(period=period, criterion__scoring_source__in=ScoringSource.self_assessed()).select_related("criterion")
    for s in scores:
        if s.final_points is not None and s.final_points < s.criterion.max_points:
            out[leads[s.criterion_id]] += s.criterion.max_points - s.final_points
    return dict(out)


def test_leader_reads_the_headline_figures(leader, client_for, period_2024):
    page = client_for(leader).get(URL)
    assert page.status_code == 200
    text = html_text(page.content.decode())
    for figure in ("88,23 /100", "+0,21 so với 2023", "35 /63", "giảm 15 bậc", "82,96%", "+2,86%", "xếp thứ 40/63",
                   "tăng 09 bậc", "60,642 /66,5", "91,191%", "Tổng tính từ điểm: 88,223"):
        assert figure in text, figure


def test_fields_compare_with_last_year_and_show_points_lost(leader, client_for, period_2024):
    rows = table_rows(client_for(leader).get(URL).content.decode(), "fields", kind="grid")
    by_code = {r[0].split(".")[0]: r for r in rows}
    assert len(rows) == 8
    # code. name | max | 2023 | 2024 | change | share | lost
    assert by_code["1"][1:7] == ["9,5", "8,81", "9,39", "+0,58", "98,84%", "0,111"]
    assert by_code["7"][1:7] == ["13,5", "12,24", "11,68", "-0,56", "86,52%", "1,819"]


def test_points_lost_by_lead_agency_add_up_from_the_scores(leader, client_for, period_2024):
    board = build_dashboard(assemble(period_2024))
    expected = _losses_by_agency_from_the_database(period_2024)
    assert {a.agency: a.lost for a in board.by_agency} == expected
    assert [a.lost for a in board.by_agency] == sorted(expected.values(), reverse=True)
    assert board.lost_total == sum(expected.values()) == Decimal("7.667")  # 19 − 11,333
    rows = table_rows(client_for(leader).get(URL).content.decode(), "agencies", kind="grid")
    assert rows[0][0].startswith("Sở Kế hoạch và Đầu tư") and rows[0][1:3] == ["04", "2,792"]


def test_criteria_are_listed_most_points_lost_first(leader, client_for, period_2024):
    rows = table_rows(client_for(leader).get(URL).content.decode(), "losses", kind="grid")
    assert len(rows) == 18
    lost = [Decimal(r[5].replace(",", ".")) for r in rows]
    assert lost == sorted(lost, reverse=True)
    assert rows[0][0] == "8.2" and rows[0][5] == "1,5"


def test_an_appraised_score_moves_the_dashboard(leader, client_for, period_2024):
    score = Score.objects.get(period=period_2024, criterion__code="8.2")
    score.appraised_points = Decimal("1.5")
    score.save()
    page = client_for(leader).get(URL).content.decode()
    codes = [r[0] for r in table_rows(page, "losses", kind="grid")]
    assert "8.2" not in codes and len(codes) == 17
    row = next(r for r in table_rows(page, "agencies", kind="grid") if r and r[0].startswith("Sở Kế hoạch và Đầu tư"))
    assert row[1:3] == ["03", "1,292"]


def test_the_first_year_has_no_comparison_columns(leader, client_for, period_2023):
    page = client_for(leader).get("/reports/2023/tong-quan/").content.decode()
    header = page.split('<table class="grid fields">', 1)[1].split("</thead>", 1)[0]
    assert "Tăng/giảm" not in header and "2022" not in header


def test_a_period_in_self_assessment_shows_no_points_it_does_not_have(leader, client_for, open_period):
    page = client_for(leader).get("/reports/2026/tong-quan/").content.decode()
    assert "chưa có điểm thẩm định hay kết quả công bố" in html_text(page)
    par_card = page.split('data-kpi="par"', 1)[1].split('data-kpi="par-rank"', 1)[0]
    assert "0,00" not in par_card and "–" in par_card  # no score of zero where nothing was appraised
    rows = table_rows(page, "fields", kind="grid")
    assert len(rows) == 8 and all(r[2:5] == ["–", "–", "–"] for r in rows), rows


@pytest.mark.parametrize("persona", ["tuphap", "taichinh", "outsider"])
def test_it_refuses_agency_staff_and_outsiders(request, client_for, persona, period_2024):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_anonymous_users_go_to_login(client, period_2024):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_links_each_period_to_its_overview(leader, client_for, period_2024):
    page = client_for(leader).get("/").content.decode()
    assert f"/reports/2024/tong-quan/?period={period_2024.pk}" in page


def test_query_count_does_not_grow_with_the_framework(officer, client_for, period_2024):
    large = build_report_case(scale=5)
    assert (Criterion.objects.filter(framework=large.framework).leaves().count()
            >= 5 * Criterion.objects.filter(framework=period_2024.framework).leaves().count())
    # Both periods hold an improvement plan (the demo's 2024 one; one item here): its items
    # and their scores are read once, however many there are.
    leaf = Criterion.objects.filter(framework=large.framework).leaves().first()
    ImprovementItem.objects.create(period=large, criterion=leaf, agency=Agency.objects.first(), target_points=leaf.max_points,
                                   actions="x", deadline=datetime.date(2025, 6, 30))
    client = client_for(officer)
    client.get(f"{URL}?period={period_2024.pk}")  # warm the session

    def count(period):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{URL}?period={period.pk}").status_code == 200
        return len(ctx.captured_queries)

    assert count(period_2024) == count(large) <= 21
