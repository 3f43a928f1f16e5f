"""Report views: the HTML preview at /reports/<year>/, its PDF and DOCX downloads, and the
leaders' overview at /reports/<year>/tong-quan/.

Only Home Affairs staff and leaders read reports (scorecards.permissions.sees_everything):
the report shows every agency's scores, so agency staff and outsiders get 403.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from scorecards.models import EvaluationPeriod
from scorecards.permissions import can_manage, sees_everything

from .services import ReportError, assemble, build_context, find_period, render as render_report
from .services.dashboard import build_dashboard
from .services.periods import periods_of_year


def _period(request, year):
    if not sees_everything(request.user):
        raise PermissionDenied
    raw = request.GET.get("period")
    try:
        period_id = int(raw) if raw else None
    except ValueError:
        raise Http404 from None
    try:
        return find_period(year, period_id)
    except ReportError as exc:
        raise Http404(str(exc)) from None


@login_required
def preview(request, year):
    period = _period(request, year)
    data = assemble(period)
    ctx = build_context(data)
    query = f"?period={period.pk}"
    record = data.record
    ctx.update({
        "pdf_url": reverse("reports:pdf", args=[year]) + query,
        "docx_url": reverse("reports:docx", args=[year]) + query,
        "edit_url": (reverse("admin:reports_reportrecord_change", args=[record.pk]) if record.pk
                     else reverse("admin:reports_reportrecord_add") + f"?period={period.pk}") if can_manage(request.user) else None,
        "other_periods": [p for p in periods_of_year(year) if p.pk != period.pk],
        "show_staff_notes": True,
    })
    return render(request, "reports/preview.html", ctx)


@login_required
def dashboard(request, year):
    """Leaders' overview of a year: headline figures, fields against last year, lost points."""
    period = _period(request, year)
    board = build_dashboard(assemble(period))
    query = f"?period={period.pk}"
    return render(request, "reports/dashboard.html", {
        "board": board, "data": board.data, "par": board.data.par, "sipas": board.data.sipas,
        "years": EvaluationPeriod.objects.filter(subject_id=period.subject_id).order_by("-year").values_list("year", flat=True),
        "report_url": reverse("reports:preview", args=[year]) + query,
        "pdf_url": reverse("reports:pdf", args=[year]) + query,
    })


def _download(request, year, fmt):
    period = _period(request, year)
    report = render_report(period, fmt)
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@login_required
def pdf(request, year):
    return _download(request, year, "pdf")


@login_required
def docx(request, year):
    return _download(request, year, "docx")
