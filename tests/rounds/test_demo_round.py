"""The illustrative rounds of the demo (scorecards.services.demo_rounds): shape, results,
marks, idempotence, and the demo accounts of a department, a commune and the council."""
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.http import HttpRequest

from scorecards.choices import AdjustmentKind, CouncilRole, Lineage, PeriodStatus
from scorecards.models import (
    Adjustment, Agency, AuditEvent, Criterion, EvaluationPeriod, Framework, Round, Score, ScoringSource, User,
)
from scorecards.services import demo_rounds, ranking
from scorecards.services.checks import check_framework
from scorecards.services.demo import load_demo
from tests.conftest import DEMO_PASSWORD

NAME_2025 = "Chỉ số CCHC năm 2025 của các sở, ban, ngành và UBND cấp xã tỉnh Điện Biên (minh họa)"
SURVEY = (ScoringSource.SURVEY, ScoringSource.SIPAS)


@pytest.fixture
def round_2025(demo):
    return Round.objects.get(year=2025, name=NAME_2025)


@pytest.fixture
def round_2024(demo):
    return Round.objects.get(year=2024, name__startswith="Chỉ số CCHC năm 2024")


@pytest.fixture
def results(round_2025):
    return {gr.group.code: gr for gr in ranking.round_results(round_2025)}


# ---- shape ---------------------------------------------------------------------------------

def test_the_2025_round_has_14_departments_and_45_communes_and_wards(round_2025):
    assert round_2025.status == PeriodStatus.PUBLISHED and round_2025.is_illustrative
    groups = {g.code: g for g in round_2025.groups.all()}
    assert set(groups) == {"so", "xa"}
    departments = list(groups["so"].periods.select_related("subject"))
    communes = list(groups["xa"].periods.select_related("subject"))
    assert (len(departments), len(communes)) == (14, 45)
    assert {p.subject.kind for p in departments} == {Agency.Kind.DEPARTMENT, Agency.Kind.OFFICE}
    assert "Văn phòng UBND tỉnh" in {p.subject.name for p in departments}
    assert not any(p.subject.ended_on for p in departments)
    assert {p.subject.kind for p in communes} == {Agency.Kind.COMMUNE}
    names = Counter(p.subject.name.split(" ")[0] for p in communes)
    assert names == {"Xã": 42, "Phường": 3}
    for label, min_points in (("Tốt", 90), ("Khá", 80), ("Trung bình", 65), ("Yếu", 0)):
        for group in groups.values():
            assert group.bands.get(label=label).min_points == Decimal(min_points)
    assert {(g.bonus_cap, g.penalty_cap) for g in groups.values()} == {(Decimal(3), Decimal(5))}
    assert round_2025.decision_number.endswith("/QĐ-UBND (minh họa)") and round_2025.decision_date == date(2026, 2, 12)
    assert not round_2025.publication_problems()


def test_communes_and_wards_carry_their_real_names_and_codes(round_2025):
    communes = {a.code: a for a in Agency.objects.filter(kind=Agency.Kind.COMMUNE, code__startswith="xa-")}
    assert len(communes) == 45 and all(re.fullmatch(r"xa-\d{5}", code) for code in communes)
    assert communes["xa-03160"].name == "Xã Mường Nhé"
    assert communes["xa-03127"].name == "Phường Điện Biên Phủ"
    assert communes["xa-03370"].name == "Xã Pu Nhi"
    assert communes["xa-03385"].name == "Xã Tìa Dình"
    assert {a.started_on for a in communes.values()} == {date(2025, 7, 1)}


def test_each_framework_has_eight_fields_on_100_points_with_procedures_and_surveys(demo):
    for code, leaves_range in (("cchc-so-2025-minh-hoa", (50, 60)), ("cchc-xa-2025-minh-hoa", (40, 50)),
                               ("cchc-so-2024-minh-hoa", (50, 60))):
        framework = Framework.objects.get(code=code)
        assert "(minh họa)" in framework.name and not check_framework(framework)
        fields = list(Criterion.objects.filter(framework=framework, parent__isnull=True).order_by("sort_key"))
        assert len(fields) == 8 and sum(f.max_points for f in fields) == Decimal(100)
        assert "thủ tục hành chính" in fields[2].name
        leaves = Criterion.objects.filter(framework=framework).leaves()
        assert leaves_range[0] <= leaves.count() <= leaves_range[1]
        survey = set(leaves.filter(scoring_source__in=SURVEY).values_list("code", flat=True))
        assert survey and all(c.startswith("8.") for c in survey)
        assert leaves.filter(scoring_source=ScoringSource.SURVEY).exists() and leaves.filter(scoring_source=ScoringSource.SIPAS).exists()


