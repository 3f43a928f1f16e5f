"""Not-applicable marks of a round (tiêu chí không áp dụng với đơn vị).

One row per subject and criterion: Mã đơn vị, Mã tiêu chí (a leaf, a criterion or a whole
field of the group's framework), Không áp dụng (x, Có, 1; or blank, Không, 0). A mark on a
criterion or field is a mark on every leaf under it: the row stands for all of them, and
shows "một phần" when only some are marked now. Each row is written by
services.rounds.set_not_applicable (the leaves' points are cleared when marked; the log
keeps them), all rows in one transaction. Exported: the leaves marked not applicable.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import Right
from scorecards.models import Score

from .base import Column
from .preview import RowError
from .round_base import RoundScoreResource
from .widgets import BoolWidget, TextWidget


class MarkWidget(BoolWidget):
    """x / Có / 1 is marked; blank / Không / 0 is not. A criterion some of whose leaves are
    marked shows "một phần"."""

    def __init__(self):
        super().__init__(default=False)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return _("một phần")
        return super().render(value, obj, **kwargs)


class NotApplicableResource(RoundScoreResource):
    slug = "not_applicable"
    label = _l("Tiêu chí không áp dụng")
    sheet_title = _l("Không áp dụng")
    right = Right.ADMINISTER
    refused_what = _l("đánh dấu được tiêu chí không áp dụng")

    criterion = Column("criterion_code", _l("Mã tiêu chí"), TextWidget(required=True), key=True, width=14,
                       guide=_l("Mã tiêu chí lá, tiêu chí hoặc lĩnh vực trong bộ chỉ số của nhóm đối tượng (ví dụ 1.2.1, "
                                "1.2 hoặc 1): đánh dấu tiêu chí hay lĩnh vực là đánh dấu mọi tiêu chí lá bên trong."))
    not_applicable = Column("not_applicable", _l("Không áp dụng"), MarkWidget(), required=True,
                            aliases=("không áp dụng (x)", "ktd", "na"), width=14,
                            guide=_l("x, Có hoặc 1: tiêu chí không áp dụng với đơn vị (điểm tối đa ra khỏi tổng, kết quả quy "
                                     "về thang 100; điểm đã chấm của tiêu chí bị xoá). Để trống, Không hoặc 0: áp dụng lại."))

    class Meta(RoundScoreResource.Meta):
        model = Score
        fields = ("subject", "subject_name", "criterion", "criterion_name", "max_points", "not_applicable")
        export_order = fields

    def export(self, queryset=None, **kwargs):
        # The file lists the marks: the leaves marked not applicable.
        if queryset is not None:
            queryset = queryset.filter(not_applicable=True)
        return super().export(queryset=queryset, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._add_nodes()

    def _add_nodes(self) -> None:
        """Criteria and fields as rows too: one stand-in row per subject and node, marked when
        every leaf under it is, unmarked when none is, "một phần" (None) otherwise. Its
        version is the sum of its leaves', so that a change to any of them since the preview
        refuses the confirm."""
        leaves = {}
        for score in self.existing.values():
            leaves.setdefault(score.period_id, {})[score.criterion_id] = score
        for period in self.periods.values():
            tree, scores = self.tree_of(period), leaves.get(period.pk, {})
            for node in tree.by_id.values():
                if node.is_leaf:
                    continue
                under = [scores[c.pk] for c in tree.leaves_under(node) if c.pk in scores]
                if not under:
                    continue
                marks = {s.not_applicable for s in under}
                stand_in = Score(pk=under[0].pk, period=period, criterion=node, version=sum(s.version for s in under),
                                 not_applicable=marks.pop() if len(marks) == 1 else None)
                stand_in.subject_code, stand_in.subject_name = period.subject.code, period.subject.name
                stand_in.criterion_code, stand_in.criterion_name = node.code, node.name
                stand_in.max_points, stand_in.leaves = node.max_points, under
                self.existing[(period.subject.code, node.code)] = stand_in

    def key_problem(self, instance):
        code = instance.subject_code or ""
        period = self.periods.get(code)
        if period is None:
            return "subject_code", self.unknown_subject(code)
        return "criterion_code", self.unknown_criterion(period, instance.criterion_code)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if instance.pk is None or import_validation_errors:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        # A matched row has nothing else to check: the mark is a yes or no, and the service
        # clears the points of the leaves it marks (the model would refuse points on them).

    def check_file(self, result):
        """A field and a criterion inside it, both in the file for one subject, must say the same."""
        rows = {}
        for line, instance in self.instances(result):
            rows[(instance.subject_code, instance.criterion.pk)] = (line, instance)
        errors = []
        for (subject, _pk), (line, instance) in sorted(rows.items(), key=lambda item: item[1][0]):
            tree = self.tree_of(instance.period)
            node = instance.criterion
            while node.parent_id:
                node = tree.by_id[node.parent_id]
                outer = rows.get((subject, node.pk))
                if outer is not None and outer[1].not_applicable != instance.not_applicable:
                    errors.append(RowError(_("dòng %(row)s ghi %(outer)s cho %(code)s; tiêu chí %(inner)s nằm trong đó phải "
                                             "ghi giống vậy (hoặc bỏ một trong hai dòng).") % {
                        "row": outer[0], "outer": _("không áp dụng") if outer[1].not_applicable else _("áp dụng"),
                        "code": node.code, "inner": instance.criterion.code}, line, self.fields["not_applicable"].label))
                    break
        return errors

    def warnings(self, result):
        """Points that marking a criterion not applicable clears."""
        messages = []
        for instance, _present in self.pending:
            if not instance.not_applicable:
                continue
            leaves = getattr(instance, "leaves", [instance])
            scored = [s for s in leaves if any(getattr(s, n) is not None for n in Score.POINT_FIELDS)]
            if scored:
                messages.append(_("%(subject)s, tiêu chí %(code)s: xoá điểm đã chấm của %(n)s tiêu chí khi đánh dấu không "
                                  "áp dụng (nhật ký giữ điểm cũ).") % {
                    "subject": instance.subject_name, "code": instance.criterion_code, "n": len(scored)})
        return messages

    def save_instance(self, instance, is_create, row, **kwargs):
        self.pending.append((instance, ["not_applicable"]))

    def write(self, pending):
        from scorecards.services.round_imports import set_not_applicable_marks

        set_not_applicable_marks(self.scope.pk, [(instance.period.pk, instance.criterion.pk, bool(instance.not_applicable))
                                                 for instance, _present in pending], actor=self.actor)
