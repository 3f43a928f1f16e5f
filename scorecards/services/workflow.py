"""The review workflow of a score: self-assessment, submit, return, accept, explanation;
and the steps of a period.

Who may do what and when is data in scorecards.policy (rights, windows, transition
tables), asked through `policy.capabilities`. Every step takes the acting user, runs in
one transaction, locks the period row and then the score row (always in that order, as
apply_score_changes does, so two steps can never deadlock), checks the rules on the
locked rows, checks the version the user saw, and writes its AuditEvent in the same
transaction. Mails are sent only after the commit.
"""
from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, PeriodStatus, Right, ScoreState
from scorecards.formatting import fmt_points
from scorecards.models import AgencyException, AuditEvent, EvaluationPeriod, Score
from scorecards.permissions import can_manage
from scorecards.policy import PERIOD_TRANSITIONS, can_appraise, SCORE_TRANSITION_ACTIONS, SCORE_TRANSITIONS, capabilities
from scorecards.services.scoring import ScoreChange, apply_score_changes, lock_period, stale_message


def lock_score(score_id: int) -> tuple[EvaluationPeriod, Score]:
    """Lock the period row, then the score row, inside the caller's transaction.

    Raises ValidationError when the score does not exist.
    """
    period_id = Score.objects.filter(pk=score_id).values_list("period_id", flat=True).first()
    if period_id is None:
        raise ValidationError(_("Không tìm thấy điểm #%(id)s.") % {"id": score_id})
    period = lock_period(period_id)
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    score = (Score.objects.select_for_update(of=("self",))
             .select_related("criterion", "updated_by", "responsible_agency").get(pk=score_id))
    score.period = period
    return period, score


def _check_version(score, version):
    if version is not None and int(version) != score.version:
        raise ValidationError(stale_message(score))


def require(actor, score, right: str):
    """Raise unless `actor` holds `right` on the locked `score` now; return the capabilities.

    PermissionDenied when the actor is not someone who could ever hold it (not the
    responsible agency's staff, not Sở Nội vụ); ValidationError when they could but the
    period, deadline or score state refuses it now (the sentence says why).
    """
    caps = capabilities(actor, score)
    if caps.allows(right):
        return caps
    if right in (Right.SELF_ASSESS, Right.EXPLAIN):
        holder = caps.responsible
    elif right == Right.APPRAISE:
        holder = can_appraise(actor, score.period)
    else:
        holder = can_manage(actor)
    if not holder:
        raise PermissionDenied(caps.refusal(right))
    score.period.ensure_writable()
    raise ValidationError(caps.refusal(right))


def _transition(score, to_state: str, *, actor, version, comment: str = "") -> Score:
    """Move a score locked by lock_score to `to_state`, after the table, the right, the
    submission's content (points and explanation) and the version are checked."""
    if score.period.round_id:
        raise ValidationError(_("Trong đợt đánh giá của tỉnh không gửi, duyệt từng tiêu chí: đơn vị chốt điểm cả phiếu, "
                                "Hội đồng thẩm định chấm điểm."))
    right = SCORE_TRANSITIONS.get(score.state, {}).get(to_state)
    if right is None:
        raise ValidationError(_("Không thể chuyển tiêu chí %(code)s từ “%(from)s” sang “%(to)s”.") % {
            "code": score.criterion.code, "from": score.get_state_display(), "to": ScoreState(to_state).label})
    require(actor, score, right)
    if to_state == ScoreState.SUBMITTED and (score.self_points is None or not score.explanation.strip()):
        raise ValidationError(_("Cần nhập điểm tự đánh giá và giải trình cách tính điểm trước khi gửi."))
    _check_version(score, version)
    old_state = score.state
    score.state = to_state
    now = timezone.now()
    if to_state == ScoreState.SUBMITTED:
        score.submitted_at = now
    else:
        score.reviewed_at = now
        score.review_comment = comment
    score.version += 1
    score.updated_by = actor
    score._history_user = actor
    score.save()
    AuditEvent.log(
        SCORE_TRANSITION_ACTIONS[to_state], actor=actor, score=score,
        code=score.criterion.code, state=[old_state, to_state], comment=comment,
        self_points=None if score.self_points is None else str(score.self_points),
    )
    return score


def _reload(score_id: int) -> Score:
    return Score.objects.with_related().get(pk=score_id)


@transaction.atomic
def save_self_assessment(score_id: int, *, actor, self_points, explanation: str, version) -> Score:
    """The lead agency enters its points (Decimal or None) and explanation; version-checked, audited."""
    period, score = lock_score(score_id)
    require(actor, score, Right.SELF_ASSESS)
    apply_score_changes(period, [ScoreChange(score.pk, {"self_points": self_points, "explanation": explanation}, version)],
                        actor=actor, right=Right.SELF_ASSESS)
    return _reload(score.pk)


@transaction.atomic
def submit_score(score_id: int, *, actor, version=None) -> Score:
    """The lead agency sends its self-assessment to Sở Nội vụ (points and explanation required)."""
    period, score = lock_score(score_id)
    score = _transition(score, ScoreState.SUBMITTED, actor=actor, version=version)
    from scorecards.services.notifications import notify_submitted

    transaction.on_commit(lambda: notify_submitted(score))
    return score


