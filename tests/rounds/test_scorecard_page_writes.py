"""Writes from a subject's scorecard page in a round: the self-assessment grid, the lock and its
withdrawal, appraisal, explanation, not-applicable marks, bonus and penalty. Each goes through
its service, with the real author in the audit log."""
from decimal import Decimal

import pytest
from django.urls import reverse

from scorecards.choices import AuditAction, CouncilRole, PeriodStatus, Right
from scorecards.models import Adjustment, AuditEvent, EvaluationPeriod, Score
from scorecards.services import adjustments
from scorecards.services.scoring import ScoreChange, apply_score_changes
from tests.factories import UserFactory
from tests.rounds.conftest import _unit_user
from tests.rounds.test_scorecard_page_support import (  # noqa: F401  (private_media is a fixture)
    fill_self, grid_post, page_url, pdf, private_media, score_of, self_assessed, step, texts,
)

pytestmark = pytest.mark.usefixtures("private_media")


def _post(client, user, period, data):
    client.force_login(user)
    return client.post(page_url(period), data)


# ---- self-assessment grid --------------------------------------------------------------------

def test_unit_saves_the_whole_grid_in_one_post_audited_with_its_author(client, dept_user, dept_period):
    rows = {s: {"self_points": "0,5" if s.criterion.code == "1.1.1" else "1", "explanation": f"Căn cứ {s.criterion.code}"}
            for s in self_assessed(dept_period)}
    response = _post(client, dept_user, dept_period, grid_post("save_self", rows))
    assert response.status_code == 302
    assert "Đã lưu 8 tiêu chí." in texts(response)
    first = score_of(dept_period, "1.1.1")
    assert first.self_points == Decimal("0.5") and first.explanation == "Căn cứ 1.1.1"
    assert first.updated_by == dept_user
    assert first.history.first().history_user == dept_user
    events = AuditEvent.objects.filter(period=dept_period, action=AuditAction.SCORE_SELF_ASSESSED)
    assert events.count() == 8
    assert set(events.values_list("actor", flat=True)) == {dept_user.pk}
    assert events.get(score=first).data["changes"]["self_points"] == [None, "0.5"]


def test_a_stale_row_refuses_the_whole_save_with_a_vietnamese_sentence(client, dept_user, dept_period):
    first, second = self_assessed(dept_period)[:2]
    data = grid_post("save_self", {first: {"self_points": "1", "explanation": ""},
                                   second: {"self_points": "1", "explanation": ""}})
    other = _unit_user("can-bo-so-a-2", dept_period.subject)
    apply_score_changes(dept_period, [ScoreChange(first.pk, {"self_points": Decimal("0.25")})], actor=other,
                        right=Right.SELF_ASSESS)
    response = _post(client, dept_user, dept_period, data)
    assert response.status_code == 400
    message = " ".join(texts(response))
    assert "Tiêu chí 1.1.1 vừa được can-bo-so-a-2 sửa lúc" in message and "tải lại trang" in message
    assert score_of(dept_period, "1.1.1").self_points == Decimal("0.25")
    assert score_of(dept_period, second.criterion.code).self_points is None  # nothing saved
    # What was typed is shown again.
    assert f'name="s{second.pk}-self_points" value="1"' in response.content.decode()


def test_points_above_the_maximum_are_refused_naming_the_criterion(client, dept_user, dept_period):
    first = self_assessed(dept_period)[0]
    response = _post(client, dept_user, dept_period, grid_post("save_self", {first: {"self_points": "3", "explanation": ""}}))
    assert response.status_code == 400
    assert any("1.1.1" in t and "vượt điểm tối đa" in t for t in texts(response))
    assert score_of(dept_period, "1.1.1").self_points is None


