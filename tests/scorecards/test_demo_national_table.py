"""The demo's illustrative national table (fixtures/national_illustrative.json): 63 provinces
in 2023 and 2024 that agree with Điện Biên's published scores and ranks, marked illustrative,
loaded idempotently without touching the province's own rows."""
from decimal import Decimal

import pytest

from reports.services.assemble import assemble
from scorecards.models import NationalResult, Province
from scorecards.services import demo as demo_service
from scorecards.services.ranking import competition_ranks

pytestmark = pytest.mark.django_db

OWN = {2024: (Decimal("88.23"), 35, Decimal("82.96"), 40), 2023: (Decimal("88.02"), 20, Decimal("80.10"), 49)}


@pytest.mark.parametrize("year", [2024, 2023])
def test_the_table_agrees_with_dien_biens_published_ranks(demo, year):
    rows = list(NationalResult.objects.filter(year=year).select_related("province"))
    assert len(rows) == 63 and {r.ranked_count for r in rows} == {63}
    assert len({r.province.code for r in rows}) == 63
    par = competition_ranks([Decimal(r.par_score).quantize(Decimal("0.01")) for r in rows])
    sipas = competition_ranks([r.sipas_pct for r in rows])
    own_score, own_rank, own_sipas, own_sipas_rank = OWN[year]
    for r, p, s in zip(rows, par, sipas, strict=True):
        assert (r.par_rank, r.sipas_rank) == (p, s), r.province.name
        if r.province.code == "dien-bien":
            assert (r.par_score, r.par_rank, r.sipas_pct, r.sipas_rank) == (own_score, own_rank, own_sipas, own_sipas_rank)
            assert not r.is_illustrative
        else:
            assert r.is_illustrative


def test_real_province_names_with_slug_codes(demo):
    names = set(Province.objects.filter(results__year=2024).values_list("name", flat=True))
    assert {"Hà Nội", "TP. Hồ Chí Minh", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Điện Biên"} <= names
    assert Province.objects.get(name="Bà Rịa - Vũng Tàu").code == "ba-ria-vung-tau"


def test_loading_again_changes_nothing_and_never_the_own_rows(demo):
    own = NationalResult.objects.get(year=2024, province__code="dien-bien")
    other = NationalResult.objects.get(year=2024, province__code="ha-noi")
    NationalResult.objects.filter(pk=other.pk).update(par_score=Decimal("70.00"))  # a user's correction
    before = NationalResult.objects.count(), Province.objects.count()
    assert demo_service._load_national_table(own.province) == 0
    assert (NationalResult.objects.count(), Province.objects.count()) == before
    assert NationalResult.objects.get(pk=other.pk).par_score == Decimal("70.00")
    fresh = NationalResult.objects.get(pk=own.pk)
    assert (fresh.par_score, fresh.par_rank, fresh.is_illustrative) == (Decimal("88.23"), 35, False)


def test_a_deleted_row_comes_back(demo):
    own = Province.objects.get(code="dien-bien")
    NationalResult.objects.filter(year=2023, province__code="ha-noi").delete()
    assert demo_service._load_national_table(own) == 1
    assert NationalResult.objects.get(year=2023, province__code="ha-noi").is_illustrative


def test_the_2024_report_stays_published_not_illustrative(period_2024):
    data = assemble(period_2024)
    assert not data.is_illustrative and not data.results_illustrative


def test_2025_ranks_the_34_provinces_formed_on_1_july_2025(demo):
    rows = list(NationalResult.objects.filter(year=2025).select_related("province"))
    assert len(rows) == 34 and {r.ranked_count for r in rows} == {34} and all(r.is_illustrative for r in rows)
    par = competition_ranks([r.par_score.quantize(Decimal("0.01")) for r in rows])
    sipas = competition_ranks([r.sipas_pct for r in rows])
    for r, p, s in zip(rows, par, sipas, strict=True):
        assert (r.par_rank, r.sipas_rank) == (p, s), r.province.name
    own = next(r for r in rows if r.province.code == "dien-bien")
    assert (own.par_rank, own.sipas_rank) == (12, 21)  # the demo's illustrative 2025 ranks, kept
    # 23 provinces formed from 52 (Nghị quyết 202/2025/QH15), which ended the day before.
    formed = [r.province for r in rows if r.province.valid_from]
    assert len(formed) == 23
    predecessors = [p for province in formed for p in province.predecessors.all()]
    assert len(predecessors) == len(set(predecessors)) == 52
    assert {str(p.valid_to) for p in predecessors} == {"2025-06-30"}
    ninh_binh = next(p for p in formed if p.name == "Ninh Bình")
    assert {p.name for p in ninh_binh.predecessors.all()} == {"Ninh Bình", "Hà Nam", "Nam Định"}
    unchanged = {r.province.code for r in rows if not r.province.valid_from}
    assert {"dien-bien", "ha-noi", "son-la", "cao-bang"} <= unchanged and len(unchanged) == 11


def test_a_second_load_creates_no_2025_row(demo):
    before = NationalResult.objects.filter(year=2025).count()
    assert demo_service._load_national_table(Province.objects.get(code="dien-bien")) == 0
    assert NationalResult.objects.filter(year=2025).count() == before == 34
