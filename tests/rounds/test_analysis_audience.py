"""Who reads the leaders' analysis of a period (reports.services.analysis_access), for the
national index and a province's own round, and how the shared page decorator answers."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from reports.services.analysis_access import audience
from reports.services.periods import PeriodNotFound, find_period
from reports.views_analysis import analysis_view


def test_home_affairs_and_leaders_read_everything_of_the_national_period(officer, leader, period_2024):
    for user in (officer, leader):
        aud = audience(user, period_2024)
        assert aud.everything and aud.sees_others


def test_agency_staff_read_only_their_own_criteria(tuphap, period_2024):
    aud = audience(tuphap, period_2024)
    assert not aud.everything and aud.agency_id == tuphap.agency_id
    assert aud.admits(tuphap.agency_id) and not aud.admits(tuphap.agency_id + 1000) and not aud.admits(None)


def test_outsiders_and_anonymous_read_nothing(outsider, period_2024):
    assert audience(outsider, period_2024) is None
    assert audience(AnonymousUser(), period_2024) is None


def test_a_unit_reads_its_own_scorecard_whole_but_not_the_other_units(dept_period, dept_user, commune_period):
    aud = audience(dept_user, dept_period)
    assert aud.everything and not aud.sees_others
    assert audience(dept_user, commune_period) is None


def test_the_council_reads_every_scorecard_of_its_round(chair, dept_period, commune_period):
    for period in (dept_period, commune_period):
        aud = audience(chair, period)
        assert aud.everything and aud.sees_others


def test_a_round_scorecard_is_found_by_id_only_for_the_analysis(dept_period):
    with pytest.raises(PeriodNotFound):
        find_period(dept_period.year, dept_period.pk)
    assert find_period(dept_period.year, dept_period.pk, include_rounds=True) == dept_period


@analysis_view("dashboard", "others")
def _others_page(request, period, aud):
    return HttpResponse(f"{period.pk}:{aud.everything}")


@analysis_view("dashboard", "own")
def _own_page(request, period, aud):
    return HttpResponse(f"{period.pk}:{aud.agency_id}")


def _get(view, user, year, query=""):
    request = RequestFactory().get(f"/x/?{query}")
    request.user = user
    return view(request, year)


def test_the_decorator_refuses_a_unit_the_ranks_of_the_other_units(dept_period, dept_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _get(_others_page, dept_user, dept_period.year, f"period={dept_period.pk}")
    assert _get(_own_page, dept_user, dept_period.year, f"period={dept_period.pk}").content == \
        f"{dept_period.pk}:None".encode()


def test_the_decorator_gives_an_agency_its_own_share(tuphap, period_2024):
    response = _get(_own_page, tuphap, 2024)
    assert response.content == f"{period_2024.pk}:{tuphap.agency_id}".encode()


@pytest.mark.parametrize("query", ["period=abc", "period=999999"])
def test_a_bad_period_is_a_vietnamese_404(officer, period_2024, query):
    response = _get(_own_page, officer, 2024, query)
    assert response.status_code == 404
    assert "Mã kỳ đánh giá" in response.content.decode() or "Không có kỳ đánh giá" in response.content.decode()


def test_a_published_round_scorecard_links_its_analysis(dept_period, dept_user, chair):
    from django.test import Client
    from django.urls import reverse

    from scorecards.models import EvaluationPeriod

    EvaluationPeriod.objects.filter(pk=dept_period.pk).update(status="published")
    url = reverse("round_scorecard:detail", args=[dept_period.pk])
    for user, sees_whatif in ((dept_user, False), (chair, True)):
        client = Client()
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "data-analysis-links" in html
        assert (f"/reports/{dept_period.year}/gia-dinh/?period={dept_period.pk}" in html) is sees_whatif
        for page in ("diem-gianh-lai", "tu-danh-gia-cao", "ke-hoach"):
            link = f"/reports/{dept_period.year}/{page}/?period={dept_period.pk}"
            assert link in html and client.get(link).status_code == 200


def test_the_win_back_page_links_the_what_if_only_to_those_who_read_the_ranks(dept_period, dept_user, chair):
    from django.test import Client

    url = f"/reports/{dept_period.year}/diem-gianh-lai/?period={dept_period.pk}"
    whatif = f"/reports/{dept_period.year}/gia-dinh/?period={dept_period.pk}"
    for user, shown in ((dept_user, False), (chair, True)):
        client = Client()
        client.force_login(user)
        html = client.get(url).content.decode()
        assert (whatif in html) is shown and f"/reports/{dept_period.year}/ke-hoach/?period={dept_period.pk}" in html
