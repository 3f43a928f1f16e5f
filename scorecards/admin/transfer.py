"""Import and export in the admin: django-import-export's views, with our resources.

`TransferAdminMixin` is the library's ImportExportMixin set up for this project: one
resource per model (scorecards.resources), one import format (XLSX or CSV told apart by
content, read under limits), exports through our writer (numbers as numbers, formula
guards, CSV for Vietnamese spreadsheets), the preview as old → new per cell with every
error located (sorted by row and column), and a confirm step that refuses rows changed
since the preview. Only Sở Nội vụ imports; whoever may see the list may export it.

A kind whose rows belong to a period (framework, questionnaire, round) asks for it on every
page — export, import, template — as a required choice, latest first, named as users know
it ("2026 – Ủy ban nhân dân tỉnh Điện Biên"), chosen already when the list is filtered by
one. The template is filled from the chosen period (every leaf criterion with its code,
name and maximum, and what is stored), and files are named in Vietnamese without
diacritics ("mau-diem-2026-ubnd-tinh-dien-bien.xlsx": files.file_name).

No web request reads an uploaded file: the upload step stores it (private media storage,
under a name only the uploader's session knows) with an ImportJob and queues the preview
on the background worker (scorecards.transfer.jobs); the job's page (`import/job/<id>/`)
reloads itself until the preview is there, then shows it with the confirm button; the
confirm queues the real import the same way and ends on the change list with the message.
A job's page is the uploader's (and a superuser's): anyone else is told it does not exist.
"""
import copy

from django import forms
from django.contrib import admin
from django.contrib import messages
from django.core import signing
from django.core.exceptions import BadRequest, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from import_export.signals import post_export

from scorecards.models import ImportJob
from scorecards.permissions import can_manage
from scorecards.resources import files, resource_for_model, services
from scorecards.transfer import jobs
from scorecards.transfer.jobs import SCOPE_MODELS

SESSION_KEY = "import_files"
ANNOUNCED_KEY = "import_jobs_announced"  # the imported jobs whose message this session has shown
SEEN_SALT = "scorecards.import.seen"
# Rows of each kind (new, changed, unchanged) the preview page lists: the summary counts them
# all, and 20 000 rows of HTML would take seconds of a web worker to render (8 MB).
PREVIEW_ROWS_SHOWN = 1000


# The words of each kind of scope (resource.scope_kind; its model: jobs.SCOPE_MODELS) on the forms.
SCOPE_TEXTS = {
    "period": {"label": _l("Kỳ đánh giá"), "what": _l("kỳ đánh giá"), "empty": _l("— Chọn kỳ đánh giá —"),
               "invalid": _l("Không có kỳ đánh giá mã “%(value)s”: chọn một kỳ trong danh sách.")},
    "framework": {"label": _l("Bộ chỉ số"), "what": _l("bộ chỉ số"), "empty": _l("— Chọn bộ chỉ số —"),
                  "invalid": _l("Không có bộ chỉ số mã “%(value)s”: chọn một bộ trong danh sách.")},
    "questionnaire": {"label": _l("Bộ câu hỏi SIPAS"), "what": _l("bộ câu hỏi SIPAS"),
                      "empty": _l("— Chọn bộ câu hỏi SIPAS —"),
                      "invalid": _l("Không có bộ câu hỏi SIPAS mã “%(value)s”: chọn một bộ trong danh sách.")},
    "round": {"label": _l("Đợt đánh giá của tỉnh"), "what": _l("đợt đánh giá"), "empty": _l("— Chọn đợt đánh giá —"),
              "invalid": _l("Không có đợt đánh giá mã “%(value)s”: chọn một đợt trong danh sách.")},
}
# What a missing choice says, per form ("what": the kind's noun).
REQUIRED_TO_IMPORT = _l("Chọn %(what)s của tệp.")
REQUIRED_TO_EXPORT = _l("Chọn %(what)s cần xuất.")
REQUIRED_FOR_TEMPLATE = _l("Chọn %(what)s cho tệp mẫu.")
SCOPE_FIELDS = {"period": "period", "framework": "framework", "questionnaire": "questionnaire", "round": "round"}
# The lookups of a change list's address that name the scope (Django's list filter writes
# `period__id__exact`); the import and template pages take `scope` too.
SCOPE_LOOKUPS = ("{}__id__exact", "{}__exact", "{}__pk__exact", "{}_id", "{}")


