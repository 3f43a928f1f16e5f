from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.permissions import can_manage
from scorecards.services import records

from scorecards.db import vi_ordering
from scorecards.models import NationalResult, Province

from .guarded import GuardedAdmin
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin
from .versions import IllustrativeMixin


@admin.register(Province)
class ProvinceAdmin(TransferAdminMixin, FoldedSearchMixin, GuardedAdmin):
    list_display = ("name", "code", "valid_from", "valid_to", "predecessor_names")
    fields = ("code", "name", "valid_from", "valid_to", "predecessors")
    filter_horizontal = ("predecessors",)

    def get_ordering(self, request):
        # Vietnamese collation on PostgreSQL ("Điện Biên" before "Yên Bái").
        return vi_ordering("name")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("predecessors")

    @admin.display(description=_l("hình thành từ các tỉnh"))
    def predecessor_names(self, obj):
        return ", ".join(sorted(p.name for p in obj.predecessors.all())) or "–"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "predecessors":
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            qs = Province.objects.order_by(*vi_ordering("name"))
            kwargs["queryset"] = qs.exclude(pk=object_id) if object_id else qs
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RankedCountForm(forms.Form):
    year = forms.IntegerField(label=_l("Năm"), min_value=2000, max_value=2100)
    ranked_count = forms.IntegerField(label=_l("Số địa phương được xếp hạng"), min_value=1, max_value=100,
                                      help_text=_l("63 đến năm 2024; 34 từ năm 2025. Áp dụng cho mọi kết quả của năm."))


@admin.register(NationalResult)
class NationalResultAdmin(IllustrativeMixin, TransferAdminMixin, GuardedAdmin):
    list_display = ("year_label", "province", "par_score", "par_rank_of", "sipas_pct", "sipas_rank_of")
    list_filter = ("year", "is_illustrative")
    list_select_related = ("province",)
    search_fields = ("province__search_text",)
    autocomplete_fields = ("province",)
    fields = ("year", "province", "par_score", "par_rank", "sipas_pct", "sipas_rank", "ranked_count", "decision",
              "is_illustrative")

    # A rank is shown with its base, never bare (63 provinces until 2024, 34 from 2025).
    @admin.display(description=_l("hạng Chỉ số CCHC"), ordering="par_rank")
    def par_rank_of(self, obj):
        return f"{obj.par_rank}/{obj.ranked_count}" if obj.par_rank else f"–/{obj.ranked_count}"

    @admin.display(description=_l("hạng SIPAS"), ordering="sipas_rank")
    def sipas_rank_of(self, obj):
        return f"{obj.sipas_rank}/{obj.ranked_count}" if obj.sipas_rank else f"–/{obj.ranked_count}"

    def get_urls(self):
        return [path("so-dia-phuong/", self.admin_site.admin_view(self.ranked_count_view),
                     name="scorecards_nationalresult_ranked_count"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"ranked_count_url": reverse("admin:scorecards_nationalresult_ranked_count")} if can_manage(request.user) else {}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def ranked_count_view(self, request):
        """One step for a year's number of provinces ranked (records.set_ranked_count)."""
        if not can_manage(request.user):
            raise PermissionDenied
        form = RankedCountForm(request.POST or None, initial={"year": request.GET.get("year")})
        if request.method == "POST" and form.is_valid():
            try:
                changed = records.set_ranked_count(form.cleaned_data["year"], form.cleaned_data["ranked_count"], actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Đã đổi số địa phương được xếp hạng của năm %(year)s thành %(count)s (%(n)s kết quả).") % {
                    "year": form.cleaned_data["year"], "count": form.cleaned_data["ranked_count"], "n": changed}, messages.SUCCESS)
                return redirect(reverse("admin:scorecards_nationalresult_changelist") + f"?year={form.cleaned_data['year']}")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("Đổi số địa phương được xếp hạng của một năm")}
        return TemplateResponse(request, "admin/scorecards/ranked_count.html", context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "ranked_count":
            # Required and never pre-filled: 63 provinces until 2024, 34 from 2025.
            field.required = True
            field.initial = None
            field.help_text = _l("Bắt buộc: 63 tỉnh, thành phố đến năm 2024; 34 từ năm 2025. Thứ hạng luôn ghi kèm số này.")
        return field
