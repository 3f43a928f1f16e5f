"""Report views: the HTML preview at /reports/<year>/, its PDF and DOCX downloads, and the
leaders' overview at /reports/<year>/tong-quan/.

Only Home Affairs staff and leaders read reports (scorecards.permissions.sees_everything):
the report shows every agency's scores, so agency staff and outsiders get 403.

A year may hold several periods (two provinces, an internal index): every link carries
the period (?period=ID). A year alone that could mean several shows a page to choose one;
a period that does not exist, or is of another year, shows the 404 page with the year's
periods to go to instead.
"""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scorecards.permissions import can_manage, sees_everything
from scorecards.services.improvement import plan_rows

from .models import RenderJob, ReportPublication
from .services import assemble, build_context, filename
from .services.dashboard import build_dashboard
from .services.drafts import latest_publication_job, request_draft, request_publication, worker_late
from .services.periods import AmbiguousPeriod, PeriodNotFound, find_period, periods_of_year, subject_periods
from .services.publication import publication_digest, publication_problems

# The pages of a period, in the order the chooser offers them.
VIEWS = ("preview", "dashboard", "pdf", "docx")


def period_url(view: str, period) -> str:
    """/reports/<year>/…?period=ID: every link to a report page names its period."""
    return reverse(f"reports:{view}", args=[period.year]) + f"?period={period.pk}"


def _choices(periods, view: str) -> list[dict]:
    labels = {"preview": _("Báo cáo phân tích"), "dashboard": _("Tổng quan"), "pdf": "PDF", "docx": "DOCX"}
    return [{"period": p, "url": period_url(view, p),
             "links": [(labels[v], period_url(v, p), v == view) for v in VIEWS]} for p in periods]


def _not_found(request, year: int, view: str, message: str):
    """The 404 page, with the year's periods (if any) as the way on."""
    return render(request, "reports/period_not_found.html", {
        "year": year, "message": message, "choices": _choices(periods_of_year(year), view),
    }, status=404)


