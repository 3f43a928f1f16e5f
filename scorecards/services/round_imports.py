"""Writes of a round's imports (scorecards.resources.round_*): many subjects at once, one door.

Each function takes the importing user, runs in one transaction, locks the round row
first (then periods, then scores: the order every writer of a round follows), and hands
each piece to the service that owns it, so that rights, states, versions and audit events
are the ones of the forms:

- subjects → services.rounds.add_subjects (per group);
- not-applicable marks → services.rounds.set_not_applicable (per subject and criterion);
- appraised and survey points → services.scoring.apply_score_changes (per subject);
- grade bands → services.records.save_record / delete_record (per band).

Errors: PermissionDenied for the role, ValidationError (Vietnamese, every refused piece
named) for the state or the data; nothing is written when either is raised.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scorecards.choices import PeriodStatus, Right
from scorecards.formatting import fmt_points
from scorecards.models import Agency, EvaluationPeriod, GradeBand, SubjectGroup
from scorecards.permissions import can_manage
from scorecards.services import rounds
from scorecards.services.scoring import ScoreChange, apply_score_changes


def _require_manager(actor):
    if actor is None or not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ được nhập dữ liệu đợt đánh giá."))


def frozen_message(round_) -> str:
    """Why a published or closed round takes no import (a Vietnamese sentence)."""
    if round_.status == PeriodStatus.CLOSED:
        return _("Đợt đánh giá “%(r)s” đã đóng: không nhập được dữ liệu.") % {"r": round_}
    return _("Đợt đánh giá “%(r)s” đã công bố: không nhập được dữ liệu. Muốn sửa, Sở Nội vụ đưa đợt về giai đoạn thẩm "
             "định (ghi lý do).") % {"r": round_}


def _writable_round(round_id: int):
    round_ = rounds.lock_round(round_id)
    if round_.is_frozen:
        raise ValidationError(frozen_message(round_))
    return round_


def _round_periods(round_, period_ids) -> dict[int, EvaluationPeriod]:
    periods = {p.pk: p for p in EvaluationPeriod.objects.filter(round=round_, pk__in=list(period_ids)).select_related("subject")}
    missing = sorted(set(period_ids) - set(periods))
    if missing:
        raise ValidationError(_("Phiếu đánh giá %(ids)s không thuộc đợt đánh giá “%(r)s”.") % {
            "ids": ", ".join(f"#{pk}" for pk in missing), "r": round_})
    return periods


@transaction.atomic
def add_round_subjects(round_id: int, by_group: list[tuple[int, list[Agency]]], *, actor) -> list[EvaluationPeriod]:
    """Add the agencies of each (group id, agencies) pair to the round: one scorecard each,
    with its score rows (rounds.add_subjects). All or nothing; returns the new periods."""
    _require_manager(actor)
    round_ = _writable_round(round_id)
    group_ids = {group_id for group_id, _agencies in by_group}
    known = set(SubjectGroup.objects.filter(round=round_, pk__in=group_ids).values_list("pk", flat=True))
    if group_ids - known:
        raise ValidationError(_("Nhóm đối tượng không thuộc đợt đánh giá “%(r)s”.") % {"r": round_})
    periods = []
    for group_id, agencies in by_group:
        if agencies:
            periods.extend(rounds.add_subjects(group_id, agencies, actor=actor))
    return periods


@transaction.atomic
def set_not_applicable_marks(round_id: int, marks: list[tuple[int, int, bool]], *, actor) -> int:
    """Mark criteria not applicable (or applicable again) for subjects of a round: each
    (period id, criterion id, value) through rounds.set_not_applicable (a leaf, or every leaf
    of a criterion or field; points of a leaf marked not applicable are cleared). Returns
    the number of leaves changed."""
    _require_manager(actor)
    round_ = _writable_round(round_id)
    periods = _round_periods(round_, {period_id for period_id, _criterion, _value in marks})
    changed, errors = 0, []
    for period_id, criterion_id, value in marks:
        try:
            changed += rounds.set_not_applicable(period_id, criterion_id, value, actor=actor)
        except ValidationError as exc:
            errors.extend(f"{periods[period_id].subject}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    return changed


@transaction.atomic
def apply_round_score_changes(round_id: int, changes: dict[int, list[ScoreChange]], *, actor, right: str,
                              audit_extra: dict | None = None) -> int:
    """Apply score changes of many subjects of a round at once: {period id: [ScoreChange]},
    each subject's through scoring.apply_score_changes with `right` (Right.APPRAISE for the
    council's points, Right.ADMINISTER for survey points). All or nothing: the refusals of
    every subject are collected, each named by its subject. Returns the number of scores changed."""
    _require_manager(actor)
    if right not in (Right.APPRAISE, Right.ADMINISTER):
        raise PermissionDenied(_("Nhập điểm của đợt đánh giá dùng quyền thẩm định hoặc quản trị."))
    round_ = _writable_round(round_id)
    periods = _round_periods(round_, set(changes))
    changed, errors = 0, []
    for period_id in sorted(changes):
        period = periods[period_id]
        try:
            result = apply_score_changes(period, changes[period_id], actor=actor, right=right, audit_extra=audit_extra)
        except ValidationError as exc:
            errors.extend(f"{period.subject}: {m}" for m in exc.messages)
            continue
        changed += len(result.changed)
    if errors:
        raise ValidationError(errors)
    return changed


def band_problems(wanted: dict[str, Decimal]) -> list[str]:
    """What is wrong with a group's bands {label: from points}: a blank label, a threshold
    outside 0–100 or with more than 3 decimals, two bands from the same points."""
    problems, seen = [], {}
    for label, points in wanted.items():
        if not (label or "").strip():
            problems.append(_("Mức xếp loại phải có tên."))
        if points is None:
            problems.append(_("Mức “%(l)s” chưa ghi điểm bắt đầu.") % {"l": label})
            continue
        if points < 0 or points > 100:
            problems.append(_("Ngưỡng xếp loại “%(l)s” phải từ 0 đến 100 điểm (đang ghi %(p)s).") % {
                "l": label, "p": str(points).replace(".", ",")})
        elif Decimal(points).as_tuple().exponent < -3:
            problems.append(_("Ngưỡng xếp loại “%(l)s” có quá 3 chữ số thập phân.") % {"l": label})
        key = Decimal(points)
        if key in seen:
            problems.append(_("Hai mức “%(a)s” và “%(b)s” cùng bắt đầu từ %(p)s điểm.") % {
                "a": seen[key], "b": label, "p": fmt_points(key)})
        seen.setdefault(key, label)
    return problems


@transaction.atomic
def replace_grade_bands(group_id: int, wanted: dict[str, Decimal], *, actor) -> dict[str, int]:
    """Make a group's grade bands exactly `wanted` ({label: from points}), each band saved
    or deleted through services.records (audited as record.created/changed/deleted).

    A band keeps its row when its label stays (its threshold changes in place); thresholds
    that two bands swap are freed first, so the database's uniqueness never fails half-way.
    Raises ValidationError when the round is published or closed, or `wanted` has
    overlapping (equal) thresholds, thresholds outside 0–100 or blank labels.
    Returns {"created": n, "changed": n, "deleted": n}.
    """
    from scorecards.services.records import delete_record, save_record

    _require_manager(actor)
    group = SubjectGroup.objects.select_related("round").get(pk=group_id)
    _writable_round(group.round_id)
    problems = band_problems(wanted)
    if problems:
        raise ValidationError(problems)
    counts = {"created": 0, "changed": 0, "deleted": 0}
    current = {b.label: b for b in GradeBand.objects.select_for_update().filter(group=group)}
    for label in [label for label in current if label not in wanted]:
        delete_record(current.pop(label), actor=actor)
        counts["deleted"] += 1
    held = {b.min_points: label for label, b in current.items()}
    moves = {label: Decimal(wanted[label]) for label, b in current.items() if b.min_points != Decimal(wanted[label])}
    creates = [label for label in wanted if label not in current]
    while moves:
        ready = [label for label, points in moves.items() if points not in held]
        if not ready:
            # Bands swapping thresholds: take one out and create it again after the others.
            label = next(iter(moves))
            band = current.pop(label)
            held.pop(band.min_points)
            delete_record(band, actor=actor)
            moves.pop(label)
            creates.append(label)
            counts["deleted"] += 1
            continue
        for label in ready:
            band = current[label]
            held.pop(band.min_points)
            band.min_points = moves.pop(label)
            save_record(band, actor=actor)
            held[band.min_points] = label
            counts["changed"] += 1
    for label in creates:
        save_record(GradeBand(group=group, label=label, min_points=Decimal(wanted[label])), actor=actor)
        counts["created"] += 1
    return counts
