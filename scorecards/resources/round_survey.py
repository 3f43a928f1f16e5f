"""Survey points of a round (điểm điều tra xã hội học), per subject and field or leaf.

One row per subject and field (Mã lĩnh vực) or survey-sourced leaf (Mã tiêu chí), with its
points (Điểm). A field's points go to its only survey-sourced leaf; a field with several
needs the leaf's code. The points are the leaf's appraised points (the survey is the
appraisal of those leaves), written by Sở Nội vụ through services.scoring with
Right.ADMINISTER, every subject in one transaction.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import Right
from scorecards.models import Score, ScoringSource
from scorecards.text import lower_first

from . import cells
from .base import Column, FileErrors
from .preview import RowError
from .round_base import RoundScoreResource
from .widgets import PointsWidget, TextWidget


class RoundSurveyResource(RoundScoreResource):
    slug = "round_survey"
    label = _l("Điểm điều tra xã hội học")
    sheet_title = _l("Điểm điều tra")
    right = Right.ADMINISTER
    refused_what = _l("nhập được điểm điều tra")

    field_code = Column("field_code", _l("Mã lĩnh vực"), TextWidget(), aliases=("lĩnh vực",), width=12,
                        guide=_l("Mã lĩnh vực (ví dụ 3) khi lĩnh vực chỉ có một tiêu chí lấy điểm điều tra; có thể bỏ "
                                 "trống khi ghi mã tiêu chí. Cần ít nhất một trong hai cột Mã lĩnh vực, Mã tiêu chí."))
    criterion = Column("criterion_code", _l("Mã tiêu chí"), TextWidget(), width=14,
                       guide=_l("Mã tiêu chí lá lấy điểm từ điều tra xã hội học (ví dụ 3.1.2); bắt buộc khi lĩnh vực "
                                "có nhiều tiêu chí lấy điểm điều tra."))
    appraised_points = Column("appraised_points", _l("Điểm"), PointsWidget(), required=True,
                              aliases=("điểm điều tra", "điểm điều tra xã hội học", "điểm khảo sát"), width=12,
                              guide=_l("Số, tối đa 3 chữ số thập phân, từ 0 đến điểm tối đa của tiêu chí, ví dụ 0,75. "
                                       "Ô trống xoá điểm đã nhập."))

    class Meta(RoundScoreResource.Meta):
        model = Score
        fields = ("subject", "subject_name", "field_code", "criterion", "criterion_name", "max_points", "appraised_points")
        export_order = fields

    def score_filter(self, queryset):
        return queryset.filter(criterion__scoring_source=ScoringSource.SURVEY)

    # ---- which leaf a row means ---------------------------------------------------------
    def _codes(self, row) -> tuple[str, str, str]:
        def text(name):
            return cells.clean_text(row.get(self.fields[name].column_name))

        return text("subject"), text("field_code"), text("criterion")

    def survey_leaves(self, period, node) -> list:
        return [c for c in self.tree_of(period).leaves_under(node) if c.scoring_source == ScoringSource.SURVEY]

    def target_code(self, subject: str, field_code: str) -> str:
        """The code of the only survey leaf under `field_code` for the subject, else the code itself."""
        period = self.periods.get(subject)
        node = self.tree_of(period).by_code.get(field_code) if period is not None else None
        if node is None:
            return field_code
        leaves = self.survey_leaves(period, node)
        return leaves[0].code if len(leaves) == 1 else field_code

    def row_key(self, row) -> tuple:
        subject, field_code, leaf = self._codes(row)
        if leaf:
            return (subject, leaf)
        return (subject, self.target_code(subject, field_code) if field_code else "")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if not (self.has_column("field_code") or self.has_column("criterion")):
            raise FileErrors([RowError(_("Thiếu cột “%(field)s” hoặc “%(leaf)s”: mỗi dòng ghi mã lĩnh vực hoặc mã tiêu chí "
                                         "lấy điểm điều tra.") % {"field": self.fields["field_code"].label,
                                                                  "leaf": self.fields["criterion"].label})])

    def prepare_existing(self, instance):
        super().prepare_existing(instance)
        instance.field_code = self.tree_of(instance.period).field_of(instance.criterion).code

    def dehydrate_field_code(self, obj):
        period, criterion = self._export_parts(obj)
        return self.tree_of(period).field_of(criterion).code

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.pk is not None:
            # A row that names only the field (or only the leaf) means the same score row.
            instance.criterion_code = instance.criterion_code or instance.criterion.code
            instance.field_code = instance.field_code or self.tree_of(instance.period).field_of(instance.criterion).code

    # ---- checks -------------------------------------------------------------------------
    def key_problem(self, instance):
        code = instance.subject_code or ""
        period = self.periods.get(code)
        if period is None:
            return "subject_code", self.unknown_subject(code)
        leaf_code, field_code = instance.criterion_code or "", getattr(instance, "field_code", "") or ""
        if not leaf_code and not field_code:
            return "criterion_code", _("ghi mã lĩnh vực hoặc mã tiêu chí lấy điểm điều tra.")
        if leaf_code:
            return super().key_problem(instance)
        tree = self.tree_of(period)
        node = tree.by_code.get(field_code)
        if node is None:
            return "field_code", _("không có lĩnh vực mã “%(code)s” trong bộ chỉ số “%(framework)s” của nhóm “%(group)s”.") % {
                "code": field_code, "framework": tree.framework, "group": period.group.name if period.group_id else ""}
        leaves = self.survey_leaves(period, node)
        if not leaves:
            return "field_code", _("lĩnh vực %(code)s không có tiêu chí nào lấy điểm từ điều tra xã hội học.") % {"code": field_code}
        shown = ", ".join(c.code for c in leaves[:4]) + (", …" if len(leaves) > 4 else "")
        return "field_code", _("lĩnh vực %(code)s có %(n)s tiêu chí lấy điểm điều tra (%(leaves)s): ghi mã tiêu chí ở cột "
                               "“%(column)s” và điểm của từng tiêu chí.") % {
            "code": field_code, "n": len(leaves), "leaves": shown, "column": self.fields["criterion"].label}

    def leaf_problem(self, period, criterion):
        if criterion.scoring_source != ScoringSource.SURVEY:
            return _("tiêu chí %(code)s không lấy điểm từ điều tra xã hội học (nguồn điểm: %(source)s).") % {
                "code": criterion.code, "source": lower_first(criterion.get_scoring_source_display())}
        return None

    def check_row(self, instance, errors):
        criterion, tree = instance.criterion, self.tree_of(instance.period)
        given_field = (instance.field_code or "").strip()
        if given_field and "field_code" not in errors:
            node = tree.by_code.get(given_field)
            if node is None or criterion not in tree.leaves_under(node):
                errors["field_code"] = [_("tiêu chí %(leaf)s không thuộc lĩnh vực %(code)s.") % {
                    "leaf": criterion.code, "code": given_field}]
        if "appraised_points" not in errors:
            message = self.points_problem(instance.appraised_points, criterion)
            if message:
                errors["appraised_points"] = [message]
            elif instance.not_applicable and instance.appraised_points is not None:
                errors["appraised_points"] = [_("tiêu chí %(code)s không áp dụng với %(subject)s: không có điểm điều tra.") % {
                    "code": criterion.code, "subject": instance.subject_name}]
