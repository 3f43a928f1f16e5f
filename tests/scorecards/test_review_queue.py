"""The review flow as a queue (issue 13): Sở Nội vụ sees how many criteria wait in each
state, filters that filter, works through the filtered queue with previous and next and the
way back to it, and lands on the next criterion after each decision; the agency sees what
was returned or accepted on its own page; the list sorts agencies in Vietnamese order; and
the queue and the criterion page cost the same number of queries however long the queue."""
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards.models import Agency, Assignment, Score, ScoreState
from scorecards.services import queue, workflow
from tests.scorecards.test_review import score
from tests.scorecards.test_review import submit as review_submit
from tests.factories import build_framework, build_period

QUEUE = reverse("scorecards:queue")
WORKSPACE = reverse("scorecards:workspace")


def submit(period, user, code, points="0.5"):
    return review_submit(period, user, code, points)


def codes(response):
    return [row.record.criterion.code for row in response.context["table"].rows]


def page_url(s, origin=None):
    url = reverse("scorecards:score", args=[s.pk])
    return f"{url}?from={quote(origin, safe='/')}" if origin else url


@pytest.fixture
def reviewed(open_period, tuphap, taichinh, officer):
    """2026: Sở Tài chính submitted 6.1.1, 6.1.3, 8.2, 8.4 and Sở Tư pháp 2.3.2, in that
    order; Sở Nội vụ returned 8.4 and accepted 6.1.3. Waiting: 6.1.1, 8.2, 2.3.2."""
    done = {code: submit(open_period, taichinh, code) for code in ("6.1.1", "6.1.3", "8.2", "8.4")}
    done["2.3.2"] = submit(open_period, tuphap, "2.3.2")
    workflow.return_score(done["8.4"].pk, actor=officer, comment="Thiếu số liệu thu quý IV", version=done["8.4"].version)
    workflow.accept_score(done["6.1.3"].pk, actor=officer, version=done["6.1.3"].version)
    return {code: score(open_period, code) for code in done}


# --- the queue: states, counts, filters ---------------------------------------------------------

def test_the_state_filter_of_the_queue_filters(client, officer, reviewed):
    """The queue used to AND its own "Đã gửi" with the state picked: every other state gave 0."""
    client.force_login(officer)
    assert codes(client.get(QUEUE)) == ["6.1.1", "8.2", "2.3.2"]  # opens on "Đã gửi", oldest first
    assert codes(client.get(QUEUE, {"state": ScoreState.RETURNED})) == ["8.4"]
    assert codes(client.get(QUEUE, {"state": ScoreState.ACCEPTED})) == ["6.1.3"]
    everything = codes(client.get(QUEUE, {"state": ""}))
    assert everything[:5] == ["6.1.1", "6.1.3", "8.2", "8.4", "2.3.2"] and "1.7" in everything  # drafts last
    # The form's own submission (every field, the period left on "Tất cả kỳ đang mở") too.
    form = {"q": "", "period": "", "field": "", "state": ScoreState.RETURNED, "agency": ""}
    assert codes(client.get(QUEUE, form)) == ["8.4"]


def test_the_queue_counts_each_state_for_the_other_filters(client, officer, taichinh, reviewed, open_period):
    client.force_login(officer)
    tabs = {t.state: t for t in client.get(QUEUE).context["state_tabs"]}
    all_rows = client.get(QUEUE, {"state": ""}).context["table"].paginator.count
    assert (tabs["submitted"].count, tabs["returned"].count, tabs["accepted"].count) == (3, 1, 1)
    assert tabs["draft"].count == all_rows - 5 and tabs[""].count == all_rows
    assert tabs["submitted"].current and not tabs[""].current
    # Another filter narrows every count; the state picked narrows none of them.
    response = client.get(QUEUE, {"agency": taichinh.agency_id, "state": ScoreState.RETURNED})
    tabs = {t.state: t for t in response.context["state_tabs"]}
    assert (tabs["submitted"].count, tabs["returned"].count, tabs["accepted"].count, tabs["draft"].count) == (2, 1, 1, 4)
    assert tabs["returned"].current
    # Each tab shows as many rows as it says, and keeps the other filters and the sort.
    for tab in tabs.values():
        assert f"agency={taichinh.agency_id}" in tab.url and "sort=code" not in tab.url
        assert client.get(tab.url).context["table"].paginator.count == tab.count, tab.url
    for tab in client.get(QUEUE, {"sort": "code", "page": "1"}).context["state_tabs"]:
        assert "sort=code" in tab.url and "page=" not in tab.url


