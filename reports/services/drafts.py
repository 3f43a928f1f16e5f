"""Draft renders and publications on the background worker (reports.tasks).

A web request never renders a PDF or DOCX itself: it computes the digest of what the draft
would print (reports.services.snapshot, a fraction of a second), serves the file kept under
that digest if there is one, and otherwise queues one RenderJob for it; every reader of the
same data waits on the same job. Publishing is queued the same way.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.models import EvaluationPeriod
from scorecards.permissions import can_manage

from reports.models import RenderJob

from . import filename, render
from .assemble import assemble
from .snapshot import content_digest, draft_digest, report_html

# A job queued or running longer than this is taken as lost (a worker stopped mid-way): the
# next request queues it again.
STALE_AFTER = timedelta(minutes=10)
# Draft files kept per period and format (older ones are deleted when a new one is done).
KEEP_DRAFTS = 3


def _enqueue(job: RenderJob) -> None:
    from reports.tasks import run_render_job

    run_render_job.enqueue(job.pk)


def _is_stale(job: RenderJob) -> bool:
    pending = job.status in (RenderJob.Status.QUEUED, RenderJob.Status.RUNNING)
    return pending and job.created_at < timezone.now() - STALE_AFTER


def request_draft(period: EvaluationPeriod, kind: str, *, actor, retry: bool = False) -> RenderJob:
    """The draft job of `kind` ("pdf" or "docx") for the period's data as it is now: done
    (served at once), or queued/running. `retry` queues a failed job again.

    Raises ValueError for another kind.
    """
    if kind not in (RenderJob.Kind.PDF, RenderJob.Kind.DOCX):
        raise ValueError(kind)
    digest = draft_digest(period, kind)
    job, created = RenderJob.objects.get_or_create(period=period, kind=kind, digest=digest,
                                                   defaults={"requested_by": actor if actor.is_authenticated else None})
    if created:
        _enqueue(job)
    elif (retry and job.status == RenderJob.Status.FAILED) or _is_stale(job):
        RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.QUEUED, error="", created_at=timezone.now())
        _enqueue(job)
    else:
        return job
    job.refresh_from_db()  # a backend that runs the task at once has done it by now
    return job


def request_publication(period: EvaluationPeriod, *, actor, reason: str, expected_digest: str) -> RenderJob:
    """Queue the publication of the period's report (reports.services.publication runs on
    the worker with the same checks). Raises PermissionDenied unless the actor is Sở Nội vụ,
    ValidationError when a publication of the period is already queued or running."""
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới phát hành báo cáo phân tích."))
    pending = RenderJob.objects.filter(period=period, kind=RenderJob.Kind.PUBLICATION,
                                       status__in=(RenderJob.Status.QUEUED, RenderJob.Status.RUNNING))
    if any(not _is_stale(job) for job in pending):
        raise ValidationError(_("Báo cáo đang được phát hành; chờ lượt này xong."))
    job = RenderJob.objects.create(period=period, kind=RenderJob.Kind.PUBLICATION, digest=expected_digest or "",
                                   reason=reason or "", requested_by=actor)
    _enqueue(job)
    return job


def latest_publication_job(period: EvaluationPeriod) -> RenderJob | None:
    return RenderJob.objects.filter(period=period, kind=RenderJob.Kind.PUBLICATION).order_by("-created_at", "-pk").first()


def run(job_id: int) -> None:
    """Do one job (the worker's side). Never raises: a failure is written on the job with
    the message for the user."""
    claimed = RenderJob.objects.filter(pk=job_id, status=RenderJob.Status.QUEUED).update(
        status=RenderJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return  # done already, or taken by another worker
    job = RenderJob.objects.select_related("period", "requested_by").get(pk=job_id)
    try:
        if job.kind == RenderJob.Kind.PUBLICATION:
            _publish(job)
        else:
            _render_draft(job)
    except ValidationError as exc:
        _fail(job, " ".join(exc.messages))
    except PermissionDenied as exc:
        _fail(job, str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever broke, the page must say so
        _fail(job, _("Lỗi khi tạo tệp: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]})
        raise


def _fail(job: RenderJob, message: str) -> None:
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.FAILED, error=message, finished_at=timezone.now())


def _publish(job: RenderJob) -> None:
    from .publication import publish_report

    publication = publish_report(job.period_id, actor=job.requested_by, reason=job.reason, expected_digest=job.digest or None)
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.DONE, publication=publication,
                                               finished_at=timezone.now())


def _render_draft(job: RenderJob) -> None:
    period = job.period
    data = assemble(period)
    if content_digest(report_html(data, final=False), job.kind) != job.digest:
        _fail(job, _("Số liệu đã thay đổi trong lúc tạo tệp; tải lại trang để tạo bản mới."))
        return
    content = render(period, job.kind, data=data).content
    job.file.save(filename(period, job.kind, number=data.record.number, draft=True), ContentFile(content), save=False)
    RenderJob.objects.filter(pk=job.pk).update(
        file=job.file.name, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
        status=RenderJob.Status.DONE, finished_at=timezone.now())
    _prune(job)


def _prune(job: RenderJob) -> None:
    """Delete the files of older drafts of the same period and format (KEEP_DRAFTS kept)."""
    done = (RenderJob.objects.filter(period_id=job.period_id, kind=job.kind, status=RenderJob.Status.DONE)
            .order_by("-finished_at", "-pk"))
    for old in done[KEEP_DRAFTS:]:
        if old.file.name and old.file.storage.exists(old.file.name):
            old.file.storage.delete(old.file.name)
        old.delete()
