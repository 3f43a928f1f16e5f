"""Over-claiming in self-assessment (issue 15): self-assessed minus appraised points, per
leaf criterion and per agency, for a period and each earlier period of its subject.

Rules (one home):

- A row is a self-assessed leaf (evidence or monitoring: Criterion.is_self_assessed),
  applicable, with both self-assessed and appraised points (the appraised points that
  count: round 2 when entered, else round 1, Score.final_points). A leaf without
  self-assessed (or appraised) points is not counted: its figures are None, never 0, and
  a year without any self-assessment has no deduction and no share (None, "–").
- Deduction = self − appraised (points). Cut: deduction > 0; raised by the appraisal:
  deduction < 0; equal: deduction = 0.
- Per year: the deduction over every row (raised points subtract) and over the rows below
  their maximum after appraisal (the report's shortfall table total,
  reports.services.par_data.ShortfallTotals.deduction: 2,238 points for Điện Biên 2024);
  the share of rows where self = appraised (%, of the rows counted).
- Years: the subject's periods of earlier years up to this one, oldest first, one a year
  (national index: the subject's periods outside rounds, for a year with two periods the
  one on this period's framework chain first; a unit's scorecard in a round: its periods in
  the province's earlier rounds, through the agency whose work it took over as ranking
  does, scorecards.services.winback.previous_round_period).
- A criterion across years is joined ONLY through scorecards.services.lineage
  (framework_mapping): a renamed or moved node shows last year's code; a split or new
  node shows nothing for the years before it.
- Per agency: the agency that answers for the work in this period's year (the lead agency
  of each year's score, followed through Agency.successor_in(year): Sở Kế hoạch và Đầu tư's
  2024 criteria count for Sở Tài chính in 2025); in a round, the unit itself. This year's
  rows self-assessed, cut, points cut, raised; across years: times cut, points cut.
  Agencies sorted by times cut (most first), then points cut across years, then name.
- `audience`: an agency-only audience sees the rows its agency answers for (every year)
  and its own agency line; the per-year totals are over those rows.

Queries: a fixed number per year and per framework version, never per criterion or score.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.db import vi_sort_key
from scorecards.formatting import fmt_points
from scorecards.models import Agency, EvaluationPeriod, Score, ScoringSource
from scorecards.services.lineage import framework_mapping
from scorecards.services.scorecard import fields_of, load_tree

from .winback import leaves_under, previous_round_period

ZERO = Decimal("0")
HUNDRED = Decimal("100")
MAX_YEARS = 20
SELF_ASSESSED = frozenset(ScoringSource.self_assessed())


@dataclass
class ClaimRow:
    """One self-assessed leaf of one year with both points."""

    criterion_id: int
    code: str
    name: str
    field_code: str
    agency_id: int | None
    agency_name: str
    max_points: Decimal
    self_points: Decimal
    appraised: Decimal
    order: int = 0

    @property
    def deduction(self) -> Decimal:
        """Self-assessed minus appraised points (negative: the appraisal raised them)."""
        return self.self_points - self.appraised

    @property
    def below_max(self) -> bool:
        return self.appraised < self.max_points

    @property
    def cut(self) -> bool:
        return self.deduction > 0

    @property
    def raised(self) -> bool:
        return self.deduction < 0


@dataclass
class YearClaims:
    """One year's self-assessment against its appraisal (over the rows the audience sees)."""

    period: EvaluationPeriod
    rows: list[ClaimRow] = field(default_factory=list)  # framework order
    without_self: int = 0  # self-assessed leaves without self-assessed points (not counted)
    not_appraised: int = 0  # with self-assessed points but no appraisal yet (not counted)

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def assessed(self) -> int:
        return len(self.rows)

    @property
    def deduction_all(self) -> Decimal | None:
        """Self minus appraised over every row (points); None without a row."""
        return sum((r.deduction for r in self.rows), ZERO) if self.rows else None

    @property
    def deduction_below_max(self) -> Decimal | None:
        """Over the rows below their maximum: the report's shortfall table total."""
        return sum((r.deduction for r in self.rows if r.below_max), ZERO) if self.rows else None

    @property
    def equal(self) -> int:
        return sum(1 for r in self.rows if r.deduction == 0)

    @property
    def equal_share(self) -> Decimal | None:
        """Rows where self = appraised, % of the rows counted (None without a row)."""
        return Decimal(self.equal) * HUNDRED / self.assessed if self.rows else None

    @property
    def cut_rows(self) -> list[ClaimRow]:
        return [r for r in self.rows if r.cut]

    @property
    def raised_rows(self) -> list[ClaimRow]:
        return [r for r in self.rows if r.raised]

    @property
    def points_cut(self) -> Decimal:
        return sum((r.deduction for r in self.rows if r.cut), ZERO)

    @property
    def points_raised(self) -> Decimal:
        """Points the appraisal added above the self-assessment (positive)."""
        return -sum((r.deduction for r in self.rows if r.raised), ZERO)


