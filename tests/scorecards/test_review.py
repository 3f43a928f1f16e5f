"""Sở Nội vụ's pages: the progress board per period, the review queue, exceptions,
period steps and the filterable log; readers may look, only Sở Nội vụ may act; the board
costs the same number of queries however many agencies and criteria there are."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scorecards.models import AgencyException, AuditEvent, PeriodStatus, Score
from scorecards.services import workflow
from tests.factories import AgencyFactory, build_framework, build_period


def score(period, code):
    return Score.objects.select_related("criterion", "period").get(period=period, criterion__code=code)


def submit(period, user, code, points="0.25"):
    s = score(period, code)
    s = workflow.save_self_assessment(s.pk, actor=user, self_points=Decimal(points), explanation="x", version=s.version)
    return workflow.submit_score(s.pk, actor=user, version=s.version)


def board(client, period):
    return client.get(reverse("scorecards:board", args=[period.pk]))


def row(response, code):
    return next(r for r in response.context["rows"] if r.agency.code == code)


def test_the_board_counts_each_agency(client, open_period, officer, tuphap, taichinh):
    s = submit(open_period, taichinh, "6.1.3")
    workflow.accept_score(s.pk, actor=officer, version=s.version)
    s = submit(open_period, taichinh, "6.3.1")
    workflow.return_score(s.pk, actor=officer, comment="Sửa", version=s.version)
    submit(open_period, taichinh, "6.3.2")
    client.force_login(officer)
    r = board(client, open_period)
    stc = row(r, "so-tai-chinh")
    assert (stc.assigned, stc.draft, stc.submitted, stc.accepted, stc.returned, stc.overdue) == (8, 5, 1, 1, 1, 0)
    stp = row(r, "so-tu-phap")
    assert (stp.assigned, stp.draft) == (1, 1)
    assert "Sở Tài chính" in r.content.decode()


def test_overdue_counts_pending_criteria_after_the_deadline_unless_excepted(client, open_period, officer, tuphap):
    open_period.self_assessment_deadline = timezone.now() - timedelta(hours=1)
    open_period.save()
    client.force_login(officer)
    assert row(board(client, open_period), "so-tu-phap").overdue == 1
    workflow.grant_exception(open_period.pk, tuphap.agency, actor=officer, until=timezone.now() + timedelta(days=1), reason="x")
    stp = row(board(client, open_period), "so-tu-phap")
    assert stp.overdue == 0 and stp.exception is not None


def test_the_leader_reads_the_board_without_the_buttons(client, open_period, leader):
    client.force_login(leader)
    r = board(client, open_period)
    assert r.status_code == 200
    assert 'id="form-exception"' not in r.content.decode()


@pytest.mark.parametrize("persona", ["tuphap", "taichinh", "outsider"])
def test_agencies_cannot_see_the_board_the_queue_or_the_log(client, open_period, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("scorecards:board", args=[open_period.pk]), reverse("scorecards:board_index"),
                reverse("scorecards:queue"), reverse("scorecards:log")):
        assert client.get(url).status_code == 403, url


def test_home_affairs_grants_an_exception_from_the_board(client, open_period, officer, tuphap):
    client.force_login(officer)
    until = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(reverse("scorecards:grant_exception", args=[open_period.pk]),
                    {"agency": tuphap.agency_id, "until": until, "reason": "Chờ số liệu"})
    assert r.status_code == 302
    exc = AgencyException.objects.get(period=open_period)
    assert (exc.agency, exc.granted_by, exc.reason) == (tuphap.agency, officer, "Chờ số liệu")


def test_a_bad_exception_form_changes_nothing(client, open_period, officer, tuphap):
    client.force_login(officer)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("scorecards:grant_exception", args=[open_period.pk]), {"agency": tuphap.agency_id, "until": past, "reason": "x"})
    client.post(reverse("scorecards:grant_exception", args=[open_period.pk]), {"agency": tuphap.agency_id, "until": "", "reason": ""})
    assert not AgencyException.objects.exists()


@pytest.mark.parametrize("persona", ["tuphap", "leader"])
def test_only_home_affairs_grants_exceptions_or_moves_the_period(client, open_period, request, persona, tuphap):
    client.force_login(request.getfixturevalue(persona))
    until = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(reverse("scorecards:grant_exception", args=[open_period.pk]),
                       {"agency": tuphap.agency_id, "until": until, "reason": "x"}).status_code == 403
    assert client.post(reverse("scorecards:period_step", args=[open_period.pk]), {"status": "appraisal"}).status_code == 403
    open_period.refresh_from_db()
    assert open_period.status == PeriodStatus.SELF_ASSESSMENT and not AgencyException.objects.exists()


def test_home_affairs_locks_the_self_assessment_from_the_board(client, open_period, officer):
    client.force_login(officer)
    r = client.post(reverse("scorecards:period_step", args=[open_period.pk]), {"status": "appraisal"})
    assert r.status_code == 302
    open_period.refresh_from_db()
    assert open_period.status == PeriodStatus.APPRAISAL
    assert AuditEvent.objects.filter(action="period.locked", period=open_period, actor=officer).exists()


def test_a_closed_period_cannot_be_moved(client, period_2023, officer):
    client.force_login(officer)
    client.post(reverse("scorecards:period_step", args=[period_2023.pk]), {"status": "self_assessment"})
    period_2023.refresh_from_db()
    assert period_2023.status == PeriodStatus.CLOSED


def test_the_review_queue_lists_submissions_oldest_first(client, open_period, officer, tuphap, taichinh):
    submit(open_period, taichinh, "8.4")
    submit(open_period, tuphap, "2.3.2")
    client.force_login(officer)
    r = client.get(reverse("scorecards:queue"))
    assert [row.record.criterion.code for row in r.context["table"].rows] == ["8.4", "2.3.2"]


def test_review_from_the_page(client, open_period, officer, tuphap):
    s = submit(open_period, tuphap, "2.3.2")
    client.force_login(officer)
    url = reverse("scorecards:score", args=[s.pk])
    r = client.post(url, {"action": "return", "version": s.version, "comment": ""})
    assert r.status_code == 400 and "Cần ghi ý kiến khi trả lại" in r.content.decode()
    assert client.post(url, {"action": "return", "version": s.version, "comment": "Thiếu TLKC"}).status_code == 302
    assert score(open_period, "2.3.2").state == "returned"


def test_the_log_filters_by_action_agency_and_code(client, open_period, officer, tuphap, taichinh):
    submit(open_period, tuphap, "2.3.2")
    submit(open_period, taichinh, "8.4")
    client.force_login(officer)
    url = reverse("scorecards:log")
    events = client.get(url, {"action": "score.submitted"}).context["table"].data.data
    assert sorted(e.score.criterion.code for e in events) == ["2.3.2", "8.4"]
    # The period too: the demo's rounds log events of Sở Tư pháp as a unit of the province's index.
    events = client.get(url, {"agency": tuphap.agency_id, "period": open_period.pk}).context["table"].data.data
    assert {e.action for e in events} == {"score.self_assessed", "score.submitted"}
    assert {e.score.criterion.code for e in events} == {"2.3.2"}
    events = client.get(url, {"code": "8.4", "actor": taichinh.pk}).context["table"].data.data
    assert len(events) == 2
    html = client.get(url, {"code": "8.4"}).content.decode()
    assert "Gửi Sở Nội vụ" in html and "Cán bộ Sở Tài chính" in html


# --- query counts --------------------------------------------------------------------------

def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_board_and_log_query_counts_stay_flat(client, open_period, officer, tuphap, django_assert_num_queries):
    submit(open_period, tuphap, "2.3.2")
    client.force_login(officer)
    small_board = queries(client, reverse("scorecards:board", args=[open_period.pk]))
    small_log = queries(client, reverse("scorecards:log"))
    # A generated period with 12 agencies sharing 160 leaves, some work done and exceptions granted.
    fw = build_framework(fields=8, criteria_per_field=4, leaves_per_criterion=5, code="gen-board")
    period = build_period(fw, year=2032, lead=tuphap.agency)
    agencies = [AgencyFactory(code=f"so-gen-{i}", name=f"Sở sinh {i}") for i in range(12)]
    from scorecards.models import Assignment

    for i, a in enumerate(Assignment.objects.filter(period=period).order_by("pk")):
        a.lead_agency = agencies[i % 12]
        a.save()
    for a in agencies[:5]:
        workflow.grant_exception(period.pk, a, actor=officer, until=timezone.now() + timedelta(days=1), reason="x")
    s = score(period, "1.1.1")
    s.self_points = Decimal("1")
    s.save()
    for s in Score.objects.filter(period=period).select_related("period")[:80]:
        AuditEvent.log("score.self_assessed", actor=officer, score=s, agency=agencies[s.pk % 12],
                       changes={"self_points": [None, "1"]})
    big_board = queries(client, reverse("scorecards:board", args=[period.pk]))
    assert big_board == small_board
    with django_assert_num_queries(small_board):
        r = client.get(reverse("scorecards:board", args=[period.pk]))
    assert len(r.context["rows"]) == 12
    assert queries(client, reverse("scorecards:log")) == small_log
    print(f"\nboard queries: {small_board}; log queries: {small_log}")