def is_id(value: str) -> bool:
    """A row id as an address may write it: ASCII digits, short enough for the database."""
    return value.isascii() and value.isdigit() and len(value) < 12


def file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    """A file to download under `name` (ASCII: files.file_name)."""
    response = HttpResponse(content, content_type=files.content_type(fmt))
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


class GroupedPeriods(BaseChoiceIterator):
    """The choices of a period field, read when the form is rendered: the province's periods
    first, then each of the province's own rounds with its units' scorecards, latest first."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        field = self.field
        yield ("", field.empty_label)
        own, rounds = [], {}
        for period in field.queryset:
            if period.round_id is None:
                own.append(period)
            else:
                rounds.setdefault(period.round, []).append(period)
        groups = [(_("Chỉ số CCHC cấp tỉnh"), own)] if own else []
        groups += [(str(round_), periods) for round_, periods in rounds.items()]
        for label, periods in groups:
            yield (label, [(field.prepare_value(p), field.label_from_instance(p)) for p in periods])


class ScopeChoiceField(forms.ModelChoiceField):
    """The period (framework, questionnaire, round) of an export, import or template: a
    required choice, latest first, named as users know it — "2026 – Ủy ban nhân dân tỉnh
    Điện Biên", the units' scorecards of a round under the round's name — with Vietnamese
    messages for a missing or unknown choice."""

    def __init__(self, kind: str, required_message, national_only: bool = False, **kwargs):
        texts = SCOPE_TEXTS[kind]
        queryset = SCOPE_MODELS[kind].objects.all()
        if kind == "period":
            queryset = queryset.select_related("subject", "round").order_by("-year", "subject__order", "subject__name", "pk")
            if national_only:
                queryset = queryset.filter(round__isnull=True)
        self.kind = kind
        required = str(required_message) % {"what": texts["what"]}  # made per request, in its language
        super().__init__(queryset, label=texts["label"], empty_label=texts["empty"],
                         error_messages={"required": required, "invalid_choice": texts["invalid"]}, **kwargs)

    def _get_choices(self):
        if self.kind == "period":
            return GroupedPeriods(self)
        return super()._get_choices()

    choices = property(_get_choices, forms.ModelChoiceField.choices.fset)

    def label_from_instance(self, obj):
        if self.kind == "period":
            return f"{obj.year} – {obj.subject.name}"
        return str(obj)


def scope_field(resource_class, required_message, **kwargs):
    """The form field that picks a resource's scope, or None when the kind has none."""
    kind = resource_class.scope_kind
    if kind is None:
        return None
    return ScopeChoiceField(kind, required_message, national_only=getattr(resource_class, "national_periods_only", False), **kwargs)


class ScopedImportForm(ImportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].label = _l("Tệp XLSX hoặc CSV")
        # One import format, told from the file's content: nothing to choose.
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["format"].initial = "0"
        self.fields["format"].required = False
        field = scope_field(resources[0], REQUIRED_TO_IMPORT)
        if field is not None:
            self.fields["scope"] = field
            self.order_fields(["scope", "import_file"])

    def clean_import_file(self):
        """Refuse an upload over the limit before it is stored or read (the size is known)."""
        upload = self.cleaned_data["import_file"]
        if upload.size > files.max_mb() * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn %(size)s MB, vượt giới hạn %(limit)s MB.") % {
                "size": upload.size // (1024 * 1024), "limit": files.max_mb()})
        return upload


class ScopedConfirmForm(ConfirmImportForm):
    scope = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_seen(self):
        value = self.cleaned_data["seen"]
        if not value:
            return None
        try:
            return signing.loads(value, salt=SEEN_SALT)
        except signing.BadSignature:
            raise forms.ValidationError(_("Phiên xem trước không hợp lệ: hãy tải tệp lên lại.")) from None


