from django.contrib import admin
from django.utils.translation import gettext_lazy as _


def configure_site():
    admin.site.site_header = _("Chỉ số CCHC – Sở Nội vụ")
    admin.site.site_title = _("Chỉ số CCHC")
    admin.site.index_title = _("Quản trị dữ liệu")
