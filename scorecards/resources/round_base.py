"""What the imports of a province's own round share (scope: a Round).

A round's file names subjects by their agency code (Mã đơn vị) and criteria by their code
in the framework of the subject's group. Everything a row is checked against is read
once per import: the round's scorecards with their subjects and groups, each group's
framework tree, the agencies (for messages about codes outside the round). No query per
row; writes go through scorecards.services.round_imports after every row passed.

`RoundScoreResource` is the base of the kinds whose rows are a subject's score rows
(not-applicable marks, appraised points, survey points): the key is (Mã đơn vị, Mã tiêu
chí), the rows are the round's Score rows, and the writes are grouped per subject.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from import_export.results import RowResult

from scorecards.choices import AuditAction
from scorecards.models import Agency, Criterion, EvaluationPeriod, Score, SubjectGroup

from . import cells
from .base import Column, FileErrors, ScorecardResource
from .preview import RowError
from .widgets import PointsWidget, TextWidget


def _same(obj, memo):
    return obj


def share(*objects) -> None:
    """Mark read-only objects of the round (its scorecards with their subjects, groups and
    frameworks, the criteria), loaded by this import only, as shared by the rows: the library's copy of each row (for
    its diff) keeps them instead of copying their whole graph again, which cost a 4 000-row
    file half its preview time."""
    for obj in objects:
        if obj is not None:
            obj.__deepcopy__ = partial(_same, obj)


@dataclass
class Tree:
    """One framework's criteria, by code and id, with children and `is_leaf` set."""

    framework: object
    by_code: dict[str, Criterion]
    by_id: dict[int, Criterion]
    children: dict[int, list[Criterion]] = field(default_factory=dict)

    def leaves_under(self, node: Criterion) -> list[Criterion]:
        out, stack = [], [node]
        while stack:
            current = stack.pop()
            kids = self.children.get(current.pk)
            if kids:
                stack.extend(reversed(kids))
            else:
                out.append(current)
        return out

    def field_of(self, node: Criterion) -> Criterion:
        while node.parent_id:
            node = self.by_id[node.parent_id]
        return node


