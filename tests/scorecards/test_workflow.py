"""The review workflow as people live it: Sở Tư pháp writes and submits 2.3.2 in 2026,
Sở Nội vụ returns or accepts it, the leader only reads, Sở Tài chính cannot touch it.
Every step is refused for the wrong persona, the wrong state and outside the window, and
leaves an audit entry with who, old and new values and the comment."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scorecards.models import AgencyException, Agency, AuditEvent, PeriodStatus, Score, ScoreState
from scorecards import policy
from scorecards.choices import Right
from scorecards.services import workflow
from scorecards.services.notifications import send_deadline_reminders


def score(period, code):
    return Score.objects.select_related("criterion", "period", "updated_by").get(period=period, criterion__code=code)


def fill(period, user, code="2.3.2", points="0.75", explanation="Đã xử lý 3/4 văn bản trái pháp luật."):
    s = score(period, code)
    return workflow.save_self_assessment(s.pk, actor=user, self_points=Decimal(points), explanation=explanation, version=s.version)


def submitted(period, user, code="2.3.2"):
    s = fill(period, user, code)
    return workflow.submit_score(s.pk, actor=user, version=s.version)


def set_status(period, status, **extra):
    period.status = status
    for k, v in extra.items():
        setattr(period, k, v)
    period.save()


# --- the transition table ---------------------------------------------------------------

def test_the_transition_table_is_the_whole_workflow():
    assert policy.SCORE_TRANSITIONS == {
        "draft": {"submitted": "self_assess"},
        "returned": {"submitted": "self_assess"},
        "submitted": {"accepted": "review", "returned": "review"},
        "accepted": {"returned": "review"},
    }


def test_the_lead_agency_saves_and_submits(open_period, tuphap):
    s = submitted(open_period, tuphap)
    assert s.state == ScoreState.SUBMITTED
    assert s.self_points == Decimal("0.750")
    assert s.submitted_at is not None and s.updated_by == tuphap


@pytest.mark.parametrize("persona", ["taichinh", "officer", "leader", "outsider"])
def test_only_the_lead_agency_may_write_or_submit(request, open_period, tuphap, persona):
    user = request.getfixturevalue(persona)
    s = score(open_period, "2.3.2")
    with pytest.raises(PermissionDenied):
        workflow.save_self_assessment(s.pk, actor=user, self_points=Decimal("1"), explanation="x", version=s.version)
    fill(open_period, tuphap)
    s = score(open_period, "2.3.2")
    with pytest.raises(PermissionDenied):
        workflow.submit_score(s.pk, actor=user, version=s.version)
    assert score(open_period, "2.3.2").state == ScoreState.DRAFT


def test_a_supporting_agency_reads_but_does_not_write(open_period, taichinh):
    s = score(open_period, "1.7")  # led by Văn phòng UBND tỉnh, Sở Tài chính supports
    assert Score.objects.for_user(taichinh).filter(pk=s.pk).exists()
    with pytest.raises(PermissionDenied):
        workflow.save_self_assessment(s.pk, actor=taichinh, self_points=Decimal("1"), explanation="x", version=s.version)


def test_submitting_needs_points_and_explanation(open_period, tuphap):
    s = score(open_period, "2.3.2")
    with pytest.raises(ValidationError) as exc:
        workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    assert exc.value.messages == ["Cần nhập điểm tự đánh giá và giải trình cách tính điểm trước khi gửi."]
    assert score(open_period, "2.3.2").state == ScoreState.DRAFT


def test_a_submitted_score_cannot_be_edited_or_submitted_again(open_period, tuphap):
    s = submitted(open_period, tuphap)
    with pytest.raises(ValidationError) as exc:
        workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="x", version=s.version)
    assert "đang ở trạng thái “Đã gửi”" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    assert "Không thể chuyển tiêu chí 2.3.2 từ “Đã gửi” sang “Đã gửi”" in exc.value.messages[0]


def test_home_affairs_returns_with_a_required_comment(open_period, tuphap, officer):
    s = submitted(open_period, tuphap)
    with pytest.raises(ValidationError) as exc:
        workflow.return_score(s.pk, actor=officer, comment="  ", version=s.version)
    assert exc.value.messages == ["Cần ghi ý kiến khi trả lại để đơn vị biết phải sửa gì."]
    s = workflow.return_score(s.pk, actor=officer, comment="Thiếu quyết định xử lý", version=s.version)
    assert (s.state, s.review_comment) == (ScoreState.RETURNED, "Thiếu quyết định xử lý")
    # The agency fixes and resubmits; Sở Nội vụ accepts; the agency can no longer edit.
    s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="Bổ sung QĐ", version=s.version)
    s = workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    s = workflow.accept_score(s.pk, actor=officer, version=s.version)
    assert s.state == ScoreState.ACCEPTED
    with pytest.raises(ValidationError):
        workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0"), explanation="x", version=s.version)
    assert score(open_period, "2.3.2").self_points == Decimal("1")


@pytest.mark.parametrize("persona", ["tuphap", "taichinh", "leader", "outsider"])
def test_only_home_affairs_reviews(request, open_period, tuphap, persona):
    user = request.getfixturevalue(persona)
    s = submitted(open_period, tuphap)
    with pytest.raises(PermissionDenied):
        workflow.accept_score(s.pk, actor=user, version=s.version)
    with pytest.raises(PermissionDenied):
        workflow.return_score(s.pk, actor=user, comment="x", version=s.version)
    assert score(open_period, "2.3.2").state == ScoreState.SUBMITTED


def test_a_draft_cannot_be_accepted_or_returned(open_period, officer):
    s = score(open_period, "2.3.2")
    with pytest.raises(ValidationError):
        workflow.accept_score(s.pk, actor=officer, version=s.version)
    with pytest.raises(ValidationError):
        workflow.return_score(s.pk, actor=officer, comment="x", version=s.version)


def test_home_affairs_may_reopen_an_accepted_score(open_period, tuphap, officer):
    s = submitted(open_period, tuphap)
    s = workflow.accept_score(s.pk, actor=officer, version=s.version)
    s = workflow.return_score(s.pk, actor=officer, comment="Mở lại để bổ sung", version=s.version)
    assert s.state == ScoreState.RETURNED


def test_allowed_transitions_per_persona(open_period, tuphap, taichinh, officer, leader):
    s = fill(open_period, tuphap)
    assert sorted(policy.capabilities(tuphap, s).transitions) == ["submitted"]
    assert sorted(policy.capabilities(officer, s).transitions) == []
    s = workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    s.period.refresh_from_db()
    assert sorted(policy.capabilities(officer, s).transitions) == ["accepted", "returned"]
    for user in (tuphap, taichinh, leader):
        assert sorted(policy.capabilities(user, s).transitions) == []


# --- periods, deadlines, locks and exceptions ------------------------------------------

@pytest.mark.parametrize("status", [PeriodStatus.DRAFT, PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION,
                                    PeriodStatus.PUBLISHED, PeriodStatus.CLOSED])
def test_agencies_write_only_in_self_assessment(open_period, tuphap, status):
    set_status(open_period, status)
    s = score(open_period, "2.3.2")
    with pytest.raises(ValidationError):
        workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="x", version=s.version)
    assert score(open_period, "2.3.2").self_points is None


def test_after_the_deadline_the_agency_is_refused(open_period, tuphap):
    set_status(open_period, PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() - timedelta(minutes=1))
    s = score(open_period, "2.3.2")
    with pytest.raises(ValidationError) as exc:
        workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="x", version=s.version)
    assert exc.value.messages[0].startswith("Đã quá hạn")


def test_an_exception_reopens_writing_for_that_agency_only(open_period, tuphap, taichinh, officer):
    set_status(open_period, PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() - timedelta(days=1))
    agency = Agency.objects.get(code="so-tu-phap")
    exc = workflow.grant_exception(open_period.pk, agency, actor=officer, until=timezone.now() + timedelta(days=2), reason="Chờ văn bản của Bộ")
    assert fill(open_period, tuphap).self_points == Decimal("0.750")
    s = score(open_period, "6.1.3")
    with pytest.raises(ValidationError):
        workflow.save_self_assessment(s.pk, actor=taichinh, self_points=Decimal("1"), explanation="x", version=s.version)
    event = AuditEvent.objects.get(action="period.exception_granted")
    assert (event.actor, event.agency, event.period_id, event.data["reason"]) == (officer, agency, open_period.pk, "Chờ văn bản của Bộ")
    assert event.data["until"] == exc.until.isoformat()


def test_an_expired_exception_does_not_count(open_period, tuphap, officer):
    set_status(open_period, PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() - timedelta(days=3))
    AgencyException.objects.create(period=open_period, agency=tuphap.agency, until=timezone.now() - timedelta(days=1),
                                   reason="cũ", granted_by=officer)
    with pytest.raises(ValidationError):
        fill(open_period, tuphap)


def test_an_exception_reopens_a_locked_self_assessment_but_never_a_closed_period(open_period, tuphap, officer):
    workflow.change_period_status(open_period.pk, PeriodStatus.APPRAISAL, actor=officer)
    with pytest.raises(ValidationError):
        fill(open_period, tuphap)
    workflow.grant_exception(open_period.pk, tuphap.agency, actor=officer, until=timezone.now() + timedelta(days=1), reason="Bổ sung")
    assert fill(open_period, tuphap).self_points == Decimal("0.750")
    open_period.refresh_from_db()
    set_status(open_period, PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        fill(open_period, tuphap, points="1")
    assert exc.value.messages == ["Kỳ đánh giá năm 2026 đã đóng: không thể thay đổi dữ liệu."]
    with pytest.raises(ValidationError):
        workflow.grant_exception(open_period.pk, tuphap.agency, actor=officer, until=timezone.now() + timedelta(days=1), reason="x")


def test_only_home_affairs_grants_exceptions_with_a_reason_and_a_future_date(open_period, tuphap, officer, leader):
    with pytest.raises(PermissionDenied):
        workflow.grant_exception(open_period.pk, tuphap.agency, actor=tuphap, until=timezone.now() + timedelta(days=1), reason="x")
    with pytest.raises(PermissionDenied):
        workflow.grant_exception(open_period.pk, tuphap.agency, actor=leader, until=timezone.now() + timedelta(days=1), reason="x")
    with pytest.raises(ValidationError):
        workflow.grant_exception(open_period.pk, tuphap.agency, actor=officer, until=timezone.now() + timedelta(days=1), reason=" ")
    with pytest.raises(ValidationError):
        workflow.grant_exception(open_period.pk, tuphap.agency, actor=officer, until=timezone.now() - timedelta(days=1), reason="x")
    assert not AgencyException.objects.filter(period=open_period).exists()


def test_locking_the_period_is_a_named_audited_step(open_period, officer, tuphap):
    with pytest.raises(PermissionDenied):
        workflow.change_period_status(open_period.pk, PeriodStatus.APPRAISAL, actor=tuphap)
    with pytest.raises(ValidationError):
        workflow.change_period_status(open_period.pk, PeriodStatus.CLOSED, actor=officer)
    workflow.change_period_status(open_period.pk, PeriodStatus.APPRAISAL, actor=officer)
    event = AuditEvent.objects.get(action="period.locked", period=open_period)
    assert (event.actor, event.data["status"]) == (officer, ["self_assessment", "appraisal"])


# --- appraisal and the explanation round ------------------------------------------------

def _appraised(period, tuphap, officer, points="0.5"):
    s = submitted(period, tuphap)
    s = workflow.accept_score(s.pk, actor=officer, version=s.version)
    workflow.change_period_status(period.pk, PeriodStatus.APPRAISAL, actor=officer)
    return workflow.appraise_score(s.pk, actor=officer, round=1, points=Decimal(points), reason="Thiếu báo cáo xử lý", version=s.version)


def test_appraisal_rounds_and_the_explanation_round(open_period, tuphap, officer):
    s = _appraised(open_period, tuphap, officer)
    assert (s.appraised_points, s.final_points) == (Decimal("0.500"), Decimal("0.500"))
    with pytest.raises(ValidationError):  # not yet in the explanation round
        workflow.explain_score(s.pk, actor=tuphap, text="Đã có báo cáo", version=s.version)
    workflow.change_period_status(open_period.pk, PeriodStatus.EXPLANATION, actor=officer)
    s = workflow.explain_score(s.pk, actor=tuphap, text="Đã có báo cáo số 12/BC-STP", version=s.version)
    assert s.appeal_explanation == "Đã có báo cáo số 12/BC-STP"
    event = AuditEvent.objects.get(action="score.explained", score=s)
    assert event.data["changes"] == {"appeal_explanation": ["", "Đã có báo cáo số 12/BC-STP"]}
    s = workflow.appraise_score(s.pk, actor=officer, round=2, points=Decimal("1"), reason="", version=s.version)
    assert (s.appraised_points, s.appraised_points_round2, s.final_points) == (Decimal("0.5"), Decimal("1"), Decimal("1"))
    assert AuditEvent.objects.filter(action="score.appraised", score=s).count() == 2


def test_explanation_only_for_criteria_that_lost_points_and_before_the_deadline(open_period, tuphap, officer):
    s = _appraised(open_period, tuphap, officer, points="1")  # full marks: nothing to explain
    workflow.change_period_status(open_period.pk, PeriodStatus.EXPLANATION, actor=officer)
    with pytest.raises(ValidationError) as exc:
        workflow.explain_score(s.pk, actor=tuphap, text="x", version=s.version)
    assert "không bị trừ điểm" in exc.value.messages[0]
    s = workflow.appraise_score(s.pk, actor=officer, round=1, points=Decimal("0.25"), reason="r", version=s.version)
    open_period.refresh_from_db()
    set_status(open_period, PeriodStatus.EXPLANATION, explanation_deadline=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        workflow.explain_score(s.pk, actor=tuphap, text="x", version=s.version)
    assert exc.value.messages[0].startswith("Đã quá hạn")


@pytest.mark.parametrize("persona", ["tuphap", "leader", "taichinh"])
def test_only_home_affairs_appraises(request, period_2024, persona):
    user = request.getfixturevalue(persona)
    s = score(period_2024, "2.3.2")
    with pytest.raises(PermissionDenied):
        workflow.appraise_score(s.pk, actor=user, round=1, points=Decimal("0"), reason="", version=s.version)


def test_appraisal_waits_for_the_appraisal_stage(open_period, officer):
    s = score(open_period, "2.3.2")
    with pytest.raises(ValidationError):
        workflow.appraise_score(s.pk, actor=officer, round=1, points=Decimal("0.5"), reason="", version=s.version)


# --- concurrency --------------------------------------------------------------------------

def test_the_later_of_two_saves_is_refused_naming_who_saved_first(open_period, tuphap):
    s = score(open_period, "2.3.2")
    loaded = s.version  # both editors opened the page at this version
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="Bản thứ nhất", version=loaded)
    with pytest.raises(ValidationError) as exc:
        workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="Bản thứ hai", version=loaded)
    assert "Cán bộ Sở Tư pháp" in exc.value.messages[0] and "2.3.2" in exc.value.messages[0]
    kept = score(open_period, "2.3.2")
    assert (kept.self_points, kept.explanation) == (Decimal("0.5"), "Bản thứ nhất")


def test_a_review_of_a_stale_page_is_refused(open_period, tuphap, officer):
    s = submitted(open_period, tuphap)
    workflow.return_score(s.pk, actor=officer, comment="Sửa lại", version=s.version)
    with pytest.raises(ValidationError) as exc:
        workflow.accept_score(s.pk, actor=officer, version=s.version)
    assert "2.3.2" in exc.value.messages[0]
    assert score(open_period, "2.3.2").state == ScoreState.RETURNED


# --- audit content -------------------------------------------------------------------------

def test_every_step_is_audited_with_who_old_new_and_comment(open_period, tuphap, officer):
    s = fill(open_period, tuphap)
    s = workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    s = workflow.return_score(s.pk, actor=officer, comment="Thiếu TLKC", version=s.version)
    events = list(AuditEvent.objects.filter(score=s).order_by("pk"))
    assert [e.action for e in events] == ["score.self_assessed", "score.submitted", "score.returned"]
    assessed, sent, returned = events
    assert assessed.actor == tuphap and assessed.agency == tuphap.agency
    assert assessed.data["changes"] == {"self_points": [None, "0.75"],
                                        "explanation": ["", "Đã xử lý 3/4 văn bản trái pháp luật."]}
    assert (sent.actor, sent.data["state"], sent.data["code"]) == (tuphap, ["draft", "submitted"], "2.3.2")
    assert (returned.actor, returned.data["state"], returned.data["comment"]) == (officer, ["submitted", "returned"], "Thiếu TLKC")
    assert returned.agency == tuphap.agency  # events are filed under the lead agency, whoever acts


def test_a_refused_step_leaves_no_trace(open_period, tuphap, taichinh):
    s = score(open_period, "2.3.2")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        workflow.save_self_assessment(s.pk, actor=taichinh, self_points=Decimal("1"), explanation="x", version=s.version)
    with pytest.raises(ValidationError):
        workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    assert AuditEvent.objects.count() == before
    assert score(open_period, "2.3.2").history.count() == s.history.count()


# --- mail ----------------------------------------------------------------------------------

@pytest.fixture
def emails(officer, tuphap, taichinh):
    for user, email in ((officer, "snv@example.vn"), (tuphap, "stp@example.vn"), (taichinh, "stc@example.vn")):
        user.email = email
        user.save()


def test_a_submission_mails_home_affairs_and_a_return_mails_the_agency(open_period, tuphap, officer, emails,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = submitted(open_period, tuphap)
    assert [m.to for m in mail.outbox] == [["snv@example.vn"]]
    assert "2.3.2" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_score(s.pk, actor=officer, comment="Thiếu quyết định", version=s.version)
    assert mail.outbox[1].to == ["stp@example.vn"]
    assert "Thiếu quyết định" in mail.outbox[1].body


def test_returns_and_acceptances_mail_the_agency_with_absolute_links(settings, open_period, tuphap, officer, emails,
                                                                    django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://cchc.dienbien.gov.vn/"
    s = submitted(open_period, tuphap)
    with django_capture_on_commit_callbacks(execute=True):
        s = workflow.return_score(s.pk, actor=officer, comment="Thiếu quyết định", version=s.version)
    returned = mail.outbox[-1]
    assert returned.to == ["stp@example.vn"] and "2.3.2" in returned.subject and "bị trả lại" in returned.subject
    assert f"https://cchc.dienbien.gov.vn/diem/{s.pk}/" in returned.body
    assert "https://cchc.dienbien.gov.vn/tieu-chi/?state=returned" in returned.body
    s = workflow.save_and_submit(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="Đủ 4/4", version=s.version)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept_score(s.pk, actor=officer, comment="Đạt", version=s.version)
    accepted = mail.outbox[-1]
    assert accepted.to == ["stp@example.vn"] and accepted.subject == "[Chỉ số CCHC] Tiêu chí 2.3.2 đã được chấp nhận"
    assert f"https://cchc.dienbien.gov.vn/diem/{s.pk}/" in accepted.body
    assert "Ý kiến: Đạt" in accepted.body and ": 1 điểm." in accepted.body
    # Every link of both mails is absolute: nothing starts at the site's root.
    for message in (returned, accepted):
        assert " /" not in message.body and "\n/" not in message.body


def test_a_refused_acceptance_sends_no_mail(open_period, tuphap, officer, emails, django_capture_on_commit_callbacks):
    s = submitted(open_period, tuphap)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.accept_score(s.pk, actor=officer, version=s.version - 1)  # a stale page
    assert mail.outbox == []


def test_a_refused_step_sends_no_mail(open_period, tuphap, emails, django_capture_on_commit_callbacks):
    s = score(open_period, "2.3.2")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    assert mail.outbox == []


def test_deadline_reminders_go_once_to_agencies_with_work_left(open_period, tuphap, taichinh, emails):
    set_status(open_period, PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + timedelta(days=2))
    for code in Score.objects.filter(period=open_period, responsible_agency=taichinh.agency).values_list("criterion__code", flat=True):
        s = fill(open_period, taichinh, code=code, points="0.25")
        workflow.submit_score(s.pk, actor=taichinh, version=s.version)
    send_deadline_reminders()
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert "stp@example.vn" in recipients and "stc@example.vn" not in recipients
    assert "2.3.2" in next(m for m in mail.outbox if m.to == ["stp@example.vn"]).body
    count = len(mail.outbox)
    send_deadline_reminders()
    assert len(mail.outbox) == count


def test_no_reminder_when_the_deadline_is_further_away(open_period, emails):
    set_status(open_period, PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + timedelta(days=4))
    send_deadline_reminders()
    assert mail.outbox == []


def test_explanation_deadline_reminders_name_the_criteria_to_explain(open_period, tuphap, officer, emails):
    s = submitted(open_period, tuphap)
    s = workflow.accept_score(s.pk, actor=officer, version=s.version)
    workflow.change_period_status(open_period.pk, PeriodStatus.APPRAISAL, actor=officer)
    workflow.appraise_score(s.pk, actor=officer, round=1, points=Decimal("0.5"), reason="r", version=s.version)
    open_period.refresh_from_db()
    set_status(open_period, PeriodStatus.EXPLANATION, explanation_deadline=timezone.now() + timedelta(days=1))
    assert send_deadline_reminders() == 1
    assert mail.outbox[0].to == ["stp@example.vn"] and "giải trình" in mail.outbox[0].subject
    assert "2.3.2" in mail.outbox[0].body
    assert send_deadline_reminders() == 0


# --- the whole matrix: every from-state × to-state × persona ------------------------------

ROLE_OF = {"tuphap": Right.SELF_ASSESS, "officer": Right.REVIEW, "taichinh": None, "leader": None, "outsider": None}
STEP = {
    ScoreState.SUBMITTED: lambda s, user: workflow.submit_score(s.pk, actor=user, version=s.version),
    ScoreState.RETURNED: lambda s, user: workflow.return_score(s.pk, actor=user, comment="Ý kiến", version=s.version),
    ScoreState.ACCEPTED: lambda s, user: workflow.accept_score(s.pk, actor=user, version=s.version),
}


@pytest.mark.parametrize("persona", sorted(ROLE_OF))
@pytest.mark.parametrize("to_state", sorted(STEP))
@pytest.mark.parametrize("from_state", [c.value for c in ScoreState])
def test_transition_matrix(request, open_period, persona, from_state, to_state):
    user = request.getfixturevalue(persona)
    s = score(open_period, "2.3.2")
    s.self_points, s.explanation, s.state = Decimal("0.5"), "Giải trình", from_state
    s.save()
    allowed = policy.SCORE_TRANSITIONS.get(from_state, {}).get(to_state)
    events_before = AuditEvent.objects.filter(score=s).count()
    if allowed is not None and allowed == ROLE_OF[persona]:
        assert STEP[to_state](s, user).state == to_state
        assert AuditEvent.objects.filter(score=s).count() == events_before + 1
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            STEP[to_state](s, user)
        after = score(open_period, "2.3.2")
        assert (after.state, after.version) == (from_state, s.version)
        assert AuditEvent.objects.filter(score=s).count() == events_before


def test_mails_wait_for_the_worker_and_are_written_in_vietnamese(open_period, tuphap, officer, emails, settings,
                                                                 django_capture_on_commit_callbacks):
    """The SMTP exchange happens on the worker: the step only queues the mail, written in
    Vietnamese even when the officer who returned the score reads the site in English."""
    from django.utils import translation
    from django_tasks import default_task_backend

    from scorecards.tasks import deliver_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        s = submitted(open_period, tuphap)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        workflow.return_score(s.pk, actor=officer, comment="Thiếu quyết định", version=s.version)
    assert mail.outbox == []
    queued = [r for r in default_task_backend.results if r.task.name == deliver_mail.name]
    assert [r.args[2] for r in queued] == [["snv@example.vn"], ["stp@example.vn"]]
    subject, body, recipients = queued[1].args
    assert "bị trả lại" in subject and "Sửa và gửi lại tại: http" in body
    assert deliver_mail.call(subject, body, recipients) == 1
    assert mail.outbox[0].to == ["stp@example.vn"] and mail.outbox[0].subject == subject
