"""Django's admin app with the project's site as its default: our titles, and its index and
menu in Vietnamese order. Installed as INSTALLED_APPS' "scorecards.admin_config.AdminConfig",
Django's way of replacing the default site, so every @admin.register lands on it.

The site lives here, outside the scorecards.admin package: importing that package
registers models on admin.site, which would recurse into building the site.
"""
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _

from scorecards.db import vi_sort_key


class AdminSite(admin.AdminSite):
    site_header = _("Chỉ số CCHC – Sở Nội vụ")
    site_title = _("Chỉ số CCHC")
    index_title = _("Quản trị dữ liệu")

    def get_app_list(self, request, app_label=None):
        """Django sorts sections and models by code point ("Điểm" after "Ủy…", "Bộ chỉ số"
        before "Bộ câu hỏi SIPAS"); here in Vietnamese order."""
        apps = super().get_app_list(request, app_label)
        apps.sort(key=lambda app: vi_sort_key(str(app["name"])))
        for app in apps:
            app["models"].sort(key=lambda model: vi_sort_key(str(model["name"])))
        return apps


class AdminConfig(DjangoAdminConfig):
    default_site = "scorecards.admin_config.AdminSite"
