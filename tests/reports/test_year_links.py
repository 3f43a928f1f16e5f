"""Links that pick a year carry the subject: with two provinces in one year, /reports/<year>/
shows a page to choose the period, every link names its period (?period=ID), and a web
user never reads command-line advice."""
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from reports.services import filename
from reports.services.periods import AmbiguousPeriod, find_period
from tests.reports.helpers import body
from scorecards.models import EvaluationPeriod
from tests.reports.builders import build_report_case

PAGES = {"preview": "/reports/{y}/", "dashboard": "/reports/{y}/tong-quan/", "pdf": "/reports/{y}/pdf/",
         "docx": "/reports/{y}/docx/"}
CLI = re.compile(r"--period|--year|manage\.py|render_report")


@pytest.fixture
def other(demo):
    """A second province subject with its own 2023 and 2024 periods (a complete report case)."""
    return build_report_case(scale=1, code="thu")


def links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def report_links(html: str) -> list[str]:
    return [h for h in links(html) if h.startswith("/reports/")]


def assert_no_cli(html: str):
    assert not CLI.search(html), CLI.search(html).group(0)


# --- the service ------------------------------------------------------------------------------

def test_a_year_with_two_provinces_raises_a_structured_error(period_2024, other):
    with pytest.raises(AmbiguousPeriod) as caught:
        find_period(2024)
    assert {p.pk for p in caught.value.candidates} == {period_2024.pk, other.pk}
    assert caught.value.year == 2024
    assert "--" not in str(caught.value)  # the service gives no command-line advice
    assert find_period(2024, other.pk) == other


def test_the_command_still_says_how_to_choose(other, tmp_path):
    with translation.override("vi"), pytest.raises(CommandError, match=r"nhiều kỳ đánh giá.*--period"):
        call_command("render_report", "--year", "2024", "--format", "html", "--output", str(tmp_path / "x.html"))


# --- the chooser ------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["leader", "officer"])
@pytest.mark.parametrize("view", list(PAGES))
def test_a_year_with_two_provinces_shows_the_chooser(request, client_for, period_2024, other, persona, view):
    response = client_for(request.getfixturevalue(persona)).get(PAGES[view].format(y=2024))
    assert response.status_code == 200
    assert "reports/choose_period.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert_no_cli(html)
    for period in (period_2024, other):
        assert f'data-period="{period.pk}"' in html
        assert str(period.subject) in html and str(period.framework) in html and period.get_status_display() in html
        for target in PAGES.values():  # each period's report, overview, PDF and DOCX
            assert target.format(y=2024) + f"?period={period.pk}" in links(html)
    # the page asked for is the one offered first for each period
    assert PAGES[view].format(y=2024) + f"?period={other.pk}" in re.findall(r'<strong><a href="([^"]+)"', html)


@pytest.mark.parametrize("persona", ["tuphap", "taichinh", "outsider"])
@pytest.mark.parametrize("view", list(PAGES))
def test_agency_staff_get_no_chooser(request, client_for, other, persona, view):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PAGES[view].format(y=2024)).status_code == 403
    assert client.get(PAGES[view].format(y=2024) + f"?period={other.pk}").status_code == 403


