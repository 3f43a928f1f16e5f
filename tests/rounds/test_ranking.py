"""Rescaling, bonus and penalty caps, tie ranks and grade bands against hand-computed cases."""
from decimal import Decimal as D

import pytest

from scorecards.choices import AdjustmentKind
from scorecards.models import Adjustment, Criterion, GradeBand, Score
from scorecards.services import ranking
from scorecards.services import rounds as round_service


def set_points(period, points: dict[str, str | None], field="appraised_points"):
    """Set `field` of the period's leaves by code ({"1.1.1": "1"}); other leaves untouched."""
    for code, value in points.items():
        Score.objects.filter(period=period, criterion__code=code).update(**{field: None if value is None else D(value)})


def all_leaves(period, value):
    Score.objects.filter(period=period).update(appraised_points=D(value))


@pytest.mark.parametrize("values, expected", [
    ([D(90), D(85), D(85), D(80)], [1, 2, 2, 4]),
    ([D(70), D(70), D(70)], [1, 1, 1]),
    ([D("80.001"), D(80)], [1, 2]),
    ([D(50), D(60), D(50), D(99)], [3, 2, 3, 1]),
    ([], []),
])
def test_competition_ranks(values, expected):
    assert ranking.competition_ranks(values) == expected


def test_grade_bands_edges():
    bands = [GradeBand(label=label, min_points=D(m)) for label, m in (("Tốt", 90), ("Khá", 80), ("Trung bình", 65), ("Yếu", 0))]
    assert ranking.grade_for(D("90.000"), bands) == "Tốt"
    assert ranking.grade_for(D("89.999"), bands) == "Khá"
    assert ranking.grade_for(D("80"), bands) == "Khá"
    assert ranking.grade_for(D("64.999"), bands) == "Yếu"
    assert ranking.grade_for(D("0"), bands) == "Yếu"
    assert ranking.grade_for(D("50"), bands[:3]) == ""  # no band reached
    assert ranking.grade_for(None, bands) == ""


def test_rescale_and_caps():
    assert ranking.rescale(D(7), D(8)) == D("87.500")
    assert ranking.rescale(D(2), D(3)) == D("66.667")  # half up at the third place
    assert ranking.rescale(D(1), D(0)) == D("0.000")
    assert ranking.capped(D(4), D(3)) == D(3)
    assert ranking.capped(D(2), D(3)) == D(2)
    assert ranking.capped(D(-1), D(3)) == D(0)


def test_full_points_give_100_and_grade(small_round, dept_period):
    all_leaves(dept_period, 1)
    result = ranking.subject_result(dept_period)
    assert result.points == D(12) and result.applicable_max == D(12)
    assert result.rescaled == D("100.000") and result.total == D("100.000")
    assert result.grade == "Tốt" and result.rank == 1 and result.complete


def test_not_applicable_field_leaves_the_maximum_and_rescales(small_round, dept_period, officer):
    # 8 evidence leaves + 4 survey leaves; field 1 (4 leaves) marked not applicable.
    all_leaves(dept_period, 1)
    set_points(dept_period, {"2.1.1": "0", "2.1.2": "0.5"})
    field1 = Criterion.objects.get(framework=dept_period.framework, code="1")
    assert round_service.set_not_applicable(dept_period.pk, field1.pk, True, actor=officer) == 4
    result = ranking.subject_result(dept_period)
    # points: field 2 = 0 + 0.5 + 1 + 1 = 2.5, field 3 = 4 → 6.5 of 8 → 81.25
    assert result.applicable_max == D(8)
    assert result.points == D("6.5")
    assert result.rescaled == D("81.250")
    assert result.grade == "Khá"
    assert result.field("1").not_applicable and result.field("1").percent is None
    assert result.not_applicable_codes == ["1.1.1", "1.1.2", "1.2.1", "1.2.2"]
    # The NA marks cleared the points (and the log kept them).
    assert not Score.objects.filter(period=dept_period, not_applicable=True, appraised_points__isnull=False).exists()


def test_unsurveyed_unit_is_rescaled_on_what_was_appraised(small_round, dept_period):
    all_leaves(dept_period, 1)
    set_points(dept_period, {"1.1.1": "0"})
    Score.objects.filter(period=dept_period, criterion__code__startswith="3.").update(appraised_points=None)
    result = ranking.subject_result(dept_period)
    assert result.applicable_max == D(8)  # survey leaves without points leave the maximum
    assert result.rescaled == D("87.500")
    # An evidence leaf without points stays in the maximum and counts 0 (incomplete).
    set_points(dept_period, {"1.1.2": None})
    result = ranking.subject_result(dept_period)
    assert result.applicable_max == D(8) and result.points == D(6) and not result.complete


def test_bonus_and_penalty_are_capped_outside_the_100(small_round, dept_period):
    all_leaves(dept_period, 1)
    set_points(dept_period, {"1.1.1": "0", "1.1.2": "0"})  # 10/12 = 83.333
    Adjustment.objects.create(period=dept_period, kind=AdjustmentKind.BONUS, content="Sáng kiến", points=D(2))
    Adjustment.objects.create(period=dept_period, kind=AdjustmentKind.BONUS, content="Giải thưởng", points=D(2))
    Adjustment.objects.create(period=dept_period, kind=AdjustmentKind.BONUS, content="Chưa thẩm định", claimed_points=D(5))
    Adjustment.objects.create(period=dept_period, kind=AdjustmentKind.PENALTY, content="Chậm báo cáo", points=D("1.5"))
    result = ranking.subject_result(dept_period)
    assert result.rescaled == D("83.333")
    assert result.bonus == D(3)  # 4 capped at 3; the unappraised claim does not count
    assert result.penalty == D("1.5")
    assert result.total == D("84.833")
    Adjustment.objects.create(period=dept_period, kind=AdjustmentKind.PENALTY, content="Vi phạm", points=D(10))
    assert ranking.subject_result(dept_period).penalty == D(5)
    assert ranking.subject_result(dept_period).total == D("81.333")


