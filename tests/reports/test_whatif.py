"""What-if (reports.services.whatif): projections and the inverse search, hand-computed.

The small world: a province "Thử" ranked in 2030 among 5 (its own published 80,00 and four
others: A 81,00 · B 80,50 · C 80,25 · D 79,90), a framework of six leaves of 1 point:
1.1.1–1.1.3 evidence, 2.1.1 monitoring, 2.1.2 leader survey, 2.1.3 SIPAS.
Appraised: 1.1.1 = 0 · 1.1.2 = 0,25 · 1.1.3 = 1 · 2.1.1 = 0 · 2.1.2 = 0,4 · 2.1.3 = 0,6.
Sở X leads 1.1.1 and 1.1.2, Sở Y leads 1.1.3 and 2.1.1.
"""
from decimal import Decimal

import pytest

from reports.services import whatif
from reports.services.analysis_access import Audience
from reports.services.whatif import WhatIfError, points_needed, project
from reports.services.winback import LossRow, WinBack
from scorecards.models import Agency, Criterion, NationalResult, Province, Score
from tests.factories import AgencyFactory, build_framework, build_period

pytestmark = pytest.mark.django_db

D = Decimal
APPRAISED = {"1.1.1": "0", "1.1.2": "0.25", "1.1.3": "1", "2.1.1": "0", "2.1.2": "0.4", "2.1.3": "0.6"}
SOURCES = {"2.1.1": "monitoring", "2.1.2": "survey", "2.1.3": "sipas"}


def _world(year=2030, own="80.00", others=(("A", "81.00"), ("B", "80.50"), ("C", "80.25"), ("D", "79.90")),
           ranked_count=5, code="wi"):
    fw = build_framework(fields=2, criteria_per_field=1, leaves_per_criterion=3, code=f"{code}-fw-{year}")
    for c, source in SOURCES.items():
        Criterion.objects.filter(framework=fw, code=c).update(scoring_source=source)
    province = Province.objects.create(code=f"{code}-thu", name="Thử")
    subject = AgencyFactory(code=f"{code}-ubnd", name="UBND tỉnh Thử", kind=Agency.Kind.PROVINCE, province=province)
    period = build_period(fw, year=year, subject=subject, status="published")
    x = AgencyFactory(code=f"{code}-so-x", name="Sở X")
    y = AgencyFactory(code=f"{code}-so-y", name="Sở Y")
    for c, points in APPRAISED.items():
        Score.objects.filter(period=period, criterion__code=c).update(
            appraised_points=D(points), responsible_agency=x if c in ("1.1.1", "1.1.2") else y)
    if own is not None:
        NationalResult.objects.create(year=year, province=province, par_score=D(own), ranked_count=ranked_count)
    for i, (name, score) in enumerate(others):
        p = Province.objects.create(code=f"{code}-{year}-{i}", name=name)
        NationalResult.objects.create(year=year, province=p, par_score=D(score), par_rank=i + 1, ranked_count=ranked_count,
                                      is_illustrative=(name == "D"))
    period.refresh_from_db()
    return period, x, y


@pytest.fixture
def world(demo):
    return _world()


def names(competitors):
    return [c.name for c in competitors]


# --- projection --------------------------------------------------------------------------------

def test_base_is_the_published_score_and_the_current_rank_is_computed_from_the_table(world):
    period, _x, _y = world
    p = project(period, {"1.1.3": "1"})  # no change: 1 → 1
    assert (p.base, p.base_source, p.gain, p.projected) == (D("80.00"), "published", D("0"), D("80.000"))
    assert (p.current_rank, p.projected_rank, p.ranked_count, p.places_gained) == (4, 4, 5, 0)
    assert p.current_label == "4/5" and p.warnings == []


def test_reaching_a_provinces_score_ties_with_it_and_passes_the_one_between(world):
    period, _x, _y = world
    p = project(period, {"1.1.1": "0,5"})  # 80,00 + 0,5 = 80,50 = B
    assert p.changes[0].gain == D("0.5") and p.projected == D("80.500")
    # Above: only A (81,00) → rank 2, shared with B; C (80,25) is passed; 4 → 2.
    assert (p.projected_rank, p.places_gained) == (2, 2)
    assert names(p.ties) == ["B"] and names(p.passed) == ["C"] and p.passed_by == []
    assert any("Đồng hạng với B" in n for n in p.notes)


