"""Agencies (cơ quan, đơn vị) and provinces, keyed by their codes."""
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.models import Agency, Province

from .base import Column, ScorecardResource
from .widgets import BoolWidget, ChoiceWidget, CodeWidget, IntWidget, TextWidget


class SlugCodeWidget(TextWidget):
    """A code: letters without accents, digits, "-" and "_"."""

    def __init__(self):
        super().__init__(required=True)

    def clean(self, value, row=None, **kwargs):
        code = super().clean(value, row, **kwargs)
        try:
            validate_slug(code)
        except ValidationError:
            raise ValueError(_("mã “%(code)s” chỉ được gồm chữ không dấu, số, gạch ngang và gạch dưới.") % {"code": code}) from None
        return code


class AgencyResource(ScorecardResource):
    slug = "agencies"
    label = _l("Cơ quan, đơn vị")
    sheet_title = _l("Cơ quan")
    audit_action = AuditAction.AGENCIES_IMPORTED

    code = Column("code", _l("Mã đơn vị"), SlugCodeWidget(), key=True, aliases=("mã", "ma co quan"))
    name = Column("name", _l("Tên"), TextWidget(required=True), required=True, aliases=("tên đơn vị", "tên cơ quan"), width=45)
    short_name = Column("short_name", _l("Tên viết tắt"), TextWidget(), width=20)
    kind = Column("kind", _l("Loại"), ChoiceWidget(Agency.Kind.choices, default=Agency.Kind.DEPARTMENT), width=22)
    province = Column("province", _l("Mã tỉnh"), CodeWidget(Province, "code", message=_l("không có tỉnh mã “%(code)s”."),
                                                            required=False))
    is_active = Column("is_active", _l("Đang hoạt động"), BoolWidget(default=True))
    order = Column("order", _l("Thứ tự"), IntWidget(default=0))

    class Meta(ScorecardResource.Meta):
        model = Agency
        fields = ("code", "name", "short_name", "kind", "province", "is_active", "order")
        export_order = fields

    def get_queryset(self):
        return Agency.objects.select_related("province").order_by("order", "code")


class ProvinceResource(ScorecardResource):
    slug = "provinces"
    label = _l("Tỉnh, thành phố")
    sheet_title = _l("Tỉnh")
    audit_action = AuditAction.PROVINCES_IMPORTED

    code = Column("code", _l("Mã tỉnh"), SlugCodeWidget(), key=True, aliases=("mã",))
    name = Column("name", _l("Tên tỉnh"), TextWidget(required=True), required=True, aliases=("tên",), width=30)

    class Meta(ScorecardResource.Meta):
        model = Province
        fields = ("code", "name")
        export_order = fields

    def get_queryset(self):
        return Province.objects.order_by("code")
