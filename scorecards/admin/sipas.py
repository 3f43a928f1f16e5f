from django.contrib import admin

from scorecards.models import SipasExpectation, SipasGroup, SipasIndicator, SipasSection, SipasValue
from .guarded import GuardedAdmin
from .transfer import TransferAdminMixin


@admin.register(SipasSection)
class SipasSectionAdmin(GuardedAdmin):
    list_display = ("code", "name", "order")


@admin.register(SipasGroup)
class SipasGroupAdmin(GuardedAdmin):
    list_display = ("code", "name", "section", "order")
    list_select_related = ("section",)


@admin.register(SipasIndicator)
class SipasIndicatorAdmin(GuardedAdmin):
    list_display = ("number", "text", "group")
    list_filter = ("group",)
    list_select_related = ("group",)
    search_fields = ("text",)


@admin.register(SipasValue)
class SipasValueAdmin(TransferAdminMixin, GuardedAdmin):
    list_display = ("period", "indicator", "pct")
    list_filter = ("period",)
    list_select_related = ("period__subject", "indicator")
    list_editable = ("pct",)
    list_per_page = 100


@admin.register(SipasExpectation)
class SipasExpectationAdmin(GuardedAdmin):
    list_display = ("period", "text", "pct", "order")
    list_filter = ("period",)
    list_select_related = ("period__subject",)