def test_text_in_a_points_box_is_refused(client, dept_user, dept_period):
    first = self_assessed(dept_period)[0]
    response = _post(client, dept_user, dept_period, grid_post("save_self", {first: {"self_points": "một", "explanation": ""}}))
    assert response.status_code == 400
    assert any("Tiêu chí 1.1.1" in t and "không phải là số điểm" in t for t in texts(response))


def test_rows_not_posted_are_left_untouched(client, dept_user, dept_period):
    fill_self(dept_period, dept_user)
    first = self_assessed(dept_period)[0]
    response = _post(client, dept_user, dept_period, grid_post("save_self", {first: {"self_points": "0", "explanation": "x"}}))
    assert response.status_code == 302
    assert [s.self_points for s in self_assessed(dept_period)] == [Decimal(0)] + [Decimal(1)] * 7


@pytest.mark.parametrize("persona", ["leader", "chair", "officer"])
def test_only_the_unit_saves_self_points(request, client, dept_period, persona):
    first = self_assessed(dept_period)[0]
    response = _post(client, request.getfixturevalue(persona), dept_period,
                     grid_post("save_self", {first: {"self_points": "1", "explanation": ""}}))
    assert response.status_code == 403
    assert score_of(dept_period, "1.1.1").self_points is None


def test_another_unit_cannot_post_to_sa_page(client, commune_user, dept_period):
    first = self_assessed(dept_period)[0]
    response = _post(client, commune_user, dept_period, grid_post("save_self", {first: {"self_points": "1", "explanation": ""}}))
    assert response.status_code == 403
    assert score_of(dept_period, "1.1.1").self_points is None


def test_grid_is_read_only_with_the_reason_once_the_window_is_shut(client, dept_user, dept_period, small_round):
    from datetime import timedelta

    from django.utils import timezone

    small_round.self_assessment_deadline = timezone.now() - timedelta(hours=1)
    small_round.save()
    client.force_login(dept_user)
    body = client.get(page_url(dept_period)).content.decode()
    assert 'id="sc-grid"' not in body and "Đã quá hạn" in body
    first = self_assessed(dept_period)[0]
    response = client.post(page_url(dept_period), grid_post("save_self", {first: {"self_points": "1", "explanation": ""}}))
    assert response.status_code == 302 and any("Đã quá hạn" in t for t in texts(response))
    assert score_of(dept_period, "1.1.1").self_points is None


# ---- lock and withdrawal ----------------------------------------------------------------------

def test_lock_needs_the_signed_report(client, dept_user, dept_period):
    fill_self(dept_period, dept_user)
    response = _post(client, dept_user, dept_period, {"action": "lock"})
    assert "Cần đính kèm báo cáo tự đánh giá đã được lãnh đạo đơn vị ký." in texts(response)
    dept_period.refresh_from_db()
    assert not dept_period.is_self_locked


def test_lock_needs_every_self_assessed_leaf(client, dept_user, dept_period):
    fill_self(dept_period, dept_user, overrides={"2.2.2": None})
    response = _post(client, dept_user, dept_period, {"action": "lock", "report": pdf()})
    assert any("Còn 1 tiêu chí chưa có điểm tự đánh giá: 2.2.2" in t for t in texts(response))
    dept_period.refresh_from_db()
    assert not dept_period.is_self_locked


def test_lock_then_read_only_then_withdraw(client, dept_user, dept_period):
    fill_self(dept_period, dept_user)
    response = _post(client, dept_user, dept_period, {"action": "lock", "report": pdf()})
    assert response.status_code == 302
    dept_period.refresh_from_db()
    assert dept_period.is_self_locked and dept_period.self_locked_by == dept_user
    assert dept_period.self_report_name == "bao-cao-tu-danh-gia.pdf"
    body = client.get(page_url(dept_period)).content.decode()
    assert 'id="sc-grid"' not in body and "Đơn vị đã chốt điểm tự đánh giá; rút lại (trước hạn) để sửa." in body
    assert 'id="form-withdraw"' in body and 'id="self-report-link"' in body
    assert AuditEvent.objects.get(period=dept_period, action=AuditAction.SELF_ASSESSMENT_LOCKED).actor == dept_user

    response = client.post(page_url(dept_period), {"action": "withdraw"})
    dept_period.refresh_from_db()
    assert not dept_period.is_self_locked
    assert 'id="sc-grid"' in client.get(page_url(dept_period)).content.decode()


