"""SIPAS values of a period: indicator number and satisfaction percentage.

Numbers repeat across questionnaire versions: a number is looked up in the questionnaire
the period was surveyed with (EvaluationPeriod.sipas_questionnaire), never across all.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.models import SipasIndicator, SipasValue

from .base import Column, FileErrors, ScorecardResource
from .preview import RowError
from .widgets import CodeWidget, PercentWidget, TextWidget


class SipasValueResource(ScorecardResource):
    slug = "sipas"
    label = _l("Kết quả SIPAS")
    sheet_title = _l("SIPAS")
    scope_kind = "period"
    national_periods_only = True
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

    def before_import(self, dataset, **kwargs):
        questionnaire = self.scope.sipas_questionnaire if self.scope.sipas_questionnaire_id else None
        if questionnaire is None:
            raise FileErrors([RowError(_("Kỳ đánh giá năm %(year)s chưa chọn bộ câu hỏi SIPAS: chọn bộ câu hỏi cho kỳ "
                                         "rồi nhập lại.") % {"year": self.scope.year})])
        widget = self.fields["indicator"].widget
        widget.load(SipasIndicator.objects.filter(questionnaire=questionnaire))
        widget.message = _("không có tiêu chí SIPAS số %%(code)s trong bộ câu hỏi “%(questionnaire)s”.") % {
            "questionnaire": questionnaire.name}
        super().before_import(dataset, **kwargs)
        for value in self.existing.values():
            value.period = self.scope  # SipasValue.clean reads it: no query per row

    def new_instance(self, row):
        return SipasValue(period=self.scope)

    def template_objects(self):
        """Every indicator of the period's questionnaire by number, with its stored value."""
        if self.scope is None:
            return None
        stored = {v.indicator_id: v for v in self.get_queryset()}
        rows = []
        for indicator in SipasIndicator.objects.filter(questionnaire_id=self.scope.sipas_questionnaire_id).order_by(
                "number", "pk"):
            value = stored.get(indicator.pk) or SipasValue(period=self.scope)
            value.indicator = indicator
            rows.append(value)
        return rows
