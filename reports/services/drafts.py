"""Draft renders, round documents and publications on the background worker (reports.tasks).

A web request never renders a PDF or DOCX itself: it computes the digest of what the file
would print (reports.services.snapshot for the report's drafts,
reports.services.round_docs.documents for a round's annex, analysis and scorecards; a
fraction of a second), serves the file kept under that digest if there is one, and
otherwise queues one RenderJob for it; every reader of the same content waits on the same
job. Publishing is queued the same way.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.models import EvaluationPeriod
from reports.models import RenderJob, ReportPublication

from . import filename, render, round_docs
from .assemble import assemble
from .publication import check_publication, delete_files, publish_report, require_publisher
from .snapshot import document_language, draft_key, draft_key_of

# A render takes seconds: a job running longer than this was lost with its worker (killed,
# redeployed), and the next request queues it again. A job still queued that long is queued
# again too (its task may have been lost with the queue).
RUNNING_STALE_AFTER = timedelta(minutes=2)
QUEUED_STALE_AFTER = timedelta(minutes=10)
# A queued job older than this makes the waiting page say the worker seems not to run.
WORKER_LATE_AFTER = timedelta(minutes=1)
# Files kept per target (a period's draft in one format, a round document in one format):
# older ones are deleted when a new one is done.
KEEP_DRAFTS = 3


def _enqueue(job: RenderJob) -> None:
    from reports.tasks import run_render_job

    run_render_job.enqueue(job.pk)


def _is_stale(job: RenderJob) -> bool:
    now = timezone.now()
    if job.status == RenderJob.Status.RUNNING:
        return (job.started_at or job.created_at) < now - RUNNING_STALE_AFTER
    return job.status == RenderJob.Status.QUEUED and job.created_at < now - QUEUED_STALE_AFTER


def worker_late(job: RenderJob) -> bool:
    """True when a queued job has waited long enough that the worker seems not to run."""
    return job.status == RenderJob.Status.QUEUED and job.created_at < timezone.now() - WORKER_LATE_AFTER


def request_draft(period: EvaluationPeriod, kind: str, *, actor, retry: bool = False) -> RenderJob:
    """The draft job of `kind` ("pdf" or "docx") for the period's data as it is now: done
    (served at once), or queued/running. `retry` queues a failed job again.

    Raises ValueError for another kind.
    """
    if kind not in (RenderJob.Kind.PDF, RenderJob.Kind.DOCX):
        raise ValueError(kind)
    return _request({"period": period, "kind": kind}, draft_key(period, kind), actor=actor, retry=retry)


def request_round_document(document: round_docs.PreparedDocument, *, actor, retry: bool = False) -> RenderJob:
    """The job of a round's document (round_docs.prepare(ref): its data gathered, no
    rendering) as its data is now: done (served at once from job.file), or queued/running.
    `retry` queues a failed job again. Who may ask is the caller's check
    (round_docs.access), made before."""
    ref = document.ref
    return _request({"kind": RenderJob.Kind.ROUND_DOCUMENT, "target": ref.target}, document.key, actor=actor,
                    retry=retry, defaults={"round": ref.round, "period": ref.period})


def _request(identity: dict, digest: str, *, actor, retry: bool, defaults: dict | None = None) -> RenderJob:
    """The job of `identity` (the fields that name what is rendered) under `digest`, made
    and queued once; queued again when failed and `retry`, stale, or its file lost."""
    job, created = RenderJob.objects.get_or_create(**identity, digest=digest, defaults={
        **(defaults or {}), "requested_by": actor if actor.is_authenticated else None})
    if created:
        _enqueue(job)
    elif (retry and job.status == RenderJob.Status.FAILED) or _is_stale(job) or _file_lost(job):
        RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.QUEUED, error="", file="", sha256="",
                                                   size=None, created_at=timezone.now(), started_at=None)
        _enqueue(job)
    else:
        return job
    job.refresh_from_db()  # a backend that runs the task at once has done it by now
    return job


def _file_lost(job: RenderJob) -> bool:
    """A done draft whose file is no longer in storage (removed by hand, a restore without
    media): rendered again rather than failing every download."""
    return job.status == RenderJob.Status.DONE and not (job.file.name and job.file.storage.exists(job.file.name))


def request_publication(period: EvaluationPeriod, *, actor, reason: str, expected_digest: str) -> RenderJob:
    """Queue the publication of the period's report (reports.services.publication runs on
    the worker with the same checks, which are also made here so that a refusal is said at
    once). Raises PermissionDenied unless the actor is Sở Nội vụ, ValidationError from
    check_publication, or when a publication of the period is already queued or running."""
    require_publisher(actor)
    check_publication(period, reason=reason, expected_digest=expected_digest or None)
    pending = RenderJob.objects.filter(period=period, kind=RenderJob.Kind.PUBLICATION,
                                       status__in=(RenderJob.Status.QUEUED, RenderJob.Status.RUNNING))
    if any(not _is_stale(job) for job in pending):
        raise ValidationError(_("Báo cáo đang được phát hành; chờ lượt này xong."))
    job = RenderJob.objects.create(period=period, kind=RenderJob.Kind.PUBLICATION, digest=expected_digest or "",
                                   reason=reason or "", requested_by=actor)
    _enqueue(job)
    return job


def latest_publication_job(period: EvaluationPeriod) -> RenderJob | None:
    """The period's latest publication job, unless a version was published after it (an
    old failure is then no news)."""
    job = RenderJob.objects.filter(period=period, kind=RenderJob.Kind.PUBLICATION).order_by("-created_at", "-pk").first()
    if job is None or job.status == RenderJob.Status.DONE:
        return job
    later = ReportPublication.objects.filter(period=period, published_at__gt=job.created_at).exists()
    return None if later else job


def run(job_id: int) -> None:
    """Do one job (the worker's side). Never raises: a failure is written on the job with
    the message for the user."""
    claimed = RenderJob.objects.filter(pk=job_id, status=RenderJob.Status.QUEUED).update(
        status=RenderJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return  # done already, or taken by another worker
    job = RenderJob.objects.select_related("period", "round", "requested_by").get(pk=job_id)
    try:
        if job.kind == RenderJob.Kind.PUBLICATION:
            _publish(job)
        elif job.kind == RenderJob.Kind.ROUND_DOCUMENT:
            _render_round_document(job)
        else:
            _render_draft(job)
    except round_docs.DocumentError as exc:
        _fail(job, str(exc))
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
    publication = publish_report(job.period_id, actor=job.requested_by, reason=job.reason, expected_digest=job.digest or None)
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.DONE, publication=publication,
                                               finished_at=timezone.now())


def _render_draft(job: RenderJob) -> None:
    """Render the draft of the data as it is now, and keep it under the key of what it
    prints (_keep)."""
    period = job.period
    with document_language():
        data = assemble(period)
        key = draft_key_of(data, job.kind)
        content = render(period, job.kind, data=data).content
    _keep(job, key, filename(period, job.kind, number=data.record.number, draft=True), content)


def _render_round_document(job: RenderJob) -> None:
    """Render the round's document from its data as it is now, and keep it under the key of
    what it prints (_keep). Raises DocumentError when the round, group or unit is gone."""
    document = round_docs.prepare(round_docs.DocumentRef.from_target(job.target))
    content = document.render()
    _keep(job, document.key, document.filename, content)


def _identity(job: RenderJob) -> dict:
    """The fields that name what a job renders, its digest aside (a draft: the period and
    format; a round document: its target, which holds the format)."""
    if job.kind == RenderJob.Kind.ROUND_DOCUMENT:
        return {"kind": job.kind, "target": job.target}
    return {"kind": job.kind, "period_id": job.period_id}


def _keep(job: RenderJob, key: str, name: str, content: bytes) -> None:
    """Store `content` (rendered from the data as it was during the render, whose key is
    `key`) on the job of that key. Should the data (or the deployed layout) have moved
    since the job was queued, the file goes to the job of the new key (made if needed) and
    the old job is dropped: a file is never kept under a key whose content it does not
    hold, and the reader who waits is served the new one on the page's next reload."""
    target = job
    if key != job.digest:
        target, _created = RenderJob.objects.get_or_create(**_identity(job), digest=key, defaults={
            "period_id": job.period_id, "round_id": job.round_id, "requested_by": job.requested_by,
            "status": RenderJob.Status.RUNNING, "started_at": timezone.now()})
        RenderJob.objects.filter(pk=job.pk).delete()
        if target.status == RenderJob.Status.DONE and not _file_lost(target):
            return  # that content is kept already
    target.file.save(name, ContentFile(content), save=False)
    RenderJob.objects.filter(pk=target.pk).update(
        file=target.file.name, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
        status=RenderJob.Status.DONE, error="", finished_at=timezone.now())
    _prune(target)


def _prune(job: RenderJob) -> None:
    """Delete the files of older renders of the same target (KEEP_DRAFTS kept)."""
    done = RenderJob.objects.filter(**_identity(job), status=RenderJob.Status.DONE).order_by("-finished_at", "-pk")
    for old in done[KEEP_DRAFTS:]:
        delete_files(old.file.storage, [old.file.name])
        old.delete()
