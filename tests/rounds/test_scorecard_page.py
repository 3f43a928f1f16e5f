"""A subject's scorecard page in a round: who opens it, what each persona sees and may edit,
the downloads, and a query count that does not grow with the framework."""
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards.choices import CouncilRole, PeriodStatus
from scorecards.models import Agency, EvaluationPeriod
from scorecards.services import adjustments, selflock
from tests.factories import UserFactory
from tests.rounds.conftest import _unit_user, build_round_framework, make_round
from tests.rounds.test_scorecard_page_support import (  # noqa: F401  (private_media is a fixture)
    fill_self, leaves, page_url, pdf, private_media, score_of, step,
)

pytestmark = pytest.mark.usefixtures("private_media")


def _get(client, user, period):
    if user is not None:
        client.force_login(user)
    return client.get(page_url(period))


def _inputs(response, field) -> int:
    """How many grid inputs of `field` the page holds."""
    return len(re.findall(rf'name="s\d+-{field}"', response.content.decode()))


# ---- who opens the page ------------------------------------------------------------------------

@pytest.mark.parametrize("persona, status", [
    ("dept_user", 200), ("officer", 200), ("leader", 200), ("chair", 200), ("appraiser", 200),
    ("commune_user", 403), ("outsider", 403),
])
def test_each_persona_opens_or_is_refused_sa_page(request, client, dept_period, persona, status):
    user = request.getfixturevalue(persona)
    response = _get(client, user, dept_period)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Phiếu đánh giá của Sở A" in body
        assert "Chỉ số CCHC năm 2025 (thử)" in body and "Sở, ban, ngành" in body


def test_anonymous_goes_to_login(client, dept_period):
    response = client.get(page_url(dept_period))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_period_outside_any_round_is_404(client, officer, open_period):
    client.force_login(officer)
    assert client.get(reverse("round_scorecard:detail", args=[open_period.pk])).status_code == 404


def test_commune_staff_see_their_own_commune_not_a_department(client, commune_user, commune_period, dept_period):
    assert _get(client, commune_user, commune_period).status_code == 200
    assert client.get(page_url(dept_period)).status_code == 403


# ---- what each persona sees and may edit ----------------------------------------------------------

def test_header_shows_round_group_unit_deadlines_status_and_illustrative_badge(client, officer, small_round, dept_period):
    small_round.is_illustrative = True
    small_round.save()
    response = _get(client, officer, dept_period)
    body = response.content.decode()
    deadline = dept_period.self_assessment_deadline
    from django.utils import timezone

    assert timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M") in body
    assert 'id="period-status">Tự đánh giá<' in body
    assert 'id="illustrative"' in body
    assert "Chưa chốt" in body


def test_unit_staff_edit_self_points_of_every_self_assessed_leaf_in_one_form(client, dept_user, dept_period):
    response = _get(client, dept_user, dept_period)
    body = response.content.decode()
    # 12 leaves, field 3 survey-sourced: 8 self-assessed rows with points and explanation.
    assert _inputs(response, "self_points") == 8
    assert _inputs(response, "explanation") == 8
    assert _inputs(response, "appraised_points") == 0
    assert 'value="save_self"' in body and 'id="form-lock"' in body
    # Each leaf links to its criterion page (evidence upload and download).
    assert reverse("scorecards:score", args=[score_of(dept_period, "1.1.1").pk]) in body
    assert 'value="not_applicable"' not in body


@pytest.mark.parametrize("persona", ["leader", "chair", "appraiser"])
def test_readers_have_no_inputs_before_appraisal(request, client, dept_period, persona):
    response = _get(client, request.getfixturevalue(persona), dept_period)
    body = response.content.decode()
    assert _inputs(response, "self_points") == 0 and _inputs(response, "appraised_points") == 0
    assert 'id="sc-grid"' not in body and 'id="form-lock"' not in body and 'value="not_applicable"' not in body
    assert 'id="read-only-reason"' in body