def test_the_home_page_says_how_many_criteria_wait(client, officer, leader, reviewed):
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert "3 tiêu chí chờ duyệt" in html and f'href="{QUEUE}"' in html
    assert queue.waiting_for_review(officer) == 3
    client.force_login(leader)
    assert "chờ duyệt" not in client.get("/").content.decode()  # the leader does not review
    assert queue.waiting_for_review(leader) == 0


def test_the_list_links_each_criterion_with_the_way_back(client, officer, reviewed):
    client.force_login(officer)
    html = client.get(QUEUE, {"state": ScoreState.RETURNED, "sort": "code"}).content.decode()
    expected = page_url(reviewed["8.4"], f"{QUEUE}?state=returned&sort=code").replace("&", "&amp;")
    assert f'href="{expected}"' in html


# --- the criterion page: the way back, previous and next ---------------------------------------

def pager(client, s, origin=None):
    response = client.get(page_url(s, origin))
    assert response.status_code == 200
    return response


def test_previous_and_next_follow_the_filtered_sorted_queue(client, officer, reviewed):
    client.force_login(officer)
    first, middle, last = reviewed["6.1.1"], reviewed["8.2"], reviewed["2.3.2"]
    r = pager(client, middle, QUEUE)
    p = r.context["position"]
    assert (p.index, p.total, p.previous_id, p.next_id) == (2, 3, first.pk, last.pk)
    html = r.content.decode()
    assert "2/3" in html and "Tiêu chí trước" in html and "Tiêu chí tiếp theo" in html
    assert r.context["next_url"] == page_url(last, QUEUE)
    # The ends: no previous before the first, no next after the last.
    assert pager(client, first, QUEUE).context["previous_url"] is None
    assert pager(client, last, QUEUE).context["next_url"] is None
    # Sorted by code, the same criteria come in another order: 2.3.2, 6.1.1, 8.2.
    p = pager(client, first, f"{QUEUE}?sort=code").context["position"]
    assert (p.index, p.previous_id, p.next_id) == (2, last.pk, middle.pk)
    p = pager(client, first, f"{QUEUE}?sort=-code").context["position"]
    assert (p.index, p.previous_id, p.next_id) == (2, middle.pk, last.pk)
    # Filtered on one agency: Sở Tài chính's two.
    agency = reviewed["6.1.1"].responsible_agency_id
    p = pager(client, middle, f"{QUEUE}?agency={agency}").context["position"]
    assert (p.index, p.total, p.next_id) == (2, 2, None)
    # A criterion outside the list (accepted, the queue on "Đã gửi"): the way back, no pager.
    r = pager(client, reviewed["6.1.3"], QUEUE)
    assert r.context["position"] is None and 'id="pager"' not in r.content.decode()


def test_the_way_back_keeps_the_filters_and_never_says_assigned_to_the_reviewer(client, officer, tuphap, reviewed):
    client.force_login(officer)
    origin = f"{QUEUE}?state=returned&sort=code"
    r = pager(client, reviewed["8.4"], origin)
    html = r.content.decode()
    assert r.context["origin"].url == origin
    assert f'<a href="{origin.replace("&", "&amp;")}" id="back-link">' in html
    assert "Hồ sơ chờ duyệt · Bị trả lại" in html and "Tiêu chí được giao" not in html
    # Opened without ?from= (from a mail): the reviewer's way back is the queue, with its pager.
    r = pager(client, reviewed["8.2"])
    assert r.context["origin"].url == QUEUE and r.context["origin"].label == "Hồ sơ chờ duyệt"
    assert r.context["position"].index == 2 and "Tiêu chí được giao" not in r.content.decode()
    # The agency's way back is its own list, by its own name.
    client.force_login(tuphap)
    r = pager(client, reviewed["2.3.2"], f"{WORKSPACE}?state=submitted")
    assert r.context["origin"].label == "Tiêu chí được giao · Đã gửi"
    assert r.context["origin"].url == f"{WORKSPACE}?state=submitted"


