"""Import and export in the admin: django-import-export's views, with our resources.

`TransferAdminMixin` is the library's ImportExportMixin set up for this project: one
resource per model (scorecards.resources), one import format (XLSX or CSV told apart by
content, read under limits), exports through our writer (numbers as numbers, formula
guards, CSV for Vietnamese spreadsheets), a period or framework chosen on the form when
the data belongs to one, the preview as old → new per cell with every error located,
and a confirm step that refuses rows changed since the preview. Only Sở Nội vụ imports;
whoever may see the list may export it. The uploaded file waits between preview and
confirm in private media storage, under a name only the uploader's session knows.
"""
from django import forms
from django.contrib import admin
from django.contrib import messages
from django.core import signing
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from scorecards.models import EvaluationPeriod, Framework, Round, SipasQuestionnaire
from scorecards.permissions import can_manage
from scorecards.resources import files, resource_for_model, services
from scorecards.resources.preview import build
from scorecards.text import fold

SESSION_KEY = "import_files"
SEEN_SALT = "scorecards.import.seen"


# The model of each kind of scope (resource.scope_kind), and its label on the forms.
SCOPE_MODELS = {"period": EvaluationPeriod, "framework": Framework, "questionnaire": SipasQuestionnaire, "round": Round}
SCOPE_LABELS = {"period": _l("Kỳ đánh giá"), "framework": _l("Bộ chỉ số"), "questionnaire": _l("Bộ câu hỏi SIPAS"),
                "round": _l("Đợt đánh giá của tỉnh")}
SCOPE_FIELDS = {"period": "period", "framework": "framework", "questionnaire": "questionnaire", "round": "round"}


def scope_field(resource_class, **kwargs):
    """The form field that picks a resource's scope (a period, a framework, a questionnaire), or None."""
    kind = resource_class.scope_kind
    if kind is None:
        return None
    queryset = SCOPE_MODELS[kind].objects.all()
    if kind == "period":
        queryset = queryset.select_related("subject")
    return forms.ModelChoiceField(queryset, label=SCOPE_LABELS[kind], **kwargs)


