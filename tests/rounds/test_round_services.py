"""The round's one door: subjects, steps, exemptions, the unit's lock, bonus and penalty, rights."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scorecards.choices import AdjustmentKind, AuditAction, PeriodStatus, Right
from scorecards.models import Adjustment, AuditEvent, Criterion, EvaluationPeriod, Round, Score
from scorecards.policy import can_appraise, capabilities, sees_round
from scorecards.services import adjustments, rounds, selflock
from scorecards.services.scoring import ScoreChange, apply_score_changes
from tests.factories import AgencyFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def report():
    return SimpleUploadedFile("bao-cao-tu-danh-gia.pdf", PDF, content_type="application/pdf")


def fill_self(period):
    Score.objects.filter(period=period).exclude(criterion__scoring_source="survey").update(self_points=D(1))


def snapshot(period):
    return (list(Score.objects.filter(period=period).order_by("pk").values_list("self_points", "appraised_points", "version")),
            AuditEvent.objects.count(), EvaluationPeriod.objects.count())


# Subjects ---------------------------------------------------------------------------------

def test_add_subjects_creates_scorecards_with_history_and_audit(small_round, officer):
    group = small_round.test_groups["so"]
    agency = AgencyFactory(code="so-moi", name="Sở Mới")
    before = AuditEvent.objects.filter(action=AuditAction.ROUND_SUBJECTS_ADDED).count()
    [period] = rounds.add_subjects(group.pk, [agency], actor=officer)
    assert period.status == small_round.status and period.round_id == small_round.pk
    assert period.self_assessment_deadline == small_round.self_assessment_deadline
    scores = Score.objects.filter(period=period)
    assert scores.count() == 12 and set(scores.values_list("responsible_agency_id", flat=True)) == {agency.pk}
    assert Score.history.filter(period_id=period.pk).count() == 12
    event = AuditEvent.objects.filter(action=AuditAction.ROUND_SUBJECTS_ADDED).latest("pk")
    assert event.actor == officer and event.agency_id == agency.pk
    assert AuditEvent.objects.filter(action=AuditAction.ROUND_SUBJECTS_ADDED).count() == before + 1


def test_add_subjects_refuses_duplicates_ended_and_non_managers(small_round, officer, dept_user, dept_period):
    group = small_round.test_groups["so"]
    ended = AgencyFactory(code="so-da-giai-the", name="Sở Đã giải thể", ended_on=date(2025, 3, 1))
    fresh = AgencyFactory(code="so-hop-le", name="Sở Hợp lệ")
    count = EvaluationPeriod.objects.count()
    with pytest.raises(ValidationError) as exc:
        rounds.add_subjects(group.pk, [fresh, dept_period.subject, ended], actor=officer)
    text = " ".join(exc.value.messages)
    assert "Sở A đã có trong đợt đánh giá" in text and "Sở Đã giải thể đã kết thúc hoạt động" in text
    assert EvaluationPeriod.objects.count() == count  # all or nothing: the valid one was not added either
    with pytest.raises(PermissionDenied):
        rounds.add_subjects(group.pk, [fresh], actor=dept_user)


def test_populate_group_adds_every_candidate_of_the_kind(small_round, officer):
    group = small_round.test_groups["xa"]
    AgencyFactory(code="xa-moi-1", name="Xã Mới 1", kind="commune")
    AgencyFactory(code="xa-moi-2", name="Xã Mới 2", kind="commune", ended_on=date(2025, 6, 30))
    names = {a.name for a in rounds.candidates(group)}
    assert "Xã Mới 1" in names and "Xã Mới 2" not in names and "Xã A" not in names
    added = rounds.populate_group(group.pk, actor=officer)
    assert "Xã Mới 1" in {p.subject.name for p in added}
    assert rounds.candidates(group) == []


def test_remove_subject_only_without_work(small_round, officer, dept_period):
    other = small_round.periods.get(subject__name="Sở B")
    with pytest.raises(ValidationError):
        rounds.remove_subject(other.pk, actor=officer, reason="")
    Score.objects.filter(period=dept_period).update(self_points=D(1))
    with pytest.raises(ValidationError) as exc:
        rounds.remove_subject(dept_period.pk, actor=officer, reason="Sáp nhập")
    assert "không bỏ được" in exc.value.messages[0]
    assert EvaluationPeriod.objects.filter(pk=dept_period.pk).exists()
    rounds.remove_subject(other.pk, actor=officer, reason="Không thuộc đối tượng")
    assert not EvaluationPeriod.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.filter(action=AuditAction.ROUND_SUBJECT_REMOVED).latest("pk")
    assert event.actor == officer and event.data["reason"] == "Không thuộc đối tượng"


# Steps --------------------------------------------------------------------------------------

def test_round_status_moves_every_scorecard(small_round, officer):
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer, from_status=PeriodStatus.SELF_ASSESSMENT)
    assert set(small_round.periods.values_list("status", flat=True)) == {PeriodStatus.APPRAISAL}
    assert AuditEvent.objects.filter(action=AuditAction.PERIOD_LOCKED, data__round=small_round.pk).count() == 5
    with pytest.raises(ValidationError):  # stale page
        rounds.change_round_status(small_round.pk, PeriodStatus.EXPLANATION, actor=officer,
                                   from_status=PeriodStatus.SELF_ASSESSMENT)
    with pytest.raises(ValidationError):  # a step back needs a reason
        rounds.change_round_status(small_round.pk, PeriodStatus.SELF_ASSESSMENT, actor=officer)


def test_publishing_needs_the_decision(small_round, officer):
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    with pytest.raises(ValidationError) as exc:
        rounds.change_round_status(small_round.pk, PeriodStatus.PUBLISHED, actor=officer)
    assert "Chưa ghi số quyết định công bố." in exc.value.messages
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.APPRAISAL
    small_round.decision_number, small_round.decision_date, small_round.decision_signer = "12/QĐ-UBND", date(2026, 1, 20), "A"
    small_round.save()
    rounds.change_round_status(small_round.pk, PeriodStatus.PUBLISHED, actor=officer)
    assert set(small_round.periods.values_list("status", flat=True)) == {PeriodStatus.PUBLISHED}
    with pytest.raises(ValidationError):  # frozen: no new subject
        rounds.add_subjects(small_round.test_groups["so"].pk, [AgencyFactory(code="so-x")], actor=officer)


def test_a_scorecard_never_moves_alone(small_round, officer, dept_period):
    from scorecards.services.workflow import change_period_status

    with pytest.raises(ValidationError):
        change_period_status(dept_period.pk, PeriodStatus.APPRAISAL, actor=officer)
    dept_period.refresh_from_db()
    assert dept_period.status == PeriodStatus.SELF_ASSESSMENT


def test_round_deadlines_follow_to_scorecards(small_round, dept_period):
    new = timezone.now() + timedelta(days=30)
    small_round.self_assessment_deadline = new
    small_round.save()
    dept_period.refresh_from_db()
    assert dept_period.self_assessment_deadline == new


# Not applicable ------------------------------------------------------------------------------

def test_not_applicable_is_officers_and_refuses_points(small_round, officer, dept_user, dept_period):
    leaf = Criterion.objects.get(framework=dept_period.framework, code="1.1.1")
    with pytest.raises(PermissionDenied):
        rounds.set_not_applicable(dept_period.pk, leaf.pk, True, actor=dept_user)
    Score.objects.filter(period=dept_period, criterion=leaf).update(self_points=D("0.5"))
    assert rounds.set_not_applicable(dept_period.pk, leaf.pk, True, actor=officer) == 1
    score = Score.objects.get(period=dept_period, criterion=leaf)
    assert score.not_applicable and score.self_points is None
    event = AuditEvent.objects.filter(score=score, action=AuditAction.SCORE_NOT_APPLICABLE).get()
    assert event.actor == officer
    cleared = AuditEvent.objects.get(score=score, action=AuditAction.SCORE_SELF_ASSESSED)
    old, new = cleared.data["changes"]["self_points"]
    assert D(old) == D("0.5") and new is None  # the log keeps the cleared points
    caps = capabilities(dept_user, Score.objects.with_related().get(pk=score.pk))
    assert not caps.self_assess and "không áp dụng" in caps.self_assess_refusal
    with pytest.raises(ValidationError):
        apply_score_changes(dept_period, [ScoreChange(score.pk, {"self_points": D(1)}, score.version)],
                            actor=dept_user, right=Right.SELF_ASSESS)


# The unit's lock ---------------------------------------------------------------------------------

def test_lock_needs_report_and_full_points(small_round, dept_user, dept_period):
    with pytest.raises(ValidationError) as exc:
        selflock.lock_self_assessment(dept_period.pk, report(), actor=dept_user)
    assert "Còn 8 tiêu chí chưa có điểm tự đánh giá: 1.1.1" in exc.value.messages[0]
    fill_self(dept_period)
    with pytest.raises(ValidationError):
        selflock.lock_self_assessment(dept_period.pk, None, actor=dept_user)
    bad = SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        selflock.lock_self_assessment(dept_period.pk, bad, actor=dept_user)
    dept_period.refresh_from_db()
    assert dept_period.self_locked_at is None and not dept_period.self_report


def test_lock_blocks_edits_and_withdraw_reopens(small_round, dept_user, dept_period, officer):
    fill_self(dept_period)
    selflock.lock_self_assessment(dept_period.pk, report(), actor=dept_user)
    dept_period.refresh_from_db()
    assert dept_period.self_locked_by == dept_user and len(dept_period.self_report_sha256) == 64
    score = Score.objects.filter(period=dept_period, criterion__code="1.1.1").get()
    with pytest.raises(ValidationError) as exc:
        apply_score_changes(dept_period, [ScoreChange(score.pk, {"self_points": D("0.5")}, score.version)],
                            actor=dept_user, right=Right.SELF_ASSESS)
    assert "đã chốt điểm" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        adjustments.save_adjustment(dept_period.pk, {"kind": AdjustmentKind.BONUS, "content": "Sáng kiến",
                                                     "claimed_points": D(1)}, actor=dept_user)
    selflock.withdraw_self_assessment(dept_period.pk, actor=dept_user)
    apply_score_changes(dept_period, [ScoreChange(score.pk, {"self_points": D("0.5")}, score.version)],
                        actor=dept_user, right=Right.SELF_ASSESS)
    actions = list(AuditEvent.objects.filter(period=dept_period).values_list("action", "actor__username"))
    assert (AuditAction.SELF_ASSESSMENT_LOCKED, dept_user.username) in actions
    assert (AuditAction.SELF_ASSESSMENT_WITHDRAWN, dept_user.username) in actions


def test_withdraw_after_deadline_is_refused_to_the_unit(small_round, dept_user, dept_period, officer):
    fill_self(dept_period)
    selflock.lock_self_assessment(dept_period.pk, report(), actor=dept_user)
    small_round.self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    small_round.save()
    with pytest.raises(ValidationError) as exc:
        selflock.withdraw_self_assessment(dept_period.pk, actor=dept_user)
    assert "quá hạn" in exc.value.messages[0]
    with pytest.raises(ValidationError):  # Sở Nội vụ needs a reason
        selflock.withdraw_self_assessment(dept_period.pk, actor=officer)
    selflock.withdraw_self_assessment(dept_period.pk, actor=officer, reason="Đơn vị xin sửa lỗi đánh máy")
    dept_period.refresh_from_db()
    assert dept_period.self_locked_at is None


def test_other_units_cannot_lock(small_round, commune_user, dept_period, leader):
    fill_self(dept_period)
    for actor in (commune_user, leader):
        with pytest.raises(PermissionDenied):
            selflock.lock_self_assessment(dept_period.pk, report(), actor=actor)


# Council and visibility -------------------------------------------------------------------------

def test_visibility_of_scorecards(small_round, dept_user, commune_user, chair, appraiser, leader, outsider, dept_period):
    own = Score.objects.for_user(dept_user).filter(period__round=small_round)
    assert set(own.values_list("period_id", flat=True)) == {dept_period.pk}
    assert Score.objects.for_user(commune_user).filter(period=dept_period).count() == 0
    assert Score.objects.for_user(chair).filter(period__round=small_round).count() == 60
    assert Score.objects.for_user(appraiser).filter(period__round=small_round).count() == 60
    assert Score.objects.for_user(leader).filter(period__round=small_round).count() == 60
    assert Score.objects.for_user(outsider).filter(period__round=small_round).count() == 0
    assert sees_round(chair, small_round.pk) and sees_round(leader, small_round.pk)
    assert not sees_round(dept_user, small_round.pk) and not sees_round(outsider, small_round.pk)


def test_appraisers_appraise_but_not_their_own_unit_and_the_chair_reads(small_round, officer, appraiser, chair,
                                                                         dept_period, dept_user):
    from scorecards.choices import CouncilRole
    from tests.factories import UserFactory

    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    dept_period.refresh_from_db()
    score = Score.objects.filter(period=dept_period, criterion__code="1.1.1").get()
    apply_score_changes(dept_period, [ScoreChange(score.pk, {"appraised_points": D("0.75"), "appraisal_reason": "Thiếu",
                                                             "explanation_requested": True}, score.version)],
                        actor=appraiser, right=Right.APPRAISE)
    score.refresh_from_db()
    assert score.appraised_points == D("0.75") and score.explanation_requested
    assert AuditEvent.objects.filter(score=score, action=AuditAction.SCORE_EXPLANATION_REQUESTED, actor=appraiser).exists()
    with pytest.raises(PermissionDenied):
        apply_score_changes(dept_period, [ScoreChange(score.pk, {"appraised_points": D(1)}, score.version)],
                            actor=chair, right=Right.APPRAISE)
    member = UserFactory(username="thanh-vien-so-a", agency=dept_period.subject)
    small_round.council.create(name="Đại diện Sở A", role=CouncilRole.MEMBER, user=member)
    assert not can_appraise(member, dept_period)
    assert can_appraise(member, small_round.periods.get(subject__name="Sở B"))
    with pytest.raises(PermissionDenied):
        apply_score_changes(dept_period, [ScoreChange(score.pk, {"appraised_points": D(1)}, score.version)],
                            actor=member, right=Right.APPRAISE)
    score.refresh_from_db()
    assert score.appraised_points == D("0.75")
    assert Score.objects.for_user(member, Right.APPRAISE).filter(period=dept_period).count() == 0


def test_explanation_round_is_for_flagged_criteria(small_round, officer, appraiser, dept_period, dept_user):
    from scorecards.services.workflow import explain_score

    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    flagged, other = Score.objects.filter(period=dept_period, criterion__code__in=["1.1.1", "1.1.2"]).order_by("criterion__code")
    changes = [ScoreChange(flagged.pk, {"appraised_points": D("0.5"), "explanation_requested": True}, flagged.version),
               ScoreChange(other.pk, {"appraised_points": D("0.5")}, other.version)]
    apply_score_changes(dept_period, changes, actor=appraiser, right=Right.APPRAISE)
    rounds.change_round_status(small_round.pk, PeriodStatus.EXPLANATION, actor=officer)
    flagged.refresh_from_db()
    other.refresh_from_db()
    explain_score(flagged.pk, actor=dept_user, text="Đã ban hành kế hoạch, bổ sung văn bản.", version=flagged.version)
    with pytest.raises(ValidationError) as exc:
        explain_score(other.pk, actor=dept_user, text="Xin giải trình", version=other.version)
    assert "không yêu cầu giải trình" in exc.value.messages[0]
    # Round 2 by the appraiser.
    flagged.refresh_from_db()
    apply_score_changes(dept_period, [ScoreChange(flagged.pk, {"appraised_points_round2": D(1)}, flagged.version)],
                        actor=appraiser, right=Right.APPRAISE)
    flagged.refresh_from_db()
    assert flagged.final_points == D(1)


# Bonus and penalty ---------------------------------------------------------------------------------

def test_unit_claims_bonus_appraiser_decides_and_penalises(small_round, officer, appraiser, dept_user, dept_period):
    evidence = SimpleUploadedFile("giay-khen.pdf", PDF, content_type="application/pdf")
    adj = adjustments.save_adjustment(dept_period.pk, {"kind": AdjustmentKind.BONUS, "content": "Bằng khen của Bộ",
                                                       "claimed_points": D(2), "explanation": "Có QĐ khen"},
                                      actor=dept_user, evidence=evidence)
    assert adj.evidence_name == "giay-khen.pdf" and adj.created_by == dept_user
    with pytest.raises(ValidationError):
        adjustments.save_adjustment(dept_period.pk, {"kind": AdjustmentKind.PENALTY, "content": "Tự trừ"}, actor=dept_user)
    with pytest.raises(PermissionDenied):
        adjustments.save_adjustment(dept_period.pk, {"points": D(2)}, adjustment_id=adj.pk, actor=dept_user)
    with pytest.raises(ValidationError):  # appraisers work in appraisal
        adjustments.save_adjustment(dept_period.pk, {"points": D(2)}, adjustment_id=adj.pk, actor=appraiser)
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    adj = adjustments.save_adjustment(dept_period.pk, {"points": D("1.5"), "appraisal_reason": "Chỉ tính 1 khen"},
                                      adjustment_id=adj.pk, version=adj.version, actor=appraiser)
    with pytest.raises(ValidationError):  # stale version
        adjustments.save_adjustment(dept_period.pk, {"points": D(2)}, adjustment_id=adj.pk, version=adj.version - 1,
                                    actor=appraiser)
    penalty = adjustments.save_adjustment(dept_period.pk, {"kind": AdjustmentKind.PENALTY, "content": "Chậm báo cáo",
                                                           "points": D(1)}, actor=appraiser)
    with pytest.raises(ValidationError):
        adjustments.delete_adjustment(adj.pk, actor=appraiser)  # the unit's claim stays, 0 points instead
    adjustments.delete_adjustment(penalty.pk, actor=appraiser)
    assert list(Adjustment.objects.filter(period=dept_period).values_list("points", flat=True)) == [D("1.5")]
    saved = AuditEvent.objects.filter(action=AuditAction.ADJUSTMENT_SAVED, period=dept_period)
    assert set(saved.values_list("actor__username", flat=True)) == {dept_user.username, appraiser.username}
    assert AuditEvent.objects.filter(action=AuditAction.ADJUSTMENT_DELETED, actor=appraiser).exists()


def test_adjustment_bad_input_changes_nothing(small_round, dept_user, dept_period, commune_user):
    before = Adjustment.objects.count()
    for values in ({"kind": AdjustmentKind.BONUS, "content": "", "claimed_points": D(1)},
                   {"kind": AdjustmentKind.BONUS, "content": "X", "claimed_points": D("-1")},
                   {"kind": AdjustmentKind.BONUS, "content": "X", "claimed_points": D("0.0001")}):
        with pytest.raises(ValidationError):
            adjustments.save_adjustment(dept_period.pk, values, actor=dept_user)
    with pytest.raises(PermissionDenied):
        adjustments.save_adjustment(dept_period.pk, {"kind": AdjustmentKind.BONUS, "content": "X"}, actor=commune_user)
    assert Adjustment.objects.count() == before


def test_no_per_criterion_review_in_a_round(small_round, dept_user, dept_period):
    from scorecards.services.workflow import submit_score

    fill_self(dept_period)
    Score.objects.filter(period=dept_period).update(explanation="Có văn bản")
    score = Score.objects.with_related().filter(period=dept_period, criterion__code="1.1.1").get()
    assert capabilities(dept_user, score).transitions == frozenset()
    with pytest.raises((ValidationError, PermissionDenied)):
        submit_score(score.pk, actor=dept_user, version=score.version)
    score.refresh_from_db()
    assert score.state == "draft"


def test_home_affairs_self_assesses_its_own_scorecard_in_a_round(officer, small_round):
    from scorecards.models import Agency
    from scorecards.policy import is_responsible

    if officer.agency_id is None:
        officer.agency = Agency.objects.get(code="so-noi-vu")
        officer.save()
    group = small_round.test_groups["so"]
    [period] = rounds.add_subjects(group.pk, [officer.agency], actor=officer)
    fill_self(period)
    score = Score.objects.with_related().filter(period=period, criterion__code="1.1.1").get()
    assert is_responsible(officer, score) and capabilities(officer, score).self_assess
    assert Score.objects.for_user(officer, Right.SELF_ASSESS).filter(period=period).count() == 12
    assert not Score.objects.for_user(officer, Right.SELF_ASSESS).filter(period__round__isnull=True).exists()
    selflock.lock_self_assessment(period.pk, report(), actor=officer)
    period.refresh_from_db()
    assert period.self_locked_by == officer


def test_round_2_waits_for_the_explanation_round(small_round, officer, appraiser, dept_period, client):
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    dept_period.refresh_from_db()
    score = Score.objects.filter(period=dept_period, criterion__code="1.1.1").get()
    with pytest.raises(ValidationError) as exc:
        apply_score_changes(dept_period, [ScoreChange(score.pk, {"appraised_points_round2": D(1)}, score.version)],
                            actor=appraiser, right=Right.APPRAISE)
    assert "vòng 2 chỉ ghi sau khi mở vòng giải trình" in exc.value.messages[0]
    client.force_login(appraiser)
    assert "-appraised_points_round2" not in client.get(f"/dot-danh-gia/phieu/{dept_period.pk}/").content.decode()
    rounds.change_round_status(small_round.pk, PeriodStatus.EXPLANATION, actor=officer)
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)  # closing the explanation round
    dept_period.refresh_from_db()
    assert "-appraised_points_round2" in client.get(f"/dot-danh-gia/phieu/{dept_period.pk}/").content.decode()
    apply_score_changes(dept_period, [ScoreChange(score.pk, {"appraised_points_round2": D(1)}, score.version)],
                        actor=appraiser, right=Right.APPRAISE)
    score.refresh_from_db()
    assert score.final_points == D(1)


def test_a_unit_can_sit_in_two_rounds_of_a_year_on_one_framework(small_round, officer, dept_period):
    from tests.rounds.conftest import make_round

    second = make_round(officer, name="Đợt thử thứ hai", departments=(), communes=(), framework=dept_period.framework,
                        status=PeriodStatus.DRAFT)
    [period] = rounds.add_subjects(second.test_groups["so"].pk, [dept_period.subject], actor=officer)
    assert period.framework_id == dept_period.framework_id and period.year == dept_period.year


def test_deadline_reminders_reach_units_that_have_not_locked(small_round, dept_user, dept_period, commune_user):
    from django.core import mail

    from scorecards.services.notifications import send_deadline_reminders

    dept_user.email, commune_user.email = "so-a@example.vn", "xa-a@example.vn"
    dept_user.save()
    commune_user.save()
    small_round.self_assessment_deadline = timezone.now() + timedelta(days=2)
    small_round.save()
    fill_self(dept_period)
    selflock.lock_self_assessment(dept_period.pk, report(), actor=dept_user)
    mail.outbox = []
    send_deadline_reminders()
    to = {r for m in mail.outbox for r in m.to}
    assert "xa-a@example.vn" in to and "so-a@example.vn" not in to  # Sở A locked: nothing waits for it
    body = next(m.body for m in mail.outbox if m.to == ["xa-a@example.vn"])
    commune = small_round.periods.get(subject=commune_user.agency)
    assert f"/dot-danh-gia/phieu/{commune.pk}/" in body and "1.1.1" in body and "3.1.1" not in body  # survey leaves wait for nobody


def test_saving_a_stale_copy_of_the_round_never_moves_its_status_back(small_round, officer):
    stale = Round.objects.get(pk=small_round.pk)
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    stale.decision_number = "5/QĐ-UBND"
    stale.save()
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.APPRAISAL and small_round.decision_number == "5/QĐ-UBND"
