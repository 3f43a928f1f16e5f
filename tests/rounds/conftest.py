"""A small round of the province's own index, built in code for every rounds test.

`small_round`: year 2025, Điện Biên, two groups on a synthetic framework (3 fields × 2
criteria × 2 leaves of 1 point; field 3's leaves are survey-sourced), grade bands Tốt ≥ 90,
Khá ≥ 80, Trung bình ≥ 65, Yếu ≥ 0, caps bonus 3 / penalty 5; departments "Sở A", "Sở B",
"Sở C" and communes "Xã A", "Xã B"; in self-assessment with deadlines a week away.
Personas: `dept_user` (Sở A), `commune_user` (Xã A), `chair` (council chair, read only),
`appraiser` (council appraiser without a unit), plus the session personas of tests/conftest.py.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from scorecards import permissions
from scorecards.choices import CouncilRole, PeriodStatus
from scorecards.models import Agency, Criterion, GradeBand, Province, Round, ScoringSource, SubjectGroup
from scorecards.services import rounds as round_service
from tests.factories import AgencyFactory, FrameworkFactory, UserFactory

BANDS = (("Tốt", 90), ("Khá", 80), ("Trung bình", 65), ("Yếu", 0))


def build_round_framework(code: str, year: int = 2025, fields: int = 3, criteria: int = 2, leaves: int = 2,
                          survey_fields: tuple[int, ...] = (3,)):
    """fields × criteria × leaves leaves of 1 point; the fields in `survey_fields` are survey-sourced."""
    fw = FrameworkFactory(code=code, year_from=year, total_points=Decimal(fields * criteria * leaves))
    order = 0
    for f in range(1, fields + 1):
        source = ScoringSource.SURVEY if f in survey_fields else ScoringSource.EVIDENCE
        field = Criterion.objects.create(framework=fw, code=str(f), name=f"Lĩnh vực {f}",
                                         max_points=Decimal(criteria * leaves), order=order)
        for c in range(1, criteria + 1):
            crit = Criterion.objects.create(framework=fw, parent=field, code=f"{f}.{c}", name=f"Tiêu chí {f}.{c}",
                                            max_points=Decimal(leaves), order=order)
            for leaf in range(1, leaves + 1):
                order += 1
                Criterion.objects.create(framework=fw, parent=crit, code=f"{f}.{c}.{leaf}", name=f"Nội dung {f}.{c}.{leaf}",
                                         max_points=Decimal(1), order=order, scoring_source=source)
    return fw


def make_round(officer, *, year=2025, name="Chỉ số CCHC năm 2025 (thử)", departments=("Sở A", "Sở B", "Sở C"),
               communes=("Xã A", "Xã B"), status=PeriodStatus.SELF_ASSESSMENT, framework=None):
    province = Province.objects.get(code="dien-bien") if Province.objects.filter(code="dien-bien").exists() \
        else Province.objects.create(code="dien-bien", name="Điện Biên")
    now = timezone.now()
    round_ = Round.objects.create(province=province, year=year, name=name,
                                  self_assessment_deadline=now + timedelta(days=7),
                                  explanation_deadline=now + timedelta(days=21))
    fw = framework or build_round_framework(f"round-fw-{year}-{Round.objects.count()}", year=year)
    groups = {}
    for order, (code, label, kind, names) in enumerate((
            ("so", "Sở, ban, ngành", Agency.Kind.DEPARTMENT, departments),
            ("xa", "UBND xã, phường", Agency.Kind.COMMUNE, communes))):
        group = SubjectGroup.objects.create(round=round_, code=code, name=label, subject_kind=kind, framework=fw,
                                            bonus_cap=Decimal(3), penalty_cap=Decimal(5), order=order)
        for band, minimum in BANDS:
            GradeBand.objects.create(group=group, label=band, min_points=Decimal(minimum))
        agencies = [AgencyFactory(code=f"t-{code}-{i}-{year}", name=n, kind=kind) for i, n in enumerate(names)]
        round_service.add_subjects(group.pk, agencies, actor=officer)
        groups[code] = group
    if status != PeriodStatus.DRAFT:
        round_service.change_round_status(round_.pk, PeriodStatus.SELF_ASSESSMENT, actor=officer)
    round_.refresh_from_db()
    round_.test_groups = groups
    return round_


@pytest.fixture
def small_round(officer):
    return make_round(officer)


@pytest.fixture
def framework_3x2x2(db):
    return build_round_framework("fw-3x2x2")


def _unit_user(username, agency):
    user = UserFactory(username=username, agency=agency)
    user.groups.add(Group.objects.get(name=permissions.AGENCY_STAFF))
    return user


@pytest.fixture
def dept_period(small_round):
    return small_round.periods.select_related("subject", "group", "framework").get(subject__name="Sở A")


@pytest.fixture
def commune_period(small_round):
    return small_round.periods.select_related("subject", "group", "framework").get(subject__name="Xã A")


@pytest.fixture
def dept_user(dept_period):
    return _unit_user("can-bo-so-a", dept_period.subject)


@pytest.fixture
def commune_user(commune_period):
    return _unit_user("can-bo-xa-a", commune_period.subject)


@pytest.fixture
def chair(small_round):
    user = UserFactory(username="chu-tich-hd")
    small_round.council.create(name="Phó Chủ tịch UBND tỉnh", role=CouncilRole.CHAIR, user=user)
    return user


@pytest.fixture
def appraiser(small_round):
    user = UserFactory(username="tham-dinh-vien")
    small_round.council.create(name="Thẩm định viên", role=CouncilRole.APPRAISER, user=user)
    return user