def test_officer_marks_not_applicable_per_field_criterion_and_leaf(client, officer, dept_period):
    response = _get(client, officer, dept_period)
    body = response.content.decode()
    # 3 fields + 6 criteria + 12 leaves, one small form each.
    assert body.count('value="not_applicable"') == 21
    assert _inputs(response, "self_points") == 0


def test_appraiser_enters_both_rounds_reason_and_flag_during_appraisal(client, appraiser, officer, small_round, dept_period):
    step(small_round, officer, PeriodStatus.APPRAISAL)
    response = _get(client, appraiser, dept_period)
    for field in ("appraised_points", "appraisal_reason", "explanation_requested"):
        assert _inputs(response, field) == 12, field
    assert _inputs(response, "appraised_points_round2") == 0  # round 2 waits for the explanation round
    step(small_round, officer, PeriodStatus.EXPLANATION)
    response = _get(client, appraiser, dept_period)
    for field in ("appraised_points", "appraised_points_round2", "appraisal_reason", "explanation_requested"):
        assert _inputs(response, field) == 12, field
    assert 'value="save_appraise"' in response.content.decode()
    assert _inputs(response, "self_points") == 0


def test_chair_and_leader_stay_read_only_during_appraisal(client, chair, leader, officer, small_round, dept_period):
    step(small_round, officer, PeriodStatus.APPRAISAL)
    for user in (chair, leader):
        response = _get(client, user, dept_period)
        assert _inputs(response, "appraised_points") == 0
        assert 'id="sc-grid"' not in response.content.decode()


def test_an_appraiser_of_the_subject_itself_gets_no_appraisal_inputs(client, officer, small_round, dept_period):
    own = _unit_user("tham-dinh-so-a", dept_period.subject)
    small_round.council.create(name="Thẩm định viên Sở A", role=CouncilRole.APPRAISER, user=own)
    step(small_round, officer, PeriodStatus.APPRAISAL)
    response = _get(client, own, dept_period)
    assert response.status_code == 200
    assert _inputs(response, "appraised_points") == 0


def test_summary_shows_rescaled_total_rank_and_grade_on_the_self_basis(client, dept_user, dept_period):
    fill_self(dept_period, dept_user, overrides={"1.1.1": Decimal(0)})
    response = _get(client, dept_user, dept_period)
    body = response.content.decode()
    # 7 of 8 applicable points (survey leaves not surveyed are out of the maximum): 87,5 → Khá.
    assert 'id="rescaled-self">87,5<' in body
    assert 'id="total-self">87,5<' in body
    assert 'id="grade-self">Khá<' in body
    # Sở B and Sở C have entered nothing yet: not ranked, so the base is the one ranked unit.
    assert 'id="rank-self">1/1<' in body
    assert 'id="total-final"' not in body  # no appraised basis before appraisal


def test_appraisal_columns_hidden_before_appraisal_and_shown_after(client, dept_user, officer, small_round, dept_period):
    body = _get(client, dept_user, dept_period).content.decode()
    assert "Hội đồng thẩm định" not in body
    step(small_round, officer, PeriodStatus.APPRAISAL)
    body = _get(client, dept_user, dept_period).content.decode()
    assert "Hội đồng thẩm định" in body and 'id="total-final"' in body


# ---- downloads ---------------------------------------------------------------------------------

@pytest.fixture
def locked_with_bonus(dept_user, dept_period):
    fill_self(dept_period, dept_user)
    adjustments.save_adjustment(dept_period.pk, {"kind": "bonus", "content": "Sáng kiến", "claimed_points": Decimal(1)},
                                actor=dept_user, evidence=pdf("sang-kien.pdf"))
    selflock.lock_self_assessment(dept_period.pk, pdf(), actor=dept_user)
    return dept_period.adjustments.get()


