"""Scores of a period: criterion code, self points, explanation, appraised points, reason.

Every change is written by services.scoring.apply_score_changes (row locks, model
clean(), audit events, django-simple-history), the same door as the scorecard screen;
this module only reads the file, checks each row against the criterion it names and
computes the diff. Checks repeat the model's rules with the row and column named,
then call Score.clean() so that no rule of the model can be skipped by an import.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.formatting import fmt_points
from scorecards.models import Score
from scorecards.services.scorecard import load_tree
from scorecards.services.scoring import EDITABLE_FIELDS, ScoreChange, apply_score_changes

from .base import DECIMAL, TEXT, Column, Kind, PeriodScoped
from ..preview import NEW, UNCHANGED

# Up to this many changed rows go through apply_score_changes itself (a real framework
# has about a hundred leaves); larger files use its bulk twin (see bulk_scores).
BULK_THRESHOLD = 300
POINT_COLUMNS = ("self_points", "appraised_points", "appraised_points_round2")


class ScoreKind(PeriodScoped, Kind):
    slug = "scores"
    label = _l("Điểm")
    model = Score
    sheet_title = _l("Điểm")
    columns = (
        Column("criterion", _l("Mã tiêu chí"), TEXT, required=True, aliases=("mã",)),
        Column("criterion_name", _l("Tên tiêu chí"), TEXT, imported=False, width=60),
        Column("max_points", _l("Điểm tối đa"), DECIMAL, imported=False),
        Column("self_points", _l("Điểm tự đánh giá"), DECIMAL, required=True),
        Column("explanation", _l("Giải trình cách tính điểm"), TEXT, aliases=("giải trình",), width=50),
        Column("appraised_points", _l("Điểm thẩm định"), DECIMAL, aliases=("điểm thẩm định (vòng 1)",)),
        Column("appraisal_reason", _l("Nguyên nhân chưa đạt điểm tối đa"), TEXT, aliases=("nguyên nhân",), width=50),
    )
    key_columns = ("criterion",)

    def queryset(self, scope):
        return Score.objects.filter(period=scope).select_related("criterion").order_by("criterion__sort_key", "pk")

    def context(self, scope):
        criteria, _children = load_tree(scope.framework_id)
        return {"criteria": {c.code: c for c in criteria}}

    def existing(self, scope, ctx):
        by_id = {c.pk: c for c in ctx["criteria"].values()}
        out = {}
        for score in Score.objects.filter(period=scope):
            # Share the tree's criterion objects (they know is_leaf): no query per row.
            score.criterion = by_id[score.criterion_id]
            score.period = scope
            out[(score.criterion.code,)] = score
        return out

    def natural(self, obj, ctx):
        c = obj.criterion
        return {"criterion": c.code, "criterion_name": c.name, "max_points": c.max_points,
                "self_points": obj.self_points, "explanation": obj.explanation,
                "appraised_points": obj.appraised_points, "appraisal_reason": obj.appraisal_reason}

    def check_row(self, row, target, scope, ctx, preview):
        code = row.values["criterion"]
        criterion = ctx["criteria"].get(code)
        header = self.header("criterion")
        if criterion is None:
            preview.error(_("không có tiêu chí mã “%(code)s” trong bộ chỉ số %(framework)s.") % {
                "code": code, "framework": scope.framework.code}, row.number, header)
            return False
        if not criterion.is_leaf:
            preview.error(_("tiêu chí %(code)s có tiêu chí con: chỉ chấm điểm ở tiêu chí lá.") % {"code": code}, row.number, header)
            return False
        ok = True
        for key in POINT_COLUMNS:
            value = row.values.get(key)
            if value is None:
                continue
            shown = str(value).replace(".", ",")
            if value < 0:
                message = _("%(value)s không được âm.") % {"value": shown}
            elif value.as_tuple().exponent < -3:
                message = _("%(value)s có quá 3 chữ số thập phân.") % {"value": shown}
            elif value > criterion.max_points:
                message = _("%(value)s vượt điểm tối đa %(max)s của tiêu chí %(code)s.") % {
                    "value": shown, "max": fmt_points(criterion.max_points), "code": code}
            else:
                continue
            preview.error(message, row.number, self.header(key))
            ok = False
        if not ok:
            return False
        # Run the model's own clean() on the new values. The loaded score is changed in
        # place and restored (cheaper than copying 10 000 model instances).
        candidate = target if target is not None else Score(period=scope, criterion=criterion)
        new = {k: v for k, v in row.values.items() if k in EDITABLE_FIELDS}
        old = {k: getattr(candidate, k) for k in new}
        try:
            for key, value in new.items():
                setattr(candidate, key, value)
            candidate.clean()
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, messages in errors.items():
                for message in messages:
                    preview.error(message, row.number, self._column_for(field) if field else None)
            return False
        finally:
            for key, value in old.items():
                setattr(candidate, key, value)
        return True

    def diff(self, row, target, ctx):
        if target is None:
            # A leaf whose score row was not created yet: the import creates it.
            blank = Score(criterion=ctx["criteria"][row.values["criterion"]])
            change = super().diff(row, blank, ctx)
            change.status = NEW
            return change
        return super().diff(row, target, ctx)

    def apply(self, preview, scope, ctx, actor):
        rows = [r for r in preview.rows if r.status != UNCHANGED]
        if not rows:
            return
        created = any(r.status == NEW for r in rows)
        if created:
            from scorecards.services.periods import ensure_scores

            ensure_scores(scope)
            ids = dict(Score.objects.filter(period=scope).values_list("criterion__code", "pk"))
        else:
            ids = {r.values["criterion"]: r.target.pk for r in rows}
        changes = [
            ScoreChange(ids[r.values["criterion"]], {k: ("" if v is None and k in ("explanation", "appraisal_reason") else v)
                                                     for k, v in r.values.items() if k in EDITABLE_FIELDS})
            for r in rows
        ]
        extra = {"source": "import", "file": preview.filename}
        if len(changes) > BULK_THRESHOLD:
            from ..bulk_scores import bulk_apply_score_changes

            # The preview read these scores in this same transaction: reuse them.
            loaded = None if created else {r.target.pk: r.target for r in rows}
            bulk_apply_score_changes(scope, changes, actor=actor, audit_extra=extra, criteria=ctx["criteria"].values(),
                                     loaded=loaded)
        else:
            apply_score_changes(scope, changes, actor=actor, audit_extra=extra)