@pytest.mark.parametrize("bad", [
    "https://evil.example/duyet/", "//evil.example/duyet/", "javascript:alert(1)", "http:///evil.example/",
    "/admin/", "/diem/1/", "/khong-co/", "duyet/", "/duyet/\\evil",
])
def test_a_foreign_or_unknown_from_is_ignored(client, officer, reviewed, bad):
    client.force_login(officer)
    r = pager(client, reviewed["8.2"], bad)
    origin = r.context["origin"]
    assert (origin.url, origin.explicit) == (QUEUE, False)
    html = r.content.decode()
    assert f'<a href="{QUEUE}" id="back-link">' in html
    assert 'href="https://evil' not in html and 'href="//evil' not in html and 'href="javascript:' not in html
    # Previous and next do not carry it on either.
    assert r.context["next_url"] == page_url(reviewed["2.3.2"])


def test_an_agency_cannot_borrow_the_queue_as_its_way_back(client, tuphap, reviewed):
    client.force_login(tuphap)
    origin = pager(client, reviewed["2.3.2"], f"{QUEUE}?state=").context["origin"]
    assert (origin.url, str(origin.label)) == (WORKSPACE, "Tiêu chí được giao")


def test_the_log_is_a_way_back_without_a_pager(client, officer, reviewed):
    client.force_login(officer)
    html = client.get(reverse("scorecards:log"), {"code": "8.4"}).content.decode()
    log = reverse("scorecards:log") + "?code=8.4"
    assert page_url(reviewed["8.4"], log).replace("&", "&amp;") in html
    r = pager(client, reviewed["8.4"], log)
    assert r.context["origin"].label == "Nhật ký" and r.context["position"] is None


# --- after a decision: the next criterion -----------------------------------------------------

def test_after_a_return_the_reviewer_lands_on_the_next_criterion(client, officer, reviewed):
    client.force_login(officer)
    s = reviewed["6.1.1"]
    r = client.post(page_url(s, QUEUE), {"action": "return", "version": s.version, "comment": "Thiếu TLKC"})
    assert r.status_code == 302 and r["Location"] == page_url(reviewed["8.2"], QUEUE)
    assert score(s.period, "6.1.1").state == ScoreState.RETURNED
    # The first of the queue is now 8.2: 6.1.1 left it without 8.2 being skipped.
    assert pager(client, reviewed["8.2"], QUEUE).context["position"].index == 1


def test_after_the_last_of_the_list_the_reviewer_goes_to_the_first_still_waiting(client, officer, reviewed):
    client.force_login(officer)
    origin = f"{QUEUE}?sort=code&state=submitted"  # 2.3.2, 6.1.1, 8.2
    r = client.post(page_url(reviewed["8.2"], origin), {"action": "accept", "version": reviewed["8.2"].version, "comment": ""})
    assert r.status_code == 302 and r["Location"] == page_url(reviewed["2.3.2"], origin)
    assert "mở lại tiêu chí đầu tiên còn chờ duyệt" in client.get(r["Location"]).content.decode()


def test_when_nothing_waits_the_reviewer_goes_back_to_the_queue(client, officer, reviewed):
    client.force_login(officer)
    origin = f"{QUEUE}?sort=code&state=submitted"
    for code in ("2.3.2", "6.1.1"):
        s = score(reviewed[code].period, code)
        client.post(page_url(s, origin), {"action": "accept", "version": s.version, "comment": ""})
    s = score(reviewed["8.2"].period, "8.2")
    r = client.post(page_url(s, origin), {"action": "accept", "version": s.version, "comment": ""})
    assert r.status_code == 302 and r["Location"] == origin
    assert "Đã xử lý hết danh sách" in client.get(origin).content.decode()


def test_the_end_of_a_list_of_every_state_says_what_remains(client, officer, reviewed):
    client.force_login(officer)
    origin = f"{QUEUE}?q=6.1&state=&sort=-code"  # every state: decided rows stay in the list
    listed = codes(client.get(origin))
    assert listed[-2:] == ["6.1.3", "6.1.1"]  # 6.1.1 waits, last; 6.1.3 was accepted
    s = reviewed["6.1.1"]
    r = client.post(page_url(s, origin), {"action": "accept", "version": s.version, "comment": ""})
    assert r.status_code == 302 and r["Location"] == origin
    assert f"danh sách còn {len(listed) - 1} tiêu chí" in client.get(origin).content.decode()


