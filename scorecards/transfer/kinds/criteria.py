"""A framework's criteria tree: code, parent code, name, maximum, channel, guide, order.

Rows may come in any order; the tree is checked as it will be after the import (the
framework's existing criteria merged with the file): every parent exists, no cycles, and
the children's maxima add up to at most the parent's. Criteria missing from the file
are kept (an import never deletes).
"""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.formatting import fmt_points
from scorecards.models import Criterion, ScoringSource

from .base import BOOL, CHOICE, DECIMAL, INT, TEXT, Column, ModelKind, clone


class CriterionKind(ModelKind):
    slug = "criteria"
    label = _l("Bộ chỉ số (tiêu chí)")
    model = Criterion
    sheet_title = _l("Tiêu chí")
    scope = "framework"
    audit_action = "criteria.imported"
    columns = (
        Column("code", _l("Mã tiêu chí"), TEXT, required=True, aliases=("mã",)),
        Column("parent", _l("Mã tiêu chí cha"), TEXT, required=True, aliases=("mã cha", "thuộc")),
        Column("name", _l("Tên"), TEXT, required=True, aliases=("tên tiêu chí", "nội dung"), width=60),
        Column("max_points", _l("Điểm tối đa"), DECIMAL, required=True),
        Column("scoring_source", _l("Nguồn điểm"), CHOICE, choices=tuple(ScoringSource.choices), width=30),
        Column("guide", _l("Hướng dẫn chấm điểm"), TEXT, width=60),
        Column("order", _l("Thứ tự"), INT),
        Column("is_placeholder", _l("Dòng gộp"), BOOL),
    )
    key_columns = ("code",)

    def queryset(self, scope):
        return Criterion.objects.filter(framework=scope).select_related("parent").order_by("sort_key", "pk")

    def context(self, scope):
        return {"criteria": {c.code: c for c in self.queryset(scope)}}

    def existing(self, scope, ctx):
        return {(code,): c for code, c in ctx["criteria"].items()}

    def natural(self, obj, ctx):
        return {"code": obj.code, "parent": obj.parent.code if obj.parent_id else "", "name": obj.name,
                "max_points": obj.max_points, "scoring_source": obj.scoring_source, "guide": obj.guide,
                "order": obj.order, "is_placeholder": obj.is_placeholder}

    def new_object(self, key, scope, ctx):
        return Criterion(framework=scope)

    def check_row(self, row, target, scope, ctx, preview):
        values = row.values
        ok = True
        if target is None:
            for key in ("name", "max_points"):
                if values.get(key) in (None, ""):
                    preview.error(_("bắt buộc với tiêu chí mới."), row.number, self.header(key))
                    ok = False
        if values.get("parent") == values["code"]:
            preview.error(_("tiêu chí không thể là cha của chính nó."), row.number, self.header("parent"))
            ok = False
        if not ok:
            return False
        obj = clone(target) if target is not None else self.new_object(None, scope, ctx)
        for key, value in values.items():
            if key == "parent":
                continue
            if key == "scoring_source":
                value = value or ScoringSource.EVIDENCE
            elif key == "order":
                value = value or 0
            elif key == "is_placeholder":
                value = bool(value)
            setattr(obj, key, value)
        row.obj = obj
        return self.validate_instance(obj, row, preview, [k for k in values if k != "parent"])

    def check_file(self, rows, scope, ctx, preview):
        """The tree after the import: parents exist, no cycle, children within the parent."""
        tree = {code: (c.parent.code if c.parent_id else "", c.max_points) for code, c in ctx["criteria"].items()}
        row_of = {}
        for row in rows:
            code = row.values.get("code")
            if not code:
                continue
            row_of.setdefault(code, row.number)
            old_parent, old_max = tree.get(code, ("", None))
            parent = row.values.get("parent", old_parent) or ""
            maximum = row.values.get("max_points", old_max)
            tree[code] = (parent, maximum)
        for code, line in row_of.items():
            parent = tree[code][0]
            if parent and parent not in tree:
                preview.error(_("không có tiêu chí cha “%(code)s” trong tệp hay trong bộ chỉ số.") % {"code": parent},
                              line, self.header("parent"))
                continue
            seen, node = {code}, parent
            while node:
                if node in seen:
                    preview.error(_("mã cha tạo vòng lặp (%(code)s).") % {"code": node}, line, self.header("parent"))
                    break
                seen.add(node)
                node = tree.get(node, ("", None))[0]
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
            preview.error(_("Tổng điểm tối đa các tiêu chí con của %(parent)s là %(total)s, vượt điểm tối đa %(max)s của %(parent)s.") % {
                "parent": parent, "total": fmt_points(total), "max": fmt_points(limit)}, line, self.header("max_points"))
        ctx["tree"] = tree

    def apply(self, preview, scope, ctx, actor):
        tree, saved = ctx["tree"], dict(ctx["criteria"])

        def depth(code):
            d, node = 0, tree[code][0]
            while node:
                d, node = d + 1, tree[node][0]
            return d

        changes = sorted((c for c in preview.rows if c.status != "unchanged"), key=lambda c: depth(c.obj.code))
        for change in changes:
            obj = change.obj
            if "parent" in change.values:
                obj.parent = saved[change.values["parent"]] if change.values["parent"] else None
            elif obj.parent_id:
                obj.parent = saved[tree[obj.code][0]]
            obj.save()
            saved[obj.code] = obj
        super().apply_audit(preview, scope, actor)
