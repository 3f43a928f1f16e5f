"""A province's own round: its subjects' scorecards, its steps, per-subject exemptions.

The one writer of a round's structure (which subjects, their scorecards), of the status
every scorecard shares with its round, and of not-applicable marks. Every function takes
the acting user, runs in one transaction, locks the round row first (then periods, then
scores: the order every other writer follows), and writes its audit events in the same
transaction. Errors: PermissionDenied for the role, ValidationError (Vietnamese) for the
state or the data; nothing is written when either is raised.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.db import vi_ordering
from scorecards.models import Agency, AuditEvent, EvaluationPeriod, EvidenceDocument, Round, Score, SubjectGroup
from scorecards.permissions import can_manage
from scorecards.policy import PERIOD_TRANSITIONS
from scorecards.services.scorecard import load_tree
from scorecards.services.scoring import ScoreChange, apply_score_changes


def _require_manager(actor, what: str):
    if actor is None or not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được %(what)s.") % {"what": what})


def lock_round(round_id: int) -> Round:
    """Lock the round row (select_for_update) inside the caller's transaction."""
    try:
        return Round.objects.select_for_update().select_related("province").get(pk=round_id)
    except Round.DoesNotExist:
        raise ValidationError(_("Không có đợt đánh giá #%(id)s.") % {"id": round_id}) from None


def _ensure_round_writable(round_: Round):
    if round_.is_frozen:
        raise ValidationError(_("Đợt đánh giá “%(r)s” đã %(s)s: không thay đổi được đối tượng, giai đoạn hay dữ liệu.") % {
            "r": round_, "s": round_.get_status_display().lower()})


def create_score_rows(periods: list[EvaluationPeriod], *, actor=None) -> int:
    """Create every missing leaf score of `periods` (one framework each) in bulk, with their
    history rows; the unit scores itself, so each row's responsible agency is the subject.

    Two INSERTs per batch (scores, then their history): the round's 20 000 rows cost about
    twice a bare bulk_create (bench/rounds.py). Returns the number of rows created.
    """
    if not periods:
        return 0
    leaves_by_framework: dict[int, list] = {}
    for framework_id in {p.framework_id for p in periods}:
        criteria, _children = load_tree(framework_id)
        leaves_by_framework[framework_id] = [c for c in criteria if c.is_leaf]
    existing = set(Score.objects.filter(period__in=[p.pk for p in periods]).values_list("period_id", "criterion_id"))
    rows = [
        Score(period_id=p.pk, criterion_id=c.pk, responsible_agency_id=p.subject_id, updated_by=actor)
        for p in periods for c in leaves_by_framework[p.framework_id] if (p.pk, c.pk) not in existing
    ]
    created = Score.objects.bulk_create(rows, batch_size=2000)
    Score.history.bulk_history_create(created, batch_size=2000, default_user=actor,
                                      default_change_reason="round.scorecard_created")
    return len(created)


def _check_subject(group: SubjectGroup, agency: Agency, taken: set[int]) -> str | None:
    if agency.pk in taken:
        return _("%(a)s đã có trong đợt đánh giá.") % {"a": agency}
    if not agency.answers_for(group.round.year):
        return _("%(a)s đã kết thúc hoạt động, không được đánh giá năm %(y)s.") % {"a": agency, "y": group.round.year}
    if agency.kind == Agency.Kind.PROVINCE:
        return _("%(a)s là tỉnh (đối tượng của Chỉ số cấp tỉnh), không thuộc đợt đánh giá của tỉnh.") % {"a": agency}
    return None


