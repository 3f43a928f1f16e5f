"""Imports on the background worker: the web request stores, the worker reads and writes.

An upload is untrusted (a few kilobytes can declare a million rows): no web request opens
it. The request that receives the file checks only its size (the form), stores it in
private media storage under a random name (django-import-export's MediaStorage, the same
place the admin kept it between preview and confirm) and makes an ImportJob, then queues
scorecards.tasks.run_import_job and sends the officer to the job's page, which reloads
itself until the preview is there. The worker (`run`) reads the file under the limits of
scorecards.transfer.readers and checks every row (scorecards.resources, a dry run), then
stores what the page shows (Preview.to_payload) and the fingerprints of the rows shown.
The officer's confirm queues the real import the same way (`request_confirm`): the worker
imports the file again, as the uploader, through the service layer, refusing rows changed
since the preview. With the default ImmediateBackend (tests, the demo) the task runs
inside the request that queues it, so the first page already shows the preview.

Errors: ValidationError (a Vietnamese message) when a confirm or a retry is refused; a
step that fails on the worker is written on the job (`error`), never raised to the page.
"""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export.tmp_storages import MediaStorage

from scorecards.models import EvaluationPeriod, Framework, ImportJob, Round, SipasQuestionnaire
from scorecards.resources import files, get_resource
from scorecards.resources.preview import Preview
from scorecards.resources.services import import_dataset

from .readers import FileRefused

logger = logging.getLogger(__name__)

# The model of each kind of scope (a resource's `scope_kind`).
SCOPE_MODELS = {"period": EvaluationPeriod, "framework": Framework, "questionnaire": SipasQuestionnaire, "round": Round}
# A running job that has shown no progress for this long was lost with its worker (killed,
# redeployed): the next view of its page marks it failed, with a retry.
RUNNING_STALE_AFTER = timedelta(minutes=5)
# A job still queued after this long makes the page say the worker seems not to run.
WORKER_LATE_AFTER = timedelta(minutes=1)
# Uploads never confirmed are removed after a day, the jobs' records after 30 days.
UPLOADS_KEPT_FOR = timedelta(hours=24)
JOBS_KEPT_FOR = timedelta(days=30)


# ---- the web side ------------------------------------------------------------------------

def upload_storage(name: str | None = None) -> MediaStorage:
    """Where uploads wait for the worker and for the confirm (private media, never served)."""
    return MediaStorage(name=name, read_mode="rb")


def start_preview(upload, *, kind: str, scope, uploader, language: str = "") -> ImportJob:
    """Store `upload` (a Django UploadedFile, size already checked by the form) and queue its
    preview. Nothing reads the file here. Returns the job (done already when the task
    backend runs tasks at once)."""
    storage = upload_storage()
    upload.seek(0)
    storage.save(upload.read())
    job = ImportJob.objects.create(kind=kind, scope_id=getattr(scope, "pk", None), file_name=storage.name,
                                   original_name=(upload.name or "")[-255:], uploader=uploader,
                                   language=language or "")
    purge_old(storage)
    _enqueue(job)
    job.refresh_from_db()
    return job


def request_confirm(job: ImportJob, *, user, seen: dict | None) -> ImportJob:
    """Queue the real import of a previewed job. `seen` are the fingerprints of the preview
    the officer read (the confirm form carries them): they must be the job's.

    Raises ValidationError when the user is not the uploader, the job's preview is not
    done, had errors, was confirmed already, or is not the one the officer read.
    """
    expired = ValidationError(_("Phiên xem trước đã hết hạn: hãy tải tệp lên lại."))
    if user.pk != job.uploader_id:
        raise expired
    if job.step == ImportJob.Step.CONFIRM:
        return job  # a second click of the same button: the first one queued it
    if job.step != ImportJob.Step.PREVIEW or job.status != ImportJob.Status.DONE \
            or (seen or {}) != (job.seen or {}):
        raise expired
    if not job.result or job.result.get("errors"):
        raise ValidationError(_("Tệp có lỗi: không nhập được. Sửa tệp rồi tải lên lại."))
    claimed = ImportJob.objects.filter(pk=job.pk, step=ImportJob.Step.PREVIEW, status=ImportJob.Status.DONE).update(
        step=ImportJob.Step.CONFIRM, status=ImportJob.Status.QUEUED, rows_done=0, error="", created_at=timezone.now(),
        started_at=None, heartbeat_at=None, finished_at=None)
    if not claimed:
        job.refresh_from_db()
        if job.step == ImportJob.Step.CONFIRM:
            return job  # two clicks at once: the other one queued it
        raise expired
    _enqueue(job)
    job.refresh_from_db()
    return job


