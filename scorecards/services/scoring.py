"""Writing points: one change or a whole scorecard, all or nothing, audited: the one door.

Every path that changes points or their texts (the admin grid and change form, the
criterion page, imports, the SIPAS conversion) goes through `apply_score_changes`, which
checks in one place: the actor's right on each locked score (`policy.capabilities`), the
period's status for that right (`policy.RIGHT_STATUSES`), the version the editor saw, the
model's rules (`Score.clean`), and writes the audit events in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, Right
from scorecards.models import AuditEvent, EvaluationPeriod, Score
from scorecards.permissions import can_manage
from scorecards.policy import RIGHT_STATUSES, can_appraise, capabilities, round2_open

# Which audit action a changed field belongs to.
FIELD_ACTIONS = {
    "self_points": AuditAction.SCORE_SELF_ASSESSED,
    "explanation": AuditAction.SCORE_SELF_ASSESSED,
    "appraised_points": AuditAction.SCORE_APPRAISED,
    "appraised_points_round2": AuditAction.SCORE_APPRAISED,
    "appraisal_reason": AuditAction.SCORE_APPRAISED,
    "appeal_explanation": AuditAction.SCORE_EXPLAINED,
    "not_applicable": AuditAction.SCORE_NOT_APPLICABLE,
    "explanation_requested": AuditAction.SCORE_EXPLANATION_REQUESTED,
}
EDITABLE_FIELDS = tuple(FIELD_ACTIONS)
# The fields each right may write.
RIGHT_FIELDS = {
    Right.SELF_ASSESS: frozenset({"self_points", "explanation"}),
    Right.EXPLAIN: frozenset({"appeal_explanation"}),
    Right.APPRAISE: frozenset({"appraised_points", "appraised_points_round2", "appraisal_reason", "explanation_requested"}),
    Right.ADMINISTER: frozenset(EDITABLE_FIELDS),
}
# Rights whose holder is a role (Sở Nội vụ), not the score's own agency.
MANAGER_RIGHTS = frozenset({Right.APPRAISE, Right.ADMINISTER})


@dataclass
class ScoreChange:
    """New values for one score; `version` is the version the editor started from
    (None: the caller holds no stale copy, e.g. a conversion computed on the locked row)."""

    score_id: int
    values: dict
    version: int | None = None


@dataclass
class ChangeResult:
    changed: list[Score] = field(default_factory=list)
    unchanged: int = 0


def _as_json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _who(user) -> str:
    if user is None:
        return _("người khác")
    return user.get_full_name() or user.username


def last_save(score) -> dict:
    """{"code", "who", "when"} of the last save of `score`, for the sentences that say it."""
    return {"code": score.criterion.code, "who": _who(score.updated_by),
            "when": timezone.localtime(score.updated_at).strftime("%H:%M %d/%m/%Y")}


def stale_message(score) -> str:
    """The sentence shown when someone saved `score` after the editor loaded it."""
    return _(
        "Tiêu chí %(code)s vừa được %(who)s sửa lúc %(when)s; tải lại trang để xem bản mới rồi nhập lại."
    ) % last_save(score)


def lock_period(period_id: int) -> EvaluationPeriod:
    """Lock the period row first: every write of a period is serialised with its status
    changes (publishing cannot slip between our check and our write), and two writers
    always lock period then scores, so they cannot deadlock."""
    return EvaluationPeriod.objects.select_for_update().select_related("subject", "framework").get(pk=period_id)


def check_period_right(period: EvaluationPeriod, actor, right: str) -> None:
    """Raise unless the period's status lets `right` apply (and, for Sở Nội vụ's rights,
    unless the actor is Sở Nội vụ): PermissionDenied for the role, ValidationError for the state."""
    if right == Right.APPRAISE and not can_appraise(actor, period):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ và thành viên, thẩm định viên của Hội đồng thẩm định (không thẩm "
                                 "định đơn vị mình) mới được nhập điểm thẩm định."))
    if right == Right.ADMINISTER and not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được nhập, sửa điểm tại đây."))
    period.ensure_writable()
    if period.status not in RIGHT_STATUSES[right]:
        raise ValidationError(_("Kỳ đánh giá năm %(year)s đang ở giai đoạn “%(status)s”: không thể %(what)s.") % {
            "year": period.year, "status": period.get_status_display(), "what": str(Right(right).label).lower()})


def _lock_scores(period, ids: list[int]) -> dict[int, Score]:
    """The period's scores of `ids`, locked (select_for_update), with `criterion.is_leaf` set."""
    locked, leaf_ids = {}, set()
    for start in range(0, len(ids), 5000):  # stays under SQLite's bound-parameter limit
        chunk = ids[start:start + 5000]
        for score in (Score.objects.select_for_update(of=("self",)).filter(pk__in=chunk, period=period)
                      .select_related("criterion", "updated_by")):
            locked[score.pk] = score
        leaf_ids.update(Score.objects.filter(pk__in=chunk, criterion__children__isnull=True).values_list("pk", flat=True))
    for score in locked.values():
        score.criterion.is_leaf = score.pk in leaf_ids
        score.period = period
    return locked


