"""What framework and questionnaire admins share: the copy into next year's version, the
years column, the "illustrative" banner, and labels that name the version of a node."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.permissions import can_manage
from scorecards.services import versions

ILLUSTRATIVE = _l("Số liệu minh họa")


class CopyVersionForm(forms.Form):
    code = forms.SlugField(label=_l("Mã phiên bản mới"), max_length=40, widget=forms.TextInput(attrs={"class": "vTextField"}),
                           help_text=_l("Chữ không dấu, số và dấu gạch ngang, ví dụ par-tinh-2025."))
    name = forms.CharField(label=_l("Tên"), max_length=255, widget=forms.TextInput(attrs={"class": "vTextField"}))
    year_from = forms.IntegerField(label=_l("Áp dụng từ năm"), min_value=2000, max_value=2100)
    legal_basis = forms.CharField(label=_l("Căn cứ pháp lý"), max_length=255, required=False,
                                  widget=forms.TextInput(attrs={"class": "vTextField"}),
                                  help_text=_l("Văn bản ban hành phiên bản mới, ví dụ quyết định của Bộ Nội vụ."))

    def add_service_error(self, exc: ValidationError):
        """The service's refusal, on the field it names when the form has it."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


def version_label(obj) -> str:
    return f"{obj.code} ({obj.years_label})" if obj.years_label else obj.code


class VersionAdminMixin:
    """Adds <id>/copy/ (the form of `copy_service`), a copy button on the change page and a
    list action leading to it; `years` and `used_by` columns."""

    copy_service = None  # staticmethod(a function of scorecards.services.versions)
    copy_title = _l("Sao chép thành phiên bản năm sau")
    change_form_template = "admin/scorecards/version_change_form.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("<path:object_id>/copy/", self.admin_site.admin_view(self.copy_view), name="%s_%s_copy" % info),
                *super().get_urls()]

    def copy_url(self, obj) -> str:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_copy", args=[obj.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {"copy_url": self.copy_url(obj) if obj is not None and can_manage(request.user) else None,
                 "copy_title": self.copy_title}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description=_l("Năm áp dụng"))
    def years(self, obj):
        return obj.years_label or "–"

    @admin.display(description=_l("Kỳ đánh giá dùng"))
    def used_by(self, obj):
        years = sorted({p.year for p in obj.periods.all()})
        return ", ".join(map(str, years)) or "–"

    @admin.action(description=_l("Sao chép thành phiên bản năm sau"), permissions=["administer"])
    def copy_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Chọn đúng một phiên bản để sao chép."), messages.WARNING)
            return None
        return redirect(self.copy_url(queryset.get()))

    def copy_view(self, request, object_id):
        source = get_object_or_404(self.model, pk=object_id)
        if not can_manage(request.user):
            raise PermissionDenied
        form = CopyVersionForm(request.POST or None, initial=versions.suggested_copy(source))
        if request.method == "POST" and form.is_valid():
            try:
                copy = self.copy_service(source, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                for text in self.copied_messages(source, copy):
                    self.message_user(request, text, messages.SUCCESS)
                info = copy._meta.app_label, copy._meta.model_name
                return redirect(reverse("admin:%s_%s_change" % info, args=[copy.pk]))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request), "opts": opts, "source": source, "form": form,
            "title": _("%(title)s: %(source)s") % {"title": self.copy_title, "source": source},
            "copy_what": self.copy_what(source), "non_field_errors": form.errors.get(NON_FIELD_ERRORS),
        }
        return TemplateResponse(request, "admin/scorecards/copy_version.html", context)

    def copy_what(self, source) -> str:
        raise NotImplementedError

    def copied_messages(self, source, copy) -> list[str]:
        raise NotImplementedError


class IllustrativeMixin:
    """Rows made up for illustration say so in the list and on the change page."""

    change_form_template = "admin/scorecards/illustrative_change_form.html"

    @admin.display(description=_l("năm"), ordering="year")
    def year_label(self, obj):
        """The year, marked when the row's figures are illustrative."""
        return format_html("{} {}", obj.year, self.illustrative_note(obj))

    @admin.display(description=_l("Ghi chú"))
    def illustrative_note(self, obj):
        return format_html(
            '<span class="illustrative-badge" style="background:#fff4ce;color:#4a3b00;border:1px solid #c28a00;'
            'border-radius:3px;padding:0 .4em;white-space:nowrap">{}</span>', ILLUSTRATIVE) if obj.is_illustrative else ""