def test_a_decision_taken_from_the_log_stays_on_the_criterion(client, officer, reviewed):
    client.force_login(officer)
    s = reviewed["6.1.1"]
    origin = "/nhat-ky/?action=score.submitted"
    r = client.post(page_url(s, origin), {"action": "accept", "version": s.version, "comment": ""})
    assert r.status_code == 302 and r["Location"] == page_url(s, origin)


def test_a_refused_decision_stays_on_the_page(client, officer, reviewed):
    client.force_login(officer)
    s = reviewed["6.1.1"]
    r = client.post(page_url(s, QUEUE), {"action": "return", "version": s.version, "comment": ""})
    assert r.status_code == 400 and r.context["origin"].url == QUEUE
    assert score(s.period, "6.1.1").state == ScoreState.SUBMITTED


def test_other_steps_stay_on_the_criterion_with_the_way_back(client, tuphap, open_period):
    client.force_login(tuphap)
    s = score(open_period, "2.3.2")
    origin = f"{WORKSPACE}?state=draft"
    r = client.post(page_url(s, origin), {"action": "save", "version": s.version, "self_points": "1", "explanation": "x"})
    assert r["Location"] == page_url(s, origin)


# --- the agency is told -------------------------------------------------------------------------

def test_the_agency_sees_its_returned_criteria_and_the_latest_decisions(client, taichinh, tuphap, officer, reviewed):
    client.force_login(taichinh)
    r = client.get(WORKSPACE)
    news = r.context["agency_news"]
    assert news.returned == 1 and news.returned_url == f"{WORKSPACE}?state=returned"
    assert [(e.action, e.score.criterion.code) for e in news.decisions] == [
        ("score.accepted", "6.1.3"), ("score.returned", "8.4")]
    html = r.content.decode()
    assert "1 tiêu chí bị trả lại cần sửa" in html and 'href="/tieu-chi/?state=returned"' in html
    assert "Thiếu số liệu thu quý IV" in html
    assert codes(client.get(news.returned_url)) == ["8.4"]
    # Sở Tư pháp has nothing returned; Sở Nội vụ gets no such box.
    client.force_login(tuphap)
    assert client.get(WORKSPACE).context["agency_news"].returned == 0
    assert 'id="review-news"' not in client.get(WORKSPACE).content.decode()
    client.force_login(officer)
    assert client.get(WORKSPACE).context["agency_news"] is None


def test_the_phone_card_names_the_state_and_the_appraisal_apart(client, taichinh, reviewed):
    client.force_login(taichinh)
    html = client.get(WORKSPACE, {"state": ScoreState.RETURNED}).content.decode()
    assert 'data-label="Trạng thái"' in html
    assert 'data-label="Điểm thẩm định" class="blank-sm num"' in html  # no appraisal yet: hidden on a phone card
    assert 'data-label="Thẩm định"' not in html


# --- Vietnamese order -----------------------------------------------------------------------------

@pytest.fixture
def vietnamese_agencies(open_period):
    """Three more lead agencies whose names start with B, Đ and Ủ, each leading one 2026 criterion."""
    made = [Agency.objects.create(code="sx-ban-dan-toc", name="Ban Dân tộc tỉnh"),
            Agency.objects.create(code="sx-dai-ptth", name="Đài Phát thanh và Truyền hình tỉnh", short_name="Đài PT-TH"),
            Agency.objects.create(code="sx-ubmttq", name="Ủy ban Mặt trận Tổ quốc tỉnh")]
    for agency, code in zip(made, ("1.3", "5.4", "5.6"), strict=True):  # Sở Nội vụ's: it keeps others
        assignment = Assignment.objects.get(period=open_period, criterion__code=code)
        assignment.lead_agency = agency
        assignment.save()
    return made


def agency_order(response):
    labels = []
    for row in response.context["table"].rows:
        if not labels or labels[-1] != row.record.lead_agency_label:
            labels.append(row.record.lead_agency_label)
    return labels