def test_officer_reopens_for_the_unit_with_a_reason(client, dept_user, officer, dept_period):
    fill_self(dept_period, dept_user)
    _post(client, dept_user, dept_period, {"action": "lock", "report": pdf()})
    client.force_login(officer)
    assert 'id="form-reopen"' in client.get(page_url(dept_period)).content.decode()
    response = client.post(page_url(dept_period), {"action": "withdraw", "reason": ""})
    assert "Cần ghi lý do mở lại phiếu tự đánh giá cho đơn vị." in texts(response)
    dept_period.refresh_from_db()
    assert dept_period.is_self_locked
    client.post(page_url(dept_period), {"action": "withdraw", "reason": "Đơn vị xin sửa tiêu chí 1.1.1"})
    dept_period.refresh_from_db()
    assert not dept_period.is_self_locked
    event = AuditEvent.objects.filter(period=dept_period, action=AuditAction.SELF_ASSESSMENT_WITHDRAWN).get()
    assert event.actor == officer and event.data["reason"] == "Đơn vị xin sửa tiêu chí 1.1.1"


def test_a_reader_cannot_lock_for_the_unit(client, leader, dept_user, dept_period):
    fill_self(dept_period, dept_user)
    response = _post(client, leader, dept_period, {"action": "lock", "report": pdf()})
    assert response.status_code == 403
    dept_period.refresh_from_db()
    assert not dept_period.is_self_locked


# ---- appraisal ----------------------------------------------------------------------------

def test_appraiser_saves_round_1_reason_and_flag(client, appraiser, dept_user, officer, small_round, dept_period):
    fill_self(dept_period, dept_user)
    step(small_round, officer, PeriodStatus.APPRAISAL)
    first, second = self_assessed(dept_period)[:2]
    data = grid_post("save_appraise", {
        first: {"appraised_points": "0,5", "appraised_points_round2": "", "appraisal_reason": "Thiếu kế hoạch",
                "explanation_requested": True},
        second: {"appraised_points": "1", "appraised_points_round2": "", "appraisal_reason": "",
                 "explanation_requested": False}})
    response = _post(client, appraiser, dept_period, data)
    assert response.status_code == 302, texts(response)
    first.refresh_from_db()
    assert first.appraised_points == Decimal("0.5") and first.explanation_requested and first.appraisal_reason == "Thiếu kế hoạch"
    actions = set(AuditEvent.objects.filter(score=first, actor=appraiser).values_list("action", flat=True))
    assert actions == {AuditAction.SCORE_APPRAISED, AuditAction.SCORE_EXPLANATION_REQUESTED}
    body = client.get(page_url(dept_period)).content.decode()
    assert 'id="rescaled-final">' in body


def test_appraiser_cannot_appraise_own_unit(client, officer, small_round, dept_period):
    own = _unit_user("tham-dinh-so-a", dept_period.subject)
    small_round.council.create(name="Thẩm định viên Sở A", role=CouncilRole.APPRAISER, user=own)
    step(small_round, officer, PeriodStatus.APPRAISAL)
    first = self_assessed(dept_period)[0]
    response = _post(client, own, dept_period, grid_post("save_appraise", {
        first: {"appraised_points": "1", "appraised_points_round2": "", "appraisal_reason": ""}}))
    assert response.status_code == 403
    assert score_of(dept_period, "1.1.1").appraised_points is None


