"""Assignments of a period: criterion code → lead agency code and supporting agency codes."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import Agency, Assignment, Criterion

from .base import CODES, TEXT, Column, ModelKind, PeriodScoped


class AssignmentKind(PeriodScoped, ModelKind):
    slug = "assignments"
    label = _l("Phân công")
    model = Assignment
    sheet_title = _l("Phân công")
    audit_action = "assignments.imported"
    columns = (
        Column("criterion", _l("Mã tiêu chí"), TEXT, required=True, aliases=("mã",)),
        Column("criterion_name", _l("Tên tiêu chí"), TEXT, imported=False, width=50),
        Column("lead_agency", _l("Mã đơn vị chủ trì"), TEXT, required=True, aliases=("đơn vị chủ trì",), width=22),
        Column("supporting", _l("Mã đơn vị phối hợp"), CODES, aliases=("đơn vị phối hợp",), width=40),
    )
    key_columns = ("criterion",)

    def queryset(self, scope):
        return (Assignment.objects.filter(period=scope).select_related("criterion", "lead_agency")
                .prefetch_related("supporting_agencies").order_by("criterion__sort_key", "pk"))

    def context(self, scope):
        return {
            "criteria": {c.code: c for c in Criterion.objects.filter(framework_id=scope.framework_id)},
            "agencies": {a.code: a for a in Agency.objects.all()},
        }

    def natural(self, obj, ctx):
        return {"criterion": obj.criterion.code, "criterion_name": obj.criterion.name,
                "lead_agency": obj.lead_agency.code,
                "supporting": sorted(a.code for a in obj.supporting_agencies.all())}

    def new_object(self, key, scope, ctx):
        return Assignment(period=scope)

    def check_codes(self, row, ctx, preview):
        ok = True
        code = row.values.get("criterion")
        if code not in ctx["criteria"]:
            preview.error(_("không có tiêu chí mã “%(code)s” trong bộ chỉ số của kỳ.") % {"code": code}, row.number, self.header("criterion"))
            ok = False
        lead = row.values.get("lead_agency")
        if not lead:
            preview.error(_("bắt buộc, không được để trống."), row.number, self.header("lead_agency"))
            ok = False
        elif lead not in ctx["agencies"]:
            preview.error(_("không có đơn vị mã “%(code)s”.") % {"code": lead}, row.number, self.header("lead_agency"))
            ok = False
        for code in row.values.get("supporting", []):
            if code not in ctx["agencies"]:
                preview.error(_("không có đơn vị mã “%(code)s”.") % {"code": code}, row.number, self.header("supporting"))
                ok = False
            elif code == lead:
                preview.error(_("đơn vị “%(code)s” đã là đơn vị chủ trì.") % {"code": code}, row.number, self.header("supporting"))
                ok = False
        return ok

    def assign(self, obj, values, ctx):
        obj.criterion = ctx["criteria"][values["criterion"]]
        if "lead_agency" in values:
            obj.lead_agency = ctx["agencies"][values["lead_agency"]]

    def after_save(self, change, ctx):
        if "supporting" in change.values:
            change.obj.supporting_agencies.set([ctx["agencies"][c] for c in change.values["supporting"]])
