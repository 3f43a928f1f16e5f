"""Subjects of a round (đối tượng đánh giá): Mã nhóm, Mã đơn vị, and optionally Tên đơn vị.

Each new row adds the agency to the group: its scorecard with every leaf's score row, in
the round's step and deadlines (services.rounds.add_subjects, per group, all groups in one
transaction). A row for an agency already in the round in the same group changes nothing
(an exported list imports back unchanged); in another group it is refused, as are unknown
groups or agencies, a name that is not the code's, an agency that ended before the year's
end or started after it, and a province.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import Agency, EvaluationPeriod
from scorecards.text import fold

from .base import Column
from .round_base import RoundResource
from .widgets import TextWidget


class RoundSubjectsResource(RoundResource):
    slug = "round_subjects"
    label = _l("Đối tượng đánh giá")
    sheet_title = _l("Đối tượng")
    refused_what = _l("thêm được đối tượng")

    group = Column("group_code", _l("Mã nhóm"), TextWidget(required=True), required=True,
                   aliases=("nhóm", "mã nhóm đối tượng"), width=14,
                   guide=_l("Mã nhóm đối tượng của đợt đánh giá (ví dụ so, xa)."))
    group_name = Column("group_name", _l("Tên nhóm"), TextWidget(), readonly=True, width=30)
    subject = Column("subject_code", _l("Mã đơn vị"), TextWidget(required=True), key=True,
                     aliases=("mã cơ quan", "mã đối tượng"), width=22,
                     guide=_l("Mã của cơ quan, đơn vị trong danh sách cơ quan, đơn vị."))
    subject_name = Column("subject_name", _l("Tên đơn vị"), TextWidget(), aliases=("tên cơ quan", "tên"), width=40,
                          guide=_l("Không bắt buộc: nếu ghi, phải là tên của đơn vị mã đó (để tránh gõ nhầm mã); không "
                                   "phân biệt chữ hoa, dấu."))

    class Meta(RoundResource.Meta):
        model = EvaluationPeriod
        fields = ("group", "group_name", "subject", "subject_name")
        export_order = fields

    def get_queryset(self):
        return (EvaluationPeriod.objects.filter(round=self.scope).select_related("subject", "group")
                .order_by("group__order", "group_id", "subject__order", "subject__name"))

    def natural_key(self, instance) -> tuple:
        return (instance.subject.code,)

    def prepare_existing(self, instance) -> None:
        instance.group_code, instance.group_name = instance.group.code, instance.group.name
        instance.subject_code, instance.subject_name = instance.subject.code, instance.subject.name

    def dehydrate_group(self, obj):
        return obj.group.code if obj.group_id else ""

    def dehydrate_group_name(self, obj):
        return obj.group.name if obj.group_id else ""

    def dehydrate_subject(self, obj):
        return obj.subject.code

    def dehydrate_subject_name(self, obj):
        return obj.subject.name

    def new_instance(self, row):
        instance = EvaluationPeriod()  # added by services.rounds.add_subjects, never saved from here
        instance.group_code = instance.group_name = instance.subject_code = instance.subject_name = ""
        return instance

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        agency = self.agencies.get(instance.subject_code or "")
        if agency is not None and fold(instance.subject_name or "") in ("", fold(agency.name)):
            instance.subject_name = agency.name  # the name as recorded (case, accents, blank)

    # ---- checks -------------------------------------------------------------------------
    def agency_problem(self, agency: Agency, year: int) -> str | None:
        if agency.kind == Agency.Kind.PROVINCE:
            return _("%(a)s là tỉnh (đối tượng của Chỉ số cấp tỉnh), không thuộc đợt đánh giá của tỉnh.") % {"a": agency}
        if not agency.answers_for(year):
            message = _("%(a)s đã kết thúc hoạt động ngày %(d)s, không được đánh giá năm %(y)s.") % {
                "a": agency, "d": agency.ended_on.strftime("%d/%m/%Y"), "y": year}
            if agency.successor_id:
                message += " " + _("Đơn vị tiếp nhận nhiệm vụ: %(s)s (mã “%(code)s”).") % {
                    "s": agency.successor, "code": agency.successor.code}
            return message
        if agency.started_on and agency.started_on.year > year:
            return _("%(a)s bắt đầu hoạt động từ ngày %(d)s, sau năm %(y)s.") % {
                "a": agency, "d": agency.started_on.strftime("%d/%m/%Y"), "y": year}
        return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        agency = self.agencies.get(instance.subject_code or "")
        group = self.groups.get(instance.group_code or "")
        if agency is None and "subject_code" not in errors:
            errors["subject_code"] = [_("không có đơn vị mã “%(code)s” trong danh sách cơ quan, đơn vị.") % {
                "code": instance.subject_code}]
        if group is None and "group_code" not in errors:
            errors["group_code"] = [_("đợt đánh giá không có nhóm mã “%(code)s” (các nhóm: %(groups)s).") % {
                "code": instance.group_code, "groups": self.group_list()}]
        if agency is not None and instance.subject_name != agency.name and "subject_name" not in errors:
            errors["subject_name"] = [_("mã “%(code)s” là đơn vị “%(name)s”, không phải “%(typed)s”: kiểm tra lại mã đơn vị.") % {
                "code": agency.code, "name": agency.name, "typed": instance.subject_name}]
        if instance.pk is not None:
            if group is not None and group.pk != instance.group_id and "group_code" not in errors:
                errors["group_code"] = [_("%(a)s đã là đối tượng của nhóm “%(g)s” trong đợt đánh giá: bỏ đơn vị khỏi nhóm đó "
                                          "(trang đợt đánh giá) trước khi thêm vào nhóm khác.") % {
                    "a": instance.subject.name, "g": instance.group.code}]
        elif agency is not None and "subject_code" not in errors:
            problem = self.agency_problem(agency, self.scope.year)
            if problem:
                errors["subject_code"] = [problem]
        if errors:
            raise ValidationError(errors)
        if instance.pk is None:
            instance.subject, instance.group = agency, group

    def warnings(self, result):
        messages = []
        for instance, _m2m in self.pending:
            agency, group = instance.subject, instance.group
            kinds = {group.subject_kind} | ({Agency.Kind.OFFICE} if group.subject_kind == Agency.Kind.DEPARTMENT else set())
            if agency.kind not in kinds:
                messages.append(_("%(a)s (loại: %(kind)s) được thêm vào nhóm “%(g)s” (%(group_kind)s).") % {
                    "a": agency.name, "kind": agency.get_kind_display(), "g": group.code,
                    "group_kind": group.get_subject_kind_display()})
        return messages

    def write(self, pending):
        from scorecards.services.round_imports import add_round_subjects

        by_group: dict[int, list] = {}
        for instance, _m2m in pending:
            by_group.setdefault(instance.group.pk, []).append(instance.subject)
        add_round_subjects(self.scope.pk, list(by_group.items()), actor=self.actor)
