"""Sở Nội vụ's actions on the round board: steps of the round (audited; refused steps,
steps back without a reason and stale pages change nothing), a whole group's scorecards
in one step, one subject in, one subject out."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import Agency, AuditEvent, EvaluationPeriod, Round, Score
from scorecards.services import rounds as round_service
from tests.factories import AgencyFactory


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _step(client, round_, to_status, *, from_status=None, reason=""):
    return client.post(reverse("rounds:step", args=[round_.pk]), {
        "status": to_status, "from_status": from_status if from_status is not None else round_.status, "reason": reason,
    }, follow=True)


def _statuses(round_) -> set[str]:
    return set(EvaluationPeriod.objects.filter(round=round_).values_list("status", flat=True))


# ---- steps ------------------------------------------------------------------------------------------


def test_a_step_moves_the_round_and_every_scorecard_and_is_audited(client, officer, small_round):
    client.force_login(officer)
    response = _step(client, small_round, PeriodStatus.APPRAISAL)
    assert response.redirect_chain[-1][0] == reverse("rounds:board", args=[small_round.pk])
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.APPRAISAL and _statuses(small_round) == {PeriodStatus.APPRAISAL}
    events = AuditEvent.objects.filter(action=AuditAction.PERIOD_LOCKED, period__round=small_round)
    assert events.count() == 5 and set(events.values_list("actor", flat=True)) == {officer.pk}
    assert "Đợt đánh giá chuyển sang “Thẩm định”." in _messages(response)
    assert response.context["round"].status == PeriodStatus.APPRAISAL  # the board shows the new step


def test_a_step_the_table_does_not_have_changes_nothing(client, officer, small_round):
    client.force_login(officer)
    before = AuditEvent.objects.count()
    response = _step(client, small_round, PeriodStatus.PUBLISHED)
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.SELF_ASSESSMENT and _statuses(small_round) == {PeriodStatus.SELF_ASSESSMENT}
    assert AuditEvent.objects.count() == before
    assert "Không thể chuyển đợt đánh giá từ “Tự đánh giá” sang “Đã công bố”." in _messages(response)


def test_a_step_back_needs_a_reason(client, officer, small_round):
    client.force_login(officer)
    response = _step(client, small_round, PeriodStatus.DRAFT)
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.SELF_ASSESSMENT
    assert "Đưa đợt đánh giá về “Dự thảo” cần ghi lý do." in _messages(response)
    response = _step(client, small_round, PeriodStatus.DRAFT, reason="Sửa nhóm đối tượng")
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.DRAFT and _statuses(small_round) == {PeriodStatus.DRAFT}
    event = AuditEvent.objects.filter(action=AuditAction.PERIOD_REOPENED, period__round=small_round).first()
    assert event.data["reason"] == "Sửa nhóm đối tượng" and event.actor == officer


def test_a_stale_page_is_refused(client, officer, small_round):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    client.force_login(officer)
    # The officer's page still said "self-assessment": its "to appraisal" button is stale.
    response = _step(client, small_round, PeriodStatus.EXPLANATION, from_status=PeriodStatus.SELF_ASSESSMENT)
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.APPRAISAL
    assert any("tải lại trang" in m for m in _messages(response))


def test_publishing_needs_the_decision_then_publishes(client, officer, small_round):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    small_round.refresh_from_db()
    client.force_login(officer)
    response = _step(client, small_round, PeriodStatus.PUBLISHED)
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.APPRAISAL
    assert "Chưa ghi số quyết định công bố." in _messages(response)
    Round.objects.filter(pk=small_round.pk).update(decision_number="12/QĐ-UBND", decision_date=date(2026, 1, 20),
                                                   decision_signer="Nguyễn Văn A")
    response = _step(client, small_round, PeriodStatus.PUBLISHED)
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.PUBLISHED and _statuses(small_round) == {PeriodStatus.PUBLISHED}
    html = response.content.decode()
    # A published round offers no subject changes any more.
    assert "Tạo phiếu cho cả nhóm" not in html and "Bỏ khỏi đợt" not in html and "Quyết định số 12/QĐ-UBND" in html


@pytest.mark.parametrize("persona", ["leader", "chair", "appraiser", "dept_user"])
def test_only_home_affairs_steps_a_round(client, request, small_round, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("rounds:step", args=[small_round.pk]),
                           {"status": PeriodStatus.APPRAISAL, "from_status": PeriodStatus.SELF_ASSESSMENT})
    assert response.status_code == 403
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.SELF_ASSESSMENT
    assert not AuditEvent.objects.filter(action=AuditAction.PERIOD_LOCKED, period__round=small_round).exists()


# ---- subjects in and out ----------------------------------------------------------------------------


def test_populate_creates_every_missing_scorecard_of_the_group(client, officer, small_round):
    group = small_round.test_groups["xa"]
    extra = [AgencyFactory(code=f"xa-moi-{i}", name=f"Xã Mới {i}", kind=Agency.Kind.COMMUNE) for i in range(3)]
    AgencyFactory(code="xa-da-giai-the", name="Xã Đã Giải Thể", kind=Agency.Kind.COMMUNE, ended_on=date(2025, 6, 30))
    expected = {a.pk for a in round_service.candidates(group)}
    assert {a.pk for a in extra} <= expected
    client.force_login(officer)
    response = client.post(reverse("rounds:populate", args=[small_round.pk, group.pk]), follow=True)
    subjects = set(EvaluationPeriod.objects.filter(group=group).values_list("subject_id", flat=True))
    assert expected <= subjects and not Agency.objects.filter(code="xa-da-giai-the", pk__in=subjects).exists()
    new = EvaluationPeriod.objects.filter(group=group, subject__in=extra)
    assert all(p.status == PeriodStatus.SELF_ASSESSMENT for p in new)
    assert Score.objects.filter(period__in=new).count() == 3 * 12  # every leaf
    assert AuditEvent.objects.filter(action=AuditAction.ROUND_SUBJECTS_ADDED, period__in=new, actor=officer).count() == 3
    assert any("Đã tạo" in m for m in _messages(response))
    # Again: nothing left to add, nothing changes.
    count = EvaluationPeriod.objects.filter(round=small_round).count()
    response = client.post(reverse("rounds:populate", args=[small_round.pk, group.pk]), follow=True)
    assert EvaluationPeriod.objects.filter(round=small_round).count() == count


def test_add_one_subject_from_the_candidates(client, officer, small_round):
    group = small_round.test_groups["so"]
    agency = AgencyFactory(code="so-moi-them", name="Sở Mới Thêm", kind=Agency.Kind.DEPARTMENT)
    client.force_login(officer)
    html = client.get(reverse("rounds:board", args=[small_round.pk])).content.decode()
    assert f'<option value="{agency.pk}">Sở Mới Thêm</option>' in html
    response = client.post(reverse("rounds:add_subject", args=[small_round.pk, group.pk]), {"agency": agency.pk}, follow=True)
    period = EvaluationPeriod.objects.get(round=small_round, subject=agency)
    assert period.group_id == group.pk and Score.objects.filter(period=period).count() == 12
    assert "Đã thêm Sở Mới Thêm vào nhóm “Sở, ban, ngành”." in _messages(response)


def test_adding_a_subject_outside_the_candidates_changes_nothing(client, officer, small_round, commune_period):
    group = small_round.test_groups["so"]
    client.force_login(officer)
    count = EvaluationPeriod.objects.filter(round=small_round).count()
    # Already in the round (and of another kind); then no agency at all.
    response = client.post(reverse("rounds:add_subject", args=[small_round.pk, group.pk]),
                           {"agency": commune_period.subject_id}, follow=True)
    assert any("đã có trong đợt đánh giá" in m for m in _messages(response))
    response = client.post(reverse("rounds:add_subject", args=[small_round.pk, group.pk]), {"agency": ""}, follow=True)
    assert any("Chọn đơn vị" in m for m in _messages(response))
    assert EvaluationPeriod.objects.filter(round=small_round).count() == count


def test_remove_a_subject_with_a_reason(client, officer, small_round):
    period = small_round.periods.get(subject__name="Sở C")
    url = reverse("rounds:remove_subject", args=[small_round.pk, period.pk])
    client.force_login(officer)
    response = client.post(url, {"reason": "  "}, follow=True)
    assert EvaluationPeriod.objects.filter(pk=period.pk).exists()
    assert "Cần ghi lý do bỏ đối tượng khỏi đợt đánh giá." in _messages(response)
    response = client.post(url, {"reason": "Đơn vị sáp nhập"}, follow=True)
    assert not EvaluationPeriod.objects.filter(pk=period.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.ROUND_SUBJECT_REMOVED, data__period_id=period.pk)
    assert event.actor == officer and event.data["reason"] == "Đơn vị sáp nhập"
    assert "Đã bỏ Sở C khỏi đợt đánh giá." in _messages(response)


def test_a_subject_with_work_is_not_removed(client, officer, small_round):
    period = small_round.periods.get(subject__name="Sở B")
    Score.objects.filter(period=period).filter(pk__in=Score.objects.filter(period=period).values("pk")[:1]).update(
        self_points=Decimal("1"))
    client.force_login(officer)
    response = client.post(reverse("rounds:remove_subject", args=[small_round.pk, period.pk]), {"reason": "Thử"}, follow=True)
    assert EvaluationPeriod.objects.filter(pk=period.pk).exists()
    assert any("không bỏ được" in m for m in _messages(response))


def test_a_period_of_another_round_is_404(client, officer, small_round, period_2024):
    client.force_login(officer)
    response = client.post(reverse("rounds:remove_subject", args=[small_round.pk, period_2024.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert EvaluationPeriod.objects.filter(pk=period_2024.pk).exists()
