"""The improvement plan's one door (kế hoạch khắc phục): create and change items, report progress;
and the plan of a period as rows for the board and the annex.

Rules (one home each):
- Who: Sở Nội vụ creates and changes items (`permissions.can_manage`); the responsible
  agency's staff, or Sở Nội vụ, report progress (`can_report`); leaders read only. Who reads
  an item (and its evidence) is the analysis audience of its period
  (reports.services.analysis_access): everything, or the items the agency answers for.
- When: an item answers a loss, so it needs the criterion's appraised points below its
  maximum; a published or closed period stays read-only for its scores, but its plan is about
  next year and does not change its figures: items stay writable in every status.
- What: a leaf of the period's framework, target between the points reached (exclusive) and
  the maximum, three decimals at most, a deadline after the period's year, actions written.
- Every write checks the version the editor saw (a stale copy is refused, nothing lost),
  locks the item row, and writes its AuditEvent with the real author in the same transaction.
- Evidence files are checked by scorecards.services.evidence.check_upload (content, not name).

Shapes: `create_item(period_id, criterion_id, *, actor, agency_id=None, target_points=None,
actions, deadline) -> ImprovementItem`; `update_item(item_id, *, actor, version, **fields)`;
`report_progress(item_id, *, actor, version, status, note, uploaded=None) -> ImprovementUpdate`;
`plan_rows(period, audience, …) -> Plan` (rows with max, appraised, lost points).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction
from scorecards.formatting import fmt_points
from scorecards.models import (
    Agency, AuditEvent, Criterion, EvaluationPeriod, ImprovementItem, ImprovementUpdate, PlanStatus, Score, ScoringSource,
)
from scorecards.permissions import can_manage, is_agency_staff

# Channels whose points the province cannot simply decide (the Ministry's surveys, SIPAS).
NOT_DECIDED = frozenset({ScoringSource.SURVEY, ScoringSource.SIPAS})
EDITABLE_FIELDS = ("agency_id", "target_points", "actions", "deadline")


def not_decided_note() -> str:
    return _("Điểm điều tra xã hội học và SIPAS do Bộ Nội vụ khảo sát: tỉnh không tự quyết định được, "
             "mục tiêu là định hướng.")


# --- who -----------------------------------------------------------------------------------

def can_report(user, item: ImprovementItem) -> bool:
    """Sở Nội vụ, or the staff of the agency that answers for the item."""
    if not user or not user.is_authenticated:
        return False
    return can_manage(user) or (is_agency_staff(user) and user.agency_id == item.agency_id)


def can_read(user, item: ImprovementItem) -> bool:
    """Whoever reads the item's period's analysis and is admitted to the item's agency rows
    (Sở Nội vụ, leaders, the round's council, the responsible agency)."""
    from reports.services.analysis_access import audience

    aud = audience(user, item.period)
    return aud is not None and aud.admits(item.agency_id)


def _require_manager(actor):
    if actor is None or not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được lập và sửa kế hoạch khắc phục."))


# --- checks --------------------------------------------------------------------------------

def stale_message(item: ImprovementItem) -> str:
    who = (item.updated_by.get_full_name() or item.updated_by.username) if item.updated_by_id else _("người khác")
    return _("Nhiệm vụ khắc phục tiêu chí %(code)s vừa được %(who)s sửa lúc %(when)s; tải lại trang để xem bản mới "
             "rồi nhập lại.") % {"code": item.criterion.code, "who": who,
                                 "when": timezone.localtime(item.updated_at).strftime("%H:%M %d/%m/%Y")}


def _check_version(item, version):
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise ValidationError(_("Thiếu phiên bản của nhiệm vụ đang sửa; tải lại trang rồi nhập lại.")) from None
    if seen != item.version:
        raise ValidationError(stale_message(item))


def _loss(period: EvaluationPeriod, criterion: Criterion) -> Score:
    """The score of a leaf that lost points in `period`; ValidationError otherwise."""
    if criterion.framework_id != period.framework_id:
        raise ValidationError(_("Tiêu chí %(code)s không thuộc bộ chỉ số của kỳ đánh giá năm %(year)s.") % {
            "code": criterion.code, "year": period.year})
    if criterion.children.exists():
        raise ValidationError(_("Tiêu chí %(code)s có tiêu chí con: chọn tiêu chí lá.") % {"code": criterion.code})
    score = Score.objects.filter(period=period, criterion=criterion).select_related("responsible_agency").first()
    final = score.final_points if score else None
    if final is None:
        raise ValidationError(_("Tiêu chí %(code)s chưa có điểm thẩm định: chưa biết điểm bị mất.") % {"code": criterion.code})
    if final >= criterion.max_points:
        raise ValidationError(_("Tiêu chí %(code)s đã đạt điểm tối đa %(max)s: không cần khắc phục.") % {
            "code": criterion.code, "max": fmt_points(criterion.max_points)})
    return score


def _clean_target(value, criterion: Criterion, reached: Decimal) -> Decimal:
    if value is None or value == "":
        raise ValidationError({"target_points": _("Nhập điểm mục tiêu.")})
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value).replace(",", "."))
        except ArithmeticError:
            raise ValidationError({"target_points": _("“%(v)s” không phải là số điểm.") % {"v": value}}) from None
    if not value.is_finite():
        raise ValidationError({"target_points": _("“%(v)s” không phải là số điểm.") % {"v": value}})
    if value.as_tuple().exponent < -3:
        raise ValidationError({"target_points": _("Điểm mục tiêu có quá 3 chữ số thập phân.")})
    if value > criterion.max_points:
        raise ValidationError({"target_points": _("Điểm mục tiêu %(v)s vượt điểm tối đa %(max)s của tiêu chí %(code)s.") % {
            "v": fmt_points(value), "max": fmt_points(criterion.max_points), "code": criterion.code}})
    if value <= reached:
        raise ValidationError({"target_points": _("Điểm mục tiêu %(v)s phải cao hơn điểm đã đạt %(reached)s của tiêu chí "
                                                  "%(code)s.") % {"v": fmt_points(value), "reached": fmt_points(reached),
                                                                  "code": criterion.code}})
    return value