def test_appraisal_is_refused_before_the_appraisal_step(client, appraiser, dept_period):
    first = self_assessed(dept_period)[0]
    response = _post(client, appraiser, dept_period, grid_post("save_appraise", {
        first: {"appraised_points": "1", "appraised_points_round2": "", "appraisal_reason": ""}}))
    assert response.status_code == 302
    assert any("giai đoạn thẩm định và giải trình" in t for t in texts(response))
    assert score_of(dept_period, "1.1.1").appraised_points is None


def test_chair_cannot_appraise(client, chair, officer, small_round, dept_period):
    step(small_round, officer, PeriodStatus.APPRAISAL)
    first = self_assessed(dept_period)[0]
    response = _post(client, chair, dept_period, grid_post("save_appraise", {
        first: {"appraised_points": "1", "appraised_points_round2": "", "appraisal_reason": ""}}))
    assert response.status_code == 403


# ---- explanation round -----------------------------------------------------------------------

def test_flagged_criterion_is_explained_by_the_unit(client, appraiser, dept_user, officer, small_round, dept_period):
    fill_self(dept_period, dept_user)
    step(small_round, officer, PeriodStatus.APPRAISAL)
    flagged, plain = self_assessed(dept_period)[:2]
    apply_score_changes(dept_period, [
        ScoreChange(flagged.pk, {"appraised_points": Decimal("0.5"), "explanation_requested": True}),
        ScoreChange(plain.pk, {"appraised_points": Decimal(1)})], actor=appraiser, right=Right.APPRAISE)
    step(small_round, officer, PeriodStatus.EXPLANATION)
    client.force_login(dept_user)
    body = client.get(page_url(dept_period)).content.decode()
    assert f'name="s{flagged.pk}-appeal_explanation"' in body
    assert f'name="s{plain.pk}-appeal_explanation"' not in body
    assert 'id="explain-help"' in body
    response = client.post(page_url(dept_period), grid_post("save_explain", {
        flagged: {"appeal_explanation": "Đã ban hành kế hoạch số 12/KH ngày 10/01/2025."}}))
    assert response.status_code == 302, texts(response)
    flagged.refresh_from_db()
    assert flagged.appeal_explanation.startswith("Đã ban hành")
    event = AuditEvent.objects.get(score=flagged, action=AuditAction.SCORE_EXPLAINED)
    assert event.actor == dept_user
    # Supplementary evidence goes through the criterion page the grid links to.
    criterion_page = client.get(reverse("scorecards:score", args=[flagged.pk])).content.decode()
    assert 'value="upload_supplementary"' in criterion_page
    # Round 2 after the explanation: the appraiser enters the final points.
    step(small_round, officer, PeriodStatus.APPRAISAL)
    response = _post(client, appraiser, dept_period, grid_post("save_appraise", {
        flagged: {"appraised_points": "0,5", "appraised_points_round2": "1", "appraisal_reason": "Đã giải trình",
                  "explanation_requested": True}}))
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.final_points == Decimal(1)


def test_unit_cannot_explain_an_unflagged_criterion(client, appraiser, dept_user, officer, small_round, dept_period):
    fill_self(dept_period, dept_user)
    step(small_round, officer, PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION)
    plain = self_assessed(dept_period)[0]
    client.force_login(dept_user)
    body = client.get(page_url(dept_period)).content.decode()
    assert "không yêu cầu đơn vị giải trình tiêu chí nào" in body
    # A forged row for an unflagged criterion is not taken (it is not in the grid).
    client.post(page_url(dept_period), grid_post("save_explain", {plain: {"appeal_explanation": "Giải trình"}}))
    plain.refresh_from_db()
    assert plain.appeal_explanation == ""


# ---- not applicable ----------------------------------------------------------------------

