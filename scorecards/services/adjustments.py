"""Bonus and penalty points of a subject (điểm thưởng, điểm trừ), outside the 100: the one door.

Who writes what, when:
- the unit's staff claim a bonus (content, claimed points, explanation, evidence) while
  their self-assessment window is open and not locked;
- the council's appraisers (policy.can_appraise) set the points that count and their
  reason on any bonus, and record penalties, during appraisal and the explanation round;
- Sở Nội vụ corrects any of it until publication.
Every save is version-checked (no save silently undoes a newer one) and audited with its
author; the caps of the group apply when totals are computed (services.ranking).
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scorecards.choices import AdjustmentKind, AuditAction, Right
from scorecards.formatting import fmt_points
from scorecards.models import Adjustment, AuditEvent
from scorecards.permissions import can_manage
from scorecards.policy import RIGHT_STATUSES, can_appraise, is_unit_staff, window_refusal
from scorecards.services.evidence import _delete_file_on_rollback, check_upload
from scorecards.services.scoring import lock_period

UNIT_FIELDS = frozenset({"kind", "content", "claimed_points", "explanation"})
APPRAISER_FIELDS = frozenset({"kind", "content", "points", "appraisal_reason"})


def writer_role(actor, period) -> str:
    """"manager", "appraiser" or "unit": which part of a bonus or penalty the actor may write
    now (pages ask it to offer the right fields). Raises PermissionDenied for anyone else,
    ValidationError when the actor's window is shut."""
    if can_manage(actor):
        period.ensure_writable()
        return "manager"
    if can_appraise(actor, period):
        period.ensure_writable()
        if period.status not in RIGHT_STATUSES[Right.APPRAISE]:
            raise ValidationError(_("Chỉ ghi điểm thưởng, điểm trừ khi thẩm định (giai đoạn thẩm định, giải trình)."))
        return "appraiser"
    if is_unit_staff(actor, period):
        refusal = window_refusal(period, actor.agency_id, Right.SELF_ASSESS)
        if refusal:
            raise ValidationError(refusal)
        if period.self_locked_at:
            raise ValidationError(_("Đơn vị đã chốt điểm tự đánh giá; rút lại (trước hạn) để sửa."))
        return "unit"
    raise PermissionDenied(_("Bạn không có quyền ghi điểm thưởng, điểm trừ của đơn vị này."))


def _allowed(role: str) -> frozenset:
    if role == "manager":
        return UNIT_FIELDS | APPRAISER_FIELDS
    return UNIT_FIELDS if role == "unit" else APPRAISER_FIELDS


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def save_adjustment(period_id: int, values: dict, *, actor, adjustment_id: int | None = None, version: int | None = None,
                    evidence=None) -> Adjustment:
    """Create (adjustment_id None) or change a bonus or penalty; returns the saved row.

    `values` holds any of kind ("bonus"/"penalty"), content, claimed_points, points
    (Decimal, ≥ 0, three places), explanation, appraisal_reason; `evidence` an optional
    UploadedFile. Raises PermissionDenied for a field outside the actor's part, for
    someone without a part; ValidationError for a shut window, a unit recording a
    penalty, a stale version, or broken rules (Adjustment.clean).
    """
    period = lock_period(period_id)
    role = writer_role(actor, period)
    outside = set(values) - _allowed(role)
    if outside:
        raise PermissionDenied(_("Không được ghi %(f)s ở phần việc này.") % {"f": ", ".join(sorted(outside))})
    if adjustment_id is None:
        adj = Adjustment(period=period, created_by=actor)
    else:
        adj = Adjustment.objects.select_for_update().filter(pk=adjustment_id, period=period).first()
        if adj is None:
            raise ValidationError(_("Không tìm thấy điểm thưởng, điểm trừ #%(id)s của phiếu này.") % {"id": adjustment_id})
        if version is not None and int(version) != adj.version:
            raise ValidationError(_("Nội dung “%(c)s” vừa được người khác sửa; tải lại trang rồi nhập lại.") % {"c": adj.content})
    kind = values.get("kind", adj.kind)
    if role == "unit" and kind != AdjustmentKind.BONUS:
        raise ValidationError(_("Đơn vị chỉ đề nghị điểm thưởng; điểm trừ do Hội đồng thẩm định ghi."))
    diff = {k: (getattr(adj, k), v) for k, v in values.items() if getattr(adj, k) != v}
    for k, (_old, new) in diff.items():
        setattr(adj, k, new)
    cap = period.group.bonus_cap if period.group_id else None
    if adj.kind == AdjustmentKind.BONUS and cap is not None and any(
            v is not None and v > cap for v in (adj.claimed_points, adj.points)):
        raise ValidationError(_("Điểm thưởng tối đa của nhóm là %(cap)s điểm: không ghi quá mức này.") % {
            "cap": fmt_points(cap)})
    checked = check_upload(evidence) if evidence is not None else None
    adj.full_clean(exclude=["period", "created_by", "updated_by", "evidence"])
    if not diff and checked is None and adj.pk:
        return adj
    adj.version += 1
    adj.updated_by = actor
    if checked is not None:
        adj.evidence.save(checked.name, evidence, save=False)
        adj.evidence_name = checked.name
    try:
        adj.save()
        AuditEvent.log(AuditAction.ADJUSTMENT_SAVED, actor=actor, period=period, agency_id=period.subject_id,
                       adjustment=adj.pk, kind=adj.kind, content=adj.content,
                       changes={k: [_json(o), _json(n)] for k, (o, n) in diff.items()},
                       evidence=checked.name if checked else None, sha256=checked.sha256 if checked else None)
    except Exception:
        if checked is not None:
            _delete_file_on_rollback(adj.evidence)()
        raise
    return adj


@transaction.atomic
def delete_adjustment(adjustment_id: int, *, actor) -> None:
    """Delete a bonus or penalty the actor may write now (the unit only its own unappraised
    claims); audited with its values."""
    period_id = Adjustment.objects.filter(pk=adjustment_id).values_list("period_id", flat=True).first()
    if period_id is None:
        raise ValidationError(_("Không tìm thấy điểm thưởng, điểm trừ #%(id)s.") % {"id": adjustment_id})
    period = lock_period(period_id)
    role = writer_role(actor, period)
    adj = Adjustment.objects.select_for_update().get(pk=adjustment_id)
    if role == "unit" and adj.points is not None:
        raise ValidationError(_("Nội dung đã được thẩm định: đơn vị không xoá được."))
    if role == "appraiser" and adj.kind == AdjustmentKind.BONUS and adj.claimed_points is not None:
        raise ValidationError(_("Không xoá đề nghị của đơn vị; ghi 0 điểm được tính và lý do."))
    AuditEvent.log(AuditAction.ADJUSTMENT_DELETED, actor=actor, period=period, agency_id=period.subject_id,
                   adjustment=adj.pk, kind=adj.kind, content=adj.content, claimed_points=_json(adj.claimed_points),
                   points=_json(adj.points))
    name, storage = adj.evidence.name, adj.evidence.storage
    adj.delete()
    transaction.on_commit(lambda: storage.delete(name) if name and storage.exists(name) else None)