@dataclass
class AgencyClaims:
    agency_id: int | None
    agency_name: str
    assessed: int = 0  # this year
    cut: int = 0  # this year
    points_cut: Decimal = ZERO  # this year
    raised: int = 0  # this year
    times_cut: int = 0  # across the years shown
    points_cut_all: Decimal = ZERO  # across the years shown
    assessed_all: int = 0
    years_cut: list[int] = field(default_factory=list)  # years with at least one cut, oldest first


@dataclass
class ClaimCell:
    """A current criterion's counterpart in one year (through the mapping)."""

    year: int
    codes: list[str]
    self_points: Decimal | None
    appraised: Decimal | None

    @property
    def deduction(self) -> Decimal | None:
        if self.self_points is None or self.appraised is None:
            return None
        return self.self_points - self.appraised

    other_code: str = ""  # the year's code(s) when not this year's ("" when the same)


@dataclass
class CriterionHistory:
    """One of this year's self-assessed leaves across the years (None: not comparable or no data)."""

    criterion_id: int
    code: str
    name: str
    agency_id: int | None
    agency_name: str
    cells: list[ClaimCell | None] = field(default_factory=list)  # one per OverClaim.years
    order: int = 0

    @property
    def times_cut(self) -> int:
        return sum(1 for c in self.cells if c is not None and c.deduction is not None and c.deduction > 0)

    @property
    def points_cut(self) -> Decimal:
        return sum((c.deduction for c in self.cells if c is not None and c.deduction is not None and c.deduction > 0), ZERO)

    @property
    def current(self) -> ClaimCell | None:
        return self.cells[-1] if self.cells else None


@dataclass
class OverClaim:
    period: EvaluationPeriod
    years: list[YearClaims]  # oldest first; the last is this period
    agencies: list[AgencyClaims]  # most often cut first
    criteria: list[CriterionHistory]  # this year's rows and more: most often cut first
    notes: list[str] = field(default_factory=list)
    is_illustrative: bool = False

    @property
    def current(self) -> YearClaims:
        return self.years[-1]


def _history_periods(period: EvaluationPeriod) -> list[EvaluationPeriod]:
    """The subject's periods up to this one, one a year, oldest first (see the rules)."""
    if period.round_id:
        chain, node = [period], period
        for _step in range(MAX_YEARS):
            node = previous_round_period(node)
            if node is None or node.year >= chain[-1].year:
                break
            chain.append(node)
        return chain[::-1]
    chain_ids, fw = {period.framework_id}, period.framework
    # The framework versions this one continues (a short walk; versions are few).
    for _step in range(MAX_YEARS):
        if not fw.previous_id:
            break
        chain_ids.add(fw.previous_id)
        fw = fw.previous
    candidates = (EvaluationPeriod.objects.filter(subject_id=period.subject_id, year__lt=period.year, round__isnull=True)
                  .select_related("framework").order_by("year", "pk"))
    per_year: dict[int, EvaluationPeriod] = {}
    for p in candidates:
        if p.year not in per_year or (per_year[p.year].framework_id not in chain_ids and p.framework_id in chain_ids):
            per_year[p.year] = p
    return [per_year[y] for y in sorted(per_year)] + [period]


def _agency_key(period: EvaluationPeriod):
    """A function (responsible agency id) -> (id, name) of the agency answering in `period`'s year."""
    if period.round_id:
        subject = period.subject
        return lambda _agency_id: (subject.pk, subject.name)
    agencies: dict[int, Agency] = {}

    def key(agency_id):
        if agency_id is None:
            return None, _("Chưa phân công")
        agency = agencies[agency_id].successor_in(period.year)
        return agency.pk, agency.name
    key.agencies = agencies
    return key


def over_claim(period: EvaluationPeriod, audience=None) -> OverClaim:
    """Self-assessed against appraised points of `period` and its subject's earlier years.

    `audience`: an analysis_access.Audience, or None for everything. Points are Decimal;
    shares are % (Decimal, not rounded). Raises nothing: a year without self-assessment
    has no rows (its totals None).
    """
    periods = _history_periods(period)
    trees = {}
    for p in periods:
        if p.framework_id not in trees:
            trees[p.framework_id], _children = load_tree(p.framework_id)
    scores: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in Score.objects.filter(period_id__in=[p.pk for p in periods]).order_by().values(
            "period_id", "criterion_id", "self_points", "appraised_points", "appraised_points_round2", "not_applicable",
            "responsible_agency_id"):
        row["final"] = row["appraised_points_round2"] if row["appraised_points_round2"] is not None else row["appraised_points"]
        scores[row["period_id"]][row["criterion_id"]] = row
    key = _agency_key(period)
    if not period.round_id:
        ids = {s["responsible_agency_id"] for per in scores.values() for s in per.values() if s["responsible_agency_id"]}
        key.agencies.update({a.pk: a for a in Agency.objects.filter(pk__in=ids).select_related("successor")})

    def admitted(agency_id) -> bool:
        return audience is None or audience.admits(agency_id)

    years: list[YearClaims] = []
    agencies: dict = {}
    for p in periods:
        years.append(_year(p, trees[p.framework_id], scores[p.pk], key, admitted, agencies, current=p.pk == period.pk))
    criteria = _histories(period, periods, trees, scores, years[-1])
    result = OverClaim(
        period=period, years=years,
        agencies=sorted(agencies.values(), key=lambda a: (-a.times_cut, -a.points_cut_all, vi_sort_key(a.agency_name))),
        criteria=criteria, is_illustrative=any(p.is_illustrative for p in periods))
    result.notes = _notes(result)
    return result