def test_not_applicable_rescales_the_total(client, officer, dept_user, dept_period):
    fill_self(dept_period, dept_user, overrides={"1.1.1": Decimal(0)})
    client.force_login(officer)
    assert 'id="total-self">87,5<' in client.get(page_url(dept_period)).content.decode()
    leaf = score_of(dept_period, "1.1.1")
    response = client.post(page_url(dept_period), {"action": "not_applicable", "criterion": leaf.criterion_id, "value": "1"})
    assert response.status_code == 302
    assert "Đã đánh dấu 1 tiêu chí không áp dụng với Sở A." in texts(response)
    leaf.refresh_from_db()
    assert leaf.not_applicable and leaf.self_points is None
    body = client.get(page_url(dept_period)).content.decode()
    assert 'id="total-self">100<' in body and 'id="na-codes"' in body
    event = AuditEvent.objects.get(score=leaf, action=AuditAction.SCORE_NOT_APPLICABLE)
    assert event.actor == officer


def test_a_whole_field_not_applicable_and_back(client, officer, dept_period):
    field = dept_period.framework.criteria.get(code="1")
    client.force_login(officer)
    client.post(page_url(dept_period), {"action": "not_applicable", "criterion": field.pk, "value": "1"})
    assert Score.objects.filter(period=dept_period, criterion__code__startswith="1.", not_applicable=True).count() == 4
    body = client.get(page_url(dept_period)).content.decode()
    assert "Bỏ đánh dấu" in body
    client.post(page_url(dept_period), {"action": "not_applicable", "criterion": field.pk, "value": "0"})
    assert not Score.objects.filter(period=dept_period, not_applicable=True).exists()


def test_only_home_affairs_marks_not_applicable(client, dept_user, leader, dept_period):
    leaf = score_of(dept_period, "1.1.1")
    for user in (dept_user, leader):
        response = _post(client, user, dept_period, {"action": "not_applicable", "criterion": leaf.criterion_id, "value": "1"})
        assert response.status_code == 403
    leaf.refresh_from_db()
    assert not leaf.not_applicable


# ---- bonus and penalty -------------------------------------------------------------------

def _adj_data(prefix="adjnew", **values):
    return {"action": "save_adjustment", **{f"{prefix}-{k}": v for k, v in values.items()}}


def test_unit_claims_a_bonus_with_evidence(client, dept_user, dept_period):
    data = _adj_data(content="Sáng kiến cải cách được công nhận", claimed_points="1,5", explanation="QĐ số 1/QĐ")
    data["adjnew-evidence"] = pdf("quyet-dinh.pdf")
    response = _post(client, dept_user, dept_period, data)
    assert response.status_code == 302, texts(response)
    adj = Adjustment.objects.get(period=dept_period)
    assert adj.kind == "bonus" and adj.claimed_points == Decimal("1.5") and adj.points is None
    assert adj.evidence_name == "quyet-dinh.pdf" and adj.created_by == dept_user
    assert AuditEvent.objects.get(period=dept_period, action=AuditAction.ADJUSTMENT_SAVED).actor == dept_user
    body = client.get(page_url(dept_period)).content.decode()
    assert "Sáng kiến cải cách được công nhận" in body and "quyet-dinh.pdf" in body


def test_unit_cannot_record_a_penalty_nor_set_points(client, dept_user, dept_period):
    # The unit's form has neither kind nor points: what it posts is a bonus claim, unappraised.
    response = _post(client, dept_user, dept_period, _adj_data(kind="penalty", content="Tự trừ", points="1"))
    assert response.status_code == 302
    adj = Adjustment.objects.get(period=dept_period)
    assert adj.kind == "bonus" and adj.points is None and adj.claimed_points is None