class ScopedImportForm(ImportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["import_file"].label = _l("Tệp XLSX hoặc CSV")
        self.fields["format"].label = _l("Định dạng tệp")
        field = scope_field(resources[0])
        if field is not None:
            self.fields["scope"] = field

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
        field = scope_field(resources[0], required=False, empty_label=_l("theo bộ lọc của danh sách"))
        if field is not None:
            self.fields["scope"] = field


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
    # Between preview and confirm the upload waits in (private) media storage: any server
    # of several can confirm it, and no public URL serves it.
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

    # ---- import -------------------------------------------------------------------
    def get_import_form_initial(self, request):
        initial = super().get_import_form_initial(request)
        for name in ("scope", "period__id__exact", "framework__id__exact", "questionnaire__id__exact", "round__id__exact"):
            if request.GET.get(name, "").isdigit():
                initial["scope"] = request.GET[name]
                break
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
        form = kwargs.get("form")
        seen = form.cleaned_data.get("seen") if isinstance(form, ScopedConfirmForm) and form.is_valid() else None
        return {"scope": self.import_scope(request, form), "actor": request.user, "seen": seen}

    def get_import_data_kwargs(self, **kwargs):
        kwargs.pop("form", None)
        kwargs.pop("request", None)
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        scope = self.import_scope(request, import_form)
        if scope is not None:
            initial["scope"] = scope.pk
        if import_form is not None:
            # The stored upload may be confirmed only from the session that uploaded it.
            names = request.session.get(SESSION_KEY, [])
            request.session[SESSION_KEY] = (names + [initial["import_file_name"]])[-20:]
        return initial

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", str(e) if isinstance(e, files.FileRefused)
                       else _("Không đọc được tệp: hãy lưu lại bằng Excel hoặc LibreOffice dạng .xlsx rồi tải lên."))

    def write_to_tmp_storage(self, import_file, input_format):
        # The library joins the chunks with += (quadratic); the file is within the limit here.
        tmp_storage = self.get_tmp_storage_class()(
            encoding=None, read_mode=input_format.get_read_mode(), **self.get_tmp_storage_class_kwargs())
        import_file.seek(0)
        tmp_storage.save(import_file.read())
        self._purge_old_uploads(tmp_storage)
        return tmp_storage

    @staticmethod
    def _purge_old_uploads(tmp_storage, max_age_hours: int = 24):
        """Previews never confirmed leave their upload behind: remove those over a day old."""
        from datetime import timedelta

        from django.utils import timezone

        storage, folder = tmp_storage._storage, tmp_storage.MEDIA_FOLDER
        try:
            _dirs, names = storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError):
            return
        limit = timezone.now() - timedelta(hours=max_age_hours)
        for name in names:
            path = f"{folder}/{name}"
            try:
                if storage.get_modified_time(path) < limit:
                    storage.delete(path)
            except (FileNotFoundError, NotImplementedError):
                continue

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None:
            return response
        context.update(self._transfer_context(request))
        context["title"] = self.import_title(request)
        result = context.get("result")
        if result is not None:
            preview = build(result.scorecard_resource, result, filename=request.FILES["import_file"].name,
                            scope_label=services.scope_label(result.scorecard_resource.scope))
            context["preview"] = preview
            if context.get("confirm_form") is not None and preview.ok:
                context["confirm_form"].initial["seen"] = signing.dumps(preview.seen, salt=SEEN_SALT)
            else:
                context["confirm_form"] = None
                self._remove_upload(request)
        elif request.method == "POST":
            self._remove_upload(request)  # refused before a preview: nothing to keep
        return response

    def _remove_upload(self, request):
        upload = request.FILES.get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
            request.session[SESSION_KEY] = [n for n in request.session.get(SESSION_KEY, []) if n != name]

    def process_import(self, request, **kwargs):
        name = request.POST.get("import_file_name", "")
        if name not in request.session.get(SESSION_KEY, []):
            messages.error(request, _("Phiên xem trước đã hết hạn: hãy tải tệp lên lại."))
            return HttpResponseRedirect(self.transfer_url(request, "import"))
        request.session[SESSION_KEY] = [n for n in request.session[SESSION_KEY] if n != name]
        response = super().process_import(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and "preview" not in context:  # the confirm form itself was refused
            context.update({**self._transfer_context(request), "title": self.import_title(request)})
        return response

    def process_result(self, result, request):
        resource = result.scorecard_resource
        preview = build(resource, result, filename=resource.file_name, scope_label=services.scope_label(resource.scope))
        if not preview.ok:
            # Refused as a whole (rolled back): show why, nothing was written.
            context = {**self.admin_site.each_context(request), **self._transfer_context(request),
                       "title": self.import_title(request), "opts": self.model._meta, "preview": preview}
            return TemplateResponse(request, [self.import_template_name], context)
        messages.success(request, _("Đã nhập “%(name)s”: %(summary)s") % {"name": resource.file_name, "summary": preview.summary()})
        return HttpResponseRedirect(self.transfer_url(request, "done"))

    def import_title(self, request) -> str:
        return _("Nhập %(kind)s từ Excel") % {"kind": self.resource_class.label}

    # ---- export -------------------------------------------------------------------
    def export_scope(self, request, queryset):
        """The period (framework, questionnaire) of an export: chosen on the form, else the
        only one the list's filters leave (on the questionnaires' own list: the only one
        listed). ValueError (shown on the form) when neither says which."""
        kind = self.resource_class.scope_kind
        if kind is None:
            return None
        model = self.scope_model
        chosen = request.POST.get("scope", "")
        if chosen.isdigit():
            scope = model.objects.filter(pk=chosen).first()
            if scope is not None:
                return scope
        field = "pk" if self.model is model else f"{SCOPE_FIELDS[kind]}_id"
        ids = list(queryset.order_by().values_list(field, flat=True).distinct()[:2])
        if len(ids) != 1:
            what = {"period": _("kỳ đánh giá"), "framework": _("bộ chỉ số"), "questionnaire": _("bộ câu hỏi SIPAS"),
                    "round": _("đợt đánh giá")}[kind]
            raise ValueError(_("Chọn %(what)s cần xuất.") % {"what": what})
        return model.objects.get(pk=ids[0])

    def get_export_queryset(self, request):
        """The change list's rows with its filters and search; a malformed filter in the URL
        is a 400 with a Vietnamese message, not a server error."""
        from django.contrib.admin.options import IncorrectLookupParameters
        from django.core.exceptions import BadRequest, ValidationError

        try:
            queryset = super().get_export_queryset(request)
            queryset.exists()  # bad filter values fail here, not in the middle of the export
        except (IncorrectLookupParameters, ValueError, ValidationError):
            raise BadRequest(_("Bộ lọc trong địa chỉ trang không hợp lệ.")) from None
        return queryset

    def get_export_data(self, file_format, request, queryset, **kwargs):
        fmt = "csv" if isinstance(file_format, files.CSVExport) else "xlsx"
        scope = self.export_scope(request, queryset)
        if self.model is not self.resource_class._meta.model:
            queryset = None  # the list shows the scopes (questionnaires): export the chosen one's rows
        elif scope is not None:
            queryset = queryset.filter(**{SCOPE_FIELDS[self.resource_class.scope_kind]: scope})
        return services.export(self.resource_class.slug, fmt, scope=scope, queryset=queryset)

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Xuất %(kind)s ra Excel, CSV") % {"kind": self.resource_class.label}
        return context

    def get_export_filename(self, request, queryset, file_format):
        """Vietnamese file names: "diem-2025.xlsx", "phan-cong-2025.csv", "tieu-chi-bo-chi-so.xlsx"."""
        scope = self.export_scope(request, queryset)
        suffix = f"-{scope.year}" if hasattr(scope, "year") else (f"-{slugify(fold(scope.code))}" if scope else "")
        return f"{slugify(fold(str(self.resource_class.label)))}{suffix}.{file_format.get_extension()}"

    # ---- templates to fill in -----------------------------------------------------
    def _info(self):
        return "{}_{}".format(*self.get_model_info())

    def get_urls(self):
        urls = [path("template/<str:fmt>/", self.admin_site.admin_view(self.template_view),
                     name=f"{self._info()}_template")]
        return urls + super().get_urls()

    def template_view(self, request, fmt):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404, HttpResponse

        if fmt not in ("xlsx", "csv"):
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(services.template(self.resource_class.slug, fmt), content_type=files.content_type(fmt))
        name = slugify(fold(str(self.resource_class.label)))
        response["Content-Disposition"] = f'attachment; filename="mau-{name}.{fmt}"'
        return response

    def transfer_url(self, request, name: str, *args) -> str:
        """The address of a step: "import", "process_import", "template" (args: the format), or
        "done" (where a confirmed import lands: the change list)."""
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
    `{route}mau/<fmt>/` (template to fill in). Only Sở Nội vụ: anyone else signed in gets 403
    (the admin's sign-in page for whoever is not signed in)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.shortcuts import get_object_or_404

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
            path(f"{route}mau/<str:fmt>/", view("template_view"), name=f"{prefix}_template_kind")]
