"""What-if (issue 15): what winning back points would be worth in rank, and its inverse, the
fewest points that reach a target rank.

The rules (one home):

- **Base.** For the national index: the subject province's published score of the year
  (NationalResult.par_score) when there is one, else the appraised total computed from the
  scorecard (scorecards.services.scorecard.build_scorecard). For a unit's scorecard in a
  province's own round: its total in its group (scorecards.services.ranking.subject_result).
  `Projection.base_source` says which ("published", "computed", "round").
- **Changes.** Target points per leaf criterion (0 ≤ target ≤ max, at most 3 decimals), or
  every evidence leaf an agency answers for (Score.responsible_agency) set to its maximum, or
  a SIPAS % (every SIPAS leaf gets pct × max / 100 rounded half up to 2 decimals, as the
  Ministry converts: 82,96% of 10 → 8,30; scorecards.services.sipas.sipas_points). Explicit
  targets win over the agency's and the SIPAS %'s. Gain = Σ(target − appraised); a leaf
  without appraised points counts from 0; a target below the appraised lowers the total
  (allowed and shown).
- **Projected total.** National: base + gain (points, 3 decimals). Round: the ranking's
  rule applied to the new points, i.e. rescaled = (points + gain) × 100 / applicable maximum
  (3 decimals, half up), + bonus − penalty, held fixed; a survey leaf without points that
  gets a target joins the applicable maximum. So a gain counts gain × 100 / applicable max.
- **Compared as published.** The Ministry publishes scores with 2 decimals: the projected
  total is compared with the other provinces' scores on 2 decimals (half up); a round
  compares its totals on 3 decimals, as ranking does.
- **Rank.** 1 + the number of competitors strictly above (competition ranking: equal scores
  share a rank, named in `ties`). Competitors: the other provinces with a score that year
  (the subject's own province left out) — their published scores held fixed — or the other
  ranked units of the subject's group. Current rank is computed by the same rule from the
  base, so places gained = current − projected is never a mix of two rules (the published
  rank is kept beside it). The base of the rank is that year's `ranked_count` (63 until
  2024, 34 from 2025), never defaulted.
- **Survey and SIPAS** points are not the province's to decide: a projection that changes
  them carries a warning, and the inverse plan never uses them.

Errors raise WhatIfError (a ValueError) with a Vietnamese message naming what is wrong.
Queries: a fixed number per call, whatever the number of provinces or criteria.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.db import vi_collate
from scorecards.formatting import fmt_number, fmt_points, quantize
from scorecards.models import Agency, NationalResult, ScoringSource

ZERO = Decimal("0")
HUNDRED = Decimal("100")
PUBLISHED, COMPUTED, ROUND = "published", "computed", "round"
UNDECIDABLE = frozenset({ScoringSource.SURVEY, ScoringSource.SIPAS})
# The inverse plan's order of channels: evidence first (documents the province produces),
# then monitoring (the Government Office's follow-up of tasks the province carries out).
PLAN_CHANNELS = (ScoringSource.EVIDENCE, ScoringSource.MONITORING)


class WhatIfError(ValueError):
    """A what-if cannot be computed as asked; the message is for the user, in Vietnamese."""


@dataclass(frozen=True)
class Competitor:
    """Another province (or unit of the group) with its score held fixed."""

    name: str
    score: Decimal  # points, as published (national: 2 decimals; round: total, 3 decimals)
    rank: int | None  # its published (or group) rank
    is_illustrative: bool = False


@dataclass
class Change:
    """One leaf moved from its appraised points to a target (points)."""

    criterion_id: int
    code: str
    name: str
    channel: str  # ScoringSource value
    channel_label: str
    max_points: Decimal
    appraised: Decimal  # 0 when the leaf had no appraised points
    target: Decimal
    agency_id: int | None = None
    agency_name: str = ""
    had_points: bool = True

    @property
    def gain(self) -> Decimal:
        """target − appraised (points; negative when the target is below the appraised)."""
        return self.target - self.appraised

    @property
    def decidable(self) -> bool:
        return self.channel not in UNDECIDABLE


@dataclass
class Projection:
    """The result of a what-if. Points are Decimals; ranks ints with their base `ranked_count`."""

    period: object
    base: Decimal
    base_source: str  # PUBLISHED | COMPUTED | ROUND
    changes: list[Change]
    gain: Decimal  # Σ change.gain (raw points of the framework)
    projected: Decimal  # 3 decimals
    compared: Decimal  # the projected total as compared with the others (2 decimals nationally)
    current_rank: int  # by the same rule, from the base
    projected_rank: int
    ranked_count: int
    published_rank: int | None = None
    passed: list[Competitor] = field(default_factory=list)  # were above, now strictly below
    passed_by: list[Competitor] = field(default_factory=list)  # were not above, now strictly above
    ties: list[Competitor] = field(default_factory=list)  # same compared score: same rank
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    is_illustrative: bool = False  # some competitor's (or the subject's own) figures are illustrative

    @property
    def total_change(self) -> Decimal:
        """projected − base (points of the total; a round's gain after rescaling)."""
        return self.projected - self.base

    @property
    def places_gained(self) -> int:
        return self.current_rank - self.projected_rank

    @property
    def current_label(self) -> str:
        return f"{self.current_rank}/{self.ranked_count}"

    @property
    def projected_label(self) -> str:
        return f"{self.projected_rank}/{self.ranked_count}"

    @property
    def base_label(self) -> str:
        return base_label(self.base_source, self.period.year)


@dataclass
class PlanStep:
    """One loss the inverse plan wins back (a reports.services.winback.LossRow) and the points
    it takes it to: its maximum, or less for the last one, so the plan wins back no more than
    the rank needs."""

    loss: object
    target: Decimal

    @property
    def gain(self) -> Decimal:
        return self.target - self.loss.appraised

    @property
    def partial(self) -> bool:
        return self.target < self.loss.max_points


@dataclass
class Need:
    """The fewest points to reach `target_rank` and a plan of lost points that gets them."""

    period: object
    target_rank: int
    ranked_count: int
    base: Decimal
    base_source: str
    current_rank: int
    points: Decimal  # ≥ 0: reaching the threshold shares the rank with its holders
    points_alone: Decimal | None  # to stand above the threshold alone (one more cent / thousandth)
    threshold: Decimal | None  # score of the competitor now at place `target_rank` among the others
    holders: list[Competitor] = field(default_factory=list)  # competitors at the threshold
    plan: list = field(default_factory=list)  # PlanStep, in the order taken
    plan_gain: Decimal = ZERO  # raw points the plan wins back
    covered: bool = True  # whether the plan reaches the target rank
    projection: Projection | None = None  # the projection of the plan (or of every decidable loss)
    notes: list[str] = field(default_factory=list)
    is_illustrative: bool = False

    @property
    def already(self) -> bool:
        return self.current_rank <= self.target_rank

    @property
    def target_label(self) -> str:
        return f"{self.target_rank}/{self.ranked_count}"


def base_label(source: str, year: int) -> str:
    return {
        PUBLISHED: _("điểm công bố năm %(year)s") % {"year": year},
        COMPUTED: _("tổng điểm thẩm định tính từ bảng điểm (chưa có điểm công bố năm %(year)s)") % {"year": year},
        ROUND: _("tổng điểm quy đổi trong nhóm"),
    }[source]


# --- input ---------------------------------------------------------------------------------

def parse_number(text, what: str) -> Decimal:
    """A number typed by a user: "1,5", "1.5", "82,96" (a trailing % allowed); WhatIfError
    naming `what` otherwise."""
    from scorecards.resources.cells import CellError, parse_decimal

    try:
        value = parse_decimal(text, percent=True)
    except CellError:
        value = None
    if value is None:
        raise WhatIfError(_("%(what)s: “%(value)s” không phải là số.") % {"what": what, "value": str(text).strip()[:30]})
    return value


def find_agency(value) -> Agency:
    """An agency by instance, id or code; WhatIfError when there is none."""
    if isinstance(value, Agency):
        return value
    text = str(value).strip()
    agency = Agency.objects.filter(pk=int(text)).first() if text.isascii() and text.isdigit() else None
    agency = agency or Agency.objects.filter(code=text).first()
    if agency is None:
        raise WhatIfError(_("Không có cơ quan “%(value)s” (nhập mã hoặc số hiệu của cơ quan).") % {"value": text[:40]})
    return agency


# --- the standing of a period: base, competitors, leaves -----------------------------------

@dataclass
class _Standing:
    period: object
    base: Decimal
    base_source: str
    competitors: list[Competitor]  # best first
    ranked_count: int
    rows: list  # scorecard rows (leaves)
    published_rank: int | None = None
    own_illustrative: bool = False
    places: int = 2  # decimals of the comparison
    # round only: the ranking's figures held fixed
    points: Decimal = ZERO
    applicable_max: Decimal = ZERO
    adjustment: Decimal = ZERO  # bonus − penalty
    applicable_ids: frozenset = frozenset()

    def key(self, value: Decimal) -> Decimal:
        return quantize(value, self.places)

    def rank_of(self, value: Decimal) -> int:
        k = self.key(value)
        return 1 + sum(1 for c in self.competitors if c.score > k)

    def total(self, changes: list[Change]) -> Decimal:
        gain = sum((c.gain for c in changes), ZERO)
        if self.base_source != ROUND:
            return quantize(self.base + gain, 3)
        from scorecards.services.ranking import q3, rescale

        added = sum((c.max_points for c in changes if c.criterion_id not in self.applicable_ids), ZERO)
        return q3(rescale(self.points + gain, self.applicable_max + added) + self.adjustment)

    @property
    def is_illustrative(self) -> bool:
        return self.own_illustrative or any(c.is_illustrative for c in self.competitors)


def _standing(period) -> _Standing:
    from scorecards.services.scorecard import build_scorecard

    rows = build_scorecard(period).rows
    if period.round_id:
        return _round_standing(period, rows)
    province_id = getattr(period.subject, "province_id", None)
    results = list(NationalResult.objects.filter(year=period.year).select_related("province").order_by("-par_score", vi_collate("province__name").asc()))
    own = next((r for r in results if province_id and r.province_id == province_id), None)
    competitors = [Competitor(r.province.name, r.par_score, r.par_rank, r.is_illustrative)
                   for r in results if r is not own and r.par_score is not None]
    if not competitors:
        raise WhatIfError(_("Chưa có bảng kết quả các tỉnh năm %(year)s; nhập kết quả công bố (Kết quả công bố của các "
                            "tỉnh, thành phố) để tính thứ hạng.") % {"year": period.year})
    ranked_count = (own or results[0]).ranked_count
    if own is not None and own.par_score is not None:
        base, source = own.par_score, PUBLISHED
    else:
        base = sum((r.appraised for r in rows if r.appraised is not None), ZERO)
        source = COMPUTED
    return _Standing(period, base, source, competitors, ranked_count, rows, published_rank=own.par_rank if own else None,
                     own_illustrative=bool(period.is_illustrative or (own is not None and own.is_illustrative)))


def _round_standing(period, rows) -> _Standing:
    from scorecards.services.ranking import group_results

    results = group_results(period.group, with_previous=False).results
    own = next(r for r in results if r.period.pk == period.pk)
    competitors = [Competitor(r.period.subject.name, r.total, r.rank) for r in results if r is not own and r.ranked]
    if not competitors:
        raise WhatIfError(_("Nhóm %(group)s chưa có đơn vị nào khác được xếp hạng năm %(year)s: không tính được thứ hạng.") % {
            "group": period.group, "year": period.year})
    applicable = {row.criterion.pk for row in rows if row.score is not None and not row.score.not_applicable
                  and not (row.source in UNDECIDABLE and row.appraised is None)}
    return _Standing(period, own.total, ROUND, competitors, own.group_size + (0 if own.ranked else 1), rows,
                     published_rank=own.rank, own_illustrative=bool(period.is_illustrative), places=3,
                     points=own.points, applicable_max=own.applicable_max, adjustment=own.bonus - own.penalty,
                     applicable_ids=frozenset(applicable))


# --- changes -------------------------------------------------------------------------------

def _change(row, target: Decimal) -> Change:
    agency = row.lead_agency
    return Change(
        criterion_id=row.criterion.pk, code=row.code, name=row.criterion.name, channel=row.source,
        channel_label=str(ScoringSource(row.source).label), max_points=row.max_points,
        appraised=row.appraised if row.appraised is not None else ZERO, target=target,
        agency_id=agency.pk if agency else None, agency_name=agency.name if agency else "",
        had_points=row.appraised is not None,
    )


def _changes(st: _Standing, targets, agency, sipas_pct, audience) -> list[Change]:
    leaves = {row.code: row for row in st.rows}
    wanted: dict[str, Decimal] = {}
    if agency is not None:
        agency = find_agency(agency)
        own = [row for row in st.rows if row.source == ScoringSource.EVIDENCE and row.lead_agency is not None
               and row.lead_agency.pk == agency.pk]
        if not own:
            raise WhatIfError(_("%(agency)s không chủ trì tiêu chí tài liệu kiểm chứng nào của kỳ này.") % {"agency": agency.name})
        wanted.update({row.code: row.max_points for row in own})
    if sipas_pct is not None:
        from scorecards.services.sipas import sipas_points

        pct = sipas_pct if isinstance(sipas_pct, Decimal) else parse_number(sipas_pct, _("Chỉ số SIPAS"))
        if not ZERO <= pct <= HUNDRED:
            raise WhatIfError(_("Chỉ số SIPAS phải từ 0 đến 100%%, không phải %(pct)s%%.") % {"pct": fmt_number(pct, 2, strip=True)})
        sipas_rows = [row for row in st.rows if row.source == ScoringSource.SIPAS]
        if not sipas_rows:
            raise WhatIfError(_("Bộ chỉ số của kỳ này không có tiêu chí quy đổi từ SIPAS."))
        wanted.update({row.code: sipas_points(pct, row.max_points) for row in sipas_rows})
    for code, raw in (targets or {}).items():
        code = str(code).strip()
        row = leaves.get(code)
        if row is None:
            criterion = next((r for r in st.rows for p in r.parents if p.code == code), None)
            if criterion is not None:
                children = [r.code for r in st.rows if any(p.code == code for p in r.parents)]
                raise WhatIfError(_("Tiêu chí %(code)s có tiêu chí con: chọn một tiêu chí con (%(list)s).") % {
                    "code": code, "list": ", ".join(children[:8]) + ("…" if len(children) > 8 else "")})
            raise WhatIfError(_("Không có tiêu chí “%(code)s” trong bộ chỉ số %(fw)s.") % {
                "code": code[:30], "fw": st.period.framework.code})
        # No target given (a criterion ticked on the page): its maximum.
        points = row.max_points if raw is None or (isinstance(raw, str) and not raw.strip()) else \
            raw if isinstance(raw, Decimal) else parse_number(raw, _("Điểm của tiêu chí %(code)s") % {"code": code})
        if points != quantize(points, 3):
            raise WhatIfError(_("Điểm của tiêu chí %(code)s có nhiều nhất 3 chữ số thập phân.") % {"code": code})
        if not ZERO <= points <= row.max_points:
            raise WhatIfError(_("Điểm của tiêu chí %(code)s phải từ 0 đến %(max)s (điểm tối đa), không phải %(points)s.") % {
                "code": code, "max": fmt_points(row.max_points), "points": fmt_points(points)})
        wanted[code] = points
    changes = []
    for row in st.rows:  # framework order
        if row.code not in wanted:
            continue
        if row.score is not None and getattr(row.score, "not_applicable", False):
            raise WhatIfError(_("Tiêu chí %(code)s không áp dụng cho đơn vị này.") % {"code": row.code})
        change = _change(row, quantize(wanted[row.code], 3))
        if audience is not None and not audience.admits(change.agency_id):
            raise WhatIfError(_("Tiêu chí %(code)s do cơ quan khác chủ trì: chỉ chọn được các tiêu chí cơ quan bạn chủ trì.") % {
                "code": row.code})
        changes.append(change)
    return changes


def _project(st: _Standing, changes: list[Change]) -> Projection:
    projected = st.total(changes)
    compared = st.key(projected)
    base_k = st.key(st.base)
    p = Projection(
        period=st.period, base=st.base, base_source=st.base_source, changes=changes,
        gain=sum((c.gain for c in changes), ZERO), projected=projected, compared=compared,
        current_rank=st.rank_of(st.base), projected_rank=st.rank_of(projected), ranked_count=st.ranked_count,
        published_rank=st.published_rank,
        passed=[c for c in st.competitors if base_k < c.score < compared],
        passed_by=[c for c in st.competitors if compared < c.score <= base_k],
        ties=[c for c in st.competitors if c.score == compared],
        is_illustrative=st.is_illustrative,
    )
    undecided = [c.code for c in changes if not c.decidable and c.gain]
    if undecided:
        p.warnings.append(_("Điểm khảo sát/SIPAS tỉnh không tự quyết định được (%(codes)s): kết quả chỉ để tham khảo.") % {
            "codes": ", ".join(undecided)})
    unscored = [c.code for c in changes if not c.had_points]
    if unscored:
        p.notes.append(_("Chưa có điểm thẩm định, tính từ 0: %(codes)s.") % {"codes": ", ".join(unscored)})
    if st.base_source == PUBLISHED:
        p.notes.append(_("Điểm các tỉnh khác giữ nguyên như công bố; so sánh trên 2 chữ số thập phân như Bộ Nội vụ công bố."))
        if st.published_rank and st.published_rank != p.current_rank:
            p.notes.append(_("Thứ hạng công bố %(pub)s khác thứ hạng tính từ bảng điểm các tỉnh %(calc)s: số bậc tăng được tính "
                             "theo thứ hạng tính.") % {"pub": f"{st.published_rank}/{st.ranked_count}",
                                                        "calc": p.current_label})
    elif st.base_source == ROUND:
        p.notes.append(_("Điểm tăng được quy đổi như khi xếp hạng: điểm × 100 / tổng điểm tối đa áp dụng; điểm thưởng, điểm "
                         "trừ và kết quả các đơn vị khác giữ nguyên."))
    else:
        p.notes.append(_("Điểm các tỉnh khác giữ nguyên như công bố; so sánh trên 2 chữ số thập phân."))
    if p.ties:
        p.notes.append(_("Đồng hạng với %(names)s.") % {"names": ", ".join(c.name for c in p.ties)})
    return p


def project(period, targets: dict | None = None, *, agency=None, sipas_pct=None, audience=None) -> Projection:
    """Projected total and rank of `period` when leaves move to target points.

    `targets`: {criterion code: target points (Decimal, or text with a decimal comma)};
    `agency`: an Agency, its id or code — its evidence leaves go to their maximum;
    `sipas_pct`: a SIPAS % converting into the SIPAS leaves' points;
    `audience` (reports.services.analysis_access.Audience): an agency may only move leaves
    it answers for. Raises WhatIfError (unknown code, not a leaf, points outside 0..max,
    no other provinces' scores that year, …). Rules: the module docstring."""
    st = _standing(period)
    return _project(st, _changes(st, targets, agency, sipas_pct, audience))


def _least_target(st, before: list, row, rank: int, goal: Decimal | None) -> Decimal:
    """The fewest points (thousandths) `row` must reach, after the changes `before`, for the
    projected total to reach `goal` (the threshold: not a figure that only rounds up to it)
    and the rank to be ≤ `rank` (its maximum reaches both: the caller checked)."""
    unit = Decimal("0.001")
    low = int((row.appraised or ZERO) / unit)
    high = int(row.max_points / unit)
    while low < high:
        middle = (low + high) // 2
        total = st.total(before + [_change(row, middle * unit)])
        if st.rank_of(total) <= rank and (goal is None or total >= goal):
            high = middle
        else:
            low = middle + 1
    return high * unit


def points_needed(period, target_rank, *, audience=None, losses=None) -> Need:
    """The fewest points that bring `period` to rank ≤ `target_rank` (1..ranked_count), and a
    plan of lost points that wins them back.

    Need: the competitor now at place `target_rank` among the others holds the threshold;
    reaching it (compared on 2 decimals) shares that rank with it, so `points` = threshold −
    base (never below 0), `points_alone` one hundredth more (a round: one thousandth).
    Plan ("cheapest recurring losses first"): the decidable losses of
    reports.services.winback.win_back (evidence, then monitoring — survey and SIPAS points
    are not the province's to decide), recurring before non-recurring, then the largest loss
    first (fewest criteria), then framework order; each leaf to its maximum until the
    projected rank reaches the target, the last one only as far as needed (`PlanStep`), so
    the plan wins back the fewest points. When every decidable loss is not enough,
    `covered` is False and `projection` says how far they get. Raises WhatIfError."""
    from reports.services.winback import win_back

    st = _standing(period)
    rank = target_rank if isinstance(target_rank, int) else None
    if rank is None:
        text = str(target_rank).strip()
        if not (text.isascii() and text.isdigit()):
            raise WhatIfError(_("Thứ hạng mục tiêu “%(value)s” không phải là số nguyên.") % {"value": text[:20]})
        rank = int(text)
    if not 1 <= rank <= st.ranked_count:
        raise WhatIfError(_("Thứ hạng mục tiêu phải từ 1 đến %(count)s (số địa phương được xếp hạng năm %(year)s), không "
                            "phải %(rank)s.") % {"count": st.ranked_count, "year": period.year, "rank": rank})
    current = st.rank_of(st.base)
    step = Decimal(1).scaleb(-st.places)
    threshold = st.competitors[rank - 1].score if rank - 1 < len(st.competitors) else None
    need = Need(period=period, target_rank=rank, ranked_count=st.ranked_count, base=st.base, base_source=st.base_source,
                current_rank=current, points=ZERO, points_alone=None, threshold=threshold,
                holders=[c for c in st.competitors if threshold is not None and c.score == threshold],
                is_illustrative=st.is_illustrative)
    if threshold is not None:
        need.points = max(ZERO, threshold - st.base)
        need.points_alone = max(ZERO, threshold + step - st.base)
    if need.already:
        need.notes.append(_("Đã đạt thứ hạng %(rank)s: không cần thêm điểm.") % {"rank": need.target_label})
        need.projection = _project(st, [])
        return need
    by_id = {row.criterion.pk: row for row in st.rows}
    order = {ch: i for i, ch in enumerate(PLAN_CHANNELS)}
    # `losses`: the win-back rows the caller has read already (the page), else read here.
    losses = [(i, r) for i, r in enumerate(win_back(period, audience).rows if losses is None else losses)
              if r.decidable and r.channel in order and r.lost > 0 and r.criterion_id in by_id]
    losses.sort(key=lambda item: (order[item[1].channel], not item[1].recurring, -item[1].lost, item[0]))
    chosen, changes = [], []
    for _i, loss in losses:
        row = by_id[loss.criterion_id]
        changes.append(_change(row, row.max_points))
        if st.rank_of(st.total(changes)) <= rank:
            # The last loss only as far as the rank needs: the fewest points, not whole criteria.
            changes[-1] = _change(row, _least_target(st, changes[:-1], row, rank, threshold))
            chosen.append(PlanStep(loss, changes[-1].target))
            break
        chosen.append(PlanStep(loss, row.max_points))
    need.plan = chosen
    need.plan_gain = sum((c.gain for c in changes), ZERO)
    need.projection = _project(st, changes)
    need.covered = need.projection.projected_rank <= rank
    if need.holders:
        need.notes.append(_("Đạt đúng %(score)s điểm là đồng hạng với %(names)s; hơn một chút mới đứng riêng hạng %(rank)s.") % {
            "score": fmt_number(threshold, st.places), "names": ", ".join(c.name for c in need.holders), "rank": rank})
    if not need.covered:
        need.notes.append(_("Giành lại toàn bộ %(n)s tiêu chí mất điểm do tỉnh tự quyết định được (tài liệu kiểm chứng, theo "
                            "dõi) chỉ được %(gain)s điểm, đạt hạng %(reached)s: chưa đủ để lên hạng %(rank)s.") % {
            "n": len(chosen), "gain": fmt_points(need.plan_gain), "reached": need.projection.projected_label,
            "rank": need.target_label})
    if st.base_source == ROUND:
        need.notes.append(_("Số điểm cần là điểm tổng (đã quy đổi về thang 100)."))
    return need
