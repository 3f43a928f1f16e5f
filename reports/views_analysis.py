"""What the leaders' analysis pages share: the period they are about and who reads what.

Each page lives at /reports/<year>/<page>/?period=ID (a unit's scorecard of a province's
round too, by id). `analysis_view(view, need)` resolves the period as the report pages do
(chooser, 404 page with the year's periods) and the user's share of it
(reports.services.analysis_access): `need="everything"` (every agency's rows, e.g. points
to win back), `"others"` (the other subjects' results: the what-if ranks; an agency reads the
public national table but moves only its own criteria) or `"own"`
(an agency's own rows are enough: over-claiming, improvement plan). The view receives
`(request, period, audience)`.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from .services.analysis_access import audience as audience_of
from .services.periods import AmbiguousPeriod, PeriodNotFound, find_period, periods_of_year
from .views import _choices, _not_found, is_number

NEEDS = ("everything", "others", "own")


def _admitted(aud, need: str) -> bool:
    if aud is None:
        return False
    if need == "everything":
        return aud.everything
    if need == "others":
        return aud.sees_others
    return True


def analysis_view(view: str, need: str):
    """Decorate a view taking (request, period, audience, **kwargs); see the module docstring."""
    assert need in NEEDS, need

    def decorate(func):
        @login_required
        @wraps(func)
        def wrapper(request, year, **kwargs):
            raw = request.GET.get("period", "").strip()
            if raw and not is_number(raw):
                return _not_found(request, year, view, _("Mã kỳ đánh giá “%(id)s” không hợp lệ.") % {"id": raw[:20]})
            try:
                period = find_period(year, int(raw) if raw else None, include_rounds=True)
            except AmbiguousPeriod:
                return render(request, "reports/choose_period.html", {
                    "year": year, "view": view, "choices": _choices(periods_of_year(year), view),
                })
            except PeriodNotFound as exc:
                return _not_found(request, year, view, str(exc))
            aud = audience_of(request.user, period)
            if not _admitted(aud, need):
                raise PermissionDenied
            return func(request, period, aud, **kwargs)
        return wrapper
    return decorate
