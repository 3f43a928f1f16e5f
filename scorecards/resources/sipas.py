"""SIPAS values of a period: indicator number (1–39) and satisfaction percentage."""
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.models import SipasIndicator, SipasValue

from .base import Column, ScorecardResource
from .widgets import CodeWidget, PercentWidget, TextWidget


class SipasValueResource(ScorecardResource):
    slug = "sipas"
    label = _l("Kết quả SIPAS")
    sheet_title = _l("SIPAS")
    scope_kind = "period"
    audit_action = AuditAction.SIPAS_IMPORTED

    indicator = Column("indicator", _l("Số thứ tự tiêu chí"),
                       CodeWidget(SipasIndicator, "number", message=_l("không có tiêu chí SIPAS số %(code)s."), key=int),
                       key=True, aliases=("stt", "số thứ tự", "tiêu chí"))
    text = Column("indicator__text", _l("Nội dung"), TextWidget(), readonly=True, width=60)
    pct = Column("pct", _l("Tỷ lệ hài lòng (%)"), PercentWidget(required=True), required=True, aliases=("tỷ lệ", "%"))

    class Meta(ScorecardResource.Meta):
        model = SipasValue
        fields = ("indicator", "text", "pct")
        export_order = fields

    def get_queryset(self):
        return SipasValue.objects.filter(period=self.scope).select_related("indicator").order_by("indicator__number")

    def natural_key(self, instance):
        return (str(instance.indicator.number),)

    def row_key(self, row):
        from . import cells

        text = cells.clean_text(row.get(self.fields["indicator"].column_name))
        try:
            return (str(cells.parse_int(text)),) if text else ("",)
        except cells.CellError:
            return (text,)

    def new_instance(self, row):
        return SipasValue(period=self.scope)