# The longest text an item or a progress report holds (characters): a plan's cell, not a
# report; beyond it the board and the annex would stop being readable (and cheap to print).
MAX_TEXT = 2000


def _clean_text(value, name: str, label: str, *, required: bool = True) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text and required:
        raise ValidationError({name: _("Nhập %(label)s.") % {"label": label}})
    if len(text) > MAX_TEXT:
        raise ValidationError({name: _("%(label)s dài %(n)s ký tự, quá %(max)s ký tự: hãy viết gọn, chi tiết để trong tài "
                                       "liệu kiểm chứng.") % {"label": label[:1].upper() + label[1:], "n": len(text),
                                                              "max": MAX_TEXT}})
    return text


MAX_PLAN_YEARS = 3  # a plan answers next year's index; a deadline past three years is a typing slip


def _clean_deadline(value, period: EvaluationPeriod) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({"deadline": _("Nhập thời hạn hoàn thành (ngày/tháng/năm).")})
    if isinstance(value, dt.datetime):
        value = value.date()
    if value.year <= period.year:
        raise ValidationError({"deadline": _("Kế hoạch khắc phục kết quả năm %(year)s thực hiện từ năm %(next)s: thời hạn "
                                             "%(date)s quá sớm.") % {"year": period.year, "next": period.year + 1,
                                                                    "date": value.strftime("%d/%m/%Y")}})
    if value.year > period.year + MAX_PLAN_YEARS:
        raise ValidationError({"deadline": _("Thời hạn %(date)s quá xa: kế hoạch khắc phục kết quả năm %(year)s hoàn thành "
                                             "chậm nhất năm %(last)s.") % {"date": value.strftime("%d/%m/%Y"),
                                                                          "year": period.year,
                                                                          "last": period.year + MAX_PLAN_YEARS}})
    # A deadline already past is allowed: a plan adopted at the conference may be entered
    # later; the item is then shown late at once (ImprovementItem.is_late).
    return value


