from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """A named event in the life of a score or period (pretix-style action log).

    Written in the same transaction as the change it records. Actions are dotted names:
    score.self_assessed, score.appraised, score.submitted, score.returned, score.accepted,
    score.explained, evidence.uploaded, period.locked, period.exception_granted,
    scores.imported. `data` holds old and new values and the comment.
    """

    action = models.CharField(_("hành động"), max_length=60, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.SET_NULL, related_name="+")
    period = models.ForeignKey("scorecards.EvaluationPeriod", verbose_name=_("kỳ đánh giá"), null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    score = models.ForeignKey("scorecards.Score", verbose_name=_("điểm"), null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    agency = models.ForeignKey("scorecards.Agency", verbose_name=_("cơ quan, đơn vị"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action}"

    @classmethod
    def log(cls, action: str, *, actor=None, period=None, score=None, agency=None, **data):
        if score is not None and period is None:
            period = score.period
        return cls.objects.create(action=action, actor=actor, period=period, score=score, agency=agency, data=data)