def test_a_target_below_the_appraised_lowers_the_total_and_a_province_passes_ours(world):
    period, _x, _y = world
    p = project(period, {"1.1.2": "0"})  # 0,25 → 0: 79,75 < D's 79,90
    assert p.gain == D("-0.25") and p.projected == D("79.750")
    assert (p.current_rank, p.projected_rank, p.places_gained) == (4, 5, -1)
    assert names(p.passed_by) == ["D"] and p.passed == [] and p.ties == []


def test_all_evidence_points_of_an_agency(world):
    period, x, y = world
    p = project(period, agency=x.code)  # 1.1.1 0 → 1, 1.1.2 0,25 → 1: +1,75 = 81,75
    assert [(c.code, c.appraised, c.target) for c in p.changes] == [("1.1.1", D("0"), D("1")), ("1.1.2", D("0.25"), D("1"))]
    assert p.projected == D("81.750") and p.projected_rank == 1 and names(p.passed) == ["A", "B", "C"]
    # Sở Y's evidence leaf 1.1.3 is already full; its monitoring leaf 2.1.1 is not evidence: no gain.
    assert project(period, agency=str(y.pk)).gain == D("0")


def test_explicit_targets_win_over_the_agencys_maximum(world):
    period, x, _y = world
    p = project(period, {"1.1.1": "0.5"}, agency=x)
    assert {c.code: c.target for c in p.changes} == {"1.1.1": D("0.5"), "1.1.2": D("1")}
    assert p.gain == D("1.25")


def test_a_sipas_percentage_converts_as_the_ministry_rounds_and_warns(world):
    period, _x, _y = world
    p = project(period, sipas_pct="84,56")  # 84,56% of 1 point = 0,8456 → 0,85 (2 decimals)
    assert [(c.code, c.target) for c in p.changes] == [("2.1.3", D("0.85"))]
    assert p.gain == D("0.25") and p.projected == D("80.250") and names(p.ties) == ["C"] and p.projected_rank == 3
    assert any("khảo sát/SIPAS tỉnh không tự quyết định được" in w for w in p.warnings)


def test_survey_points_warn_too(world):
    period, _x, _y = world
    assert "2.1.2" in project(period, {"2.1.2": "1"}).warnings[0]


def test_compared_on_two_decimals_as_published(world):
    period, _x, _y = world
    # 80,00 + 0,504 = 80,504 → 80,50 on 2 decimals: tied with B, not above it.
    Score.objects.filter(period=period, criterion__code="1.1.1").update(appraised_points=D("0.496"))
    p = project(period, {"1.1.1": "1"})
    assert p.projected == D("80.504") and p.compared == D("80.50") and names(p.ties) == ["B"] and p.projected_rank == 2


def test_the_illustrative_rows_of_competitors_show(world):
    period, _x, _y = world
    assert project(period, {"1.1.1": "1"}).is_illustrative  # D's row is illustrative
    NationalResult.objects.filter(year=2030, province__name="D").update(is_illustrative=False)
    assert not project(period, {"1.1.1": "1"}).is_illustrative


def test_without_a_published_score_the_base_is_the_computed_total(demo):
    period, _x, _y = _world(own=None, code="wc")
    p = project(period, {"1.1.1": "1"})
    # 0 + 0,25 + 1 + 0 + 0,4 + 0,6 = 2,25; + 1 = 3,25; last of 5 (the four others are above).
    assert (p.base, p.base_source, p.projected, p.projected_rank, p.ranked_count) == (D("2.250"), "computed", D("3.250"), 5, 5)
    assert "chưa có điểm công bố" in p.base_label


