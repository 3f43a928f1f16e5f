"""Published versions of the analysis report, and the background renders of its drafts.

A published report is one immutable, hashed file per format: Sở Nội vụ publishes it as a
step of the period's workflow once the results are published (reports.services.publication);
the PDF and DOCX are rendered once, stored on the private storage with their SHA-256 and
the digest of the data they came from, and downloads are served from storage. A change
after publication is a new version with a reason; earlier versions stay downloadable.

A draft (a PDF or DOCX of the report that is not a publication: it carries the "DỰ THẢO"
mark) and a document of a province's round (its results annex, analysis or a unit's
scorecard) are rendered by the background worker (reports.tasks) and kept under the digest
of their content, so the same content is rendered once whatever the number of readers
(reports.services.drafts).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecards.models import EvaluationPeriod, Round


def publication_upload_to(instance, filename):
    return f"reports/published/{instance.period_id}/v{instance.version}/{filename}"


def render_upload_to(instance, filename):
    if instance.round_id:
        return f"reports/rounds/{instance.round_id}/{filename}"
    return f"reports/drafts/{instance.period_id}/{filename}"


class ReportPublication(models.Model):
    """Version N of a period's published report (immutable once saved).

    `source_sha256` is the SHA-256 of the report's final HTML, which holds every figure and
    sentence printed: two publications with the same digest print the same report.
    `data_versions` records what the figures came from (score rows, the sum of their
    versions, the latest audit event of the period, the report record's values digest).
    """

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.PROTECT,
                               related_name="report_publications")
    version = models.PositiveIntegerField(_("phiên bản"))
    reason = models.TextField(_("lý do phát hành lại"), blank=True)
    number = models.CharField(_("số văn bản"), max_length=40, blank=True)
    pdf = models.FileField(_("tệp PDF"), upload_to=publication_upload_to, max_length=255)
    pdf_sha256 = models.CharField(_("SHA-256 của PDF"), max_length=64)
    pdf_size = models.PositiveIntegerField(_("dung lượng PDF (byte)"))
    docx = models.FileField(_("tệp DOCX"), upload_to=publication_upload_to, max_length=255)
    docx_sha256 = models.CharField(_("SHA-256 của DOCX"), max_length=64)
    docx_size = models.PositiveIntegerField(_("dung lượng DOCX (byte)"))
    source_sha256 = models.CharField(_("SHA-256 của nội dung"), max_length=64)
    data_versions = models.JSONField(_("phiên bản dữ liệu"), default=dict)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người phát hành"), on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(_("thời điểm phát hành"))

    class Meta:
        verbose_name = _("báo cáo đã phát hành")
        verbose_name_plural = _("báo cáo đã phát hành")
        ordering = ["period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="report_publication_version_unique"),
        ]

    def __str__(self):
        return _("Báo cáo năm %(year)s – phiên bản %(version)s") % {"year": self.period.year, "version": self.version}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Báo cáo đã phát hành không sửa được; hãy phát hành phiên bản mới kèm lý do."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Báo cáo đã phát hành không xoá được."))

    def file_for(self, fmt: str):
        """(file field, sha256) of "pdf" or "docx" (KeyError for another format)."""
        return {"pdf": (self.pdf, self.pdf_sha256), "docx": (self.docx, self.docx_sha256)}[fmt]


class RenderJob(models.Model):
    """One render on the background worker: a draft PDF or DOCX of the report, a
    publication, or a document of a province's round.

    A draft is keyed by (period, kind, digest), a round document by (target, digest): the
    digest is that of what the file prints, so while the data does not change every reader
    gets the same file and nothing renders again. `target` names the round document and its
    format (reports.services.round_docs.documents.DocumentRef.target, e.g.
    "annex/12/group-3/pdf", "analysis/12/all/pdf", "scorecard/12/period-40/pdf"); `round`
    is its round and `period` the unit's scorecard period (None for the annex and analysis).
    """

    class Kind(models.TextChoices):
        PDF = "pdf", _("Dự thảo PDF")
        DOCX = "docx", _("Dự thảo DOCX")
        PUBLICATION = "publication", _("Phát hành báo cáo")
        ROUND_DOCUMENT = "round_document", _("Tài liệu của đợt đánh giá")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE,
                               related_name="render_jobs", null=True, blank=True)
    round = models.ForeignKey(Round, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE,
                              related_name="render_jobs", null=True, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("tài liệu"), max_length=100, blank=True)
    digest = models.CharField(_("SHA-256 của nội dung"), max_length=64)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("tệp"), upload_to=render_upload_to, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    reason = models.TextField(_("lý do phát hành lại"), blank=True)
    publication = models.ForeignKey(ReportPublication, verbose_name=_("báo cáo đã phát hành"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    error = models.TextField(_("lỗi"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt tạo tệp báo cáo")
        verbose_name_plural = _("lượt tạo tệp báo cáo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind", "digest"], condition=models.Q(kind__in=["pdf", "docx"]),
                                    name="report_draft_render_unique"),
            models.UniqueConstraint(fields=["target", "digest"], condition=models.Q(kind="round_document"),
                                    name="round_document_render_unique"),
            # A round document names its round and target; the report's jobs name their period and no target.
            models.CheckConstraint(
                condition=(models.Q(kind="round_document", round__isnull=False) & ~models.Q(target=""))
                | (~models.Q(kind="round_document") & models.Q(period__isnull=False, round__isnull=True, target="")),
                name="render_job_names_what_it_renders"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target or self.period_id} {self.digest[:12]} ({self.status})"
