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
from scorecards.services.scorecard import GAP_SENTENCE, PUBLISHED_PLACES, build_scorecard, published_gap
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
    forms = {row.score.pk: ScoreRowForm(data, score=row.score) for row in card.rows if row.score} if editable else {}
    for row in card.rows:  # a leaf added after the period was set up has no score row yet
        row.form = forms.get(row.score.pk) if row.score else None
    errors: list[dict] = []
    if data is not None:
        valid = [f.is_valid() for f in forms.values()]  # every row, so every bad cell is marked at once
        if all(valid):
            changes = [ScoreChange(pk, f.changed_values(), version=f.cleaned_data["version"])
                       for pk, f in forms.items() if f.changed_values()]
            try:
                with transaction.atomic():
                    result = apply_score_changes(period, changes, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                # Refused on the locked rows (someone saved or stepped the period meanwhile).
                errors = [{"message": m} for m in getattr(exc, "messages", None) or [str(exc)]]
            else:
                messages.success(request, ngettext("Đã lưu %(n)d tiêu chí.", "Đã lưu %(n)d tiêu chí.", len(result.changed)) % {
                    "n": len(result.changed)})
                return redirect(request.path)
        else:
            errors = grid_errors(card.rows)

    published = NationalResult.objects.filter(year=period.year, province_id=period.subject.province_id).first()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Bảng điểm %(year)s – %(subject)s") % {"year": period.year, "subject": period.subject},
        "period": period,
        "card": card,
        "editable": editable,
        "errors": errors,
        "published": published,
        "published_gap": published_gap(card.totals, published.par_score if published else None),
        "published_places": PUBLISHED_PLACES,
        "gap_sentence": GAP_SENTENCE,
        "readonly_reason": None if editable else (
            period.frozen_message() if period.is_frozen else _("Bạn chỉ có quyền xem bảng điểm này.")),
        # The grid needs the page's whole width at 1366 px: no admin menu beside it.
        "is_nav_sidebar_enabled": False,
        # The comparisons the report will not make, said before the report says them.
        "mapping_warning": mapping_warning(period),
        "channels": [
            (source, source.label, card.channel(source), source in ScoringSource.self_assessed())
            for source in (ScoringSource.EVIDENCE, ScoringSource.MONITORING, ScoringSource.SURVEY, ScoringSource.SIPAS)
        ],
    }
    return TemplateResponse(request, "admin/scorecards/scorecard.html", context)


def grid_errors(rows) -> list[dict]:
    """Every error of the grid in row order, each with the criterion and the id of its cell
    (or its row), for the summary above the grid."""
    out = []
    for row in rows:
        if row.form is None:
            continue
        for bound, message in row.form.error_entries():
            # The model's sentences already name the criterion and the field; the form's do not.
            label = bound.label if bound is not None and row.code not in message else ""
            out.append({"code": row.code, "label": label, "message": message,
                        "anchor": bound.auto_id if bound else f"sc-row-{row.score.pk}"})
    return out


class ScorecardAdminMixin:
    """Adds /admin/scorecards/evaluationperiod/<id>/scorecard/ to the period admin."""

    def get_urls(self):
        from django.urls import path

        custom = [
            path("<path:object_id>/scorecard/", self.admin_site.admin_view(lambda request, object_id: scorecard_view(self, request, object_id)),
                 name="scorecards_evaluationperiod_scorecard"),
        ]
        return custom + super().get_urls()


