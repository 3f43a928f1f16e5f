"""Files of a round scorecard: the signed self-assessment report and the evidence of a bonus
or penalty. Served only here, as downloads, to whoever may read the scorecard (403 for
another unit, 404 when there is no file)."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from scorecards.views.round_scorecard import get_period


def _download(field, name: str):
    if not field:
        raise Http404(_("Không có tệp."))
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    # Always a download (never rendered inline), under the cleaned original name.
    return FileResponse(handle, as_attachment=True, filename=name or field.name.rsplit("/", 1)[-1])


class SelfReportDownloadView(LoginRequiredMixin, View):
    def get(self, request, period_id):
        period = get_period(request.user, period_id)
        return _download(period.self_report, period.self_report_name)


class AdjustmentEvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, period_id, pk):
        period = get_period(request.user, period_id)
        adjustment = get_object_or_404(period.adjustments, pk=pk)
        return _download(adjustment.evidence, adjustment.evidence_name)