def test_anonymous_users_go_to_login(client, other):
    response = client.get("/reports/2024/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_chooser_link_opens_its_period(client_for, leader, period_2024, other):
    client = client_for(leader)
    html = client.get("/reports/2024/tong-quan/").content.decode()
    for href in report_links(html):
        response = client.get(href)
        assert response.status_code == 200, href
        period_id = int(href.split("?period=")[1])
        if "/pdf/" in href or "/docx/" in href:
            period = EvaluationPeriod.objects.select_related("report_record").get(pk=period_id)
            fmt = "pdf" if "/pdf/" in href else "docx"
            # The published version when there is one (the demo's 2024), else the draft.
            published = period.report_publications.order_by("-version").first()
            expected = (filename(period, fmt, number=published.number, version=published.version) if published
                        else filename(period, fmt, number=period.report_record.number, draft=True))
            assert response["Content-Disposition"].endswith(f'filename="{expected}"'), href
        else:
            assert response.context["data"].period.pk == period_id


# --- ?period=ID renders that province's report -------------------------------------------------

def test_the_period_chooses_the_province(client_for, officer, period_2024, other):
    client = client_for(officer)
    theirs = client.get(f"/reports/2024/?period={other.pk}")
    ours = client.get(f"/reports/2024/?period={period_2024.pk}")
    assert theirs.context["data"].period == other and ours.context["data"].period == period_2024
    theirs, ours = theirs.content.decode(), ours.content.decode()
    assert "UBND TỈNH THỬ" in theirs and "UBND TỈNH THỬ" not in ours
    assert "01/BC-SNV" in theirs
    overview = client.get(f"/reports/2024/tong-quan/?period={other.pk}")
    assert overview.status_code == 200 and overview.context["data"].period == other
    pdf = client.get(f"/reports/2024/pdf/?period={other.pk}")
    assert pdf.status_code == 200 and body(pdf).startswith(b"%PDF")


def test_a_year_with_one_province_needs_no_choice(client_for, leader, period_2024, other):
    client = client_for(leader)
    response = client.get("/reports/2025/tong-quan/")  # only Điện Biên has a 2025 period
    assert response.status_code == 200
    assert response.context["data"].period == EvaluationPeriod.objects.get(year=2025, subject=period_2024.subject)


# --- the overview's and the preview's links to other years -----------------------------------

@pytest.mark.parametrize("view", ["dashboard", "preview"])
def test_links_to_other_years_stay_with_the_subject(client_for, leader, period_2024, other, view):
    client = client_for(leader)
    for current in (period_2024, other):
        html = client.get(PAGES[view].format(y=2024) + f"?period={current.pk}").content.decode()
        assert_no_cli(html)
        own = EvaluationPeriod.objects.filter(subject=current.subject).exclude(pk=current.pk)
        assert own.exists()
        year_links = re.findall(r'<a href="([^"]+)" data-year="(\d+)"', html)
        assert {(href.replace("&amp;", "&"), int(y)) for href, y in year_links} == {
            (PAGES[view].format(y=p.year) + f"?period={p.pk}", p.year) for p in own}
        for href, _y in year_links:
            response = client.get(href.replace("&amp;", "&"))
            assert response.status_code == 200, href
            assert response.context["data"].period.subject == current.subject


def test_every_report_link_of_the_overview_and_preview_names_its_period(client_for, officer, period_2024, other):
    client = client_for(officer)
    for url in (f"/reports/2024/tong-quan/?period={other.pk}", f"/reports/2024/?period={other.pk}",
                f"/reports/2024/tong-quan/?period={period_2024.pk}", f"/reports/2024/?period={period_2024.pk}"):
        hrefs = report_links(client.get(url).content.decode())
        assert hrefs, url
        for href in hrefs:
            assert re.search(r"\?period=\d+(&(draft=1|version=\d+))?$", href), (url, href)
            assert client.get(href).status_code == 200, (url, href)


def test_the_preview_links_the_other_period_of_the_same_year(client_for, officer, period_2024, other):
    html = client_for(officer).get(f"/reports/2024/?period={period_2024.pk}").content.decode()
    assert f"/reports/2024/?period={other.pk}" in links(html)
    assert f"/reports/2024/?period={period_2024.pk}" not in links(html)


# --- the home page ------------------------------------------------------------------------------

def test_the_home_page_links_each_period_to_its_own_reports(client_for, leader, period_2024, other):
    html = client_for(leader).get("/").content.decode()
    hrefs = report_links(html)
    for period in EvaluationPeriod.objects.outside_rounds():  # a round's scorecards have their own pages
        assert f"/reports/{period.year}/?period={period.pk}" in hrefs
        assert f"/reports/{period.year}/tong-quan/?period={period.pk}" in hrefs
    assert all(re.search(r"\?period=\d+$", h) for h in hrefs)


def test_the_home_page_offers_no_report_to_those_who_may_not_read_it(client_for, outsider, other):
    html = client_for(outsider).get("/").content.decode()
    assert not report_links(html)


# --- a period that does not exist, or is of another year ---------------------------------------

@pytest.mark.parametrize("query", ["?period=999999", "?period=abc", "?period=-1"])
@pytest.mark.parametrize("view", ["preview", "dashboard", "pdf"])
def test_an_unknown_period_is_the_vietnamese_404_page_with_a_way_back(client_for, leader, period_2024, other, query, view):
    response = client_for(leader).get(PAGES[view].format(y=2024) + query)
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and 'href="/"' in html
    assert_no_cli(html)
    for period in (period_2024, other):  # the way on: the year's periods
        assert PAGES[view].format(y=2024) + f"?period={period.pk}" in links(html)


def test_a_period_of_another_year_is_404_saying_which_year(client_for, officer, period_2023):
    response = client_for(officer).get(f"/reports/2024/tong-quan/?period={period_2023.pk}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "thuộc năm 2023" in html and "Không tìm thấy trang" in html
    assert_no_cli(html)


def test_a_year_without_periods_is_404(client_for, leader, demo):
    response = client_for(leader).get("/reports/2031/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Chưa có kỳ đánh giá nào của năm 2031" in html and 'href="/"' in html
    assert_no_cli(html)


def test_agency_staff_get_403_not_a_list_of_periods(client_for, tuphap, other):
    response = client_for(tuphap).get("/reports/2024/?period=999999")
    assert response.status_code == 403
    assert str(other.subject) not in response.content.decode()