def _clean_agency(agency_id, period: EvaluationPeriod) -> Agency:
    """The responsible agency: one that still works in the plan's year (the year after the
    period's; an ended one is named with its successor), and on a unit's scorecard of a
    province's round the unit itself (only its staff read that scorecard)."""
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    if agency is None:
        raise ValidationError({"agency_id": _("Chọn cơ quan chủ trì.")})
    if period.round_id:
        if agency.pk != period.subject_id:
            raise ValidationError({"agency_id": _("Phiếu của %(unit)s: nhiệm vụ khắc phục do chính đơn vị chủ trì.") % {
                "unit": period.subject}})
        return agency  # the unit's own scorecard, even if the unit was merged since
    if not agency.answers_for(period.year + 1):
        successor = agency.successor_in(period.year + 1)
        raise ValidationError({"agency_id": _("%(agency)s không còn hoạt động trong năm %(year)s%(then)s.") % {
            "agency": agency, "year": period.year + 1,
            "then": _(": giao cho %(s)s") % {"s": successor} if successor.pk != agency.pk else ""}})
    return agency


def plan_agency(score: Score, period: EvaluationPeriod) -> Agency | None:
    """Who an item answers to by default: the score's lead agency, or the agency that took
    over its work for the plan's year (Sở Thông tin và Truyền thông → Sở Khoa học và Công nghệ);
    on a unit's scorecard of a round, the unit."""
    if period.round_id:
        return period.subject  # a unit's scorecard: the unit itself (only its staff read it)
    agency = score.responsible_agency
    return agency.successor_in(period.year + 1) if agency is not None else None


def prefill(period: EvaluationPeriod, criterion_id: int) -> dict:
    """What an item created from a loss starts with: {"agency_id": the score's lead agency,
    "target_points": the criterion's maximum}. ValidationError when the leaf lost nothing."""
    criterion = Criterion.objects.filter(pk=criterion_id).first()
    if criterion is None:
        raise ValidationError(_("Không tìm thấy tiêu chí #%(id)s.") % {"id": criterion_id})
    score = _loss(period, criterion)
    agency = plan_agency(score, period)
    return {"agency_id": agency.pk if agency else None, "target_points": criterion.max_points}


def _values(item) -> dict:
    return {"agency": str(item.agency), "target_points": str(Decimal(item.target_points).quantize(Decimal("0.001"))), "actions": item.actions,
            "deadline": item.deadline.isoformat() if item.deadline else None, "status": item.status}


def _audit(action, item, actor, **data):
    AuditEvent.log(action, actor=actor, period=item.period, agency_id=item.agency_id,
                   item=item.pk, code=item.criterion.code, **data)


# --- writes --------------------------------------------------------------------------------

@transaction.atomic
def create_item(period_id: int, criterion_id: int, *, actor, agency_id: int | None = None, target_points=None,
                actions: str, deadline) -> ImprovementItem:
    """A new item from a loss of the period (Sở Nội vụ). `agency_id` and `target_points`
    default to the score's lead agency and the criterion's maximum (`prefill`).

    Raises PermissionDenied (not Sở Nội vụ), ValidationError (unknown period or criterion, no
    loss, target out of range, deadline in the period's year or before, no actions, the
    agency already has an item for this criterion).
    """
    _require_manager(actor)
    period = EvaluationPeriod.objects.select_related("framework").filter(pk=period_id).first()
    if period is None:
        raise ValidationError(_("Không có kỳ đánh giá mã %(id)s.") % {"id": period_id})
    criterion = Criterion.objects.filter(pk=criterion_id).first() if criterion_id else None
    if criterion is None:
        raise ValidationError({"criterion_id": _("Chọn tiêu chí bị mất điểm.")})
    score = _loss(period, criterion)
    if agency_id is None:
        agency = plan_agency(score, period)
        agency_id = agency.pk if agency else None
    errors = {}
    item = ImprovementItem(period=period, criterion=criterion, created_by=actor, updated_by=actor)
    for name, check in (("agency_id", lambda: _clean_agency(agency_id, period)),
                        ("target_points", lambda: _clean_target(
                            criterion.max_points if target_points is None else target_points, criterion, score.final_points)),
                        ("actions", lambda: _clean_text(actions, "actions", _("nhiệm vụ, giải pháp"))),
                        ("deadline", lambda: _clean_deadline(deadline, period))):
        try:
            value = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        setattr(item, "agency" if name == "agency_id" else name, value)
    if errors:
        raise ValidationError(errors)
    if ImprovementItem.objects.filter(period=period, criterion=criterion, agency=item.agency).exists():
        raise ValidationError(_("%(agency)s đã có nhiệm vụ khắc phục tiêu chí %(code)s trong kế hoạch năm %(year)s.") % {
            "agency": item.agency, "code": criterion.code, "year": period.year})
    item.save()
    _audit(AuditAction.PLAN_ITEM_CREATED, item, actor, values=_values(item))
    return item


