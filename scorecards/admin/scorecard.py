"""The per-period scorecard: every leaf grouped by field, edited and saved all at once."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scorecards.forms_scorecard import ScoreRowForm
from scorecards.models import EvaluationPeriod, NationalResult, ScoringSource
from scorecards.permissions import can_manage
from scorecards.services.scorecard import build_scorecard
from scorecards.services.scoring import ScoreChange, apply_score_changes
from scorecards.services.versions import mapping_warning


def scorecard_view(model_admin, request, object_id):
    period = get_object_or_404(EvaluationPeriod.objects.select_related("framework", "subject__province"), pk=object_id)
    if not model_admin.has_view_permission(request, period):
        raise PermissionDenied
    editable = can_manage(request.user) and not period.is_frozen
    data = request.POST if request.method == "POST" else None
    if data is not None and not editable:
        raise PermissionDenied

    card = build_scorecard(period)
    forms = {row.score.pk: ScoreRowForm(data, score=row.score) for row in card.rows if row.score}
    for row in card.rows:  # a leaf added after the period was set up has no score row yet
        row.form = forms.get(row.score.pk) if row.score else None
    if data is not None:
        if all(f.is_valid() for f in forms.values()):
            changes = [ScoreChange(pk, f.changed_values(), version=f.cleaned_data["version"])
                       for pk, f in forms.items() if f.changed_values()]
            try:
                with transaction.atomic():
                    result = apply_score_changes(period, changes, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                for message in getattr(exc, "messages", None) or [str(exc)]:
                    messages.error(request, message)
            else:
                messages.success(request, ngettext("Đã lưu %(n)d tiêu chí.", "Đã lưu %(n)d tiêu chí.", len(result.changed)) % {
                    "n": len(result.changed)})
                return redirect(request.path)
        else:
            for f in forms.values():
                for errors in f.errors.values():
                    for error in errors:
                        messages.error(request, _("Tiêu chí %(code)s: %(error)s") % {"code": f.score.criterion.code, "error": error})

    published = NationalResult.objects.filter(year=period.year, province_id=period.subject.province_id).first()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Bảng điểm %(year)s – %(subject)s") % {"year": period.year, "subject": period.subject},
        "period": period,
        "card": card,
        "forms": forms,
        "editable": editable,
        "published": published,
        # The comparisons the report will not make, said before the report says them.
        "mapping_warning": mapping_warning(period),
        "channels": [
            (ScoringSource.EVIDENCE.label, card.channel(ScoringSource.EVIDENCE), True),
            (ScoringSource.MONITORING.label, card.channel(ScoringSource.MONITORING), True),
            (ScoringSource.SURVEY.label, card.channel(ScoringSource.SURVEY), False),
            (ScoringSource.SIPAS.label, card.channel(ScoringSource.SIPAS), False),
        ],
    }
    return TemplateResponse(request, "admin/scorecards/scorecard.html", context)


class ScorecardAdminMixin:
    """Adds /admin/scorecards/evaluationperiod/<id>/scorecard/ to the period admin."""

    def get_urls(self):
        from django.urls import path

        custom = [
            path("<path:object_id>/scorecard/", self.admin_site.admin_view(lambda request, object_id: scorecard_view(self, request, object_id)),
                 name="scorecards_evaluationperiod_scorecard"),
        ]
        return custom + super().get_urls()


