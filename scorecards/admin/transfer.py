"""Import / export buttons and pages on the change lists of every importable model."""
from django.urls import path

from scorecards.resources import resource_for_model


class TransferAdminMixin:
    """Adds Nhập từ Excel / Xuất Excel / Xuất CSV / Tải tệp mẫu to a ModelAdmin.

    The kind of data is found from the model (scorecards.transfer.kinds registry).
    """

    change_list_template = "scorecards/transfer/change_list.html"

    @property
    def transfer_kind(self):
        return resource_for_model(self.model)

    def get_urls(self):
        from scorecards.views import transfer

        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_transfer"
        wrap = self.admin_site.admin_view
        kind = self.transfer_kind
        urls = [
            path("import/", wrap(lambda request: transfer.import_view(request, self, kind)), name=f"{name}_import"),
            path("export/<str:fmt>/", wrap(lambda request, fmt: transfer.export_view(request, self, kind, fmt)), name=f"{name}_export"),
            path("template/<str:fmt>/", wrap(lambda request, fmt: transfer.template_view(request, self, kind, fmt)), name=f"{name}_template"),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        from django.urls import reverse

        from scorecards.permissions import can_manage

        opts = self.model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}_transfer"
        extra_context = {
            **(extra_context or {}),
            "transfer_kind": self.transfer_kind,
            "transfer_can_import": can_manage(request.user) and self.has_change_permission(request),
            "transfer_import_url": reverse(f"{name}_import"),
            "transfer_export_xlsx": reverse(f"{name}_export", args=["xlsx"]),
            "transfer_export_csv": reverse(f"{name}_export", args=["csv"]),
            "transfer_template_xlsx": reverse(f"{name}_template", args=["xlsx"]),
            "transfer_template_csv": reverse(f"{name}_template", args=["csv"]),
        }
        return super().changelist_view(request, extra_context)
