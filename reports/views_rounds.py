"""Downloads of a round's printed documents: the results annex (PDF, DOCX, XLSX; one group
with ?group=CODE), each subject's own scorecard (PDF, XLSX) and the analysis report (HTML
preview and PDF). Who may download what: reports.services.round_docs.access, asked before
anything is prepared or queued.

A PDF or DOCX is never rendered on the request: as the report's drafts (reports.views),
the request computes the key of what the document prints, serves the file kept under it,
or queues one render on the worker and shows the waiting page (reports/render_wait.html,
202), which reloads with ?wait=1 and downloads once the file is there; ?retry=1 queues a
failed render again. An XLSX is made on the request (round_docs.SYNC_FORMATS).
"""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from scorecards.db import vi_collate
from scorecards.models import EvaluationPeriod, Round
from scorecards.policy import sees_round

from .models import RenderJob
from .services import round_docs
from .services.drafts import request_round_document, worker_late
from .services.round_docs import access
from .services.round_docs.analysis import build_analysis
from .views import flag, serve_stored


def _round(round_id: int) -> Round:
    return get_object_or_404(Round.objects.select_related("province"), pk=round_id)


def _file(document: round_docs.RenderedFile) -> HttpResponse:
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = document.content_disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refuse(refusal: str | None):
    if refusal:
        raise PermissionDenied(refusal)


def _document(request, ref: round_docs.DocumentRef, url: str, query: dict | None = None):
    """The response for a round's document the user may read: the file (made now for an
    XLSX, else the worker's file, streamed from storage with its X-Content-SHA256) or the
    waiting page (202 queued or running, 503 failed)."""
    document = round_docs.prepare(ref)
    if ref.fmt in round_docs.SYNC_FORMATS:
        return _file(document.rendered())
    job = request_round_document(document, actor=request.user, retry=flag(request, "retry"))
    waiting = flag(request, "wait")  # the waiting page's own reloads
    if job.status == RenderJob.Status.DONE and not waiting:
        response = serve_stored(job.file, document.filename, job.sha256)
        response["Content-Disposition"] = document.content_disposition
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def link(**flags):
        params = {**(query or {}), **flags}
        return url + ("?" + urlencode(params) if params else "")

    status = {RenderJob.Status.DONE: 200, RenderJob.Status.FAILED: 503}.get(job.status, 202)
    return render(request, "reports/render_wait.html", {
        "job": job, "fmt": ref.fmt.upper(), "document": document.stem, "worker_late": worker_late(job),
        "refresh_url": link(wait=1), "download_url": link(), "retry_url": link(retry=1, wait=1),
        "report_url": reverse("round_reports:downloads", args=[ref.round.pk]),
        "back_label": _("Về trang tài liệu của đợt đánh giá"),
    }, status=status)


@login_required
def annex(request, round_id: int, fmt: str):
    round_ = _round(round_id)
    _refuse(access.annex_refusal(request.user, round_))
    if fmt not in round_docs.ANNEX_FORMATS:
        raise Http404(_("Không có định dạng này."))
    try:
        group = round_docs.find_group(round_, request.GET.get("group", "").strip() or None)
    except round_docs.DocumentError as exc:
        raise Http404(str(exc)) from None
    return _document(request, round_docs.DocumentRef.annex(round_, fmt, group),
                     reverse("round_reports:annex", args=[round_.pk, fmt]), {"group": group.code} if group else None)


@login_required
def scorecard(request, period_id: int, fmt: str):
    period = get_object_or_404(EvaluationPeriod.objects.filter(round__isnull=False).select_related("round__province"),
                               pk=period_id)
    _refuse(access.scorecard_refusal(request.user, period))
    if fmt not in round_docs.SCORECARD_FORMATS:
        raise Http404(_("Không có định dạng này."))
    return _document(request, round_docs.DocumentRef.scorecard(period, fmt),
                     reverse("round_reports:scorecard", args=[period.pk, fmt]))


@login_required
def analysis(request, round_id: int):
    round_ = _round(round_id)
    _refuse(access.analysis_refusal(request.user, round_))
    return render(request, "reports/round_analysis.html", {
        "a": build_analysis(round_),
        "pdf_url": reverse("round_reports:analysis_pdf", args=[round_.pk]),
        "downloads_url": reverse("round_reports:downloads", args=[round_.pk]),
        "illustrative_mark": round_docs.common.illustrative_mark(),
        "illustrative_sentence": round_docs.common.illustrative_sentence(),
    })


@login_required
def analysis_pdf(request, round_id: int):
    round_ = _round(round_id)
    _refuse(access.analysis_refusal(request.user, round_))
    return _document(request, round_docs.DocumentRef.analysis(round_, "pdf"),
                     reverse("round_reports:analysis_pdf", args=[round_.pk]))


@login_required
def downloads(request, round_id: int):
    """The round's documents the user may download: the annex (whole and per group), the
    analysis, and the scorecards (every subject's, or the unit's own)."""
    round_ = _round(round_id)
    user = request.user
    _refuse(access.downloads_refusal(user, round_))
    whole = sees_round(user, round_.pk)
    periods = EvaluationPeriod.objects.filter(round=round_).select_related("subject", "group") \
        .order_by("group__order", "group__pk", "subject__order", vi_collate("subject__name").asc())
    if not whole:
        periods = periods.filter(subject_id=user.agency_id)
    groups = list(round_.groups.order_by("order", "pk"))
    annex_ok = access.annex_refusal(user, round_) is None

    def annex_links(code=None):
        query = f"?group={code}" if code else ""
        return [(fmt.upper(), reverse("round_reports:annex", args=[round_.pk, fmt]) + query) for fmt in round_docs.ANNEX_FORMATS]

    return render(request, "reports/round_downloads.html", {
        "round": round_,
        "annex_ok": annex_ok,
        "annex_refusal": access.annex_refusal(user, round_),
        "annex_all": annex_links() if annex_ok else [],
        "annex_groups": [(g, annex_links(g.code)) for g in groups] if annex_ok else [],
        "analysis_ok": whole,
        "analysis_url": reverse("round_reports:analysis", args=[round_.pk]),
        "analysis_pdf_url": reverse("round_reports:analysis_pdf", args=[round_.pk]),
        "scorecards": [(p, [(fmt.upper(), reverse("round_reports:scorecard", args=[p.pk, fmt]))
                            for fmt in round_docs.SCORECARD_FORMATS]) for p in periods],
        "whole": whole,
    })
