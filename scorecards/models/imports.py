"""An import on the background worker: one uploaded file, its preview, then its confirm.

The web request only stores the upload (private media storage, under a random name) and
an ImportJob, then queues the task (scorecards.tasks.run_import_job); the worker reads
and checks the file under the limits of scorecards.transfer.readers (the preview, a dry
run), and on the uploader's confirm imports it through the service layer as the uploader.
scorecards.transfer.jobs holds the rules; this is the record the job page reads.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file of one kind (`kind`: a resource's slug, scorecards.resources) into one
    scope (`scope_id`: the id of the resource's scope — a period, framework, questionnaire or
    round — or None for kinds without one).

    `step` is what the worker does or did last: the preview (a dry run) or the confirm (the
    real import). `rows_done`/`rows_total` are the rows checked so far (`rows_total` None
    while the file is being read). `result` is what the page shows of the step's outcome
    (scorecards.resources.preview.Preview.to_payload: rows with their old → new cells,
    errors with row and column, warnings, totals); `seen` the fingerprints of the rows the
    preview showed, which the confirm checks again. `error` is the Vietnamese message of a
    failed step (a file the reader refused, a worker that died). `heartbeat_at` moves while
    the worker makes progress: a running job without a sign of life for a few minutes was
    lost with its worker.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang xử lý")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    class Step(models.TextChoices):
        PREVIEW = "preview", _("Xem trước")
        CONFIRM = "confirm", _("Nhập dữ liệu")

    kind = models.CharField(_("loại dữ liệu"), max_length=40)
    scope_id = models.PositiveIntegerField(_("mã phạm vi"), null=True, blank=True)
    file_name = models.CharField(_("tên tệp lưu tạm"), max_length=255, unique=True)
    original_name = models.CharField(_("tên tệp tải lên"), max_length=255)
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT,
                                 related_name="+")
    language = models.CharField(_("ngôn ngữ"), max_length=10, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("bước"), max_length=10, choices=Step.choices, default=Step.PREVIEW)
    rows_done = models.PositiveIntegerField(_("số dòng đã kiểm tra"), default=0)
    rows_total = models.PositiveIntegerField(_("tổng số dòng"), null=True, blank=True)
    result = models.JSONField(_("kết quả"), null=True, blank=True)
    seen = models.JSONField(_("dấu vân tay các dòng đã xem trước"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("lần cuối báo tiến độ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["uploader", "-created_at"], name="import_job_uploader")]

    def __str__(self):
        return f"{self.original_name} ({self.get_step_display()}, {self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int | None:
        """Rows checked as a whole percentage, None while the total is unknown."""
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)

    def visible_to(self, user) -> bool:
        """Only the uploader (and a superuser) sees a job: others are told it does not exist."""
        return bool(user.is_authenticated and (user.pk == self.uploader_id or user.is_superuser))