def test_downloads_are_attachments_for_the_unit_and_readers(client, dept_user, leader, chair, dept_period, locked_with_bonus):
    report = reverse("round_scorecard:self_report", args=[dept_period.pk])
    evidence = reverse("round_scorecard:adjustment_evidence", args=[dept_period.pk, locked_with_bonus.pk])
    for user in (dept_user, leader, chair):
        client.force_login(user)
        response = client.get(report)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "bao-cao-tu-danh-gia.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        response = client.get(evidence)
        assert response.status_code == 200 and "sang-kien.pdf" in response["Content-Disposition"]
    body = client.get(page_url(dept_period)).content.decode()
    assert report in body and evidence in body


def test_another_unit_gets_403_on_the_downloads(client, commune_user, outsider, dept_period, locked_with_bonus):
    for user in (commune_user, outsider):
        client.force_login(user)
        assert client.get(reverse("round_scorecard:self_report", args=[dept_period.pk])).status_code == 403
        assert client.get(reverse("round_scorecard:adjustment_evidence",
                                  args=[dept_period.pk, locked_with_bonus.pk])).status_code == 403


def test_download_of_an_adjustment_of_another_period_is_404(client, dept_user, dept_period, commune_period, officer,
                                                            locked_with_bonus):
    client.force_login(officer)
    url = reverse("round_scorecard:adjustment_evidence", args=[commune_period.pk, locked_with_bonus.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("round_scorecard:self_report", args=[commune_period.pk])).status_code == 404


# ---- the workspace link --------------------------------------------------------------------------

def test_unit_staff_find_their_round_scorecard_in_the_workspace(client, dept_user, dept_period, tuphap):
    client.force_login(dept_user)
    body = client.get(reverse("scorecards:workspace")).content.decode()
    assert 'id="round-scorecards"' in body and page_url(dept_period) in body
    client.force_login(tuphap)  # Sở Tư pháp is no subject of the test round
    assert page_url(dept_period) not in client.get(reverse("scorecards:workspace")).content.decode()


# ---- queries ---------------------------------------------------------------------------------

@pytest.fixture
def big_period(officer, small_round):
    fw = build_round_framework("fw-8x4x4", fields=8, criteria=4, leaves=4)
    big = make_round(officer, name="Chỉ số CCHC năm 2025 (thử, bộ lớn)", framework=fw)
    return big.periods.get(subject__name="Sở A")


@pytest.mark.parametrize("persona, status", [
    ("dept_user", PeriodStatus.SELF_ASSESSMENT), ("officer", PeriodStatus.SELF_ASSESSMENT),
    ("appraiser", PeriodStatus.APPRAISAL),
])
def test_query_count_does_not_grow_with_the_framework(request, client, django_assert_num_queries, officer, small_round,
                                                      dept_period, big_period, persona, status):
    user = request.getfixturevalue(persona)
    if persona == "appraiser":
        big_period.round.council.create(name="Thẩm định viên", role=CouncilRole.APPRAISER, user=user)
    if status == PeriodStatus.APPRAISAL:
        step(small_round, officer, status)
        step(big_period.round, officer, status)
    assert len(leaves(big_period)) == 128 and len(leaves(dept_period)) == 12
    client.force_login(user)
    client.get(page_url(dept_period))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(page_url(dept_period)).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(page_url(big_period)).status_code == 200


def test_big_framework_page_lists_every_leaf(client, officer, big_period):
    client.force_login(officer)
    body = client.get(page_url(big_period)).content.decode()
    assert body.count('<tr class="leaf') == 128
    assert EvaluationPeriod.objects.filter(round=big_period.round, subject__kind=Agency.Kind.DEPARTMENT).count() == 3


def test_a_user_with_no_agency_and_no_seat_but_a_council_seat_elsewhere_is_refused(client, dept_period, officer):
    other = make_round(officer, year=2025, name="Một đợt khác", departments=("Sở X",), communes=())
    stranger = UserFactory(username="hoi-dong-khac")
    other.council.create(name="Thành viên", role=CouncilRole.MEMBER, user=stranger)
    client.force_login(stranger)
    assert client.get(page_url(dept_period)).status_code == 403
