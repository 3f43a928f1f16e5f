"""A framework's criteria tree: code, parent code, name, maximum, channel, guide, order,
and each criterion's counterpart in the previous version.

Rows may come in any order; the tree is checked as it will be after the import (the
framework's existing criteria merged with the file): every parent exists, no cycles, and
the children's maxima add up to at most the parent's. Criteria missing from the file are
kept (an import never deletes). Parents are saved before their children.

"Mã năm trước" names the criterion's counterparts in `framework.previous` (several codes,
separated by ";" or ",", for a merged one) and "So với năm trước" how it relates to them
(scorecards.choices.Lineage, by label or code). The number of codes must fit the lineage
(same, renamed, moved, split: one; merged: two or more; new: none). A blank lineage with
codes is read as the only one that fits: one code is "same" when it equals the
criterion's own code, else "renamed"; two or more are "merged".
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import ONE_TO_ONE_LINEAGES, AuditAction, Lineage
from scorecards.formatting import fmt_points
from scorecards.models import Criterion, ScoringSource

from . import cells
from .base import Column, ScorecardResource
from .preview import RowError
from .widgets import BoolWidget, ChoiceWidget, CodeListWidget, IntWidget, PointsWidget, TextWidget, join_codes

ONE_CODE = frozenset({Lineage.SAME, Lineage.RENAMED, Lineage.MOVED, Lineage.SPLIT})
# Short words people type for a lineage, besides its label and code.
LINEAGE_WORDS = {"giữ nguyên": Lineage.SAME, "như cũ": Lineage.SAME, "đổi tên": Lineage.RENAMED, "đổi mã": Lineage.RENAMED,
                 "chuyển": Lineage.MOVED, "di chuyển": Lineage.MOVED, "tách": Lineage.SPLIT, "gộp": Lineage.MERGED,
                 "mới": Lineage.NEW}


class CriterionResource(ScorecardResource):
    slug = "criteria"
    label = _l("Bộ chỉ số (tiêu chí)")
    file_label = _l("Bộ chỉ số")
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
    previous_codes = Column("previous_codes", _l("Mã năm trước"), CodeListWidget(),
                            aliases=("mã tương ứng năm trước", "tương ứng năm trước", "mã tiêu chí năm trước"), width=18,
                            guide=_l("Mã của tiêu chí tương ứng trong bộ chỉ số năm trước; nhiều mã (tiêu chí gộp) cách "
                                     "nhau bởi dấu chấm phẩy, ví dụ 2.1; 2.2. Để trống với tiêu chí mới hoặc khi bộ chỉ số "
                                     "không có phiên bản năm trước."))
    lineage = Column("lineage", _l("So với năm trước"), ChoiceWidget(Lineage.choices, default="", aliases=LINEAGE_WORDS), width=30,
                     aliases=("thay đổi so với năm trước",),
                     guide=_l("Một trong: Giữ nguyên, Đổi tên hoặc đổi mã, Chuyển sang lĩnh vực, tiêu chí khác (một mã "
                              "năm trước); Tách từ một nội dung cũ (một mã); Gộp từ nhiều nội dung cũ (hai mã trở lên); "
                              "Mới (không có mã). Để trống: một mã là Giữ nguyên (cùng mã) hoặc Đổi tên hoặc đổi mã, "
                              "nhiều mã là Gộp."))

    class Meta(ScorecardResource.Meta):
        model = Criterion
        fields = ("code", "parent", "name", "max_points", "scoring_source", "guide", "order", "is_placeholder",
                  "previous_codes", "lineage")
        export_order = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_criteria: dict[str, Criterion] = {}
        self.previous_framework = None

    def get_queryset(self):
        return (Criterion.objects.filter(framework=self.scope).select_related("parent").prefetch_related("predecessors")
                .order_by("sort_key", "pk"))

    def natural_key(self, instance):
        return (instance.code,)

    def dehydrate_parent(self, obj):
        return obj.parent.code if obj.parent_id else ""

    def dehydrate_previous_codes(self, obj):
        return join_codes(p.code for p in obj.predecessors.all())

    def before_import(self, dataset, **kwargs):
        self.previous_framework = self.scope.previous if self.scope is not None and self.scope.previous_id else None
        if self.previous_framework is not None:
            self.previous_criteria = {c.code: c for c in Criterion.objects.filter(framework=self.previous_framework)}
        super().before_import(dataset, **kwargs)

    def prepare_existing(self, instance):
        instance.previous_codes = join_codes(p.code for p in instance.predecessors.all())

    def new_instance(self, row):
        return Criterion(framework=self.scope)

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.parent_code = instance.parent.code if instance.parent_id else ""
        if new:
            instance.previous_codes = ""
        super().after_init_instance(instance, new, row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """The file's values, then the lineage a blank cell stands for (before the library
        compares the row with the stored one: a blank that means what is stored is no change)."""
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            self._infer_lineage(instance)

    def _infer_lineage(self, instance):
        # Codes without a lineage are never stored (Criterion.clean_m2m): a blank lineage next
        # to codes, the file's or the stored ones, is the lineage that fits them.
        if instance.lineage:
            return
        codes = cells.split_codes(instance.previous_codes)
        if not codes:
            return
        if len(codes) > 1:
            instance.lineage = Lineage.MERGED
        else:
            instance.lineage = Lineage.SAME if codes[0] == instance.code else Lineage.RENAMED

    def _lineage_errors(self, instance, errors) -> dict:
        """The previous version's codes exist and fit the lineage; sets the predecessors to write."""
        if "previous_codes" in errors or "lineage" in errors:
            return errors
        codes = cells.split_codes(instance.previous_codes)
        if (codes or instance.lineage) and self.previous_framework is None:
            name = "previous_codes" if codes else "lineage"
            errors[name] = [_("bộ chỉ số “%(framework)s” chưa có phiên bản năm trước: để trống cột “%(column)s” "
                              "hoặc chọn phiên bản năm trước cho bộ chỉ số.") % {
                "framework": self.scope.name, "column": self.fields[name].column_name}]
            return errors
        missing = [c for c in codes if c not in self.previous_criteria]
        if missing:
            errors["previous_codes"] = [_("không có tiêu chí mã “%(codes)s” trong bộ chỉ số năm trước “%(framework)s”.") % {
                "codes": ", ".join(missing), "framework": self.previous_framework.name}]
            return errors
        lineage, count = instance.lineage, len(codes)
        if lineage:
            label = Lineage(lineage).label
            if lineage in ONE_CODE and count != 1:
                message = _("“%(lineage)s” cần đúng một mã năm trước, tệp ghi %(n)s.")
            elif lineage == Lineage.MERGED and count < 2:
                message = _("“%(lineage)s” cần từ hai mã năm trước trở lên, tệp ghi %(n)s.")
            elif lineage == Lineage.NEW and count:
                message = _("“%(lineage)s” không có mã năm trước; tệp ghi %(n)s: bỏ mã hoặc chọn cách thay đổi khác.")
            else:
                message = ""
            if message:
                errors["lineage"] = [message % {"lineage": label, "n": count}]
                return errors
        if self.has_column("previous_codes"):
            self._m2m = {"predecessors": [self.previous_criteria[c] for c in codes]}
        return errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        self._m2m = {}
        errors = dict(import_validation_errors or {})
        errors = self._lineage_errors(instance, errors)
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

    def _counterpart_errors(self, result) -> list[RowError]:
        """A criterion of last year named one to one (same, renamed, moved) is named by no other
        criterion, as the framework will be after the import (Criterion.clean_m2m's rule,
        checked here on the whole file so that the preview shows it on its row)."""
        nodes = {code: c for (code,), c in self.existing.items()}
        for row in result.rows:
            instance = getattr(row, "instance", None)
            if instance is not None:
                nodes[instance.code] = instance
        naming: dict[str, list] = {}
        for node in nodes.values():
            for old in cells.split_codes(getattr(node, "previous_codes", "")):
                naming.setdefault(old, []).append(node)
        row_of = {r.key: self.row_number(r.number) for r in result.rows if r.import_type in ("new", "update")}
        errors = []
        for old, named_by in naming.items():
            if len(named_by) < 2 or not any(n.lineage in ONE_TO_ONE_LINEAGES for n in named_by):
                continue
            codes = sorted(n.code for n in named_by)
            for node in named_by:
                if node.code in row_of:
                    errors.append(RowError(_("tiêu chí %(old)s của năm trước đã là tương ứng của tiêu chí %(others)s: mỗi "
                                             "tiêu chí năm trước chỉ tương ứng một-một với một tiêu chí; khi tiêu chí cũ "
                                             "tách thành nhiều tiêu chí, ghi “%(split)s” cho từng tiêu chí mới.") % {
                        "old": old, "others": ", ".join(c for c in codes if c != node.code), "split": Lineage.SPLIT.label},
                        row_of[node.code], str(self.fields["previous_codes"].column_name)))
        return errors

    def check_file(self, result):
        errors = self._counterpart_errors(result)
        if errors:
            return errors
        tree = self._tree()
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
        # Rows whose counterparts this file rewrites: the one-to-one rule was checked on the
        # whole file (the framework as it will be), so a swap is not refused half-way.
        rewriting = {instance.pk for instance, m2m in pending if instance.pk and m2m and "predecessors" in m2m}
        for instance, m2m in order:
            instance._rewriting_counterparts = rewriting
            instance.parent = saved[instance.parent_code] if instance.parent_code else None
            save_record(instance, actor=self.actor, m2m=m2m)
            saved[instance.code] = instance
