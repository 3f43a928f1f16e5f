"""SIPAS values of a period: indicator number (1–39) and satisfaction percentage."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import SipasIndicator, SipasValue

from .base import INT, PERCENT, TEXT, Column, ModelKind, PeriodScoped


class SipasValueKind(PeriodScoped, ModelKind):
    slug = "sipas"
    label = _l("Kết quả SIPAS")
    model = SipasValue
    sheet_title = _l("SIPAS")
    audit_action = "sipas.imported"
    columns = (
        Column("indicator", _l("Số thứ tự tiêu chí"), INT, required=True, aliases=("stt", "số thứ tự", "tiêu chí")),
        Column("text", _l("Nội dung"), TEXT, imported=False, width=60),
        Column("pct", _l("Tỷ lệ hài lòng (%)"), PERCENT, required=True, aliases=("tỷ lệ", "%")),
    )
    key_columns = ("indicator",)

    def queryset(self, scope):
        return SipasValue.objects.filter(period=scope).select_related("indicator").order_by("indicator__number")

    def context(self, scope):
        return {"indicators": {i.number: i for i in SipasIndicator.objects.all()}}

    def natural(self, obj, ctx):
        return {"indicator": obj.indicator.number, "text": obj.indicator.text, "pct": obj.pct}

    def new_object(self, key, scope, ctx):
        return SipasValue(period=scope)

    def check_codes(self, row, ctx, preview):
        number = row.values.get("indicator")
        if number not in ctx["indicators"]:
            preview.error(_("không có tiêu chí SIPAS số %(number)s.") % {"number": number}, row.number, self.header("indicator"))
            return False
        if row.values.get("pct") is None:
            preview.error(_("bắt buộc, không được để trống."), row.number, self.header("pct"))
            return False
        return True

    def assign(self, obj, values, ctx):
        obj.indicator = ctx["indicators"][values["indicator"]]
        if "pct" in values:
            obj.pct = values["pct"]
