from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from scorecards.admin.guarded import GuardedAdmin

from .models import RenderJob, ReportPublication, ReportRecord


@admin.register(ReportRecord)
class ReportRecordAdmin(GuardedAdmin):
    list_display = ("period", "number", "date", "signer_name", "preview_link")
    list_select_related = ("period__subject",)
    fieldsets = (
        (None, {"fields": ("period",)}),
        (_("Thể thức"), {"fields": ("parent_body", "issuer", "number", "place", "date", "area_name", "issuer_role", "published_decision")}),
        (_("Nội dung do cán bộ viết"), {"fields": ("sipas_method", "sipas_commentary", "self_assessment_work",
                                                  "self_assessment_after", "solutions", "recommendations", "closing")}),
        (_("Ký và nơi nhận"), {"fields": ("signer_title", "signer_name", "recipients")}),
    )

    @admin.display(description=_("Xem trước"))
    def preview_link(self, obj):
        url = reverse("reports:preview", args=[obj.period.year]) + f"?period={obj.period_id}"
        return format_html('<a href="{}">{}</a>', url, _("Xem báo cáo"))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by reports.services (publication, the worker): the admin lists them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportPublication)
class ReportPublicationAdmin(ReadOnlyAdmin):
    list_display = ("period", "version", "number", "published_at", "published_by", "pdf_sha256", "reason")
    list_select_related = ("period__subject", "published_by")
    list_filter = ("period__year",)
    # The files through the report's own download (rights checked), never a storage URL.
    fields = ("period", "version", "number", "reason", "published_at", "published_by", "downloads", "pdf_sha256",
              "docx_sha256", "source_sha256", "data_versions")
    readonly_fields = fields

    @admin.display(description=_("Tệp"))
    def downloads(self, obj):
        url = reverse("reports:pdf", args=[obj.period.year]) + f"?period={obj.period_id}&version={obj.version}"
        docx = reverse("reports:docx", args=[obj.period.year]) + f"?period={obj.period_id}&version={obj.version}"
        return format_html('<a href="{}">PDF</a> · <a href="{}">DOCX</a>', url, docx)


@admin.register(RenderJob)
class RenderJobAdmin(ReadOnlyAdmin):
    list_display = ("period", "round", "target", "kind", "status", "created_at", "finished_at", "size", "error")
    list_select_related = ("period__subject",)
    list_filter = ("kind", "status")
    exclude = ("file",)  # a draft file has no URL of its own; the report page serves it
