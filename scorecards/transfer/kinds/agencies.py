"""Agencies (cơ quan, đơn vị) and provinces, keyed by their codes."""
from django.core.validators import validate_slug
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import Agency, Province

from .base import BOOL, CHOICE, INT, TEXT, Column, ModelKind


def check_code(kind, row, preview) -> bool:
    code = row.values.get("code")
    try:
        validate_slug(code)
    except ValidationError:
        preview.error(_("mã “%(code)s” chỉ được gồm chữ không dấu, số, gạch ngang và gạch dưới.") % {"code": code},
                      row.number, kind.header("code"))
        return False
    return True


class AgencyKind(ModelKind):
    slug = "agencies"
    label = _l("Cơ quan, đơn vị")
    model = Agency
    sheet_title = _l("Cơ quan")
    audit_action = "agencies.imported"
    columns = (
        Column("code", _l("Mã đơn vị"), TEXT, required=True, aliases=("mã", "ma co quan")),
        Column("name", _l("Tên"), TEXT, required=True, aliases=("tên đơn vị", "tên cơ quan"), width=45),
        Column("short_name", _l("Tên viết tắt"), TEXT, width=20),
        Column("kind", _l("Loại"), CHOICE, choices=tuple(Agency.Kind.choices), width=22),
        Column("province", _l("Mã tỉnh"), TEXT),
        Column("is_active", _l("Đang hoạt động"), BOOL),
        Column("order", _l("Thứ tự"), INT),
    )
    key_columns = ("code",)

    def queryset(self, scope=None):
        return Agency.objects.select_related("province").order_by("order", "code")

    def context(self, scope):
        return {"provinces": {p.code: p for p in Province.objects.all()}}

    def natural(self, obj, ctx):
        return {"code": obj.code, "name": obj.name, "short_name": obj.short_name, "kind": obj.kind,
                "province": obj.province.code if obj.province_id else "", "is_active": obj.is_active, "order": obj.order}

    def check_codes(self, row, ctx, preview):
        ok = check_code(self, row, preview)
        code = row.values.get("province")
        if code and code not in ctx["provinces"]:
            preview.error(_("không có tỉnh mã “%(code)s”.") % {"code": code}, row.number, self.header("province"))
            ok = False
        for key in ("name",):
            if key in row.values and not row.values[key]:
                preview.error(_("bắt buộc, không được để trống."), row.number, self.header(key))
                ok = False
        return ok

    def assign(self, obj, values, ctx):
        for key, value in values.items():
            if key == "province":
                obj.province = ctx["provinces"].get(value) if value else None
            elif key == "is_active":
                obj.is_active = True if value is None else value
            elif key == "order":
                obj.order = value or 0
            elif key == "kind":
                obj.kind = value or Agency.Kind.DEPARTMENT
            else:
                setattr(obj, key, value)


class ProvinceKind(ModelKind):
    slug = "provinces"
    label = _l("Tỉnh, thành phố")
    model = Province
    sheet_title = _l("Tỉnh")
    audit_action = "provinces.imported"
    columns = (
        Column("code", _l("Mã tỉnh"), TEXT, required=True, aliases=("mã",)),
        Column("name", _l("Tên tỉnh"), TEXT, required=True, aliases=("tên",), width=30),
    )
    key_columns = ("code",)

    def queryset(self, scope=None):
        return Province.objects.order_by("code")

    def natural(self, obj, ctx):
        return {"code": obj.code, "name": obj.name}

    def check_codes(self, row, ctx, preview):
        ok = check_code(self, row, preview)
        if "name" in row.values and not row.values["name"]:
            preview.error(_("bắt buộc, không được để trống."), row.number, self.header("name"))
            ok = False
        return ok