def _lock(item_id: int) -> ImprovementItem:
    item = (ImprovementItem.objects.select_for_update(of=("self",))
            .select_related("period", "criterion", "agency", "updated_by").filter(pk=item_id).first())
    if item is None:
        raise ValidationError(_("Không tìm thấy nhiệm vụ khắc phục #%(id)s.") % {"id": item_id})
    return item


@transaction.atomic
def update_item(item_id: int, *, actor, version, agency_id=None, target_points=None, actions=None,
                deadline=None, status=None) -> ImprovementItem:
    """Change an item's agency, target, actions, deadline or status (Sở Nội vụ); None keeps
    a value. Raises PermissionDenied, ValidationError (stale version, value out of range)."""
    _require_manager(actor)
    item = _lock(item_id)
    _check_version(item, version)
    before = _values(item)
    reached = (Score.objects.filter(period_id=item.period_id, criterion_id=item.criterion_id)
               .values_list("appraised_points_round2", "appraised_points").first() or (None, None))
    reached = reached[0] if reached[0] is not None else reached[1]
    errors = {}
    checks = []
    if agency_id is not None:
        checks.append(("agency", lambda: _clean_agency(agency_id, item.period)))
    if target_points is not None:
        checks.append(("target_points", lambda: _clean_target(target_points, item.criterion, reached or Decimal(0))))
    if actions is not None:
        checks.append(("actions", lambda: _clean_text(actions, "actions", _("nhiệm vụ, giải pháp"))))
    if deadline is not None:
        checks.append(("deadline", lambda: _clean_deadline(deadline, item.period)))
    if status is not None:
        checks.append(("status", lambda: _clean_status(status)))
    for name, check in checks:
        try:
            setattr(item, name, check())
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    after = _values(item)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if not changes:
        return item
    if "agency" in changes and ImprovementItem.objects.filter(
            period_id=item.period_id, criterion_id=item.criterion_id, agency_id=item.agency_id).exclude(pk=item.pk).exists():
        raise ValidationError(_("%(agency)s đã có nhiệm vụ khắc phục tiêu chí %(code)s trong kế hoạch.") % {
            "agency": item.agency, "code": item.criterion.code})
    item.version += 1
    item.updated_by = actor
    item.save()
    _audit(AuditAction.PLAN_ITEM_CHANGED, item, actor, changes=changes)
    return item


def _clean_status(value) -> str:
    if value not in PlanStatus.values:
        raise ValidationError({"status": _("Tiến độ “%(v)s” không hợp lệ.") % {"v": str(value)[:30]}})
    return value


@transaction.atomic
def report_progress(item_id: int, *, actor, version, status: str, note: str = "", uploaded=None) -> ImprovementUpdate:
    """A progress report (the responsible agency's staff, or Sở Nội vụ): the item takes the
    status and note; the report, with its optional evidence file, joins the history.

    A report needs a note or a file. Raises PermissionDenied (another agency, a leader),
    ValidationError (stale version, unknown status, a refused file: services.evidence.check_upload).
    """
    from scorecards.services.evidence import _delete_file_on_rollback, check_upload

    item = _lock(item_id)
    if not can_report(actor, item):
        raise PermissionDenied(_("Chỉ cán bộ của %(agency)s hoặc Sở Nội vụ báo cáo tiến độ nhiệm vụ này.") % {
            "agency": item.agency})
    _check_version(item, version)
    status = _clean_status(status)
    note = _clean_text(note, "note", _("kết quả thực hiện"), required=False)
    checked = check_upload(uploaded) if uploaded is not None else None
    if not note and checked is None:
        raise ValidationError({"note": _("Nhập kết quả thực hiện hoặc đính kèm tài liệu kiểm chứng.")})
    update = ImprovementUpdate(item=item, status=status, note=note, author=actor,
                               author_name=actor.get_full_name() or actor.username)
    if checked is not None:
        update.original_name, update.content_type = checked.name, checked.content_type
        update.size, update.sha256 = checked.size, checked.sha256
        update.file.save(checked.name, uploaded, save=False)
    try:
        update.save()
        old_status = item.status
        item.status = status
        if note:
            item.progress_note = note
        item.version += 1
        item.updated_by = actor
        item.save()
        _audit(AuditAction.PLAN_PROGRESS_REPORTED, item, actor, update=update.pk, status=[old_status, status], note=note,
               name=update.original_name or None, sha256=update.sha256 or None)
    except Exception:
        if update.file:
            _delete_file_on_rollback(update)()
        raise
    return update