@transaction.atomic
def save_and_submit(score_id: int, *, actor, self_points, explanation: str, version) -> Score:
    """"Gửi" on the criterion page: save what the agency typed, then submit it, in one step.

    All or nothing: when the submission is refused, what was typed is not saved either
    (the page shows it again with the reason).
    """
    score = save_self_assessment(score_id, actor=actor, self_points=self_points, explanation=explanation,
                                 version=version)
    return submit_score(score_id, actor=actor, version=score.version)


@transaction.atomic
def return_score(score_id: int, *, actor, comment: str, version=None) -> Score:
    """Sở Nội vụ sends a score back to the agency; the comment says what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Cần ghi ý kiến khi trả lại để đơn vị biết phải sửa gì."))
    period, score = lock_score(score_id)
    score = _transition(score, ScoreState.RETURNED, actor=actor, version=version, comment=comment)
    from scorecards.services.notifications import notify_returned

    transaction.on_commit(lambda: notify_returned(score))
    return score


@transaction.atomic
def accept_score(score_id: int, *, actor, comment: str = "", version=None) -> Score:
    """Sở Nội vụ accepts a submission; the agency can no longer change it."""
    period, score = lock_score(score_id)
    score = _transition(score, ScoreState.ACCEPTED, actor=actor, version=version, comment=(comment or "").strip())
    from scorecards.services.notifications import notify_accepted

    transaction.on_commit(lambda: notify_accepted(score))
    return score


@transaction.atomic
def appraise_score(score_id: int, *, actor, round: int, points, reason: str, version) -> Score:
    """Sở Nội vụ enters the Ministry's appraisal, round 1 or round 2 (after explanation)."""
    period, score = lock_score(score_id)
    require(actor, score, Right.APPRAISE)
    field = "appraised_points" if int(round) == 1 else "appraised_points_round2"
    apply_score_changes(period, [ScoreChange(score.pk, {field: points, "appraisal_reason": reason}, version)], actor=actor,
                        right=Right.APPRAISE, audit_extra={"round": int(round)})
    return _reload(score.pk)


@transaction.atomic
def explain_score(score_id: int, *, actor, text: str, version) -> Score:
    """The lead agency files its explanation (giải trình) of a criterion that lost points."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Cần nhập nội dung giải trình."))
    period, score = lock_score(score_id)
    require(actor, score, Right.EXPLAIN)
    apply_score_changes(period, [ScoreChange(score.pk, {"appeal_explanation": text}, version)], actor=actor,
                        right=Right.EXPLAIN, audit_extra={"appraised_points": fmt_points(score.appraised_points)})
    return _reload(score.pk)


@transaction.atomic
def grant_exception(period_id: int, agency, *, actor, until: datetime, reason: str) -> AgencyException:
    """Sở Nội vụ lets one agency write after the deadline until `until`."""
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được cho phép ngoại lệ."))
    period = lock_period(period_id)
    period.ensure_writable()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do cho phép ngoại lệ."))
    if until <= timezone.now():
        raise ValidationError(_("Thời hạn ngoại lệ phải sau thời điểm hiện tại."))
    exception = AgencyException.objects.create(period=period, agency=agency, until=until, reason=reason, granted_by=actor)
    AuditEvent.log(AuditAction.PERIOD_EXCEPTION_GRANTED, actor=actor, period=period, agency=agency,
                   until=until.isoformat(), reason=reason)
    return exception


@transaction.atomic
def change_period_status(period_id: int, to_status: str, *, actor, reason: str = "",
                         from_status: str | None = None) -> EvaluationPeriod:
    """Move a period one step along policy.PERIOD_TRANSITIONS (e.g. lock self-assessment:
    "chốt điểm"; publish; close); audited with the reason.

    Raises PermissionDenied unless the actor is Sở Nội vụ; ValidationError when the table
    has no such step from the current status, when a step back has no reason, or when
    `from_status` (the status the page showed) is no longer the period's.
    Opening self-assessment creates the missing score rows.
    """
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được chuyển giai đoạn."))
    period = lock_period(period_id)
    if period.round_id:
        raise ValidationError(_("Phiếu đánh giá thuộc đợt đánh giá của tỉnh: chuyển giai đoạn cho cả đợt."))
    if from_status and from_status != period.status:
        # The page was opened before someone else moved the period: its button is stale.
        raise ValidationError(_("Kỳ đánh giá năm %(year)s vừa được chuyển sang “%(status)s”; tải lại trang trước khi "
                                "chuyển tiếp.") % {"year": period.year, "status": period.get_status_display()})
    step = PERIOD_TRANSITIONS.get(period.status, {}).get(to_status)
    if step is None:
        label = PeriodStatus(to_status).label if to_status in PeriodStatus.values else to_status
        raise ValidationError(_("Không thể chuyển kỳ đánh giá từ “%(from)s” sang “%(to)s”.") % {
            "from": period.get_status_display(), "to": label})
    reason = (reason or "").strip()
    if step.backward and not reason:
        raise ValidationError(_("Đưa kỳ đánh giá về “%(to)s” cần ghi lý do.") % {"to": PeriodStatus(to_status).label})
    old = period.status
    period.status = to_status
    period.save(update_fields=["status"])
    if to_status == PeriodStatus.SELF_ASSESSMENT:
        from scorecards.services.periods import ensure_scores

        ensure_scores(period)
    AuditEvent.log(step.action, actor=actor, period=period, status=[old, to_status], reason=reason)
    return period
