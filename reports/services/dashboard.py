"""The leaders' overview of a year: headline figures, fields against last year (the
report's own field results), and where points were lost, by criterion and by lead agency.

Built from the report's data (`assemble`), so the dashboard and the printed report can
never disagree; this module only regroups and ranks what the report already computed.
Comparisons are the report's: fields through the framework mapping, ranks counted in
places only when both years rank the same number of provinces, the baseline of a merged
province and how the framework changed named in `notes`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.db import vi_sort_key

from . import numbers as n
from .assemble import ReportData
from .figures import ZERO
from .narrative import sipas_note
from .narrative_par import framework_note
from .par_data import Part, ShortfallRow


@dataclass
class AgencyLoss:
    """Points a lead agency's criteria lost against their maxima (appraised, evidence channel)."""

    agency: str
    lost: Decimal = ZERO
    # Self-assessed minus appraised: what the appraisal took off; None when none of the
    # agency's criteria was self-assessed (nothing to deduct from: "–", never 0).
    deduction: Decimal | None = None
    codes: list[str] = field(default_factory=list)

    def add(self, row: ShortfallRow) -> None:
        self.lost += row.lost
        if row.deduction is not None:
            self.deduction = (self.deduction or ZERO) + row.deduction
        self.codes.append(row.code)


@dataclass
class Dashboard:
    data: ReportData
    losses: list[ShortfallRow]  # criteria below their maximum, most points lost first
    by_agency: list[AgencyLoss]  # most points lost first
    series: list[tuple[int, Decimal]]  # PAR scores, oldest year first, this year included
    notes: list[str] = field(default_factory=list)  # what the year is compared with and how the framework changed

    @property
    def par_rank_change(self) -> str | None:
        """"giảm 15 bậc" when both years rank the same number of provinces, else last year's
        rank with its own base ("năm 2024: 46/63"), never a difference of the two."""
        par = self.data.par
        return _rank_change(self.data, par.rank_gain, par.rank, par.previous_rank, par.previous_ranked_count)

    @property
    def sipas_rank_change(self) -> str | None:
        sipas = self.data.sipas
        return _rank_change(self.data, sipas.rank_gain, sipas.rank, sipas.previous_rank, sipas.previous_ranked_count)

    @property
    def lost_total(self) -> Decimal:
        return sum((row.lost for row in self.losses), ZERO)

    @property
    def channels(self) -> list[tuple[str, Part]]:
        """The score by scoring channel, as the report's section II.2 lists it."""
        par = self.data.par
        return [
            (_("Tài liệu kiểm chứng (tự đánh giá, thẩm định)"), par.evidence),
            (_("Khảo sát lãnh đạo, quản lý"), par.leader_survey),
            (_("Quy đổi từ Chỉ số SIPAS"), par.sipas),
            (_("Văn phòng Chính phủ theo dõi, đánh giá"), par.monitoring),
        ]


def _rank_change(data: ReportData, gain, rank, previous_rank, previous_count) -> str | None:
    if gain is not None:
        return n.rank_move(gain)
    if rank and previous_rank:
        return _("năm %(year)s: %(rank)s") % {"year": data.previous_year, "rank": n.rank(previous_rank, previous_count)}
    return None


def build_dashboard(data: ReportData) -> Dashboard:
    par = data.par
    losses = sorted(par.shortfalls, key=lambda r: (-r.lost, r.code))
    agencies: dict[str, AgencyLoss] = {}
    for row in losses:
        name = row.lead_agency or _("Chưa phân công")
        agencies.setdefault(name, AgencyLoss(agency=name)).add(row)
    series = sorted(par.history)
    if par.has_results:
        series.append((data.year, par.score))
    return Dashboard(
        data=data,
        losses=losses,
        by_agency=sorted(agencies.values(), key=lambda a: (-a.lost, vi_sort_key(a.agency))),
        series=series,
        notes=[note for note in (data.comparison.note, framework_note(data) if par.has_results else None,
                                 sipas_note(data) if data.sipas.has_values else None) if note],
    )