# --- reads ---------------------------------------------------------------------------------

@dataclass
class PlanRow:
    """An item with the figures of its loss (points) and its lateness."""

    item: ImprovementItem
    number: int
    max_points: Decimal
    appraised: Decimal | None
    lost: Decimal | None
    decidable: bool
    late: bool
    updates: list[ImprovementUpdate] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.item.criterion.code


@dataclass
class Plan:
    period: EvaluationPeriod
    rows: list[PlanRow]
    today: dt.date
    by_status: dict[str, int]
    late_count: int
    total: int  # items of the audience before the filters

    @property
    def has_not_decided(self) -> bool:
        return any(not r.decidable for r in self.rows)


def plan_rows(period: EvaluationPeriod, audience=None, *, agency_id: int | None = None, status: str | None = None,
              today: dt.date | None = None, with_updates: bool = False) -> Plan:
    """The items of `period` the audience reads (None: all), in framework order, optionally
    filtered by agency and status, with max, appraised and lost points of their criterion.

    Queries: 2 (items with criterion and agency; their scores), +1 with `with_updates`;
    never one per item.
    """
    today = today or timezone.localdate()
    qs = ImprovementItem.objects.filter(period=period).select_related("criterion", "agency", "updated_by")
    if audience is not None and not audience.everything:
        qs = qs.filter(agency_id=audience.agency_id)
    if with_updates:
        qs = qs.prefetch_related(Prefetch("updates", queryset=ImprovementUpdate.objects.select_related("author")))
    items = list(qs.order_by("criterion__sort_key", "agency__order", "pk"))
    for item in items:
        item.period = period
    counts = Counter(i.status for i in items)
    late_total = sum(1 for i in items if i.is_late(today))
    total = len(items)
    if agency_id:
        items = [i for i in items if i.agency_id == agency_id]
    if status == "late":
        items = [i for i in items if i.is_late(today)]
    elif status:
        items = [i for i in items if i.status == status]
    scores = {}
    if items:
        for s in Score.objects.filter(period=period, criterion_id__in={i.criterion_id for i in items}).only(
                "criterion_id", "appraised_points", "appraised_points_round2"):
            scores[s.criterion_id] = s.final_points
    rows = []
    for n, item in enumerate(items, 1):
        c = item.criterion
        appraised = scores.get(c.pk)
        rows.append(PlanRow(item=item, number=n, max_points=c.max_points, appraised=appraised,
                            lost=None if appraised is None else c.max_points - appraised,
                            decidable=c.scoring_source not in NOT_DECIDED, late=item.is_late(today),
                            updates=list(item.updates.all()) if with_updates else []))
    return Plan(period=period, rows=rows, today=today, by_status=dict(counts), late_count=late_total, total=total)


@dataclass
class LossChoice:
    criterion: Criterion
    agency: Agency | None
    appraised: Decimal
    lost: Decimal

    @property
    def label(self) -> str:
        return _("%(code)s – %(name)s (mất %(lost)s điểm)") % {
            "code": self.criterion.code, "name": self.criterion.name[:90], "lost": fmt_points(self.lost)}


def loss_choices(period: EvaluationPeriod) -> list[LossChoice]:
    """The leaves of the period that lost points (appraised below max), in framework order:
    what a plan item can answer. Two queries (criteria, scores)."""
    from scorecards.services.scorecard import build_scorecard

    out = []
    for row in build_scorecard(period).rows:
        if row.below_max:
            out.append(LossChoice(row.criterion, row.lead_agency, row.appraised, row.lost))
    return out
