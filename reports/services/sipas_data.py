"""SIPAS part of the report data: the indicator table with both years, ranks, expectations."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from scorecards.models import SipasExpectation, SipasIndicator, SipasValue

from .figures import diff as _diff
from .figures import mean as _mean


@dataclass
class SipasRow:
    """A line of the SIPAS table: a section, a group, an indicator or the overall index."""

    kind: str
    label: str
    current: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return _diff(self.current, self.previous)


@dataclass
class SipasSectionSummary:
    code: str
    name: str
    group_names: list[str]
    indicator_count: int


@dataclass
class SipasData:
    rows: list[SipasRow]
    sections: list[SipasSectionSummary]
    group_count: int
    indicator_count: int
    overall: Decimal | None  # published where it exists, else the mean of the indicators
    previous_overall: Decimal | None
    rank: int | None
    previous_rank: int | None
    ranked_count: int | None
    previous_ranked_count: int | None
    rose_count: int  # indicators with both years and a higher value this year
    fell_count: int
    compared_count: int
    rose_group_count: int
    expectations: list[tuple[str, Decimal]]

    @property
    def change(self) -> Decimal | None:
        return _diff(self.overall, self.previous_overall)

    @property
    def rank_gain(self) -> int | None:
        """Places gained (positive) or lost (negative) against the previous year."""
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank

    @property
    def has_values(self) -> bool:
        return any(r.current is not None for r in self.rows if r.kind == "indicator")


def assemble_sipas(period, previous, results, previous_results) -> SipasData:
    indicators = list(SipasIndicator.objects.filter(questionnaire_id=period.sipas_questionnaire_id).select_related("group__section")
                      .order_by("group__section__order", "group__section__code", "group__order", "group__code", "number"))
    period_ids = [period.pk] + ([previous.pk] if previous else [])
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for period_id, indicator_id, pct in SipasValue.objects.filter(period_id__in=period_ids).values_list("period_id", "indicator_id", "pct"):
        values[period_id][indicator_id] = pct
    current_values, previous_values = values[period.pk], values[previous.pk] if previous else {}

    sections: dict[int, list] = {}
    groups: dict[int, list] = {}
    section_objs, group_objs = {}, {}
    for ind in indicators:
        section_objs.setdefault(ind.group.section_id, ind.group.section)
        group_objs.setdefault(ind.group_id, ind.group)
        sections.setdefault(ind.group.section_id, []).append(ind)
        groups.setdefault(ind.group_id, []).append(ind)

    def pair(inds):
        cur = [current_values[i.pk] for i in inds if i.pk in current_values]
        prev = [previous_values[i.pk] for i in inds if i.pk in previous_values]
        return _mean(cur), _mean(prev)

    rows: list[SipasRow] = []
    summaries = []
    for section_id, section_inds in sections.items():
        section = section_objs[section_id]
        rows.append(SipasRow("section", f"{section.code}. {section.name}", *pair(section_inds)))
        group_names = []
        for group_id in dict.fromkeys(i.group_id for i in section_inds):
            group = group_objs[group_id]
            group_names.append(group.name)
            rows.append(SipasRow("group", f"{group.code}. {group.name}", *pair(groups[group_id])))
            for ind in groups[group_id]:
                rows.append(SipasRow("indicator", f"{ind.number}. {ind.text}", current_values.get(ind.pk), previous_values.get(ind.pk)))
        summaries.append(SipasSectionSummary(section.code, section.name, group_names, len(section_inds)))
    overall_cur, overall_prev = pair(indicators)
    rows.append(SipasRow("overall", "", overall_cur, overall_prev))

    compared = [i for i in indicators if i.pk in current_values and i.pk in previous_values]
    rose = [i for i in compared if current_values[i.pk] > previous_values[i.pk]]
    fell = [i for i in compared if current_values[i.pk] < previous_values[i.pk]]
    expectations = [(e.text, e.pct) for e in SipasExpectation.objects.filter(period=period).order_by("order", "pk")]

    def published(res, attr, fallback):
        value = getattr(res, attr) if res else None
        return value if value is not None else fallback

    return SipasData(
        rows=rows, sections=summaries, group_count=len(groups), indicator_count=len(indicators),
        overall=published(results, "sipas_pct", overall_cur),
        previous_overall=published(previous_results, "sipas_pct", overall_prev) if previous else None,
        rank=results.sipas_rank if results else None,
        previous_rank=previous_results.sipas_rank if previous_results and previous else None,
        ranked_count=results.ranked_count if results else None,
        previous_ranked_count=previous_results.ranked_count if previous_results else None,
        rose_count=len(rose), fell_count=len(fell), compared_count=len(compared),
        rose_group_count=len({i.group_id for i in rose}), expectations=expectations,
    )
