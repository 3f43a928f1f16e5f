"""The review workflow of a score: self-assessment, submit, return, accept, explanation.

Who may move a score from one state to another is data (TRANSITIONS), read by one
function (`check_transition`). When an agency may write at all is decided by one function
(`write_refusal`): the period's status, its deadlines and Sở Nội vụ's exceptions.

Every step takes the acting user, runs in one transaction, locks the period row and then
the score row (always in that order, as apply_score_changes does, so two steps can never
deadlock), checks the rules on the locked rows, and writes its AuditEvent in the same
transaction. Mails are sent only after the commit.
"""
from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.formatting import fmt_points
from scorecards.models import AgencyException, Assignment, AuditEvent, EvaluationPeriod, PeriodStatus, Score, ScoreState
from scorecards.permissions import can_manage, is_agency_staff
from scorecards.services.scoring import ScoreChange, apply_score_changes

# Roles in a transition.
LEAD_AGENCY = "lead_agency"
HOME_AFFAIRS = "home_affairs"

# {from_state: {to_state: role}}: the whole review workflow.
TRANSITIONS = {
    ScoreState.DRAFT: {ScoreState.SUBMITTED: LEAD_AGENCY},
    ScoreState.RETURNED: {ScoreState.SUBMITTED: LEAD_AGENCY},
    ScoreState.SUBMITTED: {ScoreState.ACCEPTED: HOME_AFFAIRS, ScoreState.RETURNED: HOME_AFFAIRS},
    # Sở Nội vụ may reopen an accepted score (with a comment) until the review closes.
    ScoreState.ACCEPTED: {ScoreState.RETURNED: HOME_AFFAIRS},
}
TRANSITION_ACTIONS = {
    ScoreState.SUBMITTED: "score.submitted",
    ScoreState.RETURNED: "score.returned",
    ScoreState.ACCEPTED: "score.accepted",
}
# States in which the lead agency may still change its points, explanation and evidence.
EDITABLE_STATES = {ScoreState.DRAFT, ScoreState.RETURNED}
# Periods in which Sở Nội vụ reviews submissions (the review meeting follows the deadline).
REVIEW_STATUSES = {PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL}
# Periods in which Sở Nội vụ enters the Ministry's appraisal.
APPRAISAL_STATUSES = {PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION, PeriodStatus.PUBLISHED}

# Kinds of agency writes, each with its own window.
SELF_ASSESSMENT = "self_assessment"
EXPLANATION = "explanation"
WINDOWS = {
    # kind: (statuses open without exception, statuses open with an exception, deadline field)
    SELF_ASSESSMENT: ({PeriodStatus.SELF_ASSESSMENT}, {PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL}, "self_assessment_deadline"),
    EXPLANATION: ({PeriodStatus.EXPLANATION}, {PeriodStatus.EXPLANATION}, "explanation_deadline"),
}


def _who(user) -> str:
    if user is None:
        return _("người khác")
    return user.get_full_name() or user.username


def active_exception(period, agency_id, now: datetime | None = None):
    """The exception Sở Nội vụ granted this agency in this period that is still running."""
    if not agency_id:
        return None
    now = now or timezone.now()
    return AgencyException.objects.filter(period=period, agency_id=agency_id, until__gte=now).order_by("-until").first()


def write_refusal(period: EvaluationPeriod, agency_id, kind: str = SELF_ASSESSMENT, *, now: datetime | None = None,
                  exception=...) -> str | None:
    """Why an agency may not write now (a Vietnamese sentence), or None when it may.

    A closed period refuses everything, exceptions included. Otherwise the period must be
    in the status of that kind of write and before its deadline, unless Sở Nội vụ granted
    the agency an exception that is still running (which also reopens self-assessment
    once the period has moved on to appraisal).
    """
    now = now or timezone.now()
    if period.is_closed:
        return _("Kỳ đánh giá năm %(year)s đã đóng: không thể thay đổi dữ liệu.") % {"year": period.year}
    open_statuses, exception_statuses, deadline_field = WINDOWS[kind]
    deadline = getattr(period, deadline_field)
    in_time = period.status in open_statuses and (deadline is None or now <= deadline)
    if in_time:
        return None
    if exception is ...:
        exception = active_exception(period, agency_id, now)
    if exception is not None and period.status in exception_statuses:
        return None
    if period.status not in open_statuses:
        if kind == EXPLANATION:
            return _("Kỳ đánh giá năm %(year)s không ở vòng giải trình (%(status)s).") % {
                "year": period.year, "status": period.get_status_display().lower()}
        return _("Kỳ đánh giá năm %(year)s không còn ở giai đoạn tự đánh giá (%(status)s).") % {
            "year": period.year, "status": period.get_status_display().lower()}
    return _("Đã quá hạn %(when)s; cần Sở Nội vụ cho phép ngoại lệ để tiếp tục.") % {
        "when": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}