@transaction.atomic
def add_subjects(group_id: int, agencies: Iterable[Agency], *, actor) -> list[EvaluationPeriod]:
    """Add subjects to a group: one scorecard (EvaluationPeriod) each, with every leaf's
    score row, in the round's status and deadlines. All or nothing.

    Raises PermissionDenied unless the actor is Sở Nội vụ; ValidationError listing every
    refused agency (already in the round, ended before the year's end, a province) or when
    the round is published or closed.
    """
    _require_manager(actor, _("thêm đối tượng vào đợt đánh giá"))
    group = SubjectGroup.objects.select_related("round", "framework").get(pk=group_id)
    round_ = lock_round(group.round_id)
    group.round = round_
    _ensure_round_writable(round_)
    agencies = list(agencies)
    taken = set(EvaluationPeriod.objects.filter(round=round_).values_list("subject_id", flat=True))
    errors = []
    for agency in agencies:
        problem = _check_subject(group, agency, taken)
        if problem:
            errors.append(problem)
        taken.add(agency.pk)
    if errors:
        raise ValidationError(errors)
    periods = EvaluationPeriod.objects.bulk_create([
        EvaluationPeriod(
            year=round_.year, framework_id=group.framework_id, subject=agency, status=round_.status,
            self_assessment_deadline=round_.self_assessment_deadline, explanation_deadline=round_.explanation_deadline,
            round=round_, group=group, is_illustrative=round_.is_illustrative,
        ) for agency in agencies
    ])
    create_score_rows(periods, actor=actor)
    AuditEvent.objects.bulk_create([
        AuditEvent.build(AuditAction.ROUND_SUBJECTS_ADDED, actor=actor, period=p, agency_id=p.subject_id,
                         round=round_.pk, group=group.code)
        for p in periods
    ])
    return periods


def candidates(group: SubjectGroup) -> list[Agency]:
    """Agencies of the group's kind that answer for the round's year and are not in the round yet."""
    taken = EvaluationPeriod.objects.filter(round_id=group.round_id).values("subject_id")
    year = group.round.year
    kinds = [group.subject_kind]
    if group.subject_kind == Agency.Kind.DEPARTMENT:
        kinds.append(Agency.Kind.OFFICE)  # Văn phòng UBND tỉnh is ranked with the departments
    return [a for a in Agency.objects.filter(kind__in=kinds).exclude(pk__in=taken).order_by(*vi_ordering("order", "name"))
            if a.answers_for(year) and (a.started_on is None or a.started_on.year <= year)]


def populate_group(group_id: int, *, actor) -> list[EvaluationPeriod]:
    """"Tạo phiếu cho cả nhóm": add every candidate agency of the group's kind (one step)."""
    group = SubjectGroup.objects.select_related("round").get(pk=group_id)
    return add_subjects(group_id, candidates(group), actor=actor)


@transaction.atomic
def remove_subject(period_id: int, *, actor, reason: str) -> None:
    """Take a subject out of its round (its scorecard is deleted), before publication.

    Refused (ValidationError) when the scorecard already holds work (points, evidence, a
    bonus or penalty, a lock): deleting it would lose data; or without a reason.
    """
    _require_manager(actor, _("bỏ đối tượng khỏi đợt đánh giá"))
    round_id = EvaluationPeriod.objects.filter(pk=period_id).values_list("round_id", flat=True).first()
    if round_id is None:
        raise ValidationError(_("Phiếu đánh giá #%(id)s không thuộc đợt đánh giá nào của tỉnh.") % {"id": period_id})
    round_ = lock_round(round_id)
    _ensure_round_writable(round_)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do bỏ đối tượng khỏi đợt đánh giá."))
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join (group).
    period = EvaluationPeriod.objects.select_for_update(of=("self",)).select_related("subject", "group").get(pk=period_id)
    scored = Score.objects.filter(period=period).filter(
        Q(self_points__isnull=False) | Q(appraised_points__isnull=False) | Q(appraised_points_round2__isnull=False)
        | ~Q(explanation="") | ~Q(appeal_explanation="")).count()
    documents = EvidenceDocument.objects.filter(score__period=period).count()
    if scored or documents or period.adjustments.exists() or period.self_locked_at:
        raise ValidationError(_(
            "Phiếu của %(s)s đã có %(n)s tiêu chí được chấm, %(d)s tài liệu hoặc điểm thưởng, điểm trừ: không bỏ được "
            "để không mất dữ liệu. Nếu đơn vị không còn phải đánh giá, ghi chú trong quyết định công bố."
        ) % {"s": period.subject, "n": scored, "d": documents})
    AuditEvent.log(AuditAction.ROUND_SUBJECT_REMOVED, actor=actor, agency=period.subject, round=round_.pk,
                   group=period.group.code if period.group_id else "", period_id=period.pk, reason=reason)
    period.delete()


