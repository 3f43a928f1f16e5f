from django.contrib import admin

from scorecards.models import SipasExpectation, SipasGroup, SipasIndicator, SipasSection, SipasValue
from .transfer import TransferAdminMixin


@admin.register(SipasSection)
class SipasSectionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")


@admin.register(SipasGroup)
class SipasGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "section", "order")
    list_select_related = ("section",)


@admin.register(SipasIndicator)
class SipasIndicatorAdmin(admin.ModelAdmin):
    list_display = ("number", "text", "group")
    list_filter = ("group",)
    list_select_related = ("group",)
    search_fields = ("text",)


@admin.register(SipasValue)
class SipasValueAdmin(TransferAdminMixin, admin.ModelAdmin):
    list_display = ("period", "indicator", "pct")
    list_filter = ("period",)
    list_select_related = ("period__subject", "indicator")
    list_editable = ("pct",)
    list_per_page = 100


@admin.register(SipasExpectation)
class SipasExpectationAdmin(admin.ModelAdmin):
    list_display = ("period", "text", "pct", "order")
    list_filter = ("period",)
    list_select_related = ("period__subject",)
