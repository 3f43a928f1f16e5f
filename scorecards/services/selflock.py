"""A unit's lock of its self-assessment ("chốt điểm tự chấm") and its withdrawal.

In a province's own round the unit self-assesses its whole scorecard, then locks it with
the self-assessment report signed by its head attached (a PDF or scan). While locked
nobody of the unit can change points, explanations or evidence; the unit may withdraw the
lock to edit until the self-assessment deadline (or while an exception runs). Both steps
are audited with their author; the report's SHA-256 is kept.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, Right
from scorecards.models import AuditEvent, EvaluationPeriod, Score
from scorecards.permissions import can_manage
from scorecards.policy import is_unit_staff, window_refusal
from scorecards.services.evidence import _delete_file_on_rollback, check_upload
from scorecards.services.scoring import lock_period
from scorecards.services.ranking import SURVEY_SOURCES

MAX_LISTED = 10


def _require_unit(actor, period: EvaluationPeriod):
    if not period.round_id:
        raise ValidationError(_("Chỉ phiếu của đợt đánh giá của tỉnh mới chốt điểm theo đơn vị."))
    if not is_unit_staff(actor, period):
        raise PermissionDenied(_("Chỉ cán bộ của %(s)s mới chốt hoặc rút chốt điểm tự đánh giá của đơn vị.") % {
            "s": period.subject})


def missing_self_points(period: EvaluationPeriod) -> list[str]:
    """Codes of applicable, self-assessed leaves without self-assessed points (sorted)."""
    rows = (Score.objects.filter(period=period, not_applicable=False, self_points__isnull=True)
            .exclude(criterion__scoring_source__in=SURVEY_SOURCES)
            .order_by("criterion__sort_key").values_list("criterion__code", flat=True))
    return list(rows)


@transaction.atomic
def lock_self_assessment(period_id: int, report, *, actor) -> EvaluationPeriod:
    """Lock the unit's self-assessment with its signed report (an UploadedFile).

    Raises PermissionDenied unless the actor is staff of the subject; ValidationError when
    the window is shut (status, deadline without exception), it is already locked, the
    report is missing or refused (services.evidence.check_upload), or applicable
    self-assessed criteria have no points (the first ten codes are named).
    """
    period = lock_period(period_id)
    _require_unit(actor, period)
    refusal = window_refusal(period, actor.agency_id, Right.SELF_ASSESS)
    if refusal:
        raise ValidationError(refusal)
    if period.self_locked_at:
        raise ValidationError(_("Đơn vị đã chốt điểm tự đánh giá lúc %(when)s.") % {
            "when": timezone.localtime(period.self_locked_at).strftime("%H:%M %d/%m/%Y")})
    if report is None:
        raise ValidationError(_("Cần đính kèm báo cáo tự đánh giá đã được lãnh đạo đơn vị ký."))
    missing = missing_self_points(period)
    if missing:
        listed = ", ".join(missing[:MAX_LISTED]) + ("…" if len(missing) > MAX_LISTED else "")
        raise ValidationError(_("Còn %(n)s tiêu chí chưa có điểm tự đánh giá: %(codes)s.") % {"n": len(missing), "codes": listed})
    checked = check_upload(report)
    period.self_report.save(f"{period.year}-{period.pk}-{checked.name}", report, save=False)
    try:
        period.self_report_name = checked.name
        period.self_report_sha256 = checked.sha256
        period.self_locked_at = timezone.now()
        period.self_locked_by = actor
        period.save(update_fields=["self_report", "self_report_name", "self_report_sha256", "self_locked_at",
                                   "self_locked_by"])
        AuditEvent.log(AuditAction.SELF_ASSESSMENT_LOCKED, actor=actor, period=period, agency_id=period.subject_id,
                       report=checked.name, sha256=checked.sha256, size=checked.size)
    except Exception:
        _delete_file_on_rollback(period.self_report)()
        raise
    return period


@transaction.atomic
def withdraw_self_assessment(period_id: int, *, actor, reason: str = "") -> EvaluationPeriod:
    """Withdraw the lock so the unit can edit again: the unit itself while its
    self-assessment window is open, or Sở Nội vụ (with a reason) before publication.

    Raises PermissionDenied for anyone else; ValidationError when not locked, when the
    window is shut for the unit, or when Sở Nội vụ gives no reason.
    """
    period = lock_period(period_id)
    reason = (reason or "").strip()
    if can_manage(actor):
        period.ensure_writable()
        if not reason:
            raise ValidationError(_("Cần ghi lý do mở lại phiếu tự đánh giá cho đơn vị."))
    else:
        _require_unit(actor, period)
        refusal = window_refusal(period, actor.agency_id, Right.SELF_ASSESS)
        if refusal:
            raise ValidationError(refusal)
    if not period.self_locked_at:
        raise ValidationError(_("Phiếu tự đánh giá chưa chốt điểm."))
    locked_at = period.self_locked_at
    period.self_locked_at = None
    period.self_locked_by = None
    period.save(update_fields=["self_locked_at", "self_locked_by"])
    AuditEvent.log(AuditAction.SELF_ASSESSMENT_WITHDRAWN, actor=actor, period=period, agency_id=period.subject_id,
                   locked_at=locked_at.isoformat(), reason=reason, report=period.self_report_name)
    return period
