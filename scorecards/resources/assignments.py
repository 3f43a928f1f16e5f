"""Assignments of a period: criterion code → lead agency code and supporting agency codes."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.models import Agency, Assignment, Criterion

from .base import Column, ScorecardResource
from .widgets import CodesWidget, CodeWidget, TextWidget


class AssignmentResource(ScorecardResource):
    slug = "assignments"
    label = _l("Phân công")
    sheet_title = _l("Phân công")
    scope_kind = "period"
    national_periods_only = True
    audit_action = AuditAction.ASSIGNMENTS_IMPORTED

    criterion = Column("criterion", _l("Mã tiêu chí"),
                       CodeWidget(Criterion, "code", message=_l("không có tiêu chí mã “%(code)s” trong bộ chỉ số của kỳ.")),
                       key=True, aliases=("mã",))
    criterion_name = Column("criterion__name", _l("Tên tiêu chí"), TextWidget(), readonly=True, width=50)
    lead_agency = Column("lead_agency", _l("Mã đơn vị chủ trì"),
                         CodeWidget(Agency, "code", message=_l("không có đơn vị mã “%(code)s”.")),
                         required=True, aliases=("đơn vị chủ trì",), width=22)
    supporting_agencies = Column("supporting_agencies", _l("Mã đơn vị phối hợp"),
                                 CodesWidget(Agency, "code", message=_l("không có đơn vị mã “%(code)s”.")),
                                 aliases=("đơn vị phối hợp",), width=40)

    class Meta(ScorecardResource.Meta):
        model = Assignment
        fields = ("criterion", "criterion_name", "lead_agency", "supporting_agencies")
        export_order = fields

    def get_queryset(self):
        return (Assignment.objects.filter(period=self.scope).select_related("criterion", "lead_agency")
                .prefetch_related("supporting_agencies").order_by("criterion__sort_key", "pk"))

    def before_import(self, dataset, **kwargs):
        widget = self.fields["criterion"].widget
        widget.load(Criterion.objects.filter(framework_id=self.scope.framework_id))
        widget.message = _("không có tiêu chí mã “%%(code)s” trong bộ chỉ số “%(framework)s”.") % {
            "framework": self.scope.framework.name}
        super().before_import(dataset, **kwargs)

    def template_objects(self):
        """Every leaf criterion of the period's framework in tree order (and any other
        criterion already assigned), with its stored assignment or blank agencies."""
        from scorecards.services.scorecard import load_tree

        if self.scope is None:
            return None
        tree, _children = load_tree(self.scope.framework_id)
        stored = {a.criterion_id: a for a in self.get_queryset()}
        rows = []
        for criterion in tree:
            if criterion.is_leaf or criterion.pk in stored:
                assignment = stored.get(criterion.pk) or Assignment(period=self.scope)
                assignment.criterion = criterion
                rows.append(assignment)
        return rows

    def dehydrate_supporting_agencies(self, obj):
        if obj.pk is None:
            return ""  # a leaf not assigned yet (the template): no relation to read
        return self.fields["supporting_agencies"].widget.render(obj.supporting_agencies)

    def new_instance(self, row):
        return Assignment(period=self.scope)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        column = self.fields["supporting_agencies"]
        if instance.lead_agency_id and column.column_name in self._row and "supporting_agencies" not in errors:
            try:
                codes = [a.code for a in column.clean(self._row) if a.pk == instance.lead_agency_id]
            except ValueError:
                codes = []  # reported by the base class
            if codes:
                errors["supporting_agencies"] = [_("đơn vị “%(code)s” đã là đơn vị chủ trì.") % {"code": codes[0]}]
        super().validate_instance(instance, errors, validate_unique)