def _year(p, criteria, scores, key, admitted, agencies: dict, *, current: bool) -> YearClaims:
    """One year's counted rows (see the rules), adding them to the agencies' lines."""
    fields = fields_of(criteria)
    year = YearClaims(period=p)
    for order, leaf in enumerate(criteria):
        if not leaf.is_leaf or leaf.scoring_source not in SELF_ASSESSED:
            continue
        s = scores.get(leaf.pk)
        if s is not None and s["not_applicable"]:
            continue
        agency_id, agency_name = key(s["responsible_agency_id"] if s else None)
        if not admitted(agency_id):
            continue
        if s is None or s["self_points"] is None:
            year.without_self += 1
            continue
        if s["final"] is None:
            year.not_appraised += 1
            continue
        row = ClaimRow(criterion_id=leaf.pk, code=leaf.code, name=leaf.name, field_code=fields[leaf.pk].code,
                       agency_id=agency_id, agency_name=agency_name, max_points=leaf.max_points,
                       self_points=s["self_points"], appraised=s["final"], order=order)
        year.rows.append(row)
        _count(agencies.setdefault(agency_id, AgencyClaims(agency_id, agency_name)), row, p.year, current)
    return year


def _count(line: AgencyClaims, row: ClaimRow, year: int, current: bool) -> None:
    line.assessed_all += 1
    if row.cut:
        line.times_cut += 1
        line.points_cut_all += row.deduction
        if year not in line.years_cut:
            line.years_cut.append(year)
    if current:
        line.assessed += 1
        line.cut += row.cut
        line.raised += row.raised
        if row.cut:
            line.points_cut += row.deduction



def _histories(period, periods, trees, scores, current: YearClaims) -> list[CriterionHistory]:
    """This year's counted rows, each with its counterparts' figures in the earlier years."""
    criteria = trees[period.framework_id]
    by_pk = {c.pk: c for c in criteria}
    histories = []
    mappings = {}
    under = {fw_id: leaves_under(nodes) for fw_id, nodes in trees.items()}

    for p in periods:
        if p.framework_id not in mappings:
            mappings[p.framework_id] = framework_mapping(period.framework, p.framework, criteria=dict(trees))
    for row in current.rows:
        leaf = by_pk[row.criterion_id]
        history = CriterionHistory(row.criterion_id, row.code, row.name, row.agency_id, row.agency_name, order=row.order)
        for p in periods:
            if p.pk == period.pk:
                history.cells.append(ClaimCell(p.year, [row.code], row.self_points, row.appraised))
                continue
            cp = mappings[p.framework_id].counterpart(leaf)
            if not cp.comparable or not cp.previous_ids:
                history.cells.append(None)
                continue
            self_sum, appraised_sum = ZERO, ZERO
            for old_id in (i for node in cp.previous_ids for i in under[p.framework_id].get(node, [node])):
                s = scores[p.pk].get(old_id)
                if s is None or s["not_applicable"]:
                    self_sum = appraised_sum = None
                    break
                self_sum = None if self_sum is None or s["self_points"] is None else self_sum + s["self_points"]
                appraised_sum = None if appraised_sum is None or s["final"] is None else appraised_sum + s["final"]
            cell = ClaimCell(p.year, list(cp.previous_codes), self_sum, appraised_sum)
            cell.other_code = ", ".join(cp.previous_codes) if cp.previous_codes != [row.code] else ""
            history.cells.append(cell)
        histories.append(history)
    histories.sort(key=lambda h: (-h.times_cut, -h.points_cut, h.order))
    return histories


def _notes(result: OverClaim) -> list[str]:
    notes = []
    current = result.current
    if current.without_self:
        notes.append(_("%(n)s tiêu chí chưa có điểm tự đánh giá: không tính vào so sánh.") % {"n": current.without_self})
    if current.not_appraised:
        notes.append(_("%(n)s tiêu chí chưa có điểm thẩm định: không tính vào so sánh.") % {"n": current.not_appraised})
    for year in result.years[:-1]:
        if not year.rows:
            notes.append(_("Năm %(year)s không có điểm tự đánh giá: không tính điểm bị trừ.") % {"year": year.year})
    if current.raised_rows:
        notes.append(_("Thẩm định nâng điểm so với tự đánh giá ở %(codes)s (cộng %(points)s điểm).") % {
            "codes": ", ".join(r.code for r in current.raised_rows),
            "points": fmt_points(current.points_raised)})
    return notes
