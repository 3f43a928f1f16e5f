"""Leaders' analysis (issue 15): points to win back and over-claiming, as pages and XLSX.

- /reports/<year>/diem-gianh-lai/ ("winback"): every point lost, ranked by points ×
  recurrence, with totals per agency, field and channel (Sở Nội vụ, leaders; a unit's staff
  for their own scorecard of a round). `…/xlsx/` ("winback_xlsx"): the same numbers.
- /reports/<year>/tu-danh-gia-cao/ ("overclaim"): self-assessed against appraised points
  across the years; an agency's staff read their own criteria. `…/xlsx/` ("overclaim_xlsx").

Who reads what: reports.views_analysis.analysis_view; the figures: reports.services.winback
and reports.services.overclaim; the workbooks: reports.resources_analysis.
"""
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from .resources_analysis import XLSX_TYPE, overclaim_xlsx, winback_xlsx, xlsx_filename
from .services.overclaim import over_claim
from .services.winback import win_back
from .views import period_url
from .views_analysis import analysis_view


def overview_url(period) -> str:
    """The overview of the period: the national overview, or the unit's scorecard in a round."""
    if period.round_id:
        return reverse("round_scorecard:detail", args=[period.pk])
    return period_url("dashboard", period)


def _links(period) -> dict:
    return {
        "overview_url": overview_url(period),
        "winback_url": period_url("winback", period),
        "winback_xlsx_url": period_url("winback_xlsx", period),
        "overclaim_url": period_url("overclaim", period),
        "overclaim_xlsx_url": period_url("overclaim_xlsx", period),
        "plan_url": period_url("plan", period),
    }


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, max-age=0"
    return response


@analysis_view("winback", "everything")
def winback(request, period, audience):
    result = win_back(period, audience)
    return render(request, "reports/analysis_winback.html", {
        "result": result, "period": period, **_links(period),
        # A unit's staff of a round do not read the other units' results the what-if ranks among.
        "whatif_url": period_url("whatif", period) if audience.sees_others else None})


@analysis_view("winback_xlsx", "everything")
def winback_download(request, period, audience):
    return _xlsx(winback_xlsx(win_back(period, audience)), xlsx_filename("winback", period))


@analysis_view("overclaim", "own")
def overclaim(request, period, audience):
    result = over_claim(period, audience)
    return render(request, "reports/analysis_overclaim.html", {
        "result": result, "period": period, "audience": audience,
        # An agency's staff do not read the points to win back (every agency's rows).
        "show_winback": audience.everything, **_links(period)})


@analysis_view("overclaim_xlsx", "own")
def overclaim_download(request, period, audience):
    return _xlsx(overclaim_xlsx(over_claim(period, audience)), xlsx_filename("overclaim", period))


urlpatterns = [
    path("<int:year>/diem-gianh-lai/", winback, name="winback"),
    path("<int:year>/diem-gianh-lai/xlsx/", winback_download, name="winback_xlsx"),
    path("<int:year>/tu-danh-gia-cao/", overclaim, name="overclaim"),
    path("<int:year>/tu-danh-gia-cao/xlsx/", overclaim_download, name="overclaim_xlsx"),
]