def test_a_year_ranked_out_of_34(demo):
    period, _x, _y = _world(year=2031, own="85.10", others=(("E", "86.00"), ("F", "85.60"), ("G", "85.10"), ("H", "84.00")),
                            ranked_count=34, code="w34")
    p = project(period, {"1.1.1": "0,75"})  # 85,10 + 0,75 = 85,85: above F, below E
    assert (p.current_rank, p.projected_rank, p.ranked_count) == (3, 2, 34)  # G shared rank 3 with us before
    assert (p.current_label, p.projected_label, p.places_gained) == ("3/34", "2/34", 1)
    assert names(p.passed) == ["F"] and p.ties == []
    need = points_needed(period, 1)
    assert (need.points, need.target_label) == (D("0.90"), "1/34")
    with pytest.raises(WhatIfError, match="từ 1 đến 34"):
        points_needed(period, 35)


@pytest.mark.parametrize("targets, message", [
    ({"9.9.9": "1"}, "Không có tiêu chí “9.9.9”"),
    ({"1.1": "1"}, "1.1 có tiêu chí con.*1.1.1, 1.1.2, 1.1.3"),
    ({"1.1.1": "1,5"}, "1.1.1 phải từ 0 đến 1"),
    ({"1.1.1": "-1"}, "1.1.1 phải từ 0 đến 1"),
    ({"1.1.1": "abc"}, "“abc” không phải là số"),
    ({"1.1.1": "0.0001"}, "nhiều nhất 3 chữ số thập phân"),
])
def test_bad_targets_name_the_criterion(world, targets, message):
    period, _x, _y = world
    with pytest.raises(WhatIfError, match=message):
        project(period, targets)


def test_bad_agency_and_sipas(world):
    period, _x, _y = world
    with pytest.raises(WhatIfError, match="Không có cơ quan “khong-co”"):
        project(period, agency="khong-co")
    with pytest.raises(WhatIfError, match="không chủ trì tiêu chí tài liệu kiểm chứng"):
        project(period, agency=AgencyFactory(code="wi-so-z", name="Sở Z"))
    with pytest.raises(WhatIfError, match="từ 0 đến 100%"):
        project(period, sipas_pct="101")
    assert issubclass(WhatIfError, ValueError)


def test_a_year_without_the_other_provinces_is_an_error(demo):
    period, _x, _y = _world(year=2032, others=(), code="wn")
    with pytest.raises(WhatIfError, match="Chưa có bảng kết quả các tỉnh năm 2032; nhập kết quả công bố"):
        project(period, {"1.1.1": "1"})
    with pytest.raises(WhatIfError, match="Chưa có bảng kết quả các tỉnh năm 2032"):
        points_needed(period, 1)


def test_an_agency_audience_moves_only_its_own_leaves(world):
    period, x, _y = world
    own = Audience(everything=False, agency_id=x.pk, sees_others=True)
    assert project(period, {"1.1.1": "1"}, audience=own).gain == D("1")
    with pytest.raises(WhatIfError, match="1.1.3 do cơ quan khác chủ trì"):
        project(period, {"1.1.3": "1"}, audience=own)