class RoundResource(ScorecardResource):
    """Base of the round's kinds: the scope is a Round; the file event is round.imported."""

    scope_kind = "round"
    audit_action = AuditAction.ROUND_IMPORTED
    check_constraints = False  # each kind checks its rules on the row: no query per row
    # Its templates list only the round's stored rows: a new row is always a mistake to name.
    skips_blank_new_rows = False
    # The round statuses the kind writes in (None: any but published and closed), and what
    # it cannot do otherwise (for the message).
    writable_statuses = None
    refused_what = ""

    class Meta(ScorecardResource.Meta):
        abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded = False
        self.periods: dict[str, EvaluationPeriod] = {}
        self.periods_by_id: dict[int, EvaluationPeriod] = {}
        self.groups: dict[str, SubjectGroup] = {}
        self.trees: dict[int, Tree] = {}
        self.agencies: dict[str, Agency] = {}
        self.importing = False

    # ---- what the round holds, read once --------------------------------------------
    def load(self) -> None:
        """The round's groups, scorecards (by subject code), framework trees and the agencies."""
        if self._loaded:
            return
        from scorecards.services.scorecard import load_tree

        self._loaded = True
        round_ = self.scope
        self.groups = {g.code: g for g in SubjectGroup.objects.filter(round=round_).select_related("framework")
                       .order_by("order", "pk")}
        groups_by_id = {g.pk: g for g in self.groups.values()}
        periods = list(EvaluationPeriod.objects.filter(round=round_).select_related("subject").order_by("pk"))
        frameworks = {g.framework_id: g.framework for g in self.groups.values()}
        for period in periods:
            period.round = round_
            if period.group_id in groups_by_id:
                period.group = groups_by_id[period.group_id]
            if period.framework_id in frameworks:
                period.framework = frameworks[period.framework_id]
            else:  # not a group's framework (never written so by services.rounds): read it once
                frameworks[period.framework_id] = period.framework
        self.periods = {p.subject.code: p for p in periods}
        self.periods_by_id = {p.pk: p for p in periods}
        for framework_id, framework in frameworks.items():
            criteria, children = load_tree(framework_id)
            self.trees[framework_id] = Tree(framework, {c.code: c for c in criteria}, {c.pk: c for c in criteria},
                                            dict(children))
            share(framework, *criteria)
        share(*self.groups.values(), *periods, *(p.subject for p in periods))
        if self.importing:
            self.agencies = {a.code: a for a in Agency.objects.select_related("successor")}

    def tree_of(self, period) -> Tree:
        return self.trees[period.framework_id]

    def group_list(self) -> str:
        return ", ".join(self.groups) or _("(chưa có nhóm nào)")

    def unknown_subject(self, code: str) -> str:
        """Why a code is not a subject of the round (a Vietnamese sentence)."""
        agency = self.agencies.get(code)
        if agency is None:
            return _("không có đơn vị mã “%(code)s” trong danh sách cơ quan, đơn vị.") % {"code": code}
        return _("%(agency)s (mã “%(code)s”) không phải đối tượng của đợt đánh giá này: thêm vào đợt trước "
                 "(loại dữ liệu “Đối tượng đánh giá”).") % {"agency": agency.name, "code": code}

    def unknown_criterion(self, period, code: str) -> str:
        return _("không có tiêu chí mã “%(code)s” trong bộ chỉ số “%(framework)s” của nhóm “%(group)s”.") % {
            "code": code, "framework": self.tree_of(period).framework,
            "group": period.group.name if period.group_id else ""}

    # ---- the library's hooks -----------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        self.importing = True
        self.load()
        super().before_import(dataset, **kwargs)

    def scope_refusal(self) -> str | None:
        round_ = self.scope
        if round_.is_frozen:
            from scorecards.services.round_imports import frozen_message

            return frozen_message(round_)
        if self.writable_statuses is not None and round_.status not in self.writable_statuses:
            from scorecards.choices import PeriodStatus

            return _("Đợt đánh giá “%(r)s” đang ở giai đoạn “%(s)s”: chưa %(what)s (chỉ trong giai đoạn %(when)s).") % {
                "r": round_, "s": round_.get_status_display(), "what": self.refused_what,
                "when": ", ".join(f"“{PeriodStatus(s).label}”" for s in PeriodStatus.values if s in self.writable_statuses)}
        return None

    def audit_data(self) -> dict:
        return {"round": self.scope.pk, "kind": self.slug, **self.extra_audit()}

    def extra_audit(self) -> dict:
        return {}

    def extra_changes(self) -> bool:
        """True when the file changes something that is not one of its rows (a band it drops)."""
        return False

    def after_import(self, dataset, result, **kwargs):
        # The base class's, with changes that are not rows (extra_changes) counted as changes.
        if result.has_validation_errors() or result.has_errors():
            return
        errors = self.check_file(result)
        changes = bool(self.pending) or self.extra_changes()
        if changes:
            refusal = self.scope_refusal()
            if refusal:
                errors.append(RowError(refusal))
        if errors:
            raise FileErrors(errors)
        result.scorecard_warnings = self.warnings(result)
        if not self._is_dry_run(kwargs) and changes:
            self.write(self.pending)
            self.audit(result, kwargs.get("file_name") or "")

    def instances(self, result):
        """(spreadsheet row, instance) of every valid row, unchanged ones included."""
        for row in result.rows:
            instance = getattr(row, "instance", None)
            if instance is not None and row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE,
                                                            RowResult.IMPORT_TYPE_SKIP):
                yield self.row_number(row.number), instance


class SubjectCodeWidget(TextWidget):
    """An agency code (Mã đơn vị), required."""

    def __init__(self):
        super().__init__(required=True)


