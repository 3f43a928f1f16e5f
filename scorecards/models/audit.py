from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scorecards.choices import AuditAction


class AuditEvent(models.Model):
    """A named event in the life of a score or period (pretix-style action log).

    Written in the same transaction as the change it records. Actions are dotted names:
    score.self_assessed, score.appraised, score.submitted, score.returned, score.accepted,
    score.explained, evidence.uploaded, period.locked, period.exception_granted,
    scores.imported. `data` holds old and new values and the comment.
    """

    action = models.CharField(_("hành động"), max_length=60, db_index=True, choices=AuditAction.choices)
    # PROTECT: users are deactivated, never deleted, so every entry keeps its author;
    # actor_name also keeps the name the author had when acting.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    # SET_NULL: the log outlives what it speaks of (a deleted draft period keeps its entries).
    period = models.ForeignKey("scorecards.EvaluationPeriod", verbose_name=_("kỳ đánh giá"), null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events")
    score = models.ForeignKey("scorecards.Score", verbose_name=_("điểm"), null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events")
    agency = models.ForeignKey("scorecards.Agency", verbose_name=_("cơ quan, đơn vị"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%d/%m/%Y %H:%M} {self.get_action_display()}"

    @classmethod
    def log(cls, action: str, **kwargs):
        """Write one event in the caller's transaction (see `build` for the arguments)."""
        event = cls.build(action, **kwargs)
        event.save()
        return event

    @classmethod
    def build(cls, action: str, *, actor=None, period=None, score=None, agency=None, agency_id=None, **data):
        """An unsaved event (several are written at once with bulk_create).

        `action` must be an `AuditAction` (ValueError otherwise: every code the app can
        emit has a label in the log). `actor` None means the system (a scheduled job).
        The agency defaults to the score's responsible agency; `data` is JSON (old and
        new values as strings, comments, file names).
        """
        if action not in AuditAction.values:
            raise ValueError(f"Unknown audit action {action!r}: add it to scorecards.choices.AuditAction")
        if score is not None and period is None:
            period = score.period
        if agency is not None:
            agency_id = agency.pk
        elif agency_id is None and score is not None:
            agency_id = score.responsible_agency_id
        name = (actor.get_full_name() or actor.username) if actor is not None else ""
        return cls(action=action, actor=actor, actor_name=name, period=period, score=score, agency_id=agency_id, data=data)

    @property
    def actor_label(self) -> str:
        """The author as shown in the log: the name at the time, or the system."""
        return self.actor_name or (str(self.actor) if self.actor_id else str(_("Hệ thống")))