def retry(job: ImportJob, *, user) -> ImportJob:
    """Queue a failed step again (its upload must still be stored). Raises ValidationError
    otherwise (then the officer uploads the file again)."""
    if user.pk == job.uploader_id and job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return job  # a second click: the first one queued it again
    if user.pk != job.uploader_id or job.status != ImportJob.Status.FAILED:
        raise ValidationError(_("Không thể thử lại lượt nhập này."))
    if not upload_exists(job):
        raise ValidationError(_("Tệp tải lên không còn trên máy chủ: hãy tải tệp lên lại."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).update(
        status=ImportJob.Status.QUEUED, rows_done=0, rows_total=None, error="", created_at=timezone.now(),
        started_at=None, heartbeat_at=None, finished_at=None)
    if claimed:
        _enqueue(job)
    job.refresh_from_db()
    return job


def expire_if_lost(job: ImportJob) -> ImportJob:
    """Mark a running job failed when its worker has shown no progress for RUNNING_STALE_AFTER
    (the worker died: the step's transaction was rolled back with it)."""
    if job.status != ImportJob.Status.RUNNING:
        return job
    last = job.heartbeat_at or job.started_at or job.created_at
    if last >= timezone.now() - RUNNING_STALE_AFTER:
        return job
    message = _("Máy xử lý nền đã dừng khi đang xử lý tệp (không báo tiến độ quá %(minutes)s phút). Chưa có dữ liệu "
                "nào được ghi dở dang: bấm “Thử lại” để xử lý lại.") % {
        "minutes": int(RUNNING_STALE_AFTER.total_seconds() // 60)}
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, error=message, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def worker_late(job: ImportJob) -> bool:
    """True when a queued job has waited long enough that the worker seems not to run."""
    return job.status == ImportJob.Status.QUEUED and job.created_at < timezone.now() - WORKER_LATE_AFTER


def preview_of(job: ImportJob) -> Preview | None:
    """The Preview the job's page shows (the preview's, or the confirm's outcome), or None."""
    if not job.result:
        return None
    return Preview.from_payload(job.result, job.seen)


def upload_exists(job: ImportJob) -> bool:
    storage = upload_storage(job.file_name)
    return storage._storage.exists(storage.get_full_path())


def discard_upload(job: ImportJob) -> None:
    storage = upload_storage(job.file_name)
    try:
        storage.remove()
    except (FileNotFoundError, NotImplementedError):
        pass


def purge_old(storage: MediaStorage) -> None:
    """Remove uploads left by previews never confirmed (over UPLOADS_KEPT_FOR old) and job
    records over JOBS_KEPT_FOR old."""
    ImportJob.objects.filter(created_at__lt=timezone.now() - JOBS_KEPT_FOR).delete()
    backend, folder = storage._storage, storage.MEDIA_FOLDER
    try:
        _dirs, names = backend.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - UPLOADS_KEPT_FOR
    for name in names:
        path = f"{folder}/{name}"
        try:
            if backend.get_modified_time(path) < limit:
                backend.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _enqueue(job: ImportJob) -> None:
    from scorecards.tasks import run_import_job

    run_import_job.enqueue(job.pk)


# ---- the worker side ---------------------------------------------------------------------

def scope_of(job: ImportJob):
    """The job's scope object, or None for kinds without one. ObjectDoesNotExist when it is gone."""
    kind = get_resource(job.kind).scope_kind
    if kind is None:
        return None
    return SCOPE_MODELS[kind].objects.get(pk=job.scope_id)


def run(job_id: int) -> None:
    """Do the job's step (the worker's side), as its uploader. Never raises for what the
    officer can act on: a refused file, a scope or an upload gone, a right lost are written
    on the job in Vietnamese. An unexpected error is written too, then raised (the worker
    logs it)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now, rows_done=0)
    if not claimed:
        return  # done already, or taken by another worker
    job = ImportJob.objects.select_related("uploader").get(pk=job_id)
    job.claimed_at = now  # this worker's claim: its outcome is written only on its own run
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _run(job)
        except PermissionDenied as exc:
            _fail(job, str(exc) or _("Bạn không có quyền nhập dữ liệu này."))
        except Exception as exc:
            _fail(job, _("Lỗi khi xử lý tệp: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]})
            raise


def _run(job: ImportJob) -> None:
    try:
        scope = scope_of(job)
    except ObjectDoesNotExist:
        discard_upload(job)
        _fail(job, _("Phạm vi nhập (kỳ, bộ chỉ số, bộ câu hỏi hoặc đợt đánh giá) đã chọn không còn: hãy tải tệp lên lại."))
        return
    try:
        data = upload_storage(job.file_name).read()
    except (FileNotFoundError, OSError):
        _fail(job, _("Tệp tải lên không còn trên máy chủ: hãy tải tệp lên lại."))
        return
    try:
        dataset = files.read_raw(data, job.original_name)
    except FileRefused as exc:
        discard_upload(job)  # the same file would be refused again: nothing to retry
        _fail(job, str(exc))
        return
    del data
    progress = _Progress(job.pk)
    try:
        preview = import_dataset(job.kind, dataset, job.original_name, scope=scope, actor=job.uploader,
                                 dry_run=job.step == ImportJob.Step.PREVIEW,
                                 seen=job.seen if job.step == ImportJob.Step.CONFIRM else None, progress=progress)
    finally:
        progress.close()
    if job.step == ImportJob.Step.CONFIRM or not preview.ok:
        discard_upload(job)  # imported, or refused as a whole: nothing left to confirm
    fields = {"result": preview.to_payload(), "status": ImportJob.Status.DONE, "finished_at": timezone.now(),
              "rows_done": progress.total, "rows_total": progress.total, "error": ""}
    if job.step == ImportJob.Step.PREVIEW:
        fields["seen"] = preview.seen
    _mine(job).update(**fields)


def _mine(job: ImportJob):
    """The job's row while it is still this worker's run: running, or marked lost by a page
    meanwhile (the outcome is then the truth and replaces "lost"), but never once a retry
    queued it again (that run writes its own outcome)."""
    claimed_at = getattr(job, "claimed_at", None)
    rows = ImportJob.objects.filter(pk=job.pk, status__in=(ImportJob.Status.RUNNING, ImportJob.Status.FAILED))
    return rows.filter(started_at=claimed_at) if claimed_at is not None else rows


def _fail(job: ImportJob, message: str) -> None:
    _mine(job).update(status=ImportJob.Status.FAILED, error=message, finished_at=timezone.now())


class _Progress:
    """The rows checked so far, written on the job for its page (at most once a second).

    The rows are checked inside the import's transaction (the library's dry run is one,
    rolled back at the end): a write through the worker's own connection would not be seen
    by the page before the end, and the dry run's rollback would undo it. So while that
    transaction is open, progress goes through a second connection of its own, committed at
    once (PostgreSQL only: SQLite would lock the database; there the page sees the total
    when the file is read and the end). Progress is a courtesy: a failure to write it is
    ignored.
    """

    EVERY_SECONDS = 1.0

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.total = 0
        self._last = 0.0
        self._side = None
        # Inside a transaction already (a test, ATOMIC_REQUESTS), nobody else sees the job before the end.
        self._may_use_side = connection.vendor == "postgresql" and not connection.in_atomic_block

    def __call__(self, done: int, total: int) -> None:
        first = total != self.total
        self.total = total
        now = time.monotonic()
        if not first and done < total and now - self._last < self.EVERY_SECONDS:
            return
        self._last = now
        self._write(done, total)

    def _write(self, done: int, total: int) -> None:
        values = {"rows_done": done, "rows_total": total, "heartbeat_at": timezone.now()}
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**values)
            return
        if not self._may_use_side:
            return
        try:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self._side.ops.quote_name(ImportJob._meta.db_table)
            with self._side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET rows_done = %s, rows_total = %s, heartbeat_at = %s WHERE id = %s",
                               [done, total, values["heartbeat_at"], self.job_id])
        except DatabaseError:
            logger.warning("Import job %s: progress not written", self.job_id, exc_info=True)
            self._may_use_side = False

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