def test_the_departments_2025_framework_maps_to_2024(demo):
    fw = Framework.objects.get(code="cchc-so-2025-minh-hoa")
    assert fw.previous.code == "cchc-so-2024-minh-hoa"
    criteria = Criterion.objects.filter(framework=fw).prefetch_related("predecessors")
    assert all(len(c.predecessors.all()) == 1 and c.predecessors.all()[0].code == c.code for c in criteria)
    assert Counter(c.lineage for c in criteria) == {Lineage.SAME: criteria.count() - 1, Lineage.RENAMED: 1}


# ---- results -------------------------------------------------------------------------------

def test_every_grade_appears_in_each_group(results):
    for code in ("so", "xa"):
        counts = results[code].grade_counts()
        assert set(counts) == {"Tốt", "Khá", "Trung bình", "Yếu"}
        assert all(counts.values()), (code, counts)
        assert sum(counts.values()) == len(results[code].results)
        assert all(r.complete for r in results[code].results)


def test_each_group_has_an_exact_tie(results):
    for code in ("so", "xa"):
        totals = Counter(r.total for r in results[code].results)
        tied = [total for total, n in totals.items() if n > 1]
        assert tied, code
        ranks = {r.rank for r in results[code].results if r.total == tied[0]}
        assert len(ranks) == 1  # they share a rank


def test_one_bonus_and_one_penalty_within_the_caps(round_2025, results):
    adjustments = list(Adjustment.objects.filter(period__round=round_2025).select_related("period__group"))
    assert Counter(a.kind for a in adjustments) == {AdjustmentKind.BONUS: 1, AdjustmentKind.PENALTY: 1}
    assert all(a.points is not None and a.appraisal_reason and "(minh họa)" in a.content for a in adjustments)
    bonus = next(a for a in adjustments if a.kind == AdjustmentKind.BONUS)
    assert bonus.claimed_points >= bonus.points
    with_bonus = [r for gr in results.values() for r in gr.results if r.bonus]
    with_penalty = [r for gr in results.values() for r in gr.results if r.penalty]
    assert len(with_bonus) == len(with_penalty) == 1
    assert with_bonus[0].total == with_bonus[0].rescaled + bonus.points
    assert with_penalty[0].total < with_penalty[0].rescaled


def test_departments_without_procedures_are_rescaled(results):
    exempt = [r for r in results["so"].results if r.not_applicable_codes]
    assert 2 <= len(exempt) <= 3
    whole_field = [r for r in exempt if r.field("3").not_applicable]
    assert len(whole_field) >= 2
    for r in exempt:
        assert r.applicable_max < Decimal(100)
        assert r.rescaled == ranking.rescale(r.points, r.applicable_max)
    assert not any(r.not_applicable_codes for r in results["xa"].results)


def test_changes_against_2024_for_departments(round_2024, results):
    assert round_2024.status == PeriodStatus.CLOSED and round_2024.is_illustrative
    assert round_2024.periods.count() == 19
    assert {g.code for g in round_2024.groups.all()} == {"so"}
    departments = results["so"].results
    with_previous = [r for r in departments if r.previous is not None]
    assert len(with_previous) >= 12
    # 19 departments ranked in 2024, 14 in 2025: ranks are compared with their bases, not in places.
    assert all(r.rank_change is None and r.previous.group_size == 19 and r.group_size == 14 for r in with_previous)
    assert any(r.change and r.change > 0 for r in with_previous) and any(r.change and r.change < 0 for r in with_previous)
    # Sở Dân tộc và Tôn giáo took over Ban Dân tộc's work: compared with it.
    ethnic = next(r for r in departments if r.subject.code == "so-dan-toc-va-ton-giao")
    assert ethnic.previous.subject.code == "ban-dan-toc"
    assert not any(r.previous for r in results["xa"].results)  # no communes' round in 2024


def test_the_19_agencies_of_2024_include_those_that_ended(round_2024):
    subjects = [p.subject for p in round_2024.periods.select_related("subject__successor")]
    ended = {a.code: a.successor.code for a in subjects if a.ended_on}
    assert ended == {
        "so-ke-hoach-va-dau-tu": "so-tai-chinh", "so-thong-tin-va-truyen-thong": "so-khoa-hoc-va-cong-nghe",
        "so-lao-dong-thuong-binh-va-xa-hoi": "so-noi-vu", "so-nong-nghiep-va-phat-trien-nong-thon": "so-nong-nghiep-va-moi-truong",
        "so-giao-thong-van-tai": "so-xay-dung", "so-tai-nguyen-va-moi-truong": "so-nong-nghiep-va-moi-truong",
        "ban-dan-toc": "so-dan-toc-va-ton-giao",
    }
    assert {a.ended_on for a in subjects if a.ended_on} == {date(2025, 2, 28)}


