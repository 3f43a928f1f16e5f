"""Who may do what, when: the tables of rights, windows and transitions, and `capabilities`.

Data first (pretix / NetBox style): which period statuses each right can apply in
(RIGHT_STATUSES), which score states each reviewer step moves between (SCORE_TRANSITIONS),
which period steps exist and which of them go back (PERIOD_TRANSITIONS). The services
(scorecards.services.*) check every write against these on locked rows; pages ask
`capabilities(user, score)` once to decide which buttons to show. The same tables generate
the permission matrix of the tests (tests/scorecards/test_write_matrix.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.choices import (
    APPRAISAL_STATUSES, FROZEN_STATUSES, REVIEW_STATUSES, SCORE_EDITABLE_STATES, AuditAction, PeriodStatus, Right,
    ScoreState,
)
from scorecards.permissions import can_manage, is_agency_staff, sees_everything

ALL_STATUSES = frozenset(PeriodStatus.values)

# The period statuses in which each right can apply at all (deadlines and exceptions
# narrow self-assessment and explanation further, per agency: `window_refusal`).
RIGHT_STATUSES = {
    Right.VIEW: ALL_STATUSES,
    # Self-assessment runs in its own step; after the lock ("chốt điểm") only an agency
    # with a running exception may still write, until appraisal starts being entered.
    Right.SELF_ASSESS: frozenset({PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL}),
    Right.EXPLAIN: frozenset({PeriodStatus.EXPLANATION}),
    Right.REVIEW: REVIEW_STATUSES,
    Right.APPRAISE: APPRAISAL_STATUSES,
    # Sở Nội vụ's data entry (grid, admin form, imports) corrects any field until the
    # period is published; a published period is changed only after stepping it back.
    Right.ADMINISTER: ALL_STATUSES - FROZEN_STATUSES,
}

# Agency writes, with the statuses open without an exception, with one, and the deadline.
WINDOWS = {
    Right.SELF_ASSESS: ({PeriodStatus.SELF_ASSESSMENT}, {PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL},
                        "self_assessment_deadline"),
    Right.EXPLAIN: ({PeriodStatus.EXPLANATION}, {PeriodStatus.EXPLANATION}, "explanation_deadline"),
}

# Review of one score: {from_state: {to_state: right}}.
SCORE_TRANSITIONS = {
    ScoreState.DRAFT: {ScoreState.SUBMITTED: Right.SELF_ASSESS},
    ScoreState.RETURNED: {ScoreState.SUBMITTED: Right.SELF_ASSESS},
    ScoreState.SUBMITTED: {ScoreState.ACCEPTED: Right.REVIEW, ScoreState.RETURNED: Right.REVIEW},
    # Sở Nội vụ may reopen an accepted score (with a comment) until the review closes.
    ScoreState.ACCEPTED: {ScoreState.RETURNED: Right.REVIEW},
}
SCORE_TRANSITION_ACTIONS = {
    ScoreState.SUBMITTED: AuditAction.SCORE_SUBMITTED,
    ScoreState.RETURNED: AuditAction.SCORE_RETURNED,
    ScoreState.ACCEPTED: AuditAction.SCORE_ACCEPTED,
}


@dataclass(frozen=True)
class PeriodStep:
    """One allowed move of a period: its audit action, and whether it goes back a step
    (a step back needs a reason, which the log keeps)."""

    action: str
    backward: bool = False


# The one table of period steps, for the progress board and the admin alike. Only Sở Nội
# vụ moves periods. Closed is final; published goes back only to appraisal, with a reason.
PERIOD_TRANSITIONS = {
    PeriodStatus.DRAFT: {PeriodStatus.SELF_ASSESSMENT: PeriodStep(AuditAction.PERIOD_OPENED)},
    PeriodStatus.SELF_ASSESSMENT: {
        PeriodStatus.APPRAISAL: PeriodStep(AuditAction.PERIOD_LOCKED),
        PeriodStatus.DRAFT: PeriodStep(AuditAction.PERIOD_REOPENED, backward=True),
    },
    PeriodStatus.APPRAISAL: {
        PeriodStatus.EXPLANATION: PeriodStep(AuditAction.PERIOD_EXPLANATION_OPENED),
        PeriodStatus.PUBLISHED: PeriodStep(AuditAction.PERIOD_PUBLISHED),
        PeriodStatus.SELF_ASSESSMENT: PeriodStep(AuditAction.PERIOD_REOPENED, backward=True),
    },
    PeriodStatus.EXPLANATION: {
        PeriodStatus.APPRAISAL: PeriodStep(AuditAction.PERIOD_EXPLANATION_CLOSED),
        PeriodStatus.PUBLISHED: PeriodStep(AuditAction.PERIOD_PUBLISHED),
    },
    PeriodStatus.PUBLISHED: {
        PeriodStatus.CLOSED: PeriodStep(AuditAction.PERIOD_CLOSED),
        PeriodStatus.APPRAISAL: PeriodStep(AuditAction.PERIOD_REOPENED, backward=True),
    },
    PeriodStatus.CLOSED: {},
}


def period_steps(user, period) -> dict[str, PeriodStep]:
    """The steps `user` may take with `period` now ({to_status: step}); empty for all but Sở Nội vụ."""
    if not can_manage(user):
        return {}
    return PERIOD_TRANSITIONS.get(period.status, {})


def active_exception(period, agency_id, now: datetime | None = None):
    """The exception Sở Nội vụ granted this agency in this period that is still running."""
    from scorecards.models import AgencyException

    if not agency_id:
        return None
    now = now or timezone.now()
    return AgencyException.objects.filter(period=period, agency_id=agency_id, until__gte=now).order_by("-until").first()


def window_refusal(period, agency_id, right: str = Right.SELF_ASSESS, *, now: datetime | None = None,
                   exception=...) -> str | None:
    """Why an agency may not write now (a Vietnamese sentence), or None when it may.

    A published or closed period refuses everything, exceptions included. Otherwise the
    period must be in the status of that kind of write and before its deadline, unless
    Sở Nội vụ granted the agency an exception that is still running (which also reopens
    self-assessment once the period has moved on to appraisal). `exception` may be passed
    when the caller already looked it up (one query less).
    """
    now = now or timezone.now()
    if period.is_frozen:
        return period.frozen_message()
    open_statuses, exception_statuses, deadline_field = WINDOWS[right]
    deadline = getattr(period, deadline_field)
    if period.status in open_statuses and (deadline is None or now <= deadline):
        return None
    if period.status in exception_statuses:
        if exception is ...:
            exception = active_exception(period, agency_id, now)
        if exception is not None:
            return None
    if period.status not in open_statuses:
        if right == Right.EXPLAIN:
            return _("Kỳ đánh giá năm %(year)s không ở vòng giải trình (%(status)s).") % {
                "year": period.year, "status": period.get_status_display().lower()}
        return _("Kỳ đánh giá năm %(year)s không còn ở giai đoạn tự đánh giá (%(status)s).") % {
            "year": period.year, "status": period.get_status_display().lower()}
    return _("Đã quá hạn %(when)s; cần Sở Nội vụ cho phép ngoại lệ để tiếp tục.") % {
        "when": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}


def lost_points(score) -> bool:
    """Criteria concerned by the explanation round: appraised (round 1) below the maximum."""
    return score.appraised_points is not None and score.appraised_points < score.criterion.max_points


def explanation_due(score) -> bool:
    """Criteria the subject may explain: in a province's own round, those the council
    flagged "yêu cầu giải trình"; in the national index, those that lost points."""
    if score.period.round_id:
        return score.explanation_requested
    return lost_points(score)


def round2_open(period) -> bool:
    """In a province's round, round 2 (the final points after the units' explanations) is
    entered once the explanation round has been opened: during it or after it. Outside
    rounds (the Ministry's figures typed in) there is no such order."""
    from scorecards.choices import PeriodStatus

    if not period.round_id or period.status == PeriodStatus.EXPLANATION:
        return True
    from scorecards.models import AuditEvent

    return AuditEvent.objects.filter(period_id=period.pk, action=AuditAction.PERIOD_EXPLANATION_OPENED).exists()


def council_seat(user, round_id):
    """The user's seat in a round's appraisal council (a CouncilMember) or None; cached on
    the user object for the request (one query per round)."""
    if not round_id or not user or not user.is_authenticated:
        return None
    cache = getattr(user, "_council_seats", None)
    if cache is None:
        cache = user._council_seats = {}
    if round_id not in cache:
        from scorecards.models import CouncilMember

        cache[round_id] = CouncilMember.objects.filter(round_id=round_id, user=user).first()
    return cache[round_id]


def can_appraise(user, period) -> bool:
    """Who enters appraisal points of a period (status aside): Sở Nội vụ always; in a
    province's own round, the council's members and appraisers (CouncilRole.appraising),
    never on their own unit's scorecard."""
    if can_manage(user):
        return True
    seat = council_seat(user, period.round_id)
    return bool(seat and seat.appraises and period.subject_id != user.agency_id)


def sees_round(user, round_id) -> bool:
    """Whether the user reads every scorecard of a round (its board, ranking, heat map):
    Sở Nội vụ, leaders and the round's council (any seat with an account). Unit staff see
    only their own unit's scorecard."""
    return sees_everything(user) or council_seat(user, round_id) is not None


def is_unit_staff(user, period) -> bool:
    """Whether the user works for the subject of a province's round scorecard: its staff,
    Sở Nội vụ's own officers included for Sở Nội vụ's scorecard (it is a unit like the others)."""
    return bool(period.round_id and user.is_authenticated and user.agency_id and user.agency_id == period.subject_id)


def is_responsible(user, score) -> bool:
    """Whether the user is staff of the agency answering for the score (its lead agency;
    in a province's round, the unit itself: `is_unit_staff`)."""
    if score.period.round_id:
        return is_unit_staff(user, score.period)
    return bool(is_agency_staff(user) and score.responsible_agency_id and score.responsible_agency_id == user.agency_id)


@dataclass(frozen=True)
class Capabilities:
    """What one user may do with one score now, asked once per page (healthchecks'
    `_get_check_for_user`). Each `*_refusal` is the sentence shown when the right is
    refused to someone who would otherwise hold it (None when allowed or not relevant)."""

    view: bool
    responsible: bool
    self_assess: bool
    self_assess_refusal: str | None
    explain: bool
    explain_refusal: str | None
    transitions: frozenset
    appraise: bool
    administer: bool

    @property
    def submit(self) -> bool:
        return ScoreState.SUBMITTED in self.transitions

    @property
    def accept(self) -> bool:
        return ScoreState.ACCEPTED in self.transitions

    @property
    def return_(self) -> bool:
        return ScoreState.RETURNED in self.transitions

    def allows(self, right: str) -> bool:
        return {Right.VIEW: self.view, Right.SELF_ASSESS: self.self_assess, Right.EXPLAIN: self.explain,
                Right.REVIEW: self.accept or self.return_, Right.APPRAISE: self.appraise,
                Right.ADMINISTER: self.administer}[right]

    def refusal(self, right: str) -> str:
        """The sentence that says why `right` is refused (for a PermissionDenied / ValidationError)."""
        if right == Right.SELF_ASSESS and self.self_assess_refusal:
            return self.self_assess_refusal
        if right == Right.EXPLAIN and self.explain_refusal:
            return self.explain_refusal
        if right in (Right.SELF_ASSESS, Right.EXPLAIN):
            return _("Chỉ cán bộ của đơn vị chủ trì tiêu chí mới được thay đổi.")
        return _("Bạn không có quyền thực hiện thao tác này với tiêu chí này ở giai đoạn hiện tại.")


def self_assess_refusal(score, agency_id, now, exception) -> str | None:
    refusal = window_refusal(score.period, agency_id, Right.SELF_ASSESS, now=now, exception=exception)
    if refusal:
        return refusal
    if score.period.self_locked_at:
        return _("Đơn vị đã chốt điểm tự đánh giá; rút lại (trước hạn) để sửa.")
    if score.not_applicable:
        return _("Tiêu chí %(code)s không áp dụng với đơn vị: không chấm điểm.") % {"code": score.criterion.code}
    if not score.criterion.is_self_assessed:
        return _("Tiêu chí %(code)s được chấm qua %(source)s: không có điểm tự đánh giá.") % {
            "code": score.criterion.code, "source": score.criterion.get_scoring_source_display().lower()}
    if score.state not in SCORE_EDITABLE_STATES:
        return _("Tiêu chí %(code)s đang ở trạng thái “%(state)s”: không sửa được.") % {
            "code": score.criterion.code, "state": score.get_state_display()}
    return None


def explain_refusal(score, agency_id, now, exception) -> str | None:
    refusal = window_refusal(score.period, agency_id, Right.EXPLAIN, now=now, exception=exception)
    if refusal:
        return refusal
    if not explanation_due(score):
        if score.period.round_id:
            return _("Hội đồng thẩm định không yêu cầu giải trình tiêu chí %(code)s.") % {"code": score.criterion.code}
        return _("Tiêu chí %(code)s không bị trừ điểm khi thẩm định: không cần giải trình.") % {"code": score.criterion.code}
    return None


def capabilities(user, score, *, now: datetime | None = None) -> Capabilities:
    """Everything `user` may do with `score` (period and criterion loaded) now.

    At most one query (the agency's running exception, only when its window is shut).
    """
    now = now or timezone.now()
    period = score.period
    responsible = is_responsible(user, score)
    manage = can_manage(user)
    view = sees_round(user, period.round_id) or responsible or bool(
        is_agency_staff(user) and score.__class__.objects.for_user(user).filter(pk=score.pk).exists())
    self_refusal = explain_no = None
    if responsible:
        exception = ...  # looked up at most once, shared by both windows
        if period.status in WINDOWS[Right.SELF_ASSESS][1] | WINDOWS[Right.EXPLAIN][1]:
            exception = active_exception(period, user.agency_id, now)
        self_refusal = self_assess_refusal(score, user.agency_id, now, exception)
        explain_no = explain_refusal(score, user.agency_id, now, exception)
    self_assess = responsible and self_refusal is None
    explain = responsible and explain_no is None
    transitions = set()
    # A province's round has no per-criterion review: the unit locks its whole scorecard
    # (services.selflock) and the council appraises it.
    review_steps = {} if period.round_id else SCORE_TRANSITIONS.get(score.state, {})
    for to_state, right in review_steps.items():
        if right == Right.SELF_ASSESS and self_assess:
            transitions.add(to_state)
        elif right == Right.REVIEW and manage and period.status in RIGHT_STATUSES[Right.REVIEW]:
            transitions.add(to_state)
    return Capabilities(
        view=view, responsible=responsible,
        self_assess=self_assess, self_assess_refusal=self_refusal if responsible else None,
        explain=explain, explain_refusal=explain_no if responsible else None,
        transitions=frozenset(transitions),
        appraise=can_appraise(user, period) and period.status in RIGHT_STATUSES[Right.APPRAISE],
        administer=manage and period.status in RIGHT_STATUSES[Right.ADMINISTER],
    )