def test_sorting_by_lead_agency_is_in_vietnamese_order(client, officer, vietnamese_agencies):
    """Đ after D and before E, Ủ with U before V: not after "VP UBND tỉnh" as code points put them.
    On SQLite this needs scorecards.db.vi_collate's collation (PostgreSQL: ICU vi-x-icu)."""
    client.force_login(officer)
    expected = ["Ban Dân tộc tỉnh", "Đài PT-TH", "SKHCN", "SNV", "STC", "STP", "Ủy ban Mặt trận Tổ quốc tỉnh",
                "VP UBND tỉnh"]
    assert agency_order(client.get(WORKSPACE, {"sort": "agency"})) == expected
    assert agency_order(client.get(WORKSPACE, {"sort": "-agency"})) == expected[::-1]
    # The criterion page's previous and next follow the same order.
    first = Score.objects.get(responsible_agency=vietnamese_agencies[0], period__year=2026)
    p = pager(client, first, f"{WORKSPACE}?sort=agency").context["position"]
    second = Score.objects.get(pk=p.next_id)
    assert p.index == 1 and second.responsible_agency == vietnamese_agencies[1]


# --- filters speak Vietnamese; the report and the overview link to each other -------------------

def test_no_filter_offers_django_dashes(client, officer, reviewed):
    client.force_login(officer)
    for url in (reverse("scorecards:log"), QUEUE, WORKSPACE):
        html = client.get(url).content.decode()
        assert "---------" not in html, url
    html = client.get(reverse("scorecards:log")).content.decode()
    for label in ("Mọi hành động", "Mọi kỳ đánh giá", "Mọi đơn vị", "Mọi người"):
        assert label in html


def test_the_report_and_the_overview_link_to_each_other(client, leader, period_2024):
    client.force_login(leader)
    dashboard = reverse("reports:dashboard", args=[2024]) + f"?period={period_2024.pk}"
    preview = reverse("reports:preview", args=[2024]) + f"?period={period_2024.pk}"
    assert f'href="{dashboard}"' in client.get(preview).content.decode()
    assert f'href="{preview}"' in client.get(dashboard).content.decode()


# --- query counts stay flat -----------------------------------------------------------------------

def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_queue_and_its_pager_cost_the_same_however_long_the_queue(client, officer, tuphap, reviewed,
                                                                      django_assert_num_queries):
    client.force_login(officer)
    origin = f"{QUEUE}?sort=code&agency={tuphap.agency_id}"
    small_queue, r = count_queries(client, origin)
    assert r.context["table"].paginator.count == 1
    small_page, r = count_queries(client, page_url(reviewed["2.3.2"], origin))
    assert r.context["position"].total == 1
    # 40 more submissions of Sở Tư pháp in a generated period.
    period = build_period(build_framework(fields=4, criteria_per_field=2, leaves_per_criterion=5, code="gen-queue"),
                          year=2033, lead=tuphap.agency)
    for s in Score.objects.filter(period=period).select_related("criterion")[:40]:
        s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="x", version=s.version)
        workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    big_queue, r = count_queries(client, origin)
    assert r.context["table"].paginator.count == 41
    big_page, r = count_queries(client, page_url(reviewed["2.3.2"], origin))
    assert r.context["position"].total == 41
    assert (big_queue, big_page) == (small_queue, small_page)
    with django_assert_num_queries(small_page):
        client.get(page_url(reviewed["2.3.2"], origin))
    print(f"\nqueue queries: {small_queue}; criterion page from the queue: {small_page}")


@pytest.mark.parametrize("query", ["state=bogus", "period=abc", "agency=999999", "field=zzz"])
def test_a_bad_filter_value_says_so(client, officer, reviewed, query):
    client.force_login(officer)
    r = client.get(f"{QUEUE}?{query}")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="filter-errors"' in html and "Bộ lọc có giá trị không hợp lệ" in html


@pytest.mark.parametrize("per_page", ["-1", "0", "100000"])
def test_an_odd_page_size_is_kept_in_bounds(client, officer, reviewed, per_page):
    client.force_login(officer)
    for url in (QUEUE, reverse("scorecards:workspace"), reverse("scorecards:log")):
        r = client.get(f"{url}?per_page={per_page}&state=")
        assert r.status_code == 200, url
        assert 1 <= r.context["table"].paginator.per_page <= 200
