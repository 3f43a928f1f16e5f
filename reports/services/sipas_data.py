"""SIPAS part of the report data: the indicator table with both years, ranks, expectations.

Only the period's own questionnaire (`period.sipas_questionnaire`) is read: its sections,
groups and indicators give the counts and rows, so adding an indicator to another year's
questionnaire never changes this report. An indicator is compared with last year's value
of its counterpart: itself when both periods used the same questionnaire, its `previous`
when last year's period used `questionnaire.previous`; otherwise nothing is compared (and
the preview tells staff why). A group or section is compared only when every indicator in
it is (like with like); the overall index is each year's own, as the published index is.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.choices import Baseline
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
class QuestionnaireChange:
    """How this year's questionnaire differs from the one compared with (another version)."""

    current: str  # the questionnaires' names
    previous: str
    current_count: int
    previous_count: int
    new: list[int] = field(default_factory=list)  # numbers of indicators with no counterpart
    renumbered: list[tuple[int, int]] = field(default_factory=list)  # (number, last year's number)
    dropped: list[int] = field(default_factory=list)  # last year's numbers no indicator continues


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
    compared: bool = False  # indicators are compared with last year's (the table's previous columns)
    not_compared: list[int] = field(default_factory=list)  # numbers of indicators with a value but no counterpart value
    change_info: QuestionnaireChange | None = None
    problems: list[str] = field(default_factory=list)  # for staff (the preview), never printed

    @property
    def change(self) -> Decimal | None:
        return _diff(self.overall, self.previous_overall)

    @property
    def ranks_comparable(self) -> bool:
        """Both years ranked, out of the same number of provinces: places can be counted."""
        return (self.rank is not None and self.previous_rank is not None and self.ranked_count is not None
                and self.ranked_count == self.previous_ranked_count)

    @property
    def rank_gain(self) -> int | None:
        """Places gained (positive) or lost (negative) against the previous year; None unless
        both years rank the same number of provinces."""
        return self.previous_rank - self.rank if self.ranks_comparable else None

    @property
    def has_values(self) -> bool:
        return any(r.current is not None for r in self.rows if r.kind == "indicator")


def _links(questionnaire, periods, year: int) -> tuple[list[tuple[int, bool]], list[str]]:
    """For each period compared with: (its id, True when its questionnaire is this one's
    previous version, False when it is the same one); empty with a problem otherwise."""
    links, problems = [], []
    if questionnaire is None:
        return [], []
    for p in periods:
        if p.sipas_questionnaire_id == questionnaire.pk:
            links.append((p.pk, False))
        elif questionnaire.previous_id and p.sipas_questionnaire_id == questionnaire.previous_id:
            links.append((p.pk, True))
        else:
            problems.append(_(
                "Bộ câu hỏi SIPAS năm %(year)s (“%(current)s”) không khai báo phiên bản trước là bộ câu hỏi năm "
                "%(prev_year)s (“%(previous)s”): các tiêu chí SIPAS không được so sánh với năm trước.") % {
                "year": year, "current": questionnaire,
                "prev_year": p.year, "previous": p.sipas_questionnaire or _("chưa chọn")})
            return [], problems
    return links, problems


def assemble_sipas(period, comparison, results, previous_results) -> SipasData:
    """`comparison` is the period's baseline (baseline.Comparison); `previous_results` its
    published figures (baseline.PreviousResults or None)."""
    indicators = list(SipasIndicator.objects.filter(questionnaire_id=period.sipas_questionnaire_id)
                      .select_related("group__section", "questionnaire")
                      .order_by("group__section__order", "group__section__code", "group__order", "group__code", "number"))
    questionnaire = indicators[0].questionnaire if indicators else None
    compared_year = comparison.year is not None
    periods = comparison.periods if compared_year else []
    links, problems = _links(questionnaire, periods, period.year)
    period_ids = [period.pk] + [p.pk for p in periods]
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for period_id, indicator_id, pct in SipasValue.objects.filter(period_id__in=period_ids).values_list("period_id", "indicator_id", "pct"):
        values[period_id][indicator_id] = pct
    current_values = values[period.pk]

    def previous_value(ind) -> Decimal | None:
        found = []
        for period_id, via_previous in links:
            value = values[period_id].get(ind.previous_id if via_previous else ind.pk)
            if value is None:
                return None
            found.append(value)
        return _mean(found)

    previous_values = {ind.pk: previous_value(ind) for ind in indicators} if links else {}
    if not any(v is not None for v in previous_values.values()):
        links, previous_values = [], {}  # nothing to compare with (last year has no values)

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
        prev = [previous_values.get(i.pk) for i in inds]
        return _mean(cur), (_mean(prev) if prev and None not in prev else None)

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
    overall_cur = _mean([current_values[i.pk] for i in indicators if i.pk in current_values])
    # The index of the year compared with is that year's own (its questionnaire's indicators),
    # as the published index is; averaged over the predecessors' periods.
    own_means = [_mean(list(values[p.pk].values())) for p in periods]
    overall_prev = _mean(own_means) if own_means and None not in own_means else None
    rows.append(SipasRow("overall", "", overall_cur, overall_prev if links else None))

    compared = [i for i in indicators if i.pk in current_values and previous_values.get(i.pk) is not None]
    rose = [i for i in compared if current_values[i.pk] > previous_values[i.pk]]
    fell = [i for i in compared if current_values[i.pk] < previous_values[i.pk]]
    not_compared = [i.number for i in indicators if i.pk in current_values and previous_values.get(i.pk) is None] if links else []
    expectations = [(e.text, e.pct) for e in SipasExpectation.objects.filter(period=period).order_by("order", "pk")]

    change_info = None
    if links and any(via_previous for _pid, via_previous in links):
        earlier = dict(SipasIndicator.objects.filter(questionnaire_id=questionnaire.previous_id).values_list("pk", "number"))
        continued = {i.previous_id for i in indicators if i.previous_id}
        change_info = QuestionnaireChange(
            current=str(questionnaire), previous=str(periods[0].sipas_questionnaire), current_count=len(indicators),
            previous_count=len(earlier),
            new=[i.number for i in indicators if i.previous_id not in earlier],
            renumbered=[(i.number, earlier[i.previous_id]) for i in indicators
                        if i.previous_id in earlier and earlier[i.previous_id] != i.number],
            dropped=sorted(n for pk, n in earlier.items() if pk not in continued),
        )

    # A rank is meaningless without its base: without the number ranked there is no rank.
    ranked = results is not None and results.ranked_count is not None
    previous_ranked = compared_year and previous_results is not None and previous_results.ranked_count is not None
    previous_overall = None
    if compared_year:
        published = previous_results.sipas_pct if previous_results else None
        # Computed from last year's values only for the subject's own previous year: a
        # predecessor or an average is compared with published figures only.
        own = comparison.kind == Baseline.OWN
        previous_overall = published if published is not None else (overall_prev if own else None)
    return SipasData(
        rows=rows, sections=summaries, group_count=len(groups), indicator_count=len(indicators),
        overall=results.sipas_pct if results and results.sipas_pct is not None else overall_cur,
        previous_overall=previous_overall,
        rank=results.sipas_rank if ranked else None,
        previous_rank=previous_results.sipas_rank if previous_ranked else None,
        ranked_count=results.ranked_count if ranked else None,
        previous_ranked_count=previous_results.ranked_count if previous_ranked else None,
        rose_count=len(rose), fell_count=len(fell), compared_count=len(compared),
        rose_group_count=len({i.group_id for i in rose}), expectations=expectations,
        compared=bool(links), not_compared=not_compared, change_info=change_info, problems=problems,
    )