def _prepare(score, change: ScoreChange, *, actor, right: str) -> dict | None:
    """Check one change on its locked score and set the new values on it.

    Returns {field: (old, new)} for what changes (None when nothing does); raises
    ValidationError (stale version, window shut, rule broken) or PermissionDenied.
    """
    if change.version is not None and int(change.version) != score.version:
        raise ValidationError(stale_message(score))
    if right not in MANAGER_RIGHTS:
        caps = capabilities(actor, score)
        if not caps.allows(right):
            if not caps.responsible:
                raise PermissionDenied(caps.refusal(right))
            raise ValidationError(caps.refusal(right))
    diff = {name: (getattr(score, name), new) for name, new in change.values.items() if getattr(score, name) != new}
    if not diff:
        return None
    for name, (_old, new) in diff.items():
        setattr(score, name, new)
    try:
        # Points are checked by Score.clean alone, whose messages name the criterion and its
        # maximum (the field validators would add Django's generic "3 decimal places" beside it).
        score.full_clean(exclude=["period", "criterion", "updated_by", "responsible_agency", *Score.POINT_FIELDS],
                         validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError([m for messages in exc.message_dict.values() for m in messages]) from None
    score.version += 1
    score.updated_by = actor
    return diff


def _write_changed(scores: list[Score], actor) -> None:
    """Write the changed rows and their history rows in bulk: one UPDATE and one INSERT
    per batch, whatever the number of rows (an appraisal file of 200 units × 20 criteria
    was 9 000 round trips one by one). The history names the actor as author."""
    if not scores:
        return
    now = timezone.now()
    fields = {"version", "updated_by", "updated_at"}
    for score in scores:
        score.updated_at = now  # bulk_update does not apply auto_now
        score._history_user = actor  # django-simple-history's author, in a request or not
        fields.update(score._audit_diff)
    Score.objects.bulk_update(scores, sorted(fields), batch_size=500)
    Score.history.bulk_history_create(scores, update=True, default_user=actor, default_date=now, batch_size=1000)


@transaction.atomic
def apply_score_changes(period: EvaluationPeriod, changes: list[ScoreChange], *, actor, right: str = Right.ADMINISTER,
                        audit_extra: dict | None = None) -> ChangeResult:
    """Apply many score changes atomically as `actor` exercising `right` (a choices.Right).

    Shapes: `changes` lists ScoreChange(score_id, {field: value}, version); values are
    Decimal points (three places at most, 0 ≤ points ≤ the criterion's maximum) or text.
    Raises PermissionDenied when the actor does not hold `right` (or a field is outside
    it), ValidationError listing every refused row otherwise (closed/published period,
    stale version, window shut, rule broken); nothing is written unless every row passes.
    Rows are locked with select_for_update so that two editors saving at once are
    serialised, and the version check then refuses the later one instead of silently
    overwriting the first.
    """
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Cần đăng nhập để thay đổi điểm."))
    allowed_fields = RIGHT_FIELDS[right]
    for change in changes:
        outside = set(change.values) - allowed_fields
        if outside:
            raise PermissionDenied(_("Không được sửa %(fields)s bằng quyền “%(right)s”.") % {
                "fields": ", ".join(sorted(outside)), "right": Right(right).label})
    period = lock_period(period.pk)
    check_period_right(period, actor, right)
    if right == Right.APPRAISE and any(c.values.get("appraised_points_round2") is not None for c in changes) \
            and not round2_open(period):
        raise ValidationError(_("Điểm thẩm định vòng 2 chỉ ghi sau khi mở vòng giải trình (đơn vị giải trình trước)."))
    locked = _lock_scores(period, [c.score_id for c in changes])
    errors: list[str] = []
    result = ChangeResult()
    for change in changes:
        score = locked.get(change.score_id)
        if score is None:
            errors.append(_("Không tìm thấy điểm #%(id)s trong kỳ đánh giá này.") % {"id": change.score_id})
            continue
        try:
            diff = _prepare(score, change, actor=actor, right=right)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if diff is None:
            result.unchanged += 1
        else:
            score._audit_diff = diff
            result.changed.append(score)
    if errors:
        raise ValidationError(errors)
    events = []
    _write_changed(result.changed, actor)
    for score in result.changed:
        actions: dict[str, dict] = {}
        for name, (old, new) in score._audit_diff.items():
            actions.setdefault(FIELD_ACTIONS[name], {})[name] = [_as_json(old), _as_json(new)]
        for action, values in actions.items():
            events.append(AuditEvent.build(action, actor=actor, score=score, agency_id=score.responsible_agency_id,
                                           code=score.criterion.code, changes=values, **(audit_extra or {})))
    # One INSERT for the file's events (an import of 10 000 scores saved 10 000 round trips).
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return result
