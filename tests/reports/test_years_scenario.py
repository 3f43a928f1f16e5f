"""A generated two-year scenario for the report's comparisons across years (issue 10).

2024 runs on framework version F24 (fields 1–6, each of two criteria of `leaves` leaves)
and SIPAS questionnaire Q24 (39 indicators). 2025 runs on F25, whose `previous` is F24:

- fields 1 and 2 swap codes (lineage renamed: the new field 1 is the old field 2, and the
  other way round), with their criteria and leaves;
- criterion 3.2 moves to field 4 as 4.3 (lineage moved), so fields 3 and 4 no longer
  compare; fields 5 and 6 stay (the last leaf of 6.2 is dropped); field 7 is new;

and on Q25 (previous Q24): indicators 1 and 2 swap numbers (each names its counterpart),
3–39 stay, 40 is new. Published results rank 2024 out of 63 and 2025 out of 34.

Every expected figure in the tests is computed from the scores and values stored here
(`Scenario.leaf_points`, `sipas_values`), never from the report's code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scorecards.choices import Lineage
from scorecards.models import (
    Agency, Criterion, EvaluationPeriod, Framework, NationalResult, Province, Score, SipasGroup, SipasIndicator,
    SipasQuestionnaire, SipasSection, SipasValue,
)
from tests.factories import AgencyFactory, build_framework, build_period

__test__ = False  # the builder of the scenario the test_years_* modules share; no tests here

FIELD_NAMES = {"1": "Chỉ đạo, điều hành", "2": "Cải cách thể chế", "3": "Cải cách thủ tục hành chính",
               "4": "Cải cách tổ chức bộ máy", "5": "Cải cách chế độ công vụ", "6": "Cải cách tài chính công"}
SWAP = {"1": "2", "2": "1"}  # field code in 2025 -> its counterpart's code in 2024
MOVED_FROM, MOVED_TO = "3.2", "4.3"
GROUPS = (("I", "CHÍNH SÁCH", (("A", "Nhóm A", range(1, 14)), ("B", "Nhóm B", range(14, 24)))),
          ("II", "DỊCH VỤ HÀNH CHÍNH CÔNG", (("C", "Nhóm C", range(24, 40)),)))


def old_code(code_2025: str) -> str | None:
    """The 2024 code a 2025 node continues (None for the new field 7)."""
    if code_2025.startswith("7"):
        return None
    if code_2025 == MOVED_TO or code_2025.startswith(MOVED_TO + "."):
        return MOVED_FROM + code_2025[len(MOVED_TO):]
    head, _, rest = code_2025.partition(".")
    return SWAP.get(head, head) + ("." + rest if rest else "")


def leaf_value(year: int, code: str) -> Decimal:
    """Appraised points of a leaf (maximum 1). 2024: field 1 low, field 2 high. 2025: the new
    field 1 (old 2) a little lower than old 2 was, the new field 2 (old 1) a little higher
    than old 1 was: compared by code, both would go the wrong way."""
    f = code.split(".")[0]
    last = int(code.split(".")[-1])
    if year == 2024:
        return {"1": Decimal("0.5"), "2": Decimal("1")}.get(f, Decimal("0.75") - Decimal("0.05") * (last % 3))
    return {"1": Decimal("0.9"), "2": Decimal("0.6"), "5": Decimal("0.9"), "6": Decimal("0.5")}.get(
        f, Decimal("0.8") - Decimal("0.05") * (last % 2))


@dataclass
class Scenario:
    f24: Framework
    f25: Framework
    q24: SipasQuestionnaire
    q25: SipasQuestionnaire
    periods: dict[int, EvaluationPeriod] = field(default_factory=dict)
    province: Province | None = None

    def leaf_points(self, period: EvaluationPeriod) -> dict[str, Decimal]:
        return {s.criterion.code: s.appraised_points for s in Score.objects.filter(period=period).select_related("criterion")}

    def field_total(self, period: EvaluationPeriod, field_code: str) -> Decimal:
        return sum((v for c, v in self.leaf_points(period).items() if c.split(".")[0] == field_code), Decimal(0))

    def sipas_values(self, period: EvaluationPeriod) -> dict[int, Decimal]:
        """Indicator number -> value."""
        return dict(SipasValue.objects.filter(period=period).values_list("indicator__number", "pct"))


def build_f24(prefix: str, leaves: int = 2) -> Framework:
    """Fields 1–6 named after their content (FIELD_NAMES), each of two criteria of `leaves` leaves."""
    f24 = build_framework(fields=6, criteria_per_field=2, leaves_per_criterion=leaves, code=f"{prefix}-2024")
    # 100 points as the national framework (the leaves here add up to less; the report prints
    # published scores "of 100").
    Framework.objects.filter(pk=f24.pk).update(year_from=2024, year_to=2024, name=f"Bộ chỉ số {prefix} 2024",
                                               total_points=Decimal(100))
    for code, name in FIELD_NAMES.items():
        Criterion.objects.filter(framework=f24, code=code).update(name=name)
    f24.refresh_from_db()
    return f24


def build_f25(f24: Framework, prefix: str) -> Framework:
    f25 = Framework.objects.create(code=f"{prefix}-2025", name=f"Bộ chỉ số {prefix} 2025", previous=f24, year_from=2025,
                                   total_points=Decimal(0))
    old = {c.code: c for c in Criterion.objects.filter(framework=f24)}
    created: dict[str, Criterion] = {}
    plan = []  # (new code, old code)
    for c in sorted(old.values(), key=lambda c: c.sort_key):
        if c.code == MOVED_FROM or c.code.startswith(MOVED_FROM + "."):
            plan.append((MOVED_TO + c.code[len(MOVED_FROM):], c.code))
            continue
        head, _, rest = c.code.partition(".")
        plan.append((SWAP.get(head, head) + ("." + rest if rest else ""), c.code))
    last_leaf_62 = max((c for c in old if c.startswith("6.2.")), key=lambda c: int(c.split(".")[-1]))
    plan = [(n, o) for n, o in plan if o != last_leaf_62]  # dropped
    plan.sort(key=lambda no: (no[0].count("."), no[0]))  # parents first
    for new_code, code in plan:
        o = old[code]
        parent = created.get(new_code.rsplit(".", 1)[0]) if "." in new_code else None
        if code.startswith(MOVED_FROM):
            lineage = Lineage.MOVED
        else:
            lineage = Lineage.SAME if new_code == code else Lineage.RENAMED
        c = Criterion.objects.create(framework=f25, parent=parent, code=new_code, name=o.name,  # the name follows the content
                                     max_points=o.max_points if not o.children.exists() else Decimal(0), lineage=lineage,
                                     order=o.order)
        c.predecessors.set([o])
        created[new_code] = c
    seven = Criterion.objects.create(framework=f25, code="7", name="Lĩnh vực mới 7", max_points=Decimal(0), lineage=Lineage.NEW, order=999)
    seven_1 = Criterion.objects.create(framework=f25, parent=seven, code="7.1", name="Tiêu chí 7.1", max_points=Decimal(0),
                                       lineage=Lineage.NEW, order=1000)
    Criterion.objects.create(framework=f25, parent=seven_1, code="7.1.1", name="Tiêu chí thành phần 7.1.1", max_points=Decimal(1),
                             lineage=Lineage.NEW, order=1001)
    # Parents' maxima: the sum of their children's.
    nodes = list(Criterion.objects.filter(framework=f25).order_by("-level"))
    children: dict[int, Decimal] = {}
    for c in nodes:
        if c.pk in children:
            c.max_points = children[c.pk]
            c.save(update_fields=["max_points"])
        if c.parent_id:
            children[c.parent_id] = children.get(c.parent_id, Decimal(0)) + c.max_points
    f25.total_points = Decimal(100)
    f25.save(update_fields=["total_points"])
    return f25


def build_questionnaires(prefix: str) -> tuple[SipasQuestionnaire, SipasQuestionnaire]:
    q24 = SipasQuestionnaire.objects.create(code=f"{prefix}-sipas-2024", name=f"SIPAS {prefix} 2024", year_from=2024, year_to=2024)
    q25 = SipasQuestionnaire.objects.create(code=f"{prefix}-sipas-2025", name=f"SIPAS {prefix} 2025", year_from=2025, previous=q24)
    by_number = {}
    for q in (q24, q25):
        for s_order, (s_code, s_name, groups) in enumerate(GROUPS):
            section = SipasSection.objects.create(questionnaire=q, code=s_code, name=s_name, order=s_order)
            for g_order, (g_code, g_name, numbers) in enumerate(groups):
                group = SipasGroup.objects.create(section=section, code=g_code, name=g_name, order=g_order)
                extra = [40] if q is q25 and g_code == "C" else []
                for number in list(numbers) + extra:
                    previous = None
                    if q is q25 and number != 40:
                        previous = by_number[{1: 2, 2: 1}.get(number, number)]
                    ind = SipasIndicator.objects.create(group=group, number=number, text=f"Tiêu chí SIPAS {number} ({q.code})",
                                                        previous=previous)
                    if q is q24:
                        by_number[number] = ind
    return q24, q25


def sipas_value(year: int, number: int, counterpart: int | None) -> Decimal:
    """2024: 80 + small steps; 2025: last year's counterpart's value + 1, or − 0,5 for every fifth."""
    if year == 2024:
        return Decimal("80") + Decimal(number % 7) / 10
    if counterpart is None:
        return Decimal("85")
    base = sipas_value(2024, counterpart, None)
    return base - Decimal("0.5") if number % 5 == 0 else base + 1


def score_period(period: EvaluationPeriod, year: int) -> None:
    scores = list(Score.objects.filter(period=period).select_related("criterion"))
    for s in scores:
        s.self_points = s.criterion.max_points
        s.appraised_points = leaf_value(year, s.criterion.code)
    Score.objects.bulk_update(scores, ["self_points", "appraised_points"])


def add_sipas_values(period: EvaluationPeriod, questionnaire: SipasQuestionnaire, year: int) -> None:
    inds = SipasIndicator.objects.filter(questionnaire=questionnaire).select_related("previous")
    SipasValue.objects.bulk_create([
        SipasValue(period=period, indicator=i, pct=sipas_value(year, i.number, i.previous.number if i.previous else None))
        for i in inds])


def build_years(prefix: str = "yr", leaves: int = 2, subject: Agency | None = None, province: Province | None = None,
                results: bool = True) -> Scenario:
    """The scenario for one province subject: its 2024 and 2025 periods (own baseline)."""
    f24 = build_f24(prefix, leaves)
    f25 = build_f25(f24, prefix)
    q24, q25 = build_questionnaires(prefix)
    scenario = Scenario(f24, f25, q24, q25)
    if province is None:
        province = Province.objects.create(code=f"{prefix}-tinh", name=f"Thử {prefix}")
    scenario.province = province
    subject = subject or AgencyFactory(code=f"{prefix}-ubnd", name=f"UBND tỉnh Thử {prefix}", kind=Agency.Kind.PROVINCE,
                                       province=province)
    lead = AgencyFactory(code=f"{prefix}-so", name=f"Sở Thử {prefix}")
    for year, fw, q in ((2024, f24, q24), (2025, f25, q25)):
        period = build_period(fw, year=year, subject=subject, lead=lead, status="published")
        EvaluationPeriod.objects.filter(pk=period.pk).update(sipas_questionnaire=q)
        period.refresh_from_db()
        score_period(period, year)
        add_sipas_values(period, q, year)
        scenario.periods[year] = period
    if results:
        NationalResult.objects.create(year=2024, province=province, par_score=Decimal("80.120"), par_rank=46,
                                      sipas_pct=Decimal("80.10"), sipas_rank=40, ranked_count=63)
        NationalResult.objects.create(year=2025, province=province, par_score=Decimal("84.500"), par_rank=5,
                                      sipas_pct=Decimal("82.96"), sipas_rank=7, ranked_count=34)
    return scenario


def build_predecessor(prefix: str, name: str, f24: Framework, q24: SipasQuestionnaire, shift: Decimal, *,
                      period: bool = True, score: Decimal | None = None, rank: int = 30) -> Province:
    """An old province (valid to 30/6/2025) with its 2024 published results and, optionally, its 2024 period."""
    from datetime import date

    province = Province.objects.create(code=f"{prefix}-{name}", name=name, valid_to=date(2025, 6, 30))
    if period:
        subject = AgencyFactory(code=f"{prefix}-ubnd-{province.pk}", name=f"UBND tỉnh {name}", kind=Agency.Kind.PROVINCE,
                                province=province)
        p = build_period(f24, year=2024, subject=subject, status="published")
        EvaluationPeriod.objects.filter(pk=p.pk).update(sipas_questionnaire=q24)
        scores = list(Score.objects.filter(period=p).select_related("criterion"))
        for s in scores:
            s.appraised_points = min(Decimal(1), leaf_value(2024, s.criterion.code) + shift)
        Score.objects.bulk_update(scores, ["appraised_points"])
        SipasValue.objects.bulk_create([SipasValue(period=p, indicator=i, pct=sipas_value(2024, i.number, None) + shift * 10)
                                        for i in SipasIndicator.objects.filter(questionnaire=q24)])
    NationalResult.objects.create(year=2024, province=province, par_score=score if score is not None else Decimal("80") + shift * 10,
                                  par_rank=rank, sipas_pct=Decimal("79.50") + shift * 10, sipas_rank=rank + 1, ranked_count=63)
    return province


def build_merged(prefix: str = "nb", *, periods=(True, True, True)) -> tuple[Scenario, EvaluationPeriod, list[Province]]:
    """Ninh Bình (2025) ← Ninh Bình, Hà Nam, Nam Định: three old provinces with their 2024
    results (and periods, as `periods` says); the new province's 2025 period on F25/Q25."""
    from datetime import date

    f24 = build_f24(prefix)
    f25 = build_f25(f24, prefix)
    q24, q25 = build_questionnaires(prefix)
    scenario = Scenario(f24, f25, q24, q25)
    olds = [build_predecessor(prefix, name, f24, q24, shift, period=has, score=score, rank=rank)
            for (name, shift, score, rank), has in zip(
                (("Ninh Bình", Decimal("0.05"), Decimal("85.110"), 20), ("Hà Nam", Decimal("0"), Decimal("83.020"), 35),
                 ("Nam Định", Decimal("0.1"), Decimal("86.250"), 12)), periods, strict=True)]
    new = Province.objects.create(code=f"{prefix}-2025", name="Ninh Bình", valid_from=date(2025, 7, 1))
    new.predecessors.set(olds)
    scenario.province = new
    subject = AgencyFactory(code=f"{prefix}-ubnd-2025", name="UBND tỉnh Ninh Bình", kind=Agency.Kind.PROVINCE, province=new)
    period = build_period(f25, year=2025, subject=subject, status="published")
    EvaluationPeriod.objects.filter(pk=period.pk).update(sipas_questionnaire=q25)
    period.refresh_from_db()
    score_period(period, 2025)
    add_sipas_values(period, q25, 2025)
    NationalResult.objects.create(year=2025, province=new, par_score=Decimal("84.500"), par_rank=5, sipas_pct=Decimal("82.96"),
                                  sipas_rank=7, ranked_count=34)
    scenario.periods[2025] = period
    return scenario, period, olds