def test_ties_share_rank_and_next_skips(small_round):
    periods = {p.subject.name: p for p in small_round.periods.select_related("subject")}
    for name in ("Sở A", "Sở B", "Sở C"):
        all_leaves(periods[name], 1)
    set_points(periods["Sở A"], {"1.1.1": "0"})
    set_points(periods["Sở B"], {"1.2.1": "0"})  # same total as Sở A
    group = ranking.round_results(small_round)[0]
    assert [(r.subject.name, r.rank) for r in group.results] == [("Sở C", 1), ("Sở A", 2), ("Sở B", 2)]
    assert group.results[1].total == group.results[2].total == D("91.667")
    assert group.grade_counts() == {"Tốt": 3, "Khá": 0, "Trung bình": 0, "Yếu": 0}
    assert group.average == D("94.445")  # (100 + 91.667 + 91.667) / 3 = 94.4447


def test_groups_rank_separately(small_round):
    for p in small_round.periods.all():
        all_leaves(p, "0.5")
    groups = ranking.round_results(small_round)
    assert [len(g.results) for g in groups] == [3, 2]
    assert all(r.rank == 1 and r.total == D("50.000") and r.grade == "Yếu" for g in groups for r in g.results)


def test_self_basis_uses_self_points(small_round, dept_period):
    Score.objects.filter(period=dept_period).exclude(criterion__scoring_source="survey").update(self_points=D(1))
    Score.objects.filter(period=dept_period, criterion__scoring_source="survey").update(appraised_points=D("0.5"))
    result = ranking.subject_result(dept_period, basis=ranking.SELF)
    assert result.points == D(10) and result.rescaled == D("83.333")
    assert ranking.subject_result(dept_period).points == D(2)  # final basis: only the survey points so far


def test_previous_year_through_successor(officer, small_round):
    from scorecards.choices import PeriodStatus
    from tests.rounds.conftest import make_round

    previous = make_round(officer, year=2024, name="Chỉ số CCHC năm 2024 (thử)", departments=("Sở A", "Sở Cũ"),
                          communes=(), status=PeriodStatus.SELF_ASSESSMENT)
    # Agencies are per year in the fixture: link 2024's "Sở A" to 2025's by ending it with a successor.
    old = {p.subject.name: p for p in previous.periods.select_related("subject")}
    new = {p.subject.name: p for p in small_round.periods.select_related("subject")}
    from datetime import date

    old_a = old["Sở A"].subject
    old_a.ended_on, old_a.successor = date(2024, 12, 30), new["Sở A"].subject
    old_a.save()
    all_leaves(old["Sở A"], "0.5")
    all_leaves(old["Sở Cũ"], 1)
    all_leaves(new["Sở A"], 1)
    all_leaves(new["Sở B"], "0.5")
    all_leaves(new["Sở C"], "0.5")
    group = ranking.round_results(small_round)[0]
    a = next(r for r in group.results if r.subject.name == "Sở A")
    assert a.previous is not None and a.previous.total == D("50.000") and a.previous.rank == 2
    assert a.change == D("50.000")
    # 2 units ranked in 2024, 3 in 2025: no "up one place", both ranks with their bases.
    assert a.rank_change is None and a.rank_label == "1/3" and a.previous.rank_label == "2/2"
    # The same number of units in both years: the move in places is stated.
    from tests.factories import AgencyFactory

    rounds_2024_group = previous.test_groups["so"]
    [added] = round_service.add_subjects(rounds_2024_group.pk, [AgencyFactory(code="so-them-2024", name="Sở Thêm")],
                                         actor=officer)
    all_leaves(added, "0.25")
    a = next(r for r in ranking.round_results(small_round)[0].results if r.subject.name == "Sở A")
    assert a.previous.rank_label == "2/3" and a.rank_change == 1
    b = next(r for r in group.results if r.subject.name == "Sở B")
    assert b.previous is None and b.change is None


def test_results_read_a_round_in_fixed_queries(officer, small_round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.rounds.conftest import make_round

    big = make_round(officer, name="Vòng lớn", departments=tuple(f"Sở {i}" for i in range(30)),
                     communes=tuple(f"Xã {i}" for i in range(30)))
    ranking.round_results(small_round)  # warm caches (content types)
    with CaptureQueriesContext(connection) as small:
        ranking.round_results(small_round)
    with CaptureQueriesContext(connection) as large:
        ranking.round_results(big)
    assert len(large.captured_queries) == len(small.captured_queries) <= 16


def test_units_without_points_are_not_ranked_nor_graded(small_round):
    periods = {p.subject.name: p for p in small_round.periods.select_related("subject")}
    all_leaves(periods["Sở A"], "0.5")
    group = ranking.round_results(small_round)[0]
    a, *others = group.results
    assert a.subject.name == "Sở A" and a.rank == 1 and a.grade == "Yếu" and a.rank_label == "1/1"
    assert all(r.rank is None and r.grade == "" and r.rank_label == "–" for r in others)
    assert group.average == D("50.000")  # the units not appraised yet are left out
    assert group.grade_counts() == {"Tốt": 0, "Khá": 0, "Trung bình": 0, "Yếu": 1}