# ---- the scores are plausible ------------------------------------------------------------------

def test_points_are_plausible(round_2025):
    rows = list(Score.objects.filter(period__round=round_2025).select_related("criterion"))
    assert len(rows) == 14 * 57 + 45 * 47
    for s in rows:
        for value in (s.self_points, s.appraised_points, s.appraised_points_round2):
            assert value is None or (isinstance(value, Decimal) and value.as_tuple().exponent >= -3
                                     and Decimal(0) <= value <= s.criterion.max_points)
    applicable = [s for s in rows if not s.not_applicable]
    survey = [s for s in applicable if s.criterion.scoring_source in SURVEY]
    assert survey and all(s.self_points is None and s.appraised_points is not None for s in survey)
    evidence = [s for s in applicable if s.criterion.scoring_source == ScoringSource.EVIDENCE]
    assert all(s.self_points is not None and s.appraised_points is not None for s in evidence)
    at_or_above = sum(s.self_points >= s.final_points for s in evidence)
    assert 0.9 * len(evidence) <= at_or_above < len(evidence)  # mostly, not always
    assert all(s.appraisal_reason for s in evidence if s.final_points < s.criterion.max_points)
    assert all(s.self_points is None and s.appraised_points is None for s in rows if s.not_applicable)


def test_round_two_only_on_flagged_criteria_with_the_units_explanation(round_2025):
    rows = Score.objects.filter(period__round=round_2025)
    flagged = list(rows.filter(explanation_requested=True))
    assert 10 <= len(flagged) <= 80
    assert all(s.appeal_explanation and s.appraised_points_round2 is not None for s in flagged)
    assert any(s.appraised_points_round2 > s.appraised_points for s in flagged)
    assert any(s.appraised_points_round2 == s.appraised_points for s in flagged)
    assert not rows.filter(explanation_requested=False, appraised_points_round2__isnull=False).exists()
    assert not rows.filter(explanation_requested=False).exclude(appeal_explanation="").exists()


def test_units_locked_their_self_assessment_before_the_deadline(round_2025):
    periods = list(round_2025.periods.all())
    assert all(p.self_locked_at and p.self_locked_at < round_2025.self_assessment_deadline for p in periods)
    assert all(p.is_illustrative for p in periods)
    tuphap = next(p for p in periods if p.subject.code == "so-tu-phap")
    assert tuphap.self_locked_by.username == "sotuphap"


def test_the_round_went_through_every_step_through_the_services(round_2025):
    events = AuditEvent.objects.filter(period__round=round_2025)
    actions = set(events.values_list("action", flat=True))
    assert {"round.subjects_added", "period.opened", "period.locked", "period.explanation_opened",
            "period.explanation_closed", "period.published", "score.not_applicable", "adjustment.saved"} <= actions
    assert events.filter(action="period.published").count() == 59
    # Named as the loader, an account nobody logs in with: no real officer is shown doing it.
    authors = set(events.values_list("actor__username", flat=True))
    assert authors == {"dulieuminhhoa"}
    loader = User.objects.get(username="dulieuminhhoa")
    assert not loader.is_active and not loader.has_usable_password() and "minh họa" in loader.get_full_name()


# ---- the council and the accounts -------------------------------------------------------------

def test_the_council_is_named_by_role(round_2025):
    seats = {m.role: m for m in round_2025.council.filter(role__in=[CouncilRole.CHAIR, CouncilRole.VICE_CHAIR])}
    assert seats[CouncilRole.CHAIR].name == "Phó Chủ tịch UBND tỉnh (minh họa)"
    assert seats[CouncilRole.CHAIR].user.username == "chutichhd"
    assert "Sở Nội vụ" in seats[CouncilRole.VICE_CHAIR].name
    assert round_2025.council.filter(role=CouncilRole.MEMBER).count() >= 3
    appraiser = round_2025.council.get(user__username="thamdinh")
    assert appraiser.role == CouncilRole.APPRAISER and appraiser.user.agency_id is None
    assert all("(minh họa)" in m.name for m in round_2025.council.all())


