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

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from scorecards.permissions import can_manage, sees_everything

from .services import assemble, build_context, render as render_report
from .services.dashboard import build_dashboard
from .services.periods import AmbiguousPeriod, PeriodNotFound, find_period, periods_of_year, subject_periods

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


def period_view(view: str):
    """Resolve ?period=ID (or the year's one period) before the view runs: a leader or
    Home Affairs sees the chooser or the 404 page instead of a command-line message."""

    def decorate(func):
        @login_required
        @wraps(func)
        def wrapper(request, year):
            if not sees_everything(request.user):
                raise PermissionDenied
            raw = request.GET.get("period", "").strip()
            if raw and not raw.isdigit():
                return _not_found(request, year, view, _("Mã kỳ đánh giá “%(id)s” không hợp lệ.") % {"id": raw[:20]})
            try:
                period = find_period(year, int(raw) if raw else None)
            except AmbiguousPeriod:
                return render(request, "reports/choose_period.html", {
                    "year": year, "view": view, "choices": _choices(periods_of_year(year), view),
                })
            except PeriodNotFound as exc:
                return _not_found(request, year, view, str(exc))
            return func(request, period)
        return wrapper
    return decorate


def _other_years(period, view: str) -> list[dict]:
    return [{"label": link.label, "url": period_url(view, link.period), "current": link.current, "year": link.period.year}
            for link in subject_periods(period)]


@period_view("preview")
def preview(request, period):
    data = assemble(period)
    ctx = build_context(data)
    record = data.record
    ctx.update({
        "pdf_url": period_url("pdf", period),
        "docx_url": period_url("docx", period),
        "edit_url": (reverse("admin:reports_reportrecord_change", args=[record.pk]) if record.pk
                     else reverse("admin:reports_reportrecord_add") + f"?period={period.pk}") if can_manage(request.user) else None,
        "other_periods": [{"period": p, "url": period_url("preview", p)} for p in periods_of_year(period.year) if p.pk != period.pk],
        "other_years": [y for y in _other_years(period, "preview") if not y["current"]],
        "show_staff_notes": True,
    })
    return render(request, "reports/preview.html", ctx)


@period_view("dashboard")
def dashboard(request, period):
    """Leaders' overview of a year: headline figures, fields against last year, lost points."""
    board = build_dashboard(assemble(period))
    return render(request, "reports/dashboard.html", {
        "board": board, "data": board.data, "par": board.data.par, "sipas": board.data.sipas,
        "year_links": _other_years(period, "dashboard"),
        "report_url": period_url("preview", period),
        "pdf_url": period_url("pdf", period),
    })


def _download(request, period, fmt):
    report = render_report(period, fmt)
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response


@period_view("pdf")
def pdf(request, period):
    return _download(request, period, "pdf")


@period_view("docx")
def docx(request, period):
    return _download(request, period, "docx")