def is_lead(user, score) -> bool:
    """Whether the user is staff of the agency leading the score's criterion."""
    return bool(is_agency_staff(user) and Score.objects.filter(pk=score.pk).led_by(user.agency_id).exists())


def lost_points(score) -> bool:
    """Criteria concerned by the explanation round: appraised (round 1) below the maximum."""
    return score.appraised_points is not None and score.appraised_points < score.criterion.max_points


def lock_score(score_id: int) -> tuple[EvaluationPeriod, Score]:
    """Lock the period row, then the score row, inside the caller's transaction.

    Locking the period first serialises every write of a period with a status change of
    that period (closing it cannot slip between our check and our write).
    """
    period_id = Score.objects.filter(pk=score_id).values_list("period_id", flat=True).first()
    if period_id is None:
        raise ValidationError(_("Không tìm thấy điểm #%(id)s.") % {"id": score_id})
    period = EvaluationPeriod.objects.select_for_update().get(pk=period_id)
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    score = Score.objects.select_for_update(of=("self",)).select_related("criterion", "updated_by").get(pk=score_id)
    score.period = period
    score.lead_agency = lead_agency_of(score)
    return period, score


def lead_agency_of(score):
    """The agency leading the score's criterion in its period (None if unassigned)."""
    assignment = (Assignment.objects.filter(period_id=score.period_id, criterion_id=score.criterion_id)
                  .select_related("lead_agency").first())
    return assignment.lead_agency if assignment else None


def _check_version(score, version):
    if version is not None and int(version) != score.version:
        raise ValidationError(_(
            "Tiêu chí %(code)s vừa được %(who)s thay đổi lúc %(when)s; tải lại trang để xem bản mới."
        ) % {"code": score.criterion.code, "who": _who(score.updated_by),
             "when": timezone.localtime(score.updated_at).strftime("%H:%M %d/%m/%Y")})


def ensure_agency_may_write(user, score, kind: str = SELF_ASSESSMENT) -> None:
    """Raise unless the user's agency leads the criterion and its window is open.

    Self-assessment writes also need the score in draft or returned; explanation writes
    need a criterion that lost points on appraisal.
    """
    if not is_lead(user, score):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị chủ trì tiêu chí mới được thay đổi."))
    refusal = write_refusal(score.period, user.agency_id, kind)
    if refusal:
        raise ValidationError(refusal)
    if kind == SELF_ASSESSMENT and score.state not in EDITABLE_STATES:
        raise ValidationError(_("Tiêu chí %(code)s đang ở trạng thái “%(state)s”: không sửa được.") % {
            "code": score.criterion.code, "state": score.get_state_display()})
    if kind == EXPLANATION and not lost_points(score):
        raise ValidationError(_("Tiêu chí %(code)s không bị trừ điểm khi thẩm định: không cần giải trình.") % {
            "code": score.criterion.code})


def check_transition(user, score, to_state: str) -> None:
    """The one check of the transition table: raise unless `user` may move `score` to `to_state`."""
    allowed = TRANSITIONS.get(score.state, {})
    if to_state not in allowed:
        raise ValidationError(_("Không thể chuyển tiêu chí %(code)s từ “%(from)s” sang “%(to)s”.") % {
            "code": score.criterion.code, "from": score.get_state_display(), "to": ScoreState(to_state).label})
    role = allowed[to_state]
    if role == LEAD_AGENCY:
        ensure_agency_may_write(user, score, SELF_ASSESSMENT)
    elif role == HOME_AFFAIRS:
        if not can_manage(user):
            raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được duyệt."))
        score.period.ensure_writable()
        if score.period.status not in REVIEW_STATUSES:
            raise ValidationError(_("Kỳ đánh giá năm %(year)s không ở giai đoạn tự đánh giá hoặc thẩm định.") % {
                "year": score.period.year})


def allowed_transitions(user, score) -> list[str]:
    """The states `user` may move `score` to now (for the buttons on the criterion page)."""
    out = []
    for to_state in TRANSITIONS.get(score.state, {}):
        try:
            check_transition(user, score, to_state)
        except (ValidationError, PermissionDenied):
            continue
        out.append(to_state)
    return out


def _transition(score, to_state: str, *, actor, version, comment: str = "") -> Score:
    """Move a score locked by lock_score to `to_state`, after the table and version checks."""
    check_transition(actor, score, to_state)
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
    score.save()
    AuditEvent.log(
        TRANSITION_ACTIONS[to_state], actor=actor, score=score, agency=score.lead_agency,
        code=score.criterion.code, state=[old_state, to_state], comment=comment,
        self_points=None if score.self_points is None else str(score.self_points),
    )
    return score


