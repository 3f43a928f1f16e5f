"""Leaders' analysis: the what-if page /reports/<year>/gia-dinh/ (issue 15).

A GET form, a pure read: pick lost criteria and their target points (prefilled with the
maximum), or an agency whose evidence points are all won back, or a SIPAS %, and/or a target
rank; the page shows the projection and the points needed (reports.services.whatif). Bad
input is a Vietnamese message on the form (HTTP 200), never a 500.

Who: Sở Nội vụ and leaders (and a round's council) for every criterion. An agency's staff
may use it too — the national table is public (analysis_access: sees_others) — but only
on the criteria their agency leads (the service refuses others', the plan takes only
theirs). A unit's staff of a round do not read the other units' results: 403.
"""
from django.shortcuts import render
from django.urls import path

from scorecards.formatting import fmt_points

from .services.whatif import WhatIfError, points_needed, project
from .services.winback import win_back
from .views import period_url
from .views_analysis import analysis_view
from .views_winback import overview_url


@analysis_view("whatif", "others")
def whatif_page(request, period, audience):
    restricted = None if audience.everything else audience
    all_losses = win_back(period, restricted).rows
    losses = [r for r in all_losses if audience.admits(r.agency_id)]
    agencies = {}
    for r in losses:
        if r.channel == "evidence" and r.agency_id:
            agencies.setdefault(r.agency_id, r.agency_name)
    q = request.GET
    chosen = [c for c in q.getlist("c") if c]
    targets = {code: q.get(f"t_{code}", "").strip() or None for code in chosen}
    agency = q.get("agency", "").strip() or None
    sipas = q.get("sipas", "").strip() or None
    rank = q.get("rank", "").strip() or None
    errors, projection, need = [], None, None
    if chosen or agency or sipas:
        max_of = {r.code: r.max_points for r in losses}
        try:
            projection = project(period, {code: t if t is not None else max_of.get(code) for code, t in targets.items()},
                                 agency=agency, sipas_pct=sipas, audience=restricted)
        except WhatIfError as exc:
            errors.append(str(exc))
    if rank:
        try:
            need = points_needed(period, rank, audience=restricted, losses=all_losses)
        except WhatIfError as exc:
            errors.append(str(exc))
    rows = [{"row": r, "checked": r.code in chosen, "target": targets.get(r.code) or fmt_points(r.max_points)} for r in losses]
    illustrative = any(x is not None and x.is_illustrative for x in (projection, need))
    return render(request, "reports/analysis_whatif.html", {
        "period": period, "audience": audience, "rows": rows, "agencies": sorted(agencies.items(), key=lambda a: a[1]),
        "form": {"agency": agency or "", "sipas": sipas or "", "rank": rank or ""},
        "projection": projection, "need": need, "errors": errors, "illustrative": illustrative,
        "dashboard_url": overview_url(period),
        "winback_url": period_url("winback", period) if audience.everything else None,
    })


urlpatterns = [path("<int:year>/gia-dinh/", whatif_page, name="whatif")]
