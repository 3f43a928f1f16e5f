"""A subject's own scorecard in a round as plain rows (for its PDF and XLSX).

Every criterion of the group's framework in order: a field row with its subtotals, the
criteria under it, each leaf with its maximum, self-assessed points, round 1 and round 2
appraisal, the points that count, the unit's explanation and the appraisal reason (and
"không áp dụng" marks); then the bonus and penalty items, the capped sums, the total,
the rank and the grade. Read in a fixed number of queries (scorecards.services.ranking).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.services import numbers as n
from scorecards.choices import AdjustmentKind
from scorecards.models import Adjustment, EvaluationPeriod, Score
from scorecards.services import ranking
from scorecards.services.scorecard import load_tree

from . import common

ZERO = Decimal("0")


@dataclass
class ScRow:
    kind: str  # "field", "node", "leaf", "adjustment", "sum", "total"
    code: str
    name: str
    max_points: Decimal | None = None
    self_points: Decimal | None = None
    round1: Decimal | None = None
    round2: Decimal | None = None
    final: Decimal | None = None
    explanation: str = ""
    reason: str = ""
    not_applicable: bool = False
    survey: bool = False
    explanation_requested: bool = False
    level: int = 1


@dataclass
class ScorecardDoc:
    period: EvaluationPeriod
    round: object
    issuer: str
    title: str
    unit: str
    group_name: str
    round_name: str
    status_line: str
    lock_line: str
    rows: list[ScRow]
    result: ranking.SubjectResult
    self_result: ranking.SubjectResult
    group_size: int
    illustrative: bool
    summary: list[str] = field(default_factory=list)

    @property
    def has_not_applicable(self) -> bool:
        return any(r.not_applicable for r in self.rows)

    @property
    def notes(self) -> list[str]:
        """The legend under the table (the same in the PDF and the XLSX)."""
        out = []
        if self.has_not_applicable:
            out.append(_("KAD: tiêu chí không áp dụng đối với đơn vị (điểm tối đa ra khỏi tổng, kết quả quy về thang 100)."))
        if any(r.survey for r in self.rows):
            out.append(_("Tiêu chí điều tra xã hội học (điều tra XHH) không tự chấm: điểm do Sở Nội vụ nhập từ kết quả điều tra "
                         "và được tính cả trong điểm tự đánh giá quy về thang 100."))
        return out


def _sum(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def _explanation(score: dict) -> str:
    parts = [score["explanation"].strip()] if score["explanation"].strip() else []
    if score["appeal_explanation"].strip():
        parts.append(_("Giải trình sau thẩm định vòng 1: %(text)s") % {"text": score["appeal_explanation"].strip()})
    return "\n".join(parts)


def _reason(score: dict) -> str:
    text = score["appraisal_reason"].strip()
    if score["explanation_requested"]:
        text = (_("[Yêu cầu giải trình] ") + text).strip()
    return text


def _criterion_rows(period, result: ranking.SubjectResult) -> list[ScRow]:
    criteria, children = load_tree(period.framework_id)
    scores = {s["criterion_id"]: s for s in Score.objects.filter(period=period).values(
        "criterion_id", "self_points", "appraised_points", "appraised_points_round2", "explanation", "appeal_explanation",
        "appraisal_reason", "not_applicable", "explanation_requested")}
    fields_by_id = {f.criterion_id: f for f in result.fields}
    rows: list[ScRow] = []
    field_row: ScRow | None = None
    leaves_of_field: list[ScRow] = []

    def close_field():
        if field_row is None:
            return
        counted = [r for r in leaves_of_field if not r.not_applicable]
        field_row.self_points = _sum(r.self_points for r in counted)
        field_row.round1 = _sum(r.round1 for r in counted)
        field_row.round2 = _sum(r.round2 for r in counted)

    for c in criteria:
        if c.parent_id is None:
            close_field()
            fr = fields_by_id.get(c.pk)
            field_row = ScRow(kind="field", code=c.code, name=c.name, max_points=fr.applicable_max if fr else c.max_points,
                              final=fr.points if fr else None, not_applicable=bool(fr and fr.not_applicable), level=1)
            leaves_of_field = []
            rows.append(field_row)
            if not c.is_leaf:
                continue
        if not c.is_leaf:
            rows.append(ScRow(kind="node", code=c.code, name=c.name, max_points=c.max_points, level=c.level))
            continue
        s = scores.get(c.pk)
        survey = c.scoring_source in ranking.SURVEY_SOURCES
        if s is None:
            row = ScRow(kind="leaf", code=c.code, name=c.name, max_points=c.max_points, survey=survey, level=c.level)
        else:
            final = s["appraised_points_round2"] if s["appraised_points_round2"] is not None else s["appraised_points"]
            row = ScRow(kind="leaf", code=c.code, name=c.name, max_points=c.max_points,
                        self_points=None if survey else s["self_points"], round1=s["appraised_points"],
                        round2=s["appraised_points_round2"], final=final, explanation=_explanation(s), reason=_reason(s),
                        not_applicable=s["not_applicable"], explanation_requested=s["explanation_requested"], survey=survey,
                        level=c.level)
        leaves_of_field.append(row)
        if c.parent_id is not None:
            rows.append(row)
        else:  # a field that is itself a leaf: its row carries the texts
            field_row.explanation, field_row.reason = row.explanation, row.reason
    close_field()
    return rows


def _adjustment_rows(period, result: ranking.SubjectResult) -> list[ScRow]:
    group = period.group
    rows = []
    items = list(Adjustment.objects.filter(period=period).order_by("kind", "pk").values(
        "kind", "content", "claimed_points", "points", "explanation", "appraisal_reason"))
    for kind, label, cap, counted in ((AdjustmentKind.BONUS, _("Điểm thưởng"), group.bonus_cap, result.bonus),
                                      (AdjustmentKind.PENALTY, _("Điểm trừ"), group.penalty_cap, result.penalty)):
        mine = [a for a in items if a["kind"] == kind]
        for i, a in enumerate(mine, start=1):
            rows.append(ScRow(kind="adjustment", code=f"{'+' if kind == AdjustmentKind.BONUS else '−'}{i}", name=a["content"],
                              self_points=a["claimed_points"], final=a["points"], explanation=a["explanation"],
                              reason=a["appraisal_reason"]))
        rows.append(ScRow(kind="sum", code="", name=_("%(label)s được tính (tối đa %(cap)s điểm)") % {
            "label": label, "cap": common.fmt_points(cap)}, final=counted))
    return rows


def _summary(doc_result: ranking.SubjectResult, group_size: int, group_name: str) -> list[str]:
    r = doc_result
    lines = []
    if not r.ranked:
        lines.append(_("Tổng điểm: %(total)s điểm; chưa xếp hạng, xếp loại (chưa có điểm thẩm định).") % {
            "total": common.num(r.total, 3)})
    elif r.grade:
        lines.append(_("Tổng điểm: %(total)s điểm; xếp hạng %(rank)s/%(size)s trong nhóm %(group)s; xếp loại %(grade)s.") % {
            "total": common.num(r.total, 3), "rank": r.rank, "size": group_size, "group": group_name, "grade": r.grade})
    else:
        lines.append(_("Tổng điểm: %(total)s điểm; xếp hạng %(rank)s/%(size)s trong nhóm %(group)s.") % {
            "total": common.num(r.total, 3), "rank": r.rank, "size": group_size, "group": group_name})
    if r.previous is not None:
        lines.append(_("So với năm %(year)s (%(prev)s điểm, hạng %(prank)s, xếp loại %(pgrade)s): tổng điểm %(change)s điểm, %(move)s.") % {
            "year": r.previous.period.year, "prev": common.num(r.previous.total, 3), "prank": r.previous.rank_label,
            "pgrade": r.previous.grade or "–", "change": n.signed(r.change, lambda v: common.num(v, 3)),
            "move": n.rank_move(r.rank_change) if r.rank_change is not None else _("thứ hạng xếp trong nhóm có số đơn vị "
                                                                                 "khác năm nay")})
    if not r.complete:
        lines.append(_("Còn tiêu chí chưa có điểm thẩm định (tính 0 điểm): kết quả tạm tính."))
    return lines


def build_scorecard_doc(period: EvaluationPeriod) -> ScorecardDoc:
    period = EvaluationPeriod.objects.select_related("subject", "group", "round__province", "framework", "self_locked_by") \
        .get(pk=period.pk)
    if period.round_id is None or period.group_id is None:
        raise common.DocumentError(_("Kỳ đánh giá này không thuộc đợt đánh giá nào của tỉnh."))
    group_final = ranking.group_results(period.group)
    result = next(r for r in group_final.results if r.period.pk == period.pk)
    group_self = ranking.group_results(period.group, basis=ranking.SELF, with_previous=False)
    self_result = next(r for r in group_self.results if r.period.pk == period.pk)
    rows = _criterion_rows(period, result)
    rows.append(ScRow(kind="sum", code="", name=_("Cộng điểm các lĩnh vực"), max_points=result.applicable_max,
                      self_points=_sum(r.self_points for r in rows if r.kind == "field"),
                      round1=_sum(r.round1 for r in rows if r.kind == "field"),
                      round2=_sum(r.round2 for r in rows if r.kind == "field"), final=result.points))
    rows.append(ScRow(kind="sum", code="", name=_("Quy về thang 100"), max_points=ranking.HUNDRED,
                      self_points=self_result.rescaled, final=result.rescaled))
    rows += _adjustment_rows(period, result)
    rows.append(ScRow(kind="total", code="", name=_("TỔNG ĐIỂM"), final=result.total))
    round_ = period.round
    if period.self_locked_at:
        lock = _("Đơn vị đã chốt điểm tự đánh giá lúc %(when)s.") % {
            "when": timezone.localtime(period.self_locked_at).strftime("%H:%M %d/%m/%Y")}
    else:
        lock = _("Đơn vị chưa chốt điểm tự đánh giá.")
    size = len(group_final.results)
    return ScorecardDoc(
        period=period, round=round_, issuer=common.issuer(round_),
        title=(_("Kết quả tự đánh giá và thẩm định Chỉ số cải cách hành chính năm %(year)s") % {"year": round_.year}).upper(),
        unit=period.subject.name, group_name=common.mid_sentence(period.group.name), round_name=round_.name,
        status_line=_("Giai đoạn: %(status)s.") % {"status": period.round.get_status_display()}, lock_line=lock,
        rows=rows, result=result, self_result=self_result, group_size=size, illustrative=round_.is_illustrative,
        summary=_summary(result, size, common.mid_sentence(period.group.name)),
    )


def scorecard_stem(doc: ScorecardDoc) -> str:
    return _("Phiếu chấm điểm Chỉ số CCHC năm %(year)s - %(unit)s") % {"year": doc.round.year, "unit": doc.unit}