def test_appraiser_sets_bonus_points_and_adds_a_penalty_which_change_the_total(client, appraiser, dept_user, officer,
                                                                              small_round, dept_period):
    fill_self(dept_period, dept_user)
    claim = adjustments.save_adjustment(dept_period.pk, {"kind": "bonus", "content": "Sáng kiến", "claimed_points": Decimal(2)},
                                        actor=dept_user)
    step(small_round, officer, PeriodStatus.APPRAISAL)
    prefix = f"adj{claim.pk}"
    response = _post(client, appraiser, dept_period, {
        **_adj_data(prefix, kind="bonus", content="Sáng kiến", points="1", appraisal_reason="Chấp nhận một phần",
                    version=str(claim.version)), "adjustment": claim.pk})
    assert response.status_code == 302, texts(response)
    claim.refresh_from_db()
    assert claim.points == Decimal(1) and claim.updated_by == appraiser
    response = client.post(page_url(dept_period), _adj_data(kind="penalty", content="Chậm báo cáo", points="0,5",
                                                            appraisal_reason="Chậm 10 ngày"))
    assert response.status_code == 302, texts(response)
    body = client.get(page_url(dept_period)).content.decode()
    # Self basis: 8/8 → 100 + 1 − 0,5.
    assert 'id="total-self">100,5<' in body


def test_a_stale_adjustment_is_refused(client, dept_user, dept_period):
    claim = adjustments.save_adjustment(dept_period.pk, {"kind": "bonus", "content": "Sáng kiến", "claimed_points": Decimal(1)},
                                        actor=dept_user)
    adjustments.save_adjustment(dept_period.pk, {"claimed_points": Decimal(2)}, actor=dept_user, adjustment_id=claim.pk)
    response = _post(client, dept_user, dept_period, {
        **_adj_data(f"adj{claim.pk}", content="Sáng kiến", claimed_points="3", version=str(claim.version)),
        "adjustment": claim.pk})
    assert response.status_code == 400
    assert any("vừa được người khác sửa" in t for t in texts(response))
    claim.refresh_from_db()
    assert claim.claimed_points == Decimal(2)


def test_unit_deletes_its_unappraised_claim(client, dept_user, commune_user, dept_period):
    claim = adjustments.save_adjustment(dept_period.pk, {"kind": "bonus", "content": "Sáng kiến", "claimed_points": Decimal(1)},
                                        actor=dept_user)
    assert _post(client, commune_user, dept_period, {"action": "delete_adjustment", "adjustment": claim.pk}).status_code == 403
    assert Adjustment.objects.filter(pk=claim.pk).exists()
    response = _post(client, dept_user, dept_period, {"action": "delete_adjustment", "adjustment": claim.pk})
    assert response.status_code == 302
    assert not Adjustment.objects.filter(pk=claim.pk).exists()
    assert AuditEvent.objects.get(period=dept_period, action=AuditAction.ADJUSTMENT_DELETED).actor == dept_user


def test_a_reader_cannot_write_adjustments(client, leader, dept_period):
    response = _post(client, leader, dept_period, _adj_data(kind="bonus", content="X", points="1"))
    assert response.status_code == 403
    assert not Adjustment.objects.filter(period=dept_period).exists()


def test_published_round_is_read_only_for_everyone(client, officer, dept_user, appraiser, small_round, dept_period):
    small_round.decision_number, small_round.decision_signer = "1/QĐ-UBND", "Nguyễn Văn A"
    from datetime import date

    small_round.decision_date = date(2026, 1, 20)
    small_round.save()
    step(small_round, officer, PeriodStatus.APPRAISAL, PeriodStatus.PUBLISHED)
    for user in (officer, dept_user, appraiser):
        client.force_login(user)
        body = client.get(page_url(dept_period)).content.decode()
        assert 'id="sc-grid"' not in body and 'value="not_applicable"' not in body and 'id="add-adjustment"' not in body
    assert EvaluationPeriod.objects.get(pk=dept_period.pk).status == PeriodStatus.PUBLISHED


def test_unknown_action_is_400(client, dept_user, dept_period):
    assert _post(client, dept_user, dept_period, {"action": "drop"}).status_code == 400


def test_outsider_with_an_account_cannot_post(client, dept_period):
    stranger = UserFactory(username="khong-ai")
    assert _post(client, stranger, dept_period, {"action": "lock"}).status_code == 403
