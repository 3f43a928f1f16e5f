from django.contrib import admin

from scorecards.models import Agency

from scorecards.db import vi_ordering

from .guarded import GuardedAdmin
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin


@admin.register(Agency)
class AgencyAdmin(TransferAdminMixin, FoldedSearchMixin, GuardedAdmin):
    list_display = ("name", "short_name", "code", "kind", "is_active", "order")
    list_filter = ("kind", "is_active")
    list_editable = ("order",)
    prepopulated_fields = {"code": ("name",)}

    def get_ordering(self, request):
        # Vietnamese collation on PostgreSQL ("Điện Biên" before "Yên Bái").
        return vi_ordering("order", "name")
