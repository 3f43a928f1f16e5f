"""A framework's criteria tree: code, parent code, name, maximum, channel, guide, order.

Rows may come in any order; the tree is checked as it will be after the import (the
framework's existing criteria merged with the file): every parent exists, no cycles, and
the children's maxima add up to at most the parent's. Criteria missing from the file are
kept (an import never deletes). Parents are saved before their children.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.formatting import fmt_points
from scorecards.models import Criterion, ScoringSource

from .base import Column, ScorecardResource
from .preview import RowError
from .widgets import BoolWidget, ChoiceWidget, IntWidget, PointsWidget, TextWidget


class CriterionResource(ScorecardResource):
    slug = "criteria"
    label = _l("Bộ chỉ số (tiêu chí)")
    sheet_title = _l("Tiêu chí")
    scope_kind = "framework"
    audit_action = AuditAction.CRITERIA_IMPORTED

    code = Column("code", _l("Mã tiêu chí"), TextWidget(required=True), key=True, aliases=("mã",))
    parent = Column("parent_code", _l("Mã tiêu chí cha"), TextWidget(), required=True, aliases=("mã cha", "thuộc"),
                    guide=_l("Mã của tiêu chí cha; để trống với lĩnh vực (cấp cao nhất)."))
    name = Column("name", _l("Tên"), TextWidget(), required=True, aliases=("tên tiêu chí", "nội dung"), width=60)
    max_points = Column("max_points", _l("Điểm tối đa"), PointsWidget(), required=True)
    scoring_source = Column("scoring_source", _l("Nguồn điểm"),
                            ChoiceWidget(ScoringSource.choices, default=ScoringSource.EVIDENCE), width=30)
    guide = Column("guide", _l("Hướng dẫn chấm điểm"), TextWidget(), width=60)
    order = Column("order", _l("Thứ tự"), IntWidget(default=0))
    is_placeholder = Column("is_placeholder", _l("Dòng gộp"), BoolWidget(default=False))

    class Meta(ScorecardResource.Meta):
        model = Criterion
        fields = ("code", "parent", "name", "max_points", "scoring_source", "guide", "order", "is_placeholder")
        export_order = fields

    def get_queryset(self):
        return Criterion.objects.filter(framework=self.scope).select_related("parent").order_by("sort_key", "pk")

    def natural_key(self, instance):
        return (instance.code,)

    def dehydrate_parent(self, obj):
        return obj.parent.code if obj.parent_id else ""

    def new_instance(self, row):
        return Criterion(framework=self.scope)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.parent_code = instance.parent.code if instance.parent_id else ""
        super().after_init_instance(instance, new, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk is None:
            for name in ("name", "max_points"):
                if getattr(instance, name) in (None, "") and name not in errors:
                    errors[name] = [_("bắt buộc với tiêu chí mới.")]
        if instance.max_points is not None and instance.max_points < 0 and "max_points" not in errors:
            errors["max_points"] = [_("Điểm tối đa không được âm.")]
        if instance.parent_code == instance.code and "parent_code" not in errors:
            errors["parent_code"] = [_("tiêu chí không thể là cha của chính nó.")]
        try:
            # Field rules only: the sums under each parent are checked on the whole tree.
            instance.clean_fields(exclude=list(errors) + ["parent", "framework"])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _tree(self):
        """{code: (parent code, maximum)} as it will be after the import."""
        tree = {code: (c.parent.code if c.parent_id else "", c.max_points) for (code,), c in self.existing.items()}
        for instance, _m2m in self.pending:
            tree[instance.code] = (instance.parent_code or "", instance.max_points)
        return tree

    def check_file(self, result):
        tree, errors = self._tree(), []
        row_of = {r.key: self.row_number(r.number) for r in result.rows}
        header = self.fields["parent"].column_name
        for code, line in row_of.items():
            parent = tree[code][0]
            if parent and parent not in tree:
                errors.append(RowError(_("không có tiêu chí cha “%(code)s” trong tệp hay trong bộ chỉ số.") % {"code": parent},
                                       line, str(header)))
                continue
            seen, node = {code}, parent
            while node:
                if node in seen:
                    errors.append(RowError(_("mã cha tạo vòng lặp (%(code)s).") % {"code": node}, line, str(header)))
                    break
                seen.add(node)
                node = tree.get(node, ("", None))[0]
        if errors:
            return errors
        sums: dict[str, Decimal] = {}
        for parent, maximum in tree.values():
            if parent:
                sums[parent] = sums.get(parent, Decimal(0)) + (maximum or 0)
        for parent, total in sums.items():
            limit = tree.get(parent, ("", None))[1]
            if limit is None or total <= limit:
                continue
            children = [c for c, (p, _m) in tree.items() if p == parent]
            line = row_of.get(parent) or min((row_of[c] for c in children if c in row_of), default=None)
            if line is None:
                continue
            errors.append(RowError(_("Tổng điểm tối đa các tiêu chí con của %(parent)s là %(total)s, vượt điểm tối đa %(max)s của %(parent)s.") % {
                "parent": parent, "total": fmt_points(total), "max": fmt_points(limit)}, line, str(self.fields["max_points"].column_name)))
        return errors

    def write(self, pending):
        from scorecards.services.records import save_record

        tree = self._tree()
        saved = {code: c for (code,), c in self.existing.items()}
        old_max = {code: c.max_points for code, c in saved.items()}

        def depth(code):
            d, node = 0, tree[code][0]
            while node:
                d, node = d + 1, tree[node][0]
            return d

        # Parents before children; among siblings, the ones that shrink first, so that the
        # parent's sum (checked by the model on each save) is never exceeded on the way.
        order = sorted(pending, key=lambda p: (depth(p[0].code), (p[0].max_points or 0) - old_max.get(p[0].code, 0)))
        for instance, m2m in order:
            instance.parent = saved[instance.parent_code] if instance.parent_code else None
            save_record(instance, actor=self.actor, m2m=m2m)
            saved[instance.code] = instance
