"""The agency workspace: each agency sees its own criteria in open periods, filters and
accent-free search work, the criterion page shows what each persona may do, and the list
costs the same number of queries with the demo and with a much larger generated period."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards.models import Score, ScoreState
from scorecards.services import workflow
from tests.factories import build_framework, build_period

WORKSPACE = reverse("scorecards:workspace")


def score(period, code):
    return Score.objects.select_related("criterion", "period").get(period=period, criterion__code=code)


def codes(response):
    return [row.record.criterion.code for row in response.context["table"].rows]


def test_agency_staff_land_on_their_workspace(client, tuphap):
    client.force_login(tuphap)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == WORKSPACE


def test_home_affairs_land_on_the_periods(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200


def test_each_agency_sees_only_its_criteria_in_open_periods(client, open_period, tuphap, taichinh):
    client.force_login(tuphap)
    assert codes(client.get(WORKSPACE)) == ["2.3.2"]  # 2023 closed and 2024 published are not listed
    client.force_login(taichinh)
    # Sở Tài chính took over Sở Kế hoạch và Đầu tư's criteria (6.1.1, 8.2, 8.3.2, 8.5) on 1/3/2025; 1.7 as supporter
    assert codes(client.get(WORKSPACE)) == ["1.7", "6.1.1", "6.1.3", "6.3.1", "6.3.2", "8.2", "8.3.2", "8.4", "8.5"]


def test_home_affairs_sees_every_self_assessed_criterion(client, open_period, officer):
    client.force_login(officer)
    listed = codes(client.get(WORKSPACE))
    assert "2.3.2" in listed and "6.1.3" in listed
    assert "5.KS" not in listed and "8.SIPAS" not in listed  # survey points are not self-assessed


def test_an_outsider_sees_nothing(client, outsider, open_period):
    client.force_login(outsider)
    assert codes(client.get(WORKSPACE)) == []


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(WORKSPACE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("query", "expected"), [
    ("tai chinh cong", []),           # no criterion name matches
    ("su nghiep cong lap", []),
    ("SNCL", ["6.3.1", "6.3.2"]),
    ("thu ngan sach", ["8.4"]),        # "Thực hiện thu ngân sách" without accents
    ("thu ngân sách", ["8.4"]),
    ("6.3", ["6.3.1", "6.3.2"]),
])
def test_search_ignores_accents(client, open_period, taichinh, query, expected):
    client.force_login(taichinh)
    assert codes(client.get(WORKSPACE, {"q": query})) == expected


def test_filters_by_field_state_and_needs_my_action(client, open_period, taichinh, officer):
    s = score(open_period, "6.1.3")
    s = workflow.save_self_assessment(s.pk, actor=taichinh, self_points=Decimal("1"), explanation="Đủ", version=s.version)
    workflow.submit_score(s.pk, actor=taichinh, version=s.version)
    client.force_login(taichinh)
    assert codes(client.get(WORKSPACE, {"field": "8"})) == ["8.2", "8.3.2", "8.4", "8.5"]
    assert codes(client.get(WORKSPACE, {"state": ScoreState.SUBMITTED})) == ["6.1.3"]
    # Needs my action: drafts the agency leads (not 1.7, which it only supports, nor the submitted 6.1.3).
    assert codes(client.get(WORKSPACE, {"needs_action": "on"})) == ["6.1.1", "6.3.1", "6.3.2", "8.2", "8.3.2", "8.4", "8.5"]
    client.force_login(officer)
    assert codes(client.get(WORKSPACE, {"needs_action": "on"})) == ["6.1.3"]
    assert codes(client.get(reverse("scorecards:queue"))) == ["6.1.3"]


def test_the_list_shows_points_state_evidence_count_and_deadline(client, open_period, tuphap):
    s = score(open_period, "2.3.2")
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.75"), explanation="x", version=s.version)
    client.force_login(tuphap)
    html = client.get(WORKSPACE).content.decode()
    for text in ("2.3.2", "Xử lý văn bản trái pháp luật", "0,75", "Đang soạn", "Sở Tư pháp".replace("Sở Tư pháp", "STP")):
        assert text in html
    row = client.get(WORKSPACE).context["table"].rows[0]
    assert row.record.evidence_count == 0 and row.record.lead_agency_label == "STP"
    assert open_period.self_assessment_deadline.astimezone().strftime("%d/%m/%Y") in html


# --- the criterion page ----------------------------------------------------------------------

def page(client, user, s):
    client.force_login(user)
    return client.get(reverse("scorecards:score", args=[s.pk]))


def test_the_lead_agency_gets_the_forms(client, open_period, tuphap):
    s = score(open_period, "2.3.2")
    r = page(client, tuphap, s)
    assert r.status_code == 200
    assert r.context["can_edit"] and not r.context["can_accept"]
    html = r.content.decode()
    assert 'id="form-save"' in html and 'id="form-upload"' in html and "Điểm tối đa" in html


@pytest.mark.parametrize("persona", ["officer", "leader"])
def test_readers_get_no_agency_forms(client, open_period, persona, request):
    s = score(open_period, "2.3.2")
    r = page(client, request.getfixturevalue(persona), s)
    assert r.status_code == 200
    assert 'id="form-save"' not in r.content.decode()


def test_another_agency_gets_404(client, open_period, taichinh):
    assert page(client, taichinh, score(open_period, "2.3.2")).status_code == 404


def test_a_stale_save_keeps_what_was_typed_and_names_who_saved(client, open_period, tuphap):
    s = score(open_period, "2.3.2")
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="Bản đầu", version=s.version)
    client.force_login(tuphap)
    r = client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": "save", "version": s.version, "self_points": "0,9", "explanation": "Bản tôi đang gõ"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Cán bộ Sở Tư pháp" in html and "Bản tôi đang gõ" in html and "0,9" in html
    assert score(open_period, "2.3.2").self_points == Decimal("0.5")


def test_points_accept_a_decimal_comma_and_refuse_four_decimals(client, open_period, tuphap):
    s = score(open_period, "2.3.2")
    client.force_login(tuphap)
    url = reverse("scorecards:score", args=[s.pk])
    r = client.post(url, {"action": "save", "version": s.version, "self_points": "0,7505", "explanation": "x"})
    assert r.status_code == 400 and "tối đa 3 chữ số thập phân" in r.content.decode()
    r = client.post(url, {"action": "save", "version": s.version, "self_points": "0,75", "explanation": "x"})
    assert r.status_code == 302 and score(open_period, "2.3.2").self_points == Decimal("0.750")


def test_a_forged_post_cannot_write_to_a_closed_period(client, open_period, tuphap):
    s = score(open_period, "2.3.2")
    open_period.status = "closed"
    open_period.save()
    client.force_login(tuphap)
    r = client.post(reverse("scorecards:score", args=[s.pk]),
                    {"action": "save", "version": s.version, "self_points": "1", "explanation": "x"})
    assert r.status_code == 400 and "đã đóng" in r.content.decode()
    assert score(open_period, "2.3.2").self_points is None


def test_an_unknown_action_is_a_bad_request(client, open_period, tuphap):
    client.force_login(tuphap)
    r = client.post(reverse("scorecards:score", args=[score(open_period, "2.3.2").pk]), {"action": "delete_all"})
    assert r.status_code == 400


def test_the_page_shows_history_and_the_comment(client, open_period, tuphap, officer):
    s = score(open_period, "2.3.2")
    s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.75"), explanation="x", version=s.version)
    s = workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    workflow.return_score(s.pk, actor=officer, comment="Thiếu quyết định xử lý", version=s.version)
    html = page(client, tuphap, s).content.decode()
    assert html.count("Thiếu quyết định xử lý") >= 2  # comment box and history
    assert "∅" not in html  # an empty value reads "—"
    for text in ("Tự đánh giá", "Gửi Sở Nội vụ", "Trả lại", "— → 0,75", "Bị trả lại"):
        assert text in html


# --- query counts --------------------------------------------------------------------------

def count_queries(client, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.fixture
def big_period(open_period, tuphap):
    """A generated period of 8 × 4 × 5 = 160 leaves, all led by Sở Tư pháp."""
    fw = build_framework(fields=8, criteria_per_field=4, leaves_per_criterion=5, code="gen-workspace")
    return build_period(fw, year=2031, lead=tuphap.agency)


@pytest.mark.parametrize("persona", ["tuphap", "officer"])
def test_the_list_query_count_stays_flat(client, open_period, request, persona, django_assert_num_queries, tuphap):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    small, r = count_queries(client, WORKSPACE)
    small_rows = len(r.context["table"].page.object_list)
    fw = build_framework(fields=8, criteria_per_field=4, leaves_per_criterion=5, code="gen-workspace")
    period = build_period(fw, year=2031, lead=tuphap.agency)
    for s in Score.objects.filter(period=period)[:40]:
        s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="x", version=s.version)
    big, r = count_queries(client, WORKSPACE)
    assert len(r.context["table"].page.object_list) > small_rows
    assert big == small
    with django_assert_num_queries(small):
        client.get(WORKSPACE, {"q": "tieu chi", "state": "draft"})
    print(f"\nworkspace list queries ({persona}): {small}")


def test_home_affairs_filters_by_lead_agency_and_agencies_cannot(client, open_period, officer, taichinh):
    client.force_login(officer)
    assert codes(client.get(WORKSPACE, {"agency": taichinh.agency_id})) == ["6.1.1", "6.1.3", "6.3.1", "6.3.2", "8.2", "8.3.2", "8.4", "8.5"]
    client.force_login(taichinh)
    response = client.get(WORKSPACE, {"agency": officer.agency_id})
    assert "agency" not in response.context["filter"].form.fields
    assert codes(response) == ["1.7", "6.1.1", "6.1.3", "6.3.1", "6.3.2", "8.2", "8.3.2", "8.4", "8.5"]


def test_the_explanation_round_on_the_page(client, settings, tmp_path, open_period, tuphap, officer):
    settings.MEDIA_ROOT = tmp_path
    s = score(open_period, "2.3.2")
    s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="Đủ", version=s.version)
    s = workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    s = workflow.accept_score(s.pk, actor=officer, version=s.version)
    workflow.change_period_status(open_period.pk, "appraisal", actor=officer)
    s = workflow.appraise_score(s.pk, actor=officer, round=1, points=Decimal("0.5"), reason="Chưa xử lý văn bản thứ tư", version=s.version)
    workflow.change_period_status(open_period.pk, "explanation", actor=officer)
    r = page(client, tuphap, s)
    html = r.content.decode()
    assert r.context["can_explain"] and "Chưa xử lý văn bản thứ tư" in html and "0,5" in html
    assert 'id="form-explain"' in html and 'id="form-upload-supplementary"' in html and 'id="form-save"' not in html
    url = reverse("scorecards:score", args=[s.pk])
    assert client.post(url, {"action": "explain", "version": s.version, "text": "Đã xử lý tại QĐ 7"}).status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(url, {"action": "upload_supplementary", "file": SimpleUploadedFile("qd7.pdf", b"%PDF-1.7 qd")})
    assert r.status_code == 302
    s = score(open_period, "2.3.2")
    assert s.appeal_explanation == "Đã xử lý tại QĐ 7"
    assert s.evidence.get().is_supplementary
    # Criteria that kept their points are not reopened: 6.1.3 has no appraisal.
    client.force_login(tuphap)
    assert codes(client.get(WORKSPACE, {"needs_action": "on"})) == []


def test_the_reminder_command_runs(db, capsys):
    from django.core.management import call_command

    call_command("send_deadline_reminders")
    assert "thư nhắc hạn" in capsys.readouterr().out