@transaction.atomic
def save_self_assessment(score_id: int, *, actor, self_points, explanation: str, version) -> Score:
    """The lead agency enters its points and explanation (versions checked, audited)."""
    period, score = lock_score(score_id)
    ensure_agency_may_write(actor, score, SELF_ASSESSMENT)
    apply_score_changes(period, [ScoreChange(score.pk, {"self_points": self_points, "explanation": explanation}, version)],
                        actor=actor, audit_extra={"agency": score.lead_agency})
    return Score.objects.select_related("criterion", "period", "updated_by").get(pk=score.pk)


@transaction.atomic
def submit_score(score_id: int, *, actor, version=None) -> Score:
    """The lead agency sends its self-assessment to Sở Nội vụ (points and explanation required)."""
    period, score = lock_score(score_id)
    check_transition(actor, score, ScoreState.SUBMITTED)
    if score.self_points is None or not score.explanation.strip():
        raise ValidationError(_("Cần nhập điểm tự đánh giá và giải trình cách tính điểm trước khi gửi."))
    score = _transition(score, ScoreState.SUBMITTED, actor=actor, version=version)
    from scorecards.services.notifications import notify_submitted

    transaction.on_commit(lambda: notify_submitted(score))
    return score


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
    return _transition(score, ScoreState.ACCEPTED, actor=actor, version=version, comment=(comment or "").strip())


@transaction.atomic
def appraise_score(score_id: int, *, actor, round: int, points, reason: str, version) -> Score:
    """Sở Nội vụ enters the Ministry's appraisal, round 1 or round 2 (after explanation)."""
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được nhập điểm thẩm định."))
    period, score = lock_score(score_id)
    if period.status not in APPRAISAL_STATUSES:
        period.ensure_writable()
        raise ValidationError(_("Kỳ đánh giá năm %(year)s chưa đến giai đoạn thẩm định.") % {"year": period.year})
    field = "appraised_points" if int(round) == 1 else "appraised_points_round2"
    apply_score_changes(period, [ScoreChange(score.pk, {field: points, "appraisal_reason": reason}, version)], actor=actor,
                        audit_extra={"round": int(round), "agency": score.lead_agency})
    return Score.objects.select_related("criterion", "period", "updated_by").get(pk=score.pk)


@transaction.atomic
def explain_score(score_id: int, *, actor, text: str, version) -> Score:
    """The lead agency files its explanation (giải trình) of a criterion that lost points."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Cần nhập nội dung giải trình."))
    period, score = lock_score(score_id)
    ensure_agency_may_write(actor, score, EXPLANATION)
    _check_version(score, version)
    old = score.appeal_explanation
    if old == text:
        return score
    score.appeal_explanation = text
    score.version += 1
    score.updated_by = actor
    score.save()
    AuditEvent.log("score.explained", actor=actor, score=score, agency=score.lead_agency, code=score.criterion.code,
                   changes={"appeal_explanation": [old, text]},
                   appraised_points=fmt_points(score.appraised_points))
    return score


@transaction.atomic
def grant_exception(period_id: int, agency, *, actor, until: datetime, reason: str) -> AgencyException:
    """Sở Nội vụ lets one agency write after the deadline until `until`."""
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được cho phép ngoại lệ."))
    period = EvaluationPeriod.objects.select_for_update().get(pk=period_id)
    period.ensure_writable()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do cho phép ngoại lệ."))
    if until <= timezone.now():
        raise ValidationError(_("Thời hạn ngoại lệ phải sau thời điểm hiện tại."))
    exception = AgencyException.objects.create(period=period, agency=agency, until=until, reason=reason, granted_by=actor)
    AuditEvent.log("period.exception_granted", actor=actor, period=period, agency=agency,
                   until=until.isoformat(), reason=reason)
    return exception


# Status changes Sở Nội vụ makes from the progress board: {from: {to: audit action}}.
PERIOD_TRANSITIONS = {
    PeriodStatus.SELF_ASSESSMENT: {PeriodStatus.APPRAISAL: "period.locked"},
    PeriodStatus.APPRAISAL: {PeriodStatus.EXPLANATION: "period.explanation_opened"},
    PeriodStatus.EXPLANATION: {PeriodStatus.APPRAISAL: "period.explanation_closed"},
}


@transaction.atomic
def change_period_status(period_id: int, to_status: str, *, actor) -> EvaluationPeriod:
    """Move a period on (e.g. lock self-assessment: "chốt điểm"); audited."""
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được chuyển giai đoạn."))
    period = EvaluationPeriod.objects.select_for_update().get(pk=period_id)
    period.ensure_writable()
    action = PERIOD_TRANSITIONS.get(period.status, {}).get(to_status)
    if action is None:
        raise ValidationError(_("Không thể chuyển kỳ đánh giá từ “%(from)s” sang “%(to)s” tại đây.") % {
            "from": period.get_status_display(), "to": PeriodStatus(to_status).label})
    old = period.status
    period.status = to_status
    period.save(update_fields=["status"])
    AuditEvent.log(action, actor=actor, period=period, status=[old, to_status])
    return period