@transaction.atomic
def change_round_status(round_id: int, to_status: str, *, actor, reason: str = "",
                        from_status: str | None = None) -> Round:
    """Move a round and every scorecard in it one step along policy.PERIOD_TRANSITIONS
    (open self-assessment, appraisal, explanation round, round 2, publish, close).

    Raises PermissionDenied unless Sở Nội vụ; ValidationError when there is no such step,
    a step back has no reason, the page was stale (`from_status`), or publishing lacks the
    decision (number, date, signer: Round.publication_problems) or the round has no subject.
    """
    _require_manager(actor, _("chuyển giai đoạn đợt đánh giá"))
    round_ = lock_round(round_id)
    if from_status and from_status != round_.status:
        raise ValidationError(_("Đợt đánh giá vừa được chuyển sang “%(s)s”; tải lại trang trước khi chuyển tiếp.") % {
            "s": round_.get_status_display()})
    step = PERIOD_TRANSITIONS.get(round_.status, {}).get(to_status)
    if step is None:
        label = PeriodStatus(to_status).label if to_status in PeriodStatus.values else to_status
        raise ValidationError(_("Không thể chuyển đợt đánh giá từ “%(from)s” sang “%(to)s”.") % {
            "from": round_.get_status_display(), "to": label})
    reason = (reason or "").strip()
    if step.backward and not reason:
        raise ValidationError(_("Đưa đợt đánh giá về “%(to)s” cần ghi lý do.") % {"to": PeriodStatus(to_status).label})
    periods = list(EvaluationPeriod.objects.select_for_update().filter(round=round_).order_by("pk"))
    if not periods and to_status != PeriodStatus.DRAFT:
        raise ValidationError(_("Đợt đánh giá chưa có đối tượng nào: thêm đối tượng trước."))
    if to_status == PeriodStatus.PUBLISHED:
        problems = round_.publication_problems()
        if problems:
            raise ValidationError(problems)
    old = round_.status
    round_.status = to_status
    round_.save(update_fields=["status"])
    EvaluationPeriod.objects.filter(round=round_).update(status=to_status)
    if to_status == PeriodStatus.SELF_ASSESSMENT:
        create_score_rows(periods, actor=actor)
    AuditEvent.objects.bulk_create([
        AuditEvent.build(step.action, actor=actor, period=p, agency_id=p.subject_id, status=[old, to_status],
                         reason=reason, round=round_.pk)
        for p in periods
    ])
    return round_


@transaction.atomic
def set_not_applicable(period_id: int, criterion_id: int, value: bool, *, actor) -> int:
    """Mark a criterion (a leaf, or every leaf under a field or criterion) not applicable to
    one subject, or applicable again; returns the number of leaves changed.

    Not applicable: the leaves' maximum leaves the subject's total, which is rescaled to 100
    (services.ranking); their points are cleared (the audit log keeps the old values).
    Raises PermissionDenied unless Sở Nội vụ; ValidationError when the period is published
    or closed, or the criterion is not in its framework.
    """
    _require_manager(actor, _("đánh dấu tiêu chí không áp dụng"))
    period = EvaluationPeriod.objects.select_related("framework").get(pk=period_id)
    criteria, children = load_tree(period.framework_id)
    by_id = {c.pk: c for c in criteria}
    if criterion_id not in by_id:
        raise ValidationError(_("Tiêu chí không thuộc bộ chỉ số của phiếu đánh giá."))
    leaves, stack = [], [by_id[criterion_id]]
    while stack:
        node = stack.pop()
        kids = children.get(node.pk)
        if kids:
            stack.extend(kids)
        else:
            leaves.append(node.pk)
    scores = Score.objects.filter(period=period, criterion_id__in=leaves).exclude(not_applicable=value)
    values = {"not_applicable": value}
    if value:
        values.update(self_points=None, appraised_points=None, appraised_points_round2=None)
    changes = [ScoreChange(pk, dict(values)) for pk in scores.values_list("pk", flat=True)]
    if not changes:
        return 0
    return len(apply_score_changes(period, changes, actor=actor).changed)
