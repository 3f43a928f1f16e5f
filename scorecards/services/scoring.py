"""Writing points: one change or a whole scorecard, all or nothing, audited.

Every path that changes points (the admin scorecard, the agency workspace, imports) goes
through `apply_score_changes`, so the rules (model clean, closed periods, optimistic
version check) and the audit trail are the same whatever the door.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.models import AuditEvent, EvaluationPeriod, Score

# Which audit action a changed field belongs to.
FIELD_ACTIONS = {
    "self_points": "score.self_assessed",
    "explanation": "score.self_assessed",
    "appraised_points": "score.appraised",
    "appraised_points_round2": "score.appraised",
    "appraisal_reason": "score.appraised",
    "appeal_explanation": "score.explained",
}
EDITABLE_FIELDS = tuple(FIELD_ACTIONS)


@dataclass
class ScoreChange:
    """New values for one score; `version` is the version the editor started from."""

    score_id: int
    values: dict
    version: int | None = None


@dataclass
class ChangeResult:
    changed: list[Score] = field(default_factory=list)
    unchanged: int = 0


class StaleScoreError(ValidationError):
    """Someone saved the score after the editor loaded it."""


def _as_json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def apply_score_changes(period: EvaluationPeriod, changes: list[ScoreChange], *, actor, action_suffix: str = "", audit_extra: dict | None = None) -> ChangeResult:
    """Apply many score changes atomically; raise ValidationError listing every bad row.

    Rows are locked with select_for_update so that two editors saving at once are
    serialised, and the version check then refuses the later one instead of silently
    overwriting the first.
    """
    period = EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
    period.ensure_writable()
    ids = [c.score_id for c in changes]
    locked = {
        s.pk: s
        for s in Score.objects.select_for_update(of=("self",)).filter(pk__in=ids, period=period).select_related("criterion", "updated_by")
    }
    leaf_ids = set(
        Score.objects.filter(pk__in=ids, criterion__children__isnull=True).values_list("pk", flat=True)
    )
    errors: list[str] = []
    result = ChangeResult()
    for change in changes:
        score = locked.get(change.score_id)
        if score is None:
            errors.append(_("Không tìm thấy điểm #%(id)s trong kỳ đánh giá này.") % {"id": change.score_id})
            continue
        score.criterion.is_leaf = score.pk in leaf_ids
        score.period = period
        if change.version is not None and change.version != score.version:
            who = score.updated_by.get_full_name() or score.updated_by.username if score.updated_by else _("người khác")
            errors.append(_(
                "Tiêu chí %(code)s vừa được %(who)s sửa lúc %(when)s; tải lại trang để xem bản mới rồi nhập lại."
            ) % {"code": score.criterion.code, "who": who, "when": timezone.localtime(score.updated_at).strftime("%H:%M %d/%m/%Y")})
            continue
        old = {name: getattr(score, name) for name in change.values}
        diff = {name: (old[name], new) for name, new in change.values.items() if old[name] != new}
        if not diff:
            result.unchanged += 1
            continue
        for name, (_old, new) in diff.items():
            setattr(score, name, new)
        try:
            score.full_clean(exclude=["period", "criterion", "updated_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.extend(messages)
            continue
        score.version += 1
        score.updated_by = actor
        score._audit_diff = diff
        result.changed.append(score)
    if errors:
        raise ValidationError(errors)
    for score in result.changed:
        score.save()
        actions: dict[str, dict] = {}
        for name, (old, new) in score._audit_diff.items():
            actions.setdefault(FIELD_ACTIONS.get(name, "score.changed") + action_suffix, {})[name] = [_as_json(old), _as_json(new)]
        for action, values in actions.items():
            AuditEvent.log(action, actor=actor, score=score, code=score.criterion.code, changes=values, **(audit_extra or {}))
    return result
