"""The admin as a caller of the service layer, never a writer of its own.

`GuardedAdmin` routes change forms, list edits, inlines, deletes and actions through
scorecards.services.records (or, for scores, services.scoring): rows of a published or
closed period open read-only with the reason shown; every form carries the fingerprint
of the row it was opened at and is refused, with a Vietnamese message, when the row has
changed since; every save and delete is audited with its real author; only Sở Nội vụ
runs actions (leaders get none).
"""
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.permissions import can_manage
from scorecards.forms import DayFirstDateField
from scorecards.services import records

from .vietnamese import VietnameseAdminMixin

FINGERPRINT = "row_fingerprint"


class GuardedForm(forms.ModelForm):
    """A model form that carries the fingerprint of the row it was opened at."""

    row_fingerprint = forms.CharField(
        label=_l("Phiên bản của dòng"), widget=forms.HiddenInput, required=False, error_messages={
        "required": _l("Trang này không cho biết bạn đã xem phiên bản nào của dòng; tải lại trang rồi nhập lại.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The row as loaded now; a bound form posts back the one the user saw, and an
            # edit of an existing row without it is refused (no blind overwrite).
            self.fields[FINGERPRINT].initial = records.fingerprint(self.instance)
            self.fields[FINGERPRINT].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.has_changed():
            # Checked again on the locked row when saving; here so that the form comes back
            # with what the user typed and the reason.
            current = type(self.instance).objects.filter(pk=self.instance.pk).first()
            refusal = current is not None and (records.frozen_refusal(current)
                                               or records.stale_refusal(current, cleaned.get(FINGERPRINT)))
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


@admin.action(permissions=["delete"], description=_l("Xoá các dòng đã chọn"))
def delete_selected(modeladmin, request, queryset):
    """Django's delete action, refused up front when any selected row may not be deleted."""
    refusals = sorted({r for r in (records.delete_refusal(obj) for obj in queryset) if r})
    if refusals:
        for refusal in refusals:
            modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    return django_delete_selected(modeladmin, request, queryset)


class GuardedAdmin(VietnameseAdminMixin, admin.ModelAdmin):
    """Base of every data-entry ModelAdmin (see the module docstring)."""

    form = GuardedForm
    # Dates typed day first with a message that says so (deadlines have their own field).
    formfield_overrides = {models.DateField: {"form_class": DayFirstDateField}}

    # ---- rights -----------------------------------------------------------------
    def has_administer_permission(self, request) -> bool:
        """For actions declared with permissions=["administer"]: Sở Nội vụ only."""
        return can_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or records.frozen_refusal(obj) is None)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or records.delete_refusal(obj) is None)

    def get_actions(self, request):
        if not can_manage(request.user):
            return {}
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (delete_selected, "delete_selected", delete_selected.short_description)
        return actions

    # ---- forms ------------------------------------------------------------------
    def get_changelist_form(self, request, **kwargs):
        # List edits carry each row's fingerprint too (rendered by
        # templates/admin/change_list_results.html).
        return super().get_changelist_form(request, **{"form": GuardedForm, **kwargs})

    def get_fieldsets(self, request, obj=None):
        # Once, in the last fieldset, and only on a form that can be saved: a read-only
        # page would show it as a field ("Row fingerprint: None").
        fieldsets = [(name, {**options, "fields": tuple(f for f in options["fields"] if f != FINGERPRINT)})
                     for name, options in super().get_fieldsets(request, obj)]
        writable = obj is None or self.has_change_permission(request, obj)
        if writable and FINGERPRINT not in self.get_readonly_fields(request, obj):
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": (*options["fields"], FINGERPRINT)})
        return fieldsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            refusal = records.frozen_refusal(obj)
            if refusal:
                self.message_user(request, refusal, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # Refused on the locked row after the form passed (someone saved in between):
            # the admin's transaction has rolled back; say why and show the row again.
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and request.POST.get("action") and not can_manage(request.user):
            # Django ignores an action the user is not offered; say why instead of nothing.
            self.message_user(request, _("Bạn không có quyền thực hiện thao tác này."), messages.ERROR)
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as exc:
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # ---- writes through the service layer -----------------------------------------
    def save_model(self, request, obj, form, change):
        m2m = {name: form.cleaned_data[name] for name in form.changed_data
               if name in {f.name for f in obj._meta.many_to_many}}
        records.save_record(obj, actor=request.user, seen=form.cleaned_data.get(FINGERPRINT) if change else None, m2m=m2m)
        form._m2m_saved = True

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were set (and audited) by save_model; inlines go one by one.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            records.delete_record(obj, actor=request.user)
        for obj in instances:
            records.save_record(obj, actor=request.user)

    def delete_model(self, request, obj):
        records.delete_record(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            records.delete_record(obj, actor=request.user)


class ReadOnlyAdmin(VietnameseAdminMixin, admin.ModelAdmin):
    """Rows written only by the services (audit log, exceptions): nobody edits them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