class ScopedExportForm(ExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        field = self.fields["format"]
        field.label = _l("Định dạng tệp")
        field.choices = [(value, label) for value, label in field.choices if value != ""]  # XLSX first, no blank
        field.initial = field.choices[0][0]
        field.error_messages["required"] = _l("Chọn định dạng tệp.")
        field.error_messages["invalid_choice"] = _l("Không có định dạng “%(value)s”: chọn Excel hoặc CSV.")
        field = scope_field(resources[0], REQUIRED_TO_EXPORT)
        if field is not None:
            self.fields["scope"] = field
            self.order_fields(["scope", "format"])


class TemplateForm(forms.Form):
    """The template page's choice (GET): the scope whose rows fill the template."""

    def __init__(self, resource_class, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["scope"] = scope_field(resource_class, REQUIRED_FOR_TEMPLATE)


class TransferAdminMixin(ImportExportMixin):
    """Nhập từ Excel / Xuất Excel, CSV / Tải tệp mẫu on a model's change list.

    The resource is the one of the admin's model (scorecards.resources.resource_for_model),
    or the first of `resource_classes` when the admin names one: the SIPAS questionnaire's
    admin imports its indicators (`resource_classes = [QuestionnaireResource]`), into the
    questionnaire chosen on the form or named by ?scope=ID.
    """

    import_form_class = ScopedImportForm
    confirm_form_class = ScopedConfirmForm
    export_form_class = ScopedExportForm
    import_template_name = "admin/scorecards/transfer/import.html"
    export_template_name = "admin/scorecards/transfer/export.html"
    import_export_change_list_template = "admin/scorecards/transfer/change_list.html"
    # Every imported row is in our own audit log (services.records / services.scoring).
    skip_admin_log = True
    # Uploads wait for the worker and the confirm in private media storage (jobs.upload_storage:
    # any server of several reaches them, no public URL serves them). The library's own
    # read-in-the-request paths are not used; should one run, it stores there too.
    tmp_storage_class = "import_export.tmp_storages.MediaStorage"

    @property
    def resource_class(self):
        named = getattr(self, "resource_classes", None)
        return named[0] if named else resource_for_model(self.model)

    @property
    def scope_model(self):
        kind = self.resource_class.scope_kind
        return SCOPE_MODELS.get(kind) if kind else None

    def get_resource_classes(self, request):
        return [self.resource_class]

    def get_import_formats(self):
        return [files.SpreadsheetFormat]

    def get_export_formats(self):
        return [files.XLSXExport, files.CSVExport]

    # ---- who ----------------------------------------------------------------------
    def has_import_permission(self, request):
        return can_manage(request.user) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    # ---- the scope the address names ------------------------------------------------
    def scope_lookups(self) -> list[str]:
        """The change list's lookups that name the scope (none on the scopes' own list)."""
        kind = self.resource_class.scope_kind
        if kind is None or self.model is self.scope_model:
            return []
        return [pattern.format(SCOPE_FIELDS[kind]) for pattern in SCOPE_LOOKUPS]

    def listed_scope(self, request) -> str:
        """The scope's id as the address writes it ("scope" or the list's filter), or ""."""
        for name in ("scope", *self.scope_lookups()):
            value = request.GET.get(name, "").strip()
            if value:
                return value
        return ""

    def listed_scope_object(self, request):
        """(the scope the address names or None, a Vietnamese warning when it names one that
        does not exist or is not an id; else "")."""
        value = self.listed_scope(request)
        model = self.scope_model
        if not value or model is None:
            return None, ""
        scope = model.objects.filter(pk=int(value)).first() if is_id(value) else None
        if scope is None:
            return None, _("Địa chỉ trang ghi %(what)s mã “%(value)s”, không có trong danh sách: hãy chọn lại bên dưới.") % {
                "what": SCOPE_TEXTS[self.resource_class.scope_kind]["what"], "value": value[:40]}
        return scope, ""

    # ---- import -------------------------------------------------------------------
    def get_import_form_initial(self, request):
        initial = super().get_import_form_initial(request)
        scope, _warning = self.listed_scope_object(request)
        if scope is not None:
            initial["scope"] = str(scope.pk)
        return initial

    def _scope(self, form):
        if form is None or not hasattr(form, "cleaned_data"):
            return None
        scope = form.cleaned_data.get("scope")
        if isinstance(scope, int):
            model = self.scope_model
            scope = model.objects.filter(pk=scope).first() if model else None
        return scope

    def import_scope(self, request, form):
        """The scope of an import: the one chosen on the form (ScopedImportPage: the one in the address)."""
        return self._scope(form)

    def get_import_resource_kwargs(self, request, **kwargs):
        # The library builds the resource to describe its columns on the upload form.
        return {"scope": self.import_scope(request, kwargs.get("form")), "actor": request.user}

    def import_action(self, request, **kwargs):
        """The upload form; a valid upload is stored and its preview queued (never read here),
        then the officer is sent to the job's page."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                return self._start_import(request, form)
        response = super().import_action(request, **kwargs)  # the form, with its errors
        context = getattr(response, "context_data", None)
        if context is not None:
            context.update(self._transfer_context(request))
            context["title"] = self.import_title(request)
            if request.method != "POST":
                scope, context["scope_warning"] = self.listed_scope_object(request)
                if scope is not None:
                    context["template_xlsx"] += f"?scope={scope.pk}"
                    context["template_csv"] += f"?scope={scope.pk}"
        return response

    def _start_import(self, request, form):
        job = jobs.start_preview(form.cleaned_data["import_file"], kind=self.resource_class.slug,
                                 scope=self.import_scope(request, form), uploader=request.user,
                                 language=translation.get_language() or "")
        # The stored upload may be confirmed only from the session that uploaded it.
        names = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = (names + [job.file_name])[-20:]
        return HttpResponseRedirect(self.transfer_url(request, "import_job", job.pk))

    def _job(self, request, job_id) -> ImportJob:
        """The job of this page's kind (and scope), if the user may see it; else 404."""
        job = get_object_or_404(ImportJob.objects.select_related("uploader"), pk=job_id, kind=self.resource_class.slug)
        if not job.visible_to(request.user) or not self.job_belongs_here(request, job):
            raise Http404
        if not self.has_import_permission(request):
            raise PermissionDenied
        return job

    def job_belongs_here(self, request, job) -> bool:
        return True

    def import_job_view(self, request, job_id):
        """The job's page: waiting (reloads itself, with the rows checked so far), failed (the
        reason, a retry when the upload is still there), the preview with its confirm button,
        or, once imported, the change list with the message (the first time; later visits
        show what was imported, without announcing it again)."""
        job = jobs.expire_if_lost(self._job(request, job_id))
        if job.status == ImportJob.Status.DONE and job.step == ImportJob.Step.CONFIRM and job.result.get("applied"):
            if job.pk not in request.session.get(ANNOUNCED_KEY, []):
                return self._imported(request, job)
        context = {**self.admin_site.each_context(request), **self._transfer_context(request),
                   "title": self.import_title(request), "opts": self.model._meta, "job": job,
                   "job_url": self.transfer_url(request, "import_job", job.pk)}
        if job.is_pending or job.status == ImportJob.Status.FAILED:
            context.update(scope_label=self._job_scope_label(job), worker_late=jobs.worker_late(job),
                           retry_url=self.transfer_url(request, "import_job_retry", job.pk),
                           can_retry=job.status == ImportJob.Status.FAILED and request.user.pk == job.uploader_id
                           and jobs.upload_exists(job))
            return TemplateResponse(request, ["admin/scorecards/transfer/import_job.html"], context)
        preview = jobs.preview_of(job)
        context.update(preview=preview, form=None, confirm_form=None, rows_shown=PREVIEW_ROWS_SHOWN,
                       rows_slice=f":{PREVIEW_ROWS_SHOWN}")
        if job.step == ImportJob.Step.PREVIEW and preview.ok and request.user.pk == job.uploader_id:
            context["confirm_form"] = self.create_confirm_form(request, job=job)
        return TemplateResponse(request, [self.import_template_name], context)

    def import_job_retry(self, request, job_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._job(request, job_id)
        try:
            jobs.retry(job, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(self.transfer_url(request, "import"))
        return HttpResponseRedirect(self.transfer_url(request, "import_job", job.pk))

    def create_confirm_form(self, request, import_form=None, job=None):
        """The confirm form: unbound on the job's page (`job`: the stored upload's name, the
        signed fingerprints of the rows the preview showed), bound on the confirm."""
        if job is None:
            return super().create_confirm_form(request, import_form)
        return self.get_confirm_form_class(request)(initial={
            "import_file_name": job.file_name, "original_file_name": job.original_name, "format": 0, "resource": "",
            "scope": job.scope_id, "seen": signing.dumps(job.seen or {}, salt=SEEN_SALT)})

    def get_confirm_form_initial(self, request, import_form):
        return {}

    def process_import(self, request, **kwargs):
        """The confirm: queues the real import of the previewed job (as its uploader) and
        ends on the change list with the message, or on the job's page while it runs or
        when it was refused (rows changed since the preview)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        names = request.session.get(SESSION_KEY, [])
        form = self.create_confirm_form(request)
        job = ImportJob.objects.filter(file_name=name, kind=self.resource_class.slug, uploader=request.user).first() \
            if name else None
        if job is not None and job.step == ImportJob.Step.CONFIRM and self.job_belongs_here(request, job):
            return HttpResponseRedirect(self.transfer_url(request, "import_job", job.pk))  # a second click
        if job is None or name not in names or not self.job_belongs_here(request, job) or not form.is_valid():
            messages.error(request, _("Phiên xem trước đã hết hạn: hãy tải tệp lên lại."))
            return HttpResponseRedirect(self.transfer_url(request, "import"))
        request.session[SESSION_KEY] = [n for n in names if n != name]
        try:
            job = jobs.request_confirm(job, user=request.user, seen=form.cleaned_data.get("seen"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(self.transfer_url(request, "import"))
        if job.status == ImportJob.Status.DONE and job.result.get("applied"):
            return self._imported(request, job)
        return HttpResponseRedirect(self.transfer_url(request, "import_job", job.pk))

    def _imported(self, request, job):
        request.session[ANNOUNCED_KEY] = (request.session.get(ANNOUNCED_KEY, []) + [job.pk])[-50:]
        preview = jobs.preview_of(job)
        messages.success(request, _("Đã nhập “%(name)s”: %(summary)s") % {"name": job.original_name,
                                                                          "summary": preview.summary()})
        return HttpResponseRedirect(self.transfer_url(request, "done"))

    @staticmethod
    def _job_scope_label(job) -> str:
        try:
            return services.scope_label(jobs.scope_of(job))
        except ObjectDoesNotExist:
            return ""

    def import_title(self, request) -> str:
        return _("Nhập %(kind)s từ Excel") % {"kind": self.resource_class.label}

    # ---- export -------------------------------------------------------------------
    def export_action(self, request):
        """The export page: the scope (a required choice, the one the list is filtered by
        chosen already) and the format. The file has the list's rows — its other filters and
        its search — of the chosen scope. A malformed filter in the address is a 400 with a
        Vietnamese message; an unknown scope chosen on the form is an error on the form."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        queryset = self.get_export_queryset(request)
        listed, warning = self.listed_scope_object(request)
        initial = self.export_initial_scope(listed, queryset)
        data = None
        if request.method == "POST":
            data = request.POST.copy()
            if "scope" not in data and initial is not None:
                data["scope"] = str(initial)  # a form without the choice (a script): the list's scope
        form = self.get_export_form_class()(self.get_export_formats(), self.get_export_resource_classes(request),
                                            data=data, initial={"scope": initial})
        if form.is_valid():
            return self.export_file(request, form, queryset, listed)
        context = self.init_request_context_data(request, form)
        context.update(scope_warning=warning, changelist_url=self.changelist_url(request),
                       other_filters=bool(set(request.GET) - set(self.scope_lookups()) - {"o", "p", "all"}))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.export_template_name], context)

    def export_initial_scope(self, listed, queryset):
        """The scope the form starts with: the list's filter, else the only scope its rows have."""
        kind = self.resource_class.scope_kind
        if kind is None:
            return None
        if listed is not None:
            return listed.pk
        field = "pk" if self.model is self.scope_model else f"{SCOPE_FIELDS[kind]}_id"
        ids = list(queryset.order_by().values_list(field, flat=True).distinct()[:2])
        return ids[0] if len(ids) == 1 else None

    def export_file(self, request, form, queryset, listed):
        scope = form.cleaned_data.get("scope")
        file_format = self.get_export_formats()[int(form.cleaned_data["format"])]()
        fmt = "csv" if isinstance(file_format, files.CSVExport) else "xlsx"
        if scope is not None and self.model is not self.resource_class._meta.model:
            queryset = None  # the list shows the scopes (questionnaires): export the chosen one's rows
        elif scope is not None:
            if listed is None or listed.pk != scope.pk:
                # Another scope than the list's filter: the list's other filters, on the chosen scope.
                queryset = self.get_export_queryset(self._without_scope(request))
            queryset = queryset.filter(**{SCOPE_FIELDS[self.resource_class.scope_kind]: scope})
        content = services.export(self.resource_class.slug, fmt, scope=scope, queryset=queryset)
        post_export.send(sender=None, model=self.model)
        return file_response(content, fmt, files.file_name(self.resource_class, scope, fmt))

    def _without_scope(self, request):
        stripped = copy.copy(request)
        query = request.GET.copy()
        for name in self.scope_lookups():
            query.pop(name, None)
        stripped.GET = query
        return stripped

    def get_export_queryset(self, request):
        """The change list's rows with its filters and search; a malformed filter in the URL
        is a 400 with a Vietnamese message, not a server error."""
        from django.contrib.admin.options import IncorrectLookupParameters

        for name in self.scope_lookups():
            value = request.GET.get(name, "")
            if value and not is_id(value.strip()):
                what = SCOPE_TEXTS[self.resource_class.scope_kind]["label"]
                raise BadRequest(_("%(what)s “%(value)s” trong địa chỉ trang không hợp lệ: mở lại danh sách rồi bấm "
                                   "“Xuất Excel, CSV”.") % {"what": what, "value": value[:40]})
        try:
            queryset = super().get_export_queryset(request)
            queryset.exists()  # bad filter values fail here, not in the middle of the export
        except (IncorrectLookupParameters, ValueError, ValidationError):
            raise BadRequest(_("Bộ lọc trong địa chỉ trang không hợp lệ.")) from None
        return queryset

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Xuất %(kind)s ra Excel, CSV") % {"kind": self.resource_class.label}
        return context

    def changelist_url(self, request) -> str:
        url = reverse(f"admin:{self._info()}_changelist")
        return f"{url}?{request.GET.urlencode()}" if request.GET else url

    def changelist_view(self, request, extra_context=None):
        """The list with its buttons; the import and the template carry the list's scope."""
        scope, _warning = self.listed_scope_object(request)
        query = f"?scope={scope.pk}" if scope is not None else ""
        extra = {"transfer_import_url": self.transfer_url(request, "import") + query,
                 "transfer_template_url": self.transfer_url(request, "template", "xlsx") + query}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    # ---- templates to fill in -----------------------------------------------------
    def _info(self):
        return "{}_{}".format(*self.get_model_info())

    def get_urls(self):
        view, info = self.admin_site.admin_view, self._info()
        urls = [path("template/<str:fmt>/", view(self.template_view), name=f"{info}_template"),
                path("import/job/<int:job_id>/", view(self.import_job_view), name=f"{info}_import_job"),
                path("import/job/<int:job_id>/retry/", view(self.import_job_retry), name=f"{info}_import_job_retry")]
        return urls + super().get_urls()

    def template_view(self, request, fmt):
        """The template to fill in, with the chosen scope's rows (services.template); for a
        kind with a scope and none chosen yet (or an unknown one), the page that asks for it."""
        if fmt not in ("xlsx", "csv"):
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        scope, form = self.template_scope(request)
        if form is not None:
            context = {**self.admin_site.each_context(request), **self._transfer_context(request), "form": form,
                       "title": _("Tải tệp mẫu %(kind)s") % {"kind": self.resource_class.label},
                       "opts": self.model._meta}
            request.current_app = self.admin_site.name
            return TemplateResponse(request, ["admin/scorecards/transfer/template.html"], context)
        content = services.template(self.resource_class.slug, fmt, scope=scope)
        return file_response(content, fmt, files.file_name(self.resource_class, scope, fmt, template=True))

    def template_scope(self, request):
        """(the scope, None) when the template's scope is known; (None, the form that asks for
        it) otherwise — with its error when the address names one that does not exist."""
        if self.resource_class.scope_kind is None:
            return None, None
        value = request.GET.get("scope")
        form = TemplateForm(self.resource_class, data={"scope": value} if value is not None else None,
                            initial={"scope": self.listed_scope_object(request)[0]})
        if value is not None and form.is_valid():
            return form.cleaned_data["scope"], None
        return None, form

    def transfer_url(self, request, name: str, *args) -> str:
        """The address of a step: "import", "process_import", "import_job" and "import_job_retry"
        (args: the job's id), "template" (args: the format), or "done" (where a confirmed
        import lands: the change list)."""
        name = "changelist" if name == "done" else name
        return reverse(f"admin:{self._info()}_{name}", args=args)

    def _transfer_context(self, request):
        return {"resource_class": self.resource_class, "template_xlsx": self.transfer_url(request, "template", "xlsx"),
                "template_csv": self.transfer_url(request, "template", "csv"), "max_mb": files.max_mb(),
                "changelist_url": reverse(f"admin:{self._info()}_changelist"),
                "import_url": self.transfer_url(request, "import"),
                "confirm_url": self.transfer_url(request, "process_import")}


class ScopedImportPage(TransferAdminMixin, admin.ModelAdmin):
    """The import page of one kind into one object named in the address: a round's subjects,
    not-applicable marks, appraised and survey points, grade bands (`<round_id>/nhap/<kind>/`
    on the round's admin). The same preview → confirm flow, messages and safety as the change
    lists' imports; the scope is the object of the address, not a field of the form.

    Not registered: `scoped_import_urls` makes one per kind for the admin that shows the
    object, and the view it wraps puts the object on the request (`transfer_scope`) — one
    instance serves every request, so nothing of a request is kept on it.
    """

    def __init__(self, model, admin_site, resource_class, url_prefix: str):
        self.resource_classes = [resource_class]
        self.url_prefix = url_prefix  # "scorecards_round": its URL names are {prefix}_import_kind, …
        super().__init__(model, admin_site)

    def get_urls(self):  # served through scoped_import_urls only
        return []

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields.pop("scope", None)  # the object of the address
        return form

    def import_scope(self, request, form):
        return request.transfer_scope

    def listed_scope_object(self, request):
        return None, ""  # the scope is the object of the address

    def template_scope(self, request):
        return request.transfer_scope, None

    def job_belongs_here(self, request, job) -> bool:
        return job.scope_id == request.transfer_scope.pk

    def import_title(self, request) -> str:
        return _("Nhập %(kind)s từ tệp – %(scope)s") % {"kind": self.resource_class.label, "scope": request.transfer_scope}

    def transfer_url(self, request, name: str, *args) -> str:
        scope = request.transfer_scope
        if name == "done":
            return reverse(f"admin:{self.url_prefix}_change", args=[scope.pk])
        return reverse(f"admin:{self.url_prefix}_{name}_kind", args=[scope.pk, self.resource_class.slug, *args])

    def _transfer_context(self, request):
        scope = request.transfer_scope
        return {**super()._transfer_context(request), "scope_object": scope,
                "scope_url": reverse(f"admin:{self.url_prefix}_change", args=[scope.pk])}


def scoped_import_urls(model_admin, resource_classes, *, route: str = "<int:object_id>/nhap/<str:kind>/"):
    """URLs of the import pages of several kinds into one object of `model_admin`'s model, keyed
    by the kind's slug: `{route}` (upload, preview), `{route}xac-nhan/` (confirm) and
    `{route}mau/<fmt>/` (template to fill in), `{route}viec/<job_id>/` (the job's page) and
    `{route}viec/<job_id>/thu-lai/` (its retry). Only Sở Nội vụ: anyone else signed in gets 403
    (the admin's sign-in page for whoever is not signed in)."""
    prefix = "{}_{}".format(model_admin.model._meta.app_label, model_admin.model._meta.model_name)
    pages = {r.slug: ScopedImportPage(model_admin.model, model_admin.admin_site, r, prefix) for r in resource_classes}

    def view(step):
        def run(request, object_id, kind, **kwargs):
            page = pages.get(kind)
            if page is None:
                raise Http404
            request.transfer_scope = get_object_or_404(model_admin.model, pk=object_id)
            return getattr(page, step)(request, **kwargs)

        wrapped = model_admin.admin_site.admin_view(run)

        def officers_only(request, *args, **kwargs):
            if request.user.is_authenticated and not can_manage(request.user):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return officers_only

    return [path(route, view("import_action"), name=f"{prefix}_import_kind"),
            path(f"{route}xac-nhan/", view("process_import"), name=f"{prefix}_process_import_kind"),
            path(f"{route}mau/<str:fmt>/", view("template_view"), name=f"{prefix}_template_kind"),
            path(f"{route}viec/<int:job_id>/", view("import_job_view"), name=f"{prefix}_import_job_kind"),
            path(f"{route}viec/<int:job_id>/thu-lai/", view("import_job_retry"), name=f"{prefix}_import_job_retry_kind")]