class RoundScoreResource(RoundResource):
    """Rows that are a subject's score rows, keyed by (Mã đơn vị, Mã tiêu chí)."""

    right = None  # the choices.Right the writes use
    guide_subject = _l("Mã của đơn vị (cơ quan, xã, phường) đã là đối tượng của đợt đánh giá.")

    subject = Column("subject_code", _l("Mã đơn vị"), SubjectCodeWidget(), key=True,
                     aliases=("mã cơ quan", "mã đối tượng"), width=22, guide=guide_subject)
    subject_name = Column("subject_name", _l("Tên đơn vị"), TextWidget(), readonly=True, width=36)
    criterion = Column("criterion_code", _l("Mã tiêu chí"), TextWidget(required=True), key=True, width=14,
                       guide=_l("Mã tiêu chí lá trong bộ chỉ số của nhóm đối tượng, ví dụ 1.2.1."))
    criterion_name = Column("criterion_name", _l("Tên tiêu chí"), TextWidget(), readonly=True, width=50)
    max_points = Column("max_points", _l("Điểm tối đa"), PointsWidget(), readonly=True, width=12)

    class Meta(RoundResource.Meta):
        abstract = True

    # ---- rows of the round --------------------------------------------------------------
    def score_filter(self, queryset):
        """The kind's rows among the round's scores (subclasses narrow it)."""
        return queryset

    def get_queryset(self):
        self.load()
        queryset = Score.objects.filter(period__round=self.scope)
        return self.score_filter(queryset).order_by("period__group__order", "period__group_id", "period__subject__order",
                                                    "period__subject__name", "criterion__sort_key", "pk")

    def natural_key(self, instance) -> tuple:
        period = self.periods_by_id[instance.period_id]
        return (period.subject.code, self.tree_of(period).by_id[instance.criterion_id].code)

    def prepare_existing(self, instance) -> None:
        period = self.periods_by_id[instance.period_id]
        criterion = self.tree_of(period).by_id[instance.criterion_id]
        instance.period, instance.criterion = period, criterion  # shared objects: no query per row
        instance.subject_code, instance.subject_name = period.subject.code, period.subject.name
        instance.criterion_code, instance.criterion_name = criterion.code, criterion.name
        instance.max_points = criterion.max_points

    def new_instance(self, row):
        return Score()

    # ---- export -------------------------------------------------------------------------
    def _export_parts(self, obj):
        period = self.periods_by_id[obj.period_id]
        return period, self.tree_of(period).by_id[obj.criterion_id]

    def dehydrate_subject(self, obj):
        return self._export_parts(obj)[0].subject.code

    def dehydrate_subject_name(self, obj):
        return self._export_parts(obj)[0].subject.name

    def dehydrate_criterion(self, obj):
        return self._export_parts(obj)[1].code

    def dehydrate_criterion_name(self, obj):
        return self._export_parts(obj)[1].name

    def dehydrate_max_points(self, obj):
        return cells.trim(self._export_parts(obj)[1].max_points)

    # ---- checks -------------------------------------------------------------------------
    def key_problem(self, instance) -> tuple[str, str]:
        """(attribute, message) for a row whose key names no score row of the kind."""
        code = instance.subject_code or ""
        period = self.periods.get(code)
        if period is None:
            return "subject_code", self.unknown_subject(code)
        criterion = self.tree_of(period).by_code.get(instance.criterion_code or "")
        if criterion is None:
            return "criterion_code", self.unknown_criterion(period, instance.criterion_code)
        if not criterion.is_leaf:
            return "criterion_code", _("tiêu chí %(code)s có tiêu chí con: chỉ chấm điểm ở tiêu chí lá.") % {"code": criterion.code}
        return "criterion_code", self.leaf_problem(period, criterion) or _(
            "chưa có dòng điểm của tiêu chí %(code)s cho %(subject)s.") % {"code": criterion.code, "subject": period.subject}

    def leaf_problem(self, period, criterion) -> str | None:
        """Why the kind does not take this leaf (e.g. survey points only for survey leaves), or None."""
        return None

    def check_row(self, instance, errors: dict) -> None:
        """Add the kind's row errors {attribute: [messages]} for a matched score row."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk is None:
            if not {"subject_code", "criterion_code"} & set(errors):
                name, message = self.key_problem(instance)
                errors[name] = [message]
            raise ValidationError(errors)
        self.check_row(instance, errors)
        if errors:
            raise ValidationError(errors)
        super().validate_instance(instance, errors, validate_unique)

    def save_instance(self, instance, is_create, row, **kwargs):
        from scorecards.services.scoring import RIGHT_FIELDS

        allowed = RIGHT_FIELDS[self.right]
        present = [c.attribute for c in self.columns_of() if not c.readonly and c.column_name in row and c.attribute in allowed]
        self.pending.append((instance, present))

    def write(self, pending):
        from scorecards.services.round_imports import apply_round_score_changes
        from scorecards.services.scoring import ScoreChange

        changes: dict[int, list] = {}
        for instance, present in pending:
            values = {name: ("" if getattr(instance, name) is None and name == "appraisal_reason" else getattr(instance, name))
                      for name in present}
            changes.setdefault(instance.period_id, []).append(ScoreChange(instance.pk, values, version=instance.version))
        apply_round_score_changes(self.scope.pk, changes, actor=self.actor, right=self.right,
                                  audit_extra={"source": "import", "file": self.file_name, "kind": self.slug})

    def points_problem(self, value, criterion) -> str | None:
        from .scores import ScoreResource

        return ScoreResource._points_problem(value, criterion)
