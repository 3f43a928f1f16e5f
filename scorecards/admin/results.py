from django.contrib import admin

from scorecards.models import NationalResult, Province

from scorecards.db import vi_ordering

from .guarded import GuardedAdmin
from .search import FoldedSearchMixin
from .transfer import TransferAdminMixin


@admin.register(Province)
class ProvinceAdmin(TransferAdminMixin, FoldedSearchMixin, GuardedAdmin):
    list_display = ("name", "code")

    def get_ordering(self, request):
        # Vietnamese collation on PostgreSQL ("Điện Biên" before "Yên Bái").
        return vi_ordering("name")


@admin.register(NationalResult)
class NationalResultAdmin(TransferAdminMixin, GuardedAdmin):
    list_display = ("year", "province", "par_score", "par_rank", "sipas_pct", "sipas_rank", "ranked_count")
    list_filter = ("year",)
    list_select_related = ("province",)
    search_fields = ("province__search_text",)
    autocomplete_fields = ("province",)