def is_number(raw: str) -> bool:
    """ASCII digits only: "²" is a digit to str.isdigit() but not to int()."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 12


def period_view(view: str):
    """Resolve ?period=ID (or the year's one period) before the view runs: a leader or
    Home Affairs sees the chooser or the 404 page instead of a command-line message."""

    def decorate(func):
        @login_required
        @wraps(func)
        def wrapper(request, year, **kwargs):
            if not sees_everything(request.user):
                raise PermissionDenied
            raw = request.GET.get("period", "").strip()
            if raw and not is_number(raw):
                return _not_found(request, year, view, _("Mã kỳ đánh giá “%(id)s” không hợp lệ.") % {"id": raw[:20]})
            try:
                period = find_period(year, int(raw) if raw else None)
            except AmbiguousPeriod:
                return render(request, "reports/choose_period.html", {
                    "year": year, "view": view, "choices": _choices(periods_of_year(year), view),
                })
            except PeriodNotFound as exc:
                return _not_found(request, year, view, str(exc))
            return func(request, period, **kwargs)
        return wrapper
    return decorate


def _other_years(period, view: str) -> list[dict]:
    return [{"label": link.label, "url": period_url(view, link.period), "current": link.current, "year": link.period.year}
            for link in subject_periods(period)]


@period_view("preview")
def preview(request, period):
    data = assemble(period)
    record = data.record
    publications = list(ReportPublication.objects.filter(period=period).select_related("published_by").order_by("-version"))
    problems = publication_problems(period, data)
    manager = can_manage(request.user)
    # The digest of what publishing now would print: the form sends it back, so nobody
    # publishes figures that changed after they read them; equal to the latest version's,
    # the page shows that version (no draft mark).
    digest = publication_digest(period, data) if publications or (manager and not problems) else ""
    current = publications[0] if publications and publications[0].source_sha256 == digest else None
    ctx = build_context(data, final=current is not None)
    ctx.update({
        "current_publication": current,
        "pdf_url": period_url("pdf", period),
        "docx_url": period_url("docx", period),
        "draft_pdf_url": period_url("pdf", period) + "&draft=1",
        "draft_docx_url": period_url("docx", period) + "&draft=1",
        "publications": [{"pub": p, "pdf_url": period_url("pdf", period) + f"&version={p.version}",
                          "docx_url": period_url("docx", period) + f"&version={p.version}"} for p in publications],
        "publish_url": period_url("publish", period) if manager else None,
        "publish_problems": problems,
        "publish_digest": digest if manager and not problems else "",
        "publish_job": latest_publication_job(period) if manager else None,
        "edit_url": (reverse("admin:reports_reportrecord_change", args=[record.pk]) if record.pk
                     else reverse("admin:reports_reportrecord_add") + f"?period={period.pk}") if manager else None,
        "other_periods": [{"period": p, "url": period_url("preview", p)} for p in periods_of_year(period.year) if p.pk != period.pk],
        "other_years": [y for y in _other_years(period, "preview") if not y["current"]],
        "show_staff_notes": True,
    })
    return render(request, "reports/preview.html", ctx)


@period_view("dashboard")
def dashboard(request, period):
    """Leaders' overview of a year: headline figures, fields against last year, lost points."""
    board = build_dashboard(assemble(period))
    followup = board.data.followup
    followup.own = plan_rows(period)  # the overview also shows this year's plan, late items flagged
    return render(request, "reports/dashboard.html", {
        "followup": followup, "plan_url": period_url("plan", period),
        "board": board, "data": board.data, "par": board.data.par, "sipas": board.data.sipas,
        "year_links": _other_years(period, "dashboard"),
        "report_url": period_url("preview", period),
        "pdf_url": period_url("pdf", period),
        "analysis_links": analysis_links(period),
    })


def analysis_links(period) -> list[tuple[str, str]]:
    """The leaders' analysis pages of a period (issue 15), as (label, url), in conference order."""
    return [(_("Điểm có thể giành lại"), period_url("winback", period)),
            (_("Giả định thứ hạng"), period_url("whatif", period)),
            (_("Tự đánh giá so với thẩm định"), period_url("overclaim", period)),
            (_("Kế hoạch khắc phục"), period_url("plan", period))]


def serve_stored(file, name: str, sha256: str = ""):
    """A stored file, streamed from storage (no rendering on the request)."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name)
    if sha256:
        response["X-Content-SHA256"] = sha256
    response["Cache-Control"] = "private, max-age=0"
    return response


def _download(request, period, fmt):
    """?version=N: that published version; ?draft=1: the draft of the current data; else the
    latest published version, or the draft while none is published."""
    raw_version = request.GET.get("version", "").strip()
    publications = ReportPublication.objects.filter(period=period)
    if raw_version:
        if not is_number(raw_version):
            return _not_found(request, period.year, fmt, _("Phiên bản “%(v)s” không hợp lệ.") % {"v": raw_version[:20]})
        publication = publications.filter(version=int(raw_version)).first()
        if publication is None:
            return _not_found(request, period.year, fmt, _("Báo cáo năm %(year)s không có phiên bản %(v)s đã phát hành.") % {
                "year": period.year, "v": int(raw_version)})
    else:
        publication = None if flag(request, "draft") else publications.order_by("-version").first()
    if publication is not None:
        file, sha256 = publication.file_for(fmt)
        if not file.storage.exists(file.name):
            return render(request, "reports/render_wait.html", {
                "lost": True, "year": period.year, "fmt": fmt.upper(), "report_url": period_url("preview", period),
            }, status=500)
        return serve_stored(file, filename(period, fmt, number=publication.number, version=publication.version), sha256)
    job = request_draft(period, fmt, actor=request.user, retry=flag(request, "retry"))
    url = period_url(fmt, period) + "&draft=1"
    waiting = flag(request, "wait")  # the waiting page's own reloads
    if job.status == RenderJob.Status.DONE and not waiting:
        return serve_stored(job.file, filename(period, fmt, number=_record_number(period), draft=True), job.sha256)
    status = {RenderJob.Status.DONE: 200, RenderJob.Status.FAILED: 503}.get(job.status, 202)
    return render(request, "reports/render_wait.html", {
        "job": job, "year": period.year, "period": period, "fmt": fmt.upper(), "worker_late": worker_late(job),
        "refresh_url": url + "&wait=1", "download_url": url, "retry_url": url + "&retry=1&wait=1",
        "report_url": period_url("preview", period),
    }, status=status)


def flag(request, name: str) -> bool:
    return request.GET.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _record_number(period) -> str:
    """The report's number ("661/BC-SNV"), or "" while it has no record."""
    record = getattr(period, "report_record", None)
    return record.number if record is not None else ""


@period_view("pdf")
def pdf(request, period):
    return _download(request, period, "pdf")


@period_view("docx")
def docx(request, period):
    return _download(request, period, "docx")


@require_POST
@period_view("publish")
def publish(request, period):
    """Queue the publication of the report (Sở Nội vụ: the service refuses anyone else with
    PermissionDenied, a 403); the preview shows its progress."""
    try:
        job = request_publication(period, actor=request.user, reason=request.POST.get("reason", ""),
                                  expected_digest=request.POST.get("digest", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        job.refresh_from_db()
        if job.status == RenderJob.Status.DONE:
            messages.success(request, _("Đã phát hành báo cáo năm %(year)s, phiên bản %(v)s.") % {
                "year": period.year, "v": job.publication.version})
        elif job.status == RenderJob.Status.FAILED:
            messages.error(request, job.error)
        else:
            messages.info(request, _("Đang phát hành báo cáo; trang này cho biết khi xong."))
    return redirect(period_url("preview", period))
