"""The admin import page (upload → preview → confirm), exports and templates.

Mounted under each ModelAdmin by scorecards.admin.transfer.TransferAdminMixin. Between
preview and confirm the upload waits in private media storage (not in the session, not
in a process-local cache), named by a random token that only the uploader's session
knows; confirm re-reads it, checks its hash, refuses it when any row changed since the preview,
and imports it in one transaction.
"""
from __future__ import annotations

import hashlib
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import EvaluationPeriod, Framework
from scorecards.permissions import can_manage
from scorecards.resources import files, services
from scorecards.transfer.readers import max_bytes

SESSION_KEY = "transfer_uploads"


class ImportForm(forms.Form):
    file = forms.FileField(label=_l("Tệp XLSX hoặc CSV"))

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if kind.scope_kind == "period":
            self.fields["scope"] = forms.ModelChoiceField(
                EvaluationPeriod.objects.select_related("subject", "framework"), label=_l("Kỳ đánh giá"))
        elif kind.scope_kind == "framework":
            self.fields["scope"] = forms.ModelChoiceField(Framework.objects.all(), label=_l("Bộ chỉ số"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(_("Tệp lớn hơn %(limit)s MB.") % {"limit": max_bytes() // (1024 * 1024)})
        return upload


def _changelist_url(model_admin):
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _scope_model(kind):
    return {"period": EvaluationPeriod, "framework": Framework}.get(kind.scope_kind)


def _check_import_permission(request, model_admin):
    if not (can_manage(request.user) and model_admin.has_change_permission(request)):
        raise PermissionDenied


def import_view(request, model_admin, kind):
    _check_import_permission(request, model_admin)
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "kind": kind,
               "title": _("Nhập %(kind)s từ Excel") % {"kind": str(kind.label).lower()},
               "changelist_url": _changelist_url(model_admin), "max_mb": max_bytes() // (1024 * 1024)}
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, model_admin, kind, context)
    initial = {}
    if kind.scope_kind == "period" and request.GET.get("period__id__exact"):
        initial["scope"] = request.GET["period__id__exact"]
    form = ImportForm(request.POST or None, request.FILES or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        scope = form.cleaned_data.get("scope")
        preview = services.run_import(kind.slug, data, upload.name, scope=scope, actor=request.user, dry_run=True)
        token = ""
        if preview.ok:
            token = uuid.uuid4().hex
            path = default_storage.save(f"imports/{token}", ContentFile(data))
            uploads = request.session.get(SESSION_KEY, {})
            uploads[token] = {"kind": kind.slug, "scope": scope.pk if scope else None, "name": upload.name,
                              "path": path, "sha256": hashlib.sha256(data).hexdigest(),
                              # what the preview showed, so that confirm refuses rows changed since
                              "seen": preview.seen}
            request.session[SESSION_KEY] = uploads
        return TemplateResponse(request, "scorecards/transfer/preview.html", {**context, "preview": preview, "token": token})
    return TemplateResponse(request, "scorecards/transfer/import.html", {**context, "form": form})


def _confirm(request, model_admin, kind, context):
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(request.POST["token"], None)
    request.session[SESSION_KEY] = uploads
    if entry is None or entry["kind"] != kind.slug or not default_storage.exists(entry["path"]):
        messages.error(request, _("Phiên xem trước đã hết hạn: hãy tải tệp lên lại."))
        return HttpResponseRedirect(request.path)
    with default_storage.open(entry["path"], "rb") as fh:
        data = fh.read()
    default_storage.delete(entry["path"])
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise PermissionDenied
    scope_model = _scope_model(kind)
    scope = scope_model.objects.get(pk=entry["scope"]) if scope_model else None
    preview = services.run_import(kind.slug, data, entry["name"], scope=scope, actor=request.user, dry_run=False,
                                  seen=entry.get("seen", {}))
    if not preview.applied:
        return TemplateResponse(request, "scorecards/transfer/preview.html", {**context, "preview": preview, "token": ""})
    messages.success(request, _("Đã nhập “%(name)s”: %(summary)s") % {"name": entry["name"], "summary": preview.summary()})
    return HttpResponseRedirect(_changelist_url(model_admin))


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=files.content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _check_format(fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404


def template_view(request, model_admin, kind, fmt):
    _check_format(fmt)
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return _download(services.template(kind.slug, fmt), fmt, f"mau-{kind.slug}")


def export_view(request, model_admin, kind, fmt):
    """Export what the change list shows with its current filters and search."""
    _check_format(fmt)
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    scope = None
    if kind.scope_kind:
        field = "period" if kind.scope_kind == "period" else "framework"
        ids = list(queryset.order_by().values_list(f"{field}_id", flat=True).distinct()[:2])
        if len(ids) != 1:
            messages.error(request, _("Hãy lọc theo đúng một %(what)s trước khi xuất.") % {
                "what": _("kỳ đánh giá") if field == "period" else _("bộ chỉ số")})
            return HttpResponseRedirect(_changelist_url(model_admin) + "?" + request.GET.urlencode())
        scope = _scope_model(kind).objects.get(pk=ids[0])
    data = services.export(kind.slug, fmt, scope=scope, queryset=queryset)
    suffix = f"-{scope.year}" if kind.scope_kind == "period" else (f"-{scope.code}" if scope else "")
    return _download(data, fmt, f"{kind.slug}{suffix}")
