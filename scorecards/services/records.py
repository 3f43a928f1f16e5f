"""Writes of every other record (reference data, set-up, published figures): the one door.

Scores have their own door (services.scoring); everything else that the admin, its list
edits, inlines and actions, or an import writes goes through `save_record` and
`delete_record`, which check in one place: the actor is Sở Nội vụ, the row does not
belong to a published or closed period (`frozen_refusal`), the row is still the one the
user saw (`fingerprint`), and write a `record.*` audit event in the same transaction.
"""
from __future__ import annotations

import functools
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from scorecards.choices import FROZEN_STATUSES, AuditAction, PeriodStatus
from scorecards.permissions import can_manage


def fingerprint(obj) -> str:
    """A short hash of a row's stored values: the version an editor saw (optimistic lock).

    Works for any model without a version column; a Score's own `version` is part of it.
    """
    values = {f.attname: f.value_to_string(obj) for f in obj._meta.concrete_fields}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:20]


@functools.cache
def _frozen_by():
    """{model: (function obj -> Q over EvaluationPeriod, statuses that freeze it)}.

    What each kind of row depends on: a row is read-only while any period it feeds is in
    one of the statuses. The report record is written after the results are published
    (report 661 followed the Ministry's decision by two weeks), so only closing freezes it.
    """
    from reports.models import ReportRecord
    from scorecards import models as m

    by_period = (lambda o: Q(pk=o.period_id), FROZEN_STATUSES)
    return {
        m.EvaluationPeriod: (lambda o: Q(pk=o.pk), FROZEN_STATUSES),
        m.Score: by_period,
        m.Assignment: by_period,
        m.AgencyException: by_period,
        m.SipasValue: by_period,
        m.SipasExpectation: by_period,
        ReportRecord: (lambda o: Q(pk=o.period_id), frozenset({PeriodStatus.CLOSED})),
        m.EvidenceDocument: (lambda o: Q(scores=o.score_id), FROZEN_STATUSES),
        # A province's own round: its set-up is final once its scorecards are published.
        m.Round: (lambda o: Q(round_id=o.pk) if o.pk else Q(pk__in=[]), FROZEN_STATUSES),
        m.SubjectGroup: (lambda o: Q(round_id=o.round_id), FROZEN_STATUSES),
        m.GradeBand: (lambda o: Q(group_id=o.group_id), FROZEN_STATUSES),
        m.CouncilMember: (lambda o: Q(round_id=o.round_id), FROZEN_STATUSES),
        m.Adjustment: by_period,
        m.Criterion: (lambda o: Q(framework_id=o.framework_id), FROZEN_STATUSES),
        m.Framework: (lambda o: Q(framework_id=o.pk), FROZEN_STATUSES),
        # Published results of a year, and of every earlier year (the report's history
        # series), are final once a province's period of that year is published.
        # Only the periods of the province and of a province merged from it (its baseline):
        # another province's results stay writable.
        m.NationalResult: (lambda o: Q(year__gte=o.year, subject__kind=m.Agency.Kind.PROVINCE)
                           & (Q(subject__province_id=o.province_id) | Q(subject__province__predecessors=o.province_id)),
                           FROZEN_STATUSES),
        # A questionnaire used by a published or closed period is final, with its sections,
        # groups and indicators (and any indicator that holds such a period's values).
        m.SipasQuestionnaire: (lambda o: _uses_questionnaire(o.pk), FROZEN_STATUSES),
        m.SipasSection: (lambda o: _uses_questionnaire(o.questionnaire_id), FROZEN_STATUSES),
        m.SipasGroup: (lambda o: _uses_questionnaire(o.section.questionnaire_id if o.section_id else o.questionnaire_id),
                       FROZEN_STATUSES),
        m.SipasIndicator: (lambda o: _uses_questionnaire(o.group.questionnaire_id if o.group_id else o.questionnaire_id)
                           | (Q(sipas_values__indicator_id=o.pk) if o.pk else Q(pk__in=[])), FROZEN_STATUSES),
    }


def _uses_questionnaire(questionnaire_id) -> Q:
    """Periods surveyed with a questionnaire (none for a row not attached to one yet)."""
    return Q(sipas_questionnaire_id=questionnaire_id) if questionnaire_id else Q(pk__in=[])


def frozen_refusal(obj) -> str | None:
    """Why `obj` cannot be written or deleted now (a Vietnamese sentence), or None.

    One query for a row that depends on periods; none for agencies, provinces, users.
    """
    from scorecards.models import EvaluationPeriod

    rule = _frozen_by().get(type(obj))
    if rule is None:
        return None
    condition, statuses = rule
    if obj.pk is None and type(obj) in (EvaluationPeriod,):
        return None
    # The earliest such period: for a year's published results, that year's own period.
    period = EvaluationPeriod.objects.filter(condition(obj), status__in=statuses).order_by("year").first()
    return period.frozen_message() if period else None


def delete_refusal(obj) -> str | None:
    """Why `obj` cannot be deleted (frozen, or a kind of row that is never deleted), or None."""
    from reports.models import ReportRecord
    from scorecards.models import Agency, Assignment, EvaluationPeriod, Score

    if isinstance(obj, Agency) and (Assignment.objects.for_agency(obj.pk).exists() or obj.periods.exists()):
        return _("“%(agency)s” đã được phân công hoặc đánh giá: không xoá (các kỳ đã qua vẫn cần tên này); "
                 "bỏ chọn “Đang hoạt động” thay cho xoá.") % {"agency": obj}
    if isinstance(obj, ReportRecord) and obj.period.status in FROZEN_STATUSES:
        return obj.period.frozen_message()
    if isinstance(obj, Score) and obj.period.status != PeriodStatus.DRAFT:
        # (A draft period is deleted with its score rows.)
        return _("Dòng điểm gắn với tiêu chí của kỳ đánh giá: không xoá, chỉ sửa điểm.")
    if isinstance(obj, EvaluationPeriod) and obj.status != PeriodStatus.DRAFT:
        return _("Chỉ xoá được kỳ đánh giá ở trạng thái dự thảo; kỳ năm %(year)s đang “%(status)s”.") % {
            "year": obj.year, "status": obj.get_status_display()}
    return frozen_refusal(obj)