def test_the_2024_council_has_no_accounts(round_2024):
    assert round_2024.council.filter(role=CouncilRole.CHAIR).count() == 1
    assert not round_2024.council.filter(user__isnull=False).exists()
    assert not Round.objects.for_user(User.objects.get(username="thamdinh")).filter(pk=round_2024.pk).exists()


@pytest.mark.parametrize("username", ["sotuphap", "xamuongnhe"])
def test_unit_accounts_see_only_their_own_scorecard(client, round_2025, username):
    assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)
    user = User.objects.get(username=username)
    period = round_2025.periods.get(subject_id=user.agency_id)
    visible = Score.objects.for_user(user).filter(period__round=round_2025)
    assert visible.count() == period.scores.count() > 40
    assert set(visible.values_list("period_id", flat=True)) == {period.pk}
    assert list(Round.objects.for_user(user).filter(year=2025)) == [round_2025]


def test_the_commune_account_has_no_2024_round(round_2024):
    assert not Round.objects.for_user(User.objects.get(username="xamuongnhe")).filter(pk=round_2024.pk).exists()


@pytest.mark.parametrize("username", ["thamdinh", "chutichhd"])
def test_council_accounts_see_the_whole_round(client, round_2025, username):
    assert client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD)
    user = User.objects.get(username=username)
    assert user.agency_id is None and not user.groups.exists()
    assert Score.objects.for_user(user).filter(period__round=round_2025).count() == \
        Score.objects.filter(period__round=round_2025).count()
    assert not Score.objects.for_user(user).filter(period__round__isnull=True).exists()


# ---- idempotence and determinism --------------------------------------------------------------

def _counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.app_label in {"scorecards", "reports", "auth"}}


def test_a_second_load_changes_nothing(round_2025):
    before = _counts()
    scores = list(Score.objects.filter(period__round=round_2025).order_by("pk").values_list(
        "pk", "self_points", "appraised_points", "appraised_points_round2", "not_applicable", "updated_at"))
    load_demo(password=DEMO_PASSWORD)
    assert _counts() == before
    assert list(Score.objects.filter(period__round=round_2025).order_by("pk").values_list(
        "pk", "self_points", "appraised_points", "appraised_points_round2", "not_applicable", "updated_at")) == scores


def test_a_second_load_restores_only_what_is_missing(round_2025):
    user = User.objects.get(username="xamuongnhe")
    user.groups.clear()
    before = _counts()
    created = load_demo(password=DEMO_PASSWORD)
    assert created == {}  # every password already matches
    assert _counts() == before
    assert list(user.groups.values_list("name", flat=True)) == ["Cán bộ đơn vị"]
    assert user.agency.code == "xa-03160"


def test_the_generated_points_are_deterministic():
    leaves = {i: Criterion(pk=i, code=f"{1 + i // 10}.{i % 10}", max_points=Decimal("2"),
                           scoring_source=ScoringSource.SIPAS if i >= 40 else ScoringSource.EVIDENCE) for i in range(50)}
    rows = [Score(criterion_id=i) for i in leaves]
    runs = [demo_rounds._final_points(rows, leaves, Decimal("77.3"), demo_rounds.random.Random(7)) for _ in range(2)]
    assert runs[0] == runs[1]
    total = ranking.rescale(sum(runs[0].values()), Decimal(100))
    assert abs(total - Decimal("77.3")) <= Decimal("0.25")
    assert all(v.as_tuple().exponent >= -3 for v in runs[0].values())


def test_the_illustrative_periods_stay_out_of_the_national_index(demo):
    assert not EvaluationPeriod.objects.for_year(2025).filter(round__isnull=False).exists()
    assert EvaluationPeriod.objects.for_year(2025).count() == 1


def test_the_analysis_names_units_that_fell_a_grade_even_when_ranks_have_other_bases(round_2025, results):
    from reports.services.round_docs import analysis as analysis_mod

    fell = [r for r in results["so"].results if r.previous and r.previous.grade and r.grade
            and [b.label for b in results["so"].bands].index(r.grade)
            > [b.label for b in results["so"].bands].index(r.previous.grade)]
    paragraphs = analysis_mod.build_analysis(round_2025).groups[0].paragraphs["moves"]
    assert paragraphs[0].startswith("Năm 2024 nhóm xếp hạng 19 đơn vị, năm nay 14 đơn vị")
    assert any("xếp loại thấp hơn năm 2024" in p for p in paragraphs)
    for r in fell:
        assert any(r.subject.name in p for p in paragraphs[1:])
