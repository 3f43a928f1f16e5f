"""Evidence files: served only here, after the same visibility rule as their score."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from scorecards.models import EvidenceDocument
from scorecards.services.evidence import remove_evidence


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        doc = get_object_or_404(EvidenceDocument.objects.for_user(request.user), pk=pk)
        try:
            handle = doc.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("Tệp không còn trên máy chủ.")) from None
        # Always a download (never rendered inline), under the cleaned original name.
        return FileResponse(handle, as_attachment=True, filename=doc.original_name,
                            content_type=doc.content_type or "application/octet-stream")


class EvidenceDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        doc = get_object_or_404(EvidenceDocument.objects.for_user(request.user), pk=pk)
        try:
            remove_evidence(doc.pk, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã xoá “%(name)s”.") % {"name": doc.original_name})
        return redirect("scorecards:score", pk=doc.score_id)