def stale_refusal(current, seen: str | None) -> str | None:
    """The sentence for an editor whose copy of `current` is older than the database's."""
    if not seen or fingerprint(current) == seen:
        return None
    return _("“%(obj)s” vừa được người khác thay đổi sau khi bạn mở trang; tải lại trang để xem bản mới rồi nhập lại.") % {
        "obj": current}


def _require_manager(actor):
    if actor is None or not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được thay đổi dữ liệu này."))


def _values(obj) -> dict:
    """The row's editable values as JSON-safe text (None stays None), by field name."""
    out = {}
    for f in obj._meta.concrete_fields:
        if not f.editable or f.name == "search_text":
            continue
        value = f.value_from_object(obj)
        out[f.name] = None if value is None else f.value_to_string(obj)
    return out


def _audit(action, obj, actor, **data):
    from scorecards.models import AuditEvent, EvaluationPeriod

    # The period the row belongs to, so that the log's period filter finds the change.
    period = obj if isinstance(obj, EvaluationPeriod) else (getattr(obj, "period", None) if getattr(obj, "period_id", None) else None)
    AuditEvent.log(action, actor=actor, period=period, model=obj._meta.label_lower, object_id=obj.pk,
                   object=str(obj)[:200], **data)


@transaction.atomic
def save_record(obj, *, actor, seen: str | None = None, m2m: dict | None = None) -> None:
    """Create or change `obj` (values already set on it) as `actor`; audited.

    `seen`: the fingerprint of the row when the editor opened it (None for new rows and
    for callers that hold no stale copy). `m2m`: {field name: iterable of objects} to set.
    Raises PermissionDenied (not Sở Nội vụ), ValidationError (frozen, stale, invalid).
    """
    _require_manager(actor)
    model = type(obj)
    current = model.objects.select_for_update().get(pk=obj.pk) if obj.pk else None
    for row in filter(None, (current, obj)):  # the row as it is, and as it would become
        refusal = frozen_refusal(row)
        if refusal:
            raise ValidationError(refusal)
    if current is not None:
        refusal = stale_refusal(current, seen)
        if refusal:
            raise ValidationError(refusal)
    obj.full_clean()
    clean_m2m = getattr(obj, "clean_m2m", None)
    if clean_m2m is not None:  # rules on many-to-many values (Criterion.predecessors)
        clean_m2m(dict(m2m or {}))
    before = _values(current) if current is not None else {}
    after = _values(obj)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    obj.save()
    for name, values in (m2m or {}).items():
        manager = getattr(obj, name)
        old = sorted(str(o) for o in manager.all())
        manager.set(values)
        new = sorted(str(o) for o in values)
        if old != new:
            changes[name] = [old, new]
    if current is None:
        _audit(AuditAction.RECORD_CREATED, obj, actor, changes=changes)
    elif changes:
        _audit(AuditAction.RECORD_CHANGED, obj, actor, changes=changes)


@transaction.atomic
def delete_record(obj, *, actor) -> None:
    """Delete `obj` as `actor`, keeping its values in the audit log.

    Raises PermissionDenied (not Sở Nội vụ), ValidationError (frozen, or never deleted).
    """
    _require_manager(actor)
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    refusal = delete_refusal(current)
    if refusal:
        raise ValidationError(refusal)
    values = _values(current)
    for field in current._meta.many_to_many:
        values[field.name] = sorted(str(o) for o in getattr(current, field.name).all())
    _audit(AuditAction.RECORD_DELETED, current, actor, values=values)
    current.delete()


@transaction.atomic
def set_ranked_count(year: int, count: int, *, actor) -> int:
    """Set the number of provinces ranked (e.g. 63 → 34) on every published result of `year`
    at once, audited per row; returns how many rows changed.

    One count per year is a rule of NationalResult.clean, so a row-by-row edit can never
    correct a year that was entered with the wrong count: this is the one step that can.
    Raises PermissionDenied (not Sở Nội vụ), ValidationError (a year frozen by a published
    or closed period, a count below 1, a rank above the new count).
    """
    from scorecards.models import NationalResult

    _require_manager(actor)
    if count < 1:
        raise ValidationError(_("Số địa phương được xếp hạng phải từ 1 trở lên."))
    rows = list(NationalResult.objects.select_for_update().filter(year=year).select_related("province").order_by("pk"))
    if not rows:
        raise ValidationError(_("Năm %(year)s chưa có kết quả công bố nào.") % {"year": year})
    refusal = frozen_refusal(rows[0])
    if refusal:
        raise ValidationError(refusal)
    too_high = [f"{r.province} ({max(r.par_rank or 0, r.sipas_rank or 0)})" for r in rows
                if max(r.par_rank or 0, r.sipas_rank or 0) > count]
    if too_high:
        raise ValidationError(_("Thứ hạng lớn hơn %(count)s: %(list)s. Sửa thứ hạng trước.") % {
            "count": count, "list": ", ".join(too_high)})
    changed = [r for r in rows if r.ranked_count != count]
    for row in changed:
        _audit(AuditAction.RECORD_CHANGED, row, actor, changes={"ranked_count": [str(row.ranked_count), str(count)]})
    NationalResult.objects.filter(pk__in=[r.pk for r in changed]).update(ranked_count=count)
    return len(changed)