def test_queries_do_not_grow_with_the_number_of_provinces(world, django_assert_max_num_queries):
    period, _x, _y = world
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        project(period, {"1.1.1": "1"})
    for i in range(30):
        p = Province.objects.create(code=f"wi-more-{i}", name=f"Thêm {i}")
        NationalResult.objects.create(year=2030, province=p, par_score=D("70") + i, ranked_count=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        project(period, {"1.1.1": "1"})


# --- inverse -----------------------------------------------------------------------------------

def _loss(period, code, recurring=False, decidable=True):
    c = Criterion.objects.get(framework=period.framework, code=code)
    appraised = D(APPRAISED[code])
    return LossRow(criterion_id=c.pk, code=code, name=c.name, field_code=code[0], field_name="", channel=c.scoring_source,
                   channel_label="", max_points=c.max_points, appraised=appraised, lost=c.max_points - appraised,
                   agency_id=None, agency_name="", recurring=recurring, previous_lost=None, previous_codes=[],
                   weight=(c.max_points - appraised) * (2 if recurring else 1), decidable=decidable)


@pytest.fixture
def losses(world, monkeypatch):
    """The win-back rows of the world, in win_back's order (weight): the survey's and SIPAS's
    large losses first, to show that the plan never takes them."""
    period, _x, _y = world
    rows = [_loss(period, "2.1.1", recurring=True), _loss(period, "1.1.1"), _loss(period, "1.1.2", recurring=True),
            _loss(period, "2.1.2", decidable=False), _loss(period, "2.1.3", decidable=False)]
    monkeypatch.setattr("reports.services.winback.win_back", lambda p, audience=None: WinBack(period=p, previous=None, rows=rows))
    return period


def test_points_needed_shares_the_rank_of_the_province_there(losses):
    need = points_needed(losses, 2)
    # Others: A 81,00 · B 80,50 · C 80,25 · D 79,90; the 2nd among them is B: 80,50 − 80,00.
    assert (need.threshold, need.points, need.points_alone) == (D("80.50"), D("0.50"), D("0.51"))
    assert names(need.holders) == ["B"] and any("đồng hạng với B" in n for n in need.notes)
    # Evidence first, recurring first: 1.1.2 (0,75, recurring) before 1.1.1 (1, not recurring).
    # 1.1.2 only as far as needed: 0,50 of its 0,75 (the fewest points, sharing 2nd place with B).
    assert [s.loss.code for s in need.plan] == ["1.1.2"] and need.plan_gain == D("0.50") and need.covered
    assert need.plan[0].partial and need.plan[0].target == need.plan[0].loss.appraised + D("0.50")
    assert need.projection.projected == D("80.500") and need.projection.projected_rank == 2


def test_the_plan_takes_evidence_then_monitoring_and_never_survey(losses):
    need = points_needed(losses, 1)  # A: 81,00 → 1,00 needed
    assert need.points == D("1.00")
    assert [s.loss.code for s in need.plan] == ["1.1.2", "1.1.1"] and need.plan_gain == D("1.00")
    assert [s.partial for s in need.plan] == [False, True]  # 0,75 whole, then 0,25 of 1.1.1
    assert need.projection.projected_rank == 1 and need.covered
    NationalResult.objects.filter(year=2030, province__name="A").update(par_score=D("83.00"))
    need = points_needed(losses, 1)  # 3,00 needed; every decidable loss: 0,75 + 1 + 1 = 2,75
    assert [s.loss.code for s in need.plan] == ["1.1.2", "1.1.1", "2.1.1"] and need.plan_gain == D("2.75")
    assert not need.covered and need.projection.projected == D("82.750") and need.projection.projected_label == "2/5"
    assert any("chưa đủ để lên hạng 1/5" in n for n in need.notes)


def test_a_rank_already_reached_needs_nothing(losses):
    need = points_needed(losses, 4)
    assert need.already and need.points == D("0") and need.plan == []
    assert points_needed(losses, 5).threshold is None  # the last place: only four others


@pytest.mark.parametrize("rank", [0, 6, "abc", "-1", "²"])
def test_a_target_rank_outside_1_to_n_is_refused(losses, rank):
    with pytest.raises(WhatIfError, match="từ 1 đến 5|không phải là số nguyên"):
        points_needed(losses, rank)


# --- the demo -----------------------------------------------------------------------------------

def test_demo_2024_winning_back_sotuphap_evidence(period_2024):
    p = project(period_2024, agency="so-tu-phap")
    assert p.base == D("88.23") and p.current_label == "35/63" and p.is_illustrative
    assert p.projected == p.base + p.gain and p.projected_rank <= 35
    assert p.places_gained == 35 - p.projected_rank


def test_demo_2024_points_for_top_10_are_the_10th_others_score(period_2024):
    others = sorted(NationalResult.objects.filter(year=2024).exclude(province__code="dien-bien")
                    .values_list("par_score", flat=True), reverse=True)
    need = points_needed(period_2024, 10)
    assert need.points == others[9] - D("88.23")
    assert need.covered == (need.projection.projected_rank <= 10)
    assert all(s.loss.decidable for s in need.plan)
    assert need.plan_gain == need.points  # no more than needed (the last criterion only in part)


def test_module_docstring_names_the_rules():
    assert "2 decimals" in whatif.__doc__ and "competition ranking" in whatif.__doc__


# --- the page ---------------------------------------------------------------------------------

def _page(client_for, user, period, **params):
    from django.urls import reverse

    url = reverse("reports:whatif", args=[period.year])
    return client_for(user).get(url, {"period": period.pk, **params})


def test_the_page_for_leaders_and_so_noi_vu_projects_and_inverts(client_for, leader, officer, period_2024):
    from scorecards.models import AuditEvent

    before = (Score.objects.filter(period=period_2024).values_list("appraised_points", flat=True).count(), AuditEvent.objects.count())
    response = _page(client_for, leader, period_2024)
    html = response.content.decode()
    assert response.status_code == 200 and "data-whatif-form" in html and "data-projection" not in html
    assert "/reports/2024/?period=" in html or "tong-quan" in html or 'data-link="dashboard"' in html
    response = _page(client_for, officer, period_2024, c="2.3.2", t_2_3_2="1", rank="20")
    html = response.content.decode()
    p = response.context["projection"]
    assert p.changes[0].code == "2.3.2" and p.projected == D("88.23") + p.changes[0].gain
    assert f'data-projected-rank>{p.projected_label}<' in html and "SỐ LIỆU MINH HỌA" in html and "data-need" in html
    assert (Score.objects.filter(period=period_2024).count(), AuditEvent.objects.count()) == before


def test_the_target_input_prefills_the_maximum_and_bad_input_is_a_message(client_for, officer, period_2024):
    response = _page(client_for, officer, period_2024, c="2.3.2", **{"t_2.3.2": "abc"}, rank="0")
    html = response.content.decode()
    assert response.status_code == 200 and response.context["projection"] is None and response.context["need"] is None
    assert "“abc” không phải là số" in html and "từ 1 đến 63" in html and 'value="abc"' in html
    response = _page(client_for, officer, period_2024, sipas="120", rank="x")
    assert response.status_code == 200 and len(response.context["errors"]) == 2
    response = _page(client_for, officer, period_2024, c="2.3.2")  # no target typed: its maximum
    assert response.context["projection"].changes[0].target == D("1")


def test_agency_staff_read_the_table_but_move_only_their_criteria(client_for, tuphap, period_2024):
    response = _page(client_for, tuphap, period_2024)
    assert response.status_code == 200 and "data-restricted" in response.content.decode()
    rows = [item["row"] for item in response.context["rows"]]
    assert rows and all(r.agency_id == tuphap.agency_id for r in rows)
    own = rows[0].code
    response = _page(client_for, tuphap, period_2024, c=own)
    assert response.context["projection"].changes[0].code == own
    other = Score.objects.filter(period=period_2024, criterion__scoring_source="evidence").exclude(
        responsible_agency_id=tuphap.agency_id).exclude(responsible_agency=None).select_related("criterion").first()
    response = _page(client_for, tuphap, period_2024, c=other.criterion.code, **{f"t_{other.criterion.code}": "0"})
    assert response.status_code == 200 and "do cơ quan khác chủ trì" in response.content.decode()


def test_outsiders_are_refused(client_for, outsider, period_2024):
    assert _page(client_for, outsider, period_2024).status_code == 403


def test_a_criterion_ticked_without_a_target_goes_to_its_maximum_or_is_named(officer, tuphap, period_2024):
    from django.test import Client

    from reports.views import period_url

    url = period_url("whatif", period_2024)
    c = Client()
    c.force_login(officer)
    html = c.get(url + "&c=8.2").content.decode()
    assert 'data-change="8.2"' in html and "không phải là số" not in html
    c.force_login(tuphap)
    html = c.get(url + "&c=8.2").content.decode()  # another agency's criterion
    assert "do cơ quan khác chủ trì" in html and "không phải là số" not in html


@pytest.mark.parametrize("rank", ["²", "１０"])
def test_a_digit_like_rank_is_a_message_not_an_error_page(officer, period_2024, rank):
    from django.test import Client

    from reports.views import period_url

    c = Client()
    c.force_login(officer)
    response = c.get(period_url("whatif", period_2024), {"rank": rank, "period": period_2024.pk})
    assert response.status_code == 200 and "không phải là số nguyên" in response.content.decode()
