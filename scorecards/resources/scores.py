"""Scores of a period: criterion code, self points, explanation, appraised points, reason.

Every change is written by services.scoring.apply_score_changes (the one door: rights,
period state, row locks, the model's clean(), audit events, django-simple-history), all
the file's rows in one call after every row passed. This resource reads and checks:
each row against the criterion it names, with the row and column in every message.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.formatting import fmt_points
from scorecards.models import Criterion, Score
from scorecards.services.scorecard import load_tree
from scorecards.services.scoring import EDITABLE_FIELDS, ScoreChange, apply_score_changes

from .base import Column, ScorecardResource
from .widgets import CodeWidget, PointsWidget, TextWidget

POINT_FIELDS = ("self_points", "appraised_points")


class CriterionCodeWidget(CodeWidget):
    """A leaf criterion of the period's framework, by code (the tree is loaded once)."""

    def __init__(self):
        super().__init__(Criterion, "code", message=_l("không có tiêu chí mã “%(code)s” trong bộ chỉ số."))


class ScoreResource(ScorecardResource):
    slug = "scores"
    label = _l("Điểm")
    sheet_title = _l("Điểm")
    scope_kind = "period"
    audit_action = AuditAction.SCORES_IMPORTED  # the summary; each score's change has its own event
    check_constraints = False  # Score.clean() checks the points; no query per row

    criterion = Column("criterion", _l("Mã tiêu chí"), CriterionCodeWidget(), key=True, aliases=("mã",))
    criterion_name = Column("criterion__name", _l("Tên tiêu chí"), TextWidget(), readonly=True, width=60)
    max_points = Column("criterion__max_points", _l("Điểm tối đa"), PointsWidget(), readonly=True)
    self_points = Column("self_points", _l("Điểm tự đánh giá"), PointsWidget(), required=True)
    explanation = Column("explanation", _l("Giải trình cách tính điểm"), TextWidget(), aliases=("giải trình",), width=50)
    appraised_points = Column("appraised_points", _l("Điểm thẩm định"), PointsWidget(),
                              aliases=("điểm thẩm định (vòng 1)",))
    appraisal_reason = Column("appraisal_reason", _l("Nguyên nhân chưa đạt điểm tối đa"), TextWidget(),
                              aliases=("nguyên nhân",), width=50)

    class Meta(ScorecardResource.Meta):
        model = Score
        fields = ("criterion", "criterion_name", "max_points", "self_points", "explanation", "appraised_points",
                  "appraisal_reason")
        export_order = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria: dict[str, Criterion] = {}

    def get_queryset(self):
        return Score.objects.filter(period=self.scope).select_related("criterion").order_by("criterion__sort_key", "pk")

    def natural_key(self, instance) -> tuple:
        return (instance.criterion.code,)

    def template_objects(self):
        """Every leaf criterion of the period's framework in tree order, with its stored
        score (the officer sees what is there; a leaf without a score row yet is blank)."""
        if self.scope is None:
            return None
        tree, _children = load_tree(self.scope.framework_id)
        stored = {s.criterion_id: s for s in Score.objects.filter(period=self.scope)}
        rows = []
        for criterion in tree:
            if criterion.is_leaf:
                score = stored.get(criterion.pk) or Score(period=self.scope)
                score.criterion = criterion
                rows.append(score)
        return rows

    def before_import(self, dataset, **kwargs):
        tree, _children = load_tree(self.scope.framework_id)
        self.criteria = {c.code: c for c in tree}
        widget = self.fields["criterion"].widget
        widget.table = dict(self.criteria)
        widget.message = _("không có tiêu chí mã “%%(code)s” trong bộ chỉ số “%(framework)s”.") % {
            "framework": self.scope.framework.name}
        super().before_import(dataset, **kwargs)
        for score in self.existing.values():
            # Share the tree's criterion objects (they know is_leaf): no query per row.
            score.criterion = self.criteria[score.criterion.code]
            score.period = self.scope

    def new_instance(self, row):
        return Score(period=self.scope)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        criterion = getattr(instance, "criterion", None) if instance.criterion_id else None
        if criterion is not None:
            if not criterion.is_leaf:
                errors.setdefault("criterion", []).append(
                    _("tiêu chí %(code)s có tiêu chí con: chỉ chấm điểm ở tiêu chí lá.") % {"code": criterion.code})
            for name in POINT_FIELDS:
                message = self._points_problem(getattr(instance, name), criterion)
                if message and name not in errors:
                    errors[name] = [message]
        if errors:
            raise ValidationError(errors)
        super().validate_instance(instance, errors, validate_unique)

    @staticmethod
    def _points_problem(value, criterion) -> str | None:
        if value is None:
            return None
        shown = str(value).replace(".", ",")
        if value < 0:
            return _("%(value)s không được âm.") % {"value": shown}
        if value.as_tuple().exponent < -3:
            return _("%(value)s có quá 3 chữ số thập phân.") % {"value": shown}
        if value > criterion.max_points:
            return _("%(value)s vượt điểm tối đa %(max)s của tiêu chí %(code)s.") % {
                "value": shown, "max": fmt_points(criterion.max_points), "code": criterion.code}
        return None

    def save_instance(self, instance, is_create, row, **kwargs):
        present = [c.attribute for c in self.columns_of() if not c.readonly
                   and c.column_name in row and c.attribute in EDITABLE_FIELDS]
        self.pending.append((instance, present))

    def write(self, pending):
        from scorecards.services.periods import ensure_scores

        if any(instance.pk is None for instance, _present in pending):
            ensure_scores(self.scope)  # a leaf without its score row yet: create the rows first
            ids = dict(Score.objects.filter(period=self.scope).values_list("criterion_id", "pk"))
        else:
            ids = {instance.criterion_id: instance.pk for instance, _present in pending}
        # The version read at the start of this transaction: a save that slipped in before
        # the lock is refused, not overwritten.
        changes = [ScoreChange(ids[instance.criterion_id], {name: _stored(name, getattr(instance, name)) for name in present},
                               version=instance.version if instance.pk else None)
                   for instance, present in pending]
        apply_score_changes(self.scope, changes, actor=self.actor,
                            audit_extra={"source": "import", "file": self.file_name})


def _stored(name, value):
    if value is None and name in ("explanation", "appraisal_reason"):
        return ""
    return value
