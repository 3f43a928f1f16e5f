"""A merged province (Ninh Bình 2025 ← Ninh Bình, Hà Nam, Nam Định) is compared with the
baseline staff chose: nothing, one predecessor, or the predecessors' average; its own
(empty) history otherwise. The report names the choice in a footnote. Expected figures
come from the predecessors' stored results, scores and values."""
from decimal import ROUND_HALF_UP, Decimal

import pytest

from reports.services.baseline import comparison_for
from reports.services.dashboard import build_dashboard
from scorecards.choices import Baseline
from scorecards.models import EvaluationPeriod, NationalResult, Score, SipasValue
from tests.reports.test_years_report import COMPARED, document, load, q2, vn
from tests.reports.test_years_scenario import build_merged, old_code


@pytest.fixture
def merged(demo):
    scenario, period, olds = build_merged("nb")
    return scenario, period, olds


def choose(period, baseline, province=None):
    EvaluationPeriod.objects.filter(pk=period.pk).update(baseline=baseline, baseline_province=province)
    return load(period)


def previous_period(province) -> EvaluationPeriod | None:
    return EvaluationPeriod.objects.filter(year=2024, subject__province=province).first()


def field_total(period, code) -> Decimal:
    return sum((s.appraised_points for s in Score.objects.filter(period=period).select_related("criterion")
                if s.criterion.code.split(".")[0] == code), Decimal(0))


def test_own_baseline_of_a_new_province_compares_nothing(merged):
    _scenario, period, _olds = merged
    data, _html, text = document(choose(period, Baseline.OWN))
    assert data.previous_year is None and not data.par.compared and data.par.previous_score is None
    assert "so với năm 2024" not in text and "năm 2024:" not in text and "/63" not in text
    assert data.comparison.note == "" and not data.par.is_record


def test_no_baseline_names_the_predecessors_and_compares_nothing(merged):
    _scenario, period, _olds = merged
    data, _html, text = document(choose(period, Baseline.NONE))
    note = ("Tỉnh Ninh Bình hình thành từ việc sáp nhập tỉnh Ninh Bình, Hà Nam, Nam Định; theo lựa chọn của Sở Nội vụ, "
            "kết quả năm 2025 không so sánh với năm 2024.")
    assert note in text and data.previous_year is None
    assert "so với năm 2024 (" not in text and "tăng điểm so với" not in text and "/63" not in text
    assert build_dashboard(data).notes[0] == note


def test_one_predecessor_is_compared_with_its_own_results_period_and_rank_base(merged):
    scenario, period, olds = merged
    ha_nam = olds[1]
    result = NationalResult.objects.get(province=ha_nam, year=2024)
    data, _html, text = document(choose(period, Baseline.PREDECESSOR, ha_nam))
    assert "Năm 2025 so sánh với kết quả năm 2024 của tỉnh Hà Nam trước sáp nhập." in text
    assert data.previous.subject.province_id == ha_nam.pk
    assert data.par.previous_score == result.par_score
    change = Decimal("84.50") - result.par_score
    assert f"tăng {vn(change)} điểm so với năm 2024 (năm 2024 đạt {vn(result.par_score, strip=False)}/100)" in text
    assert f"Năm 2025, xếp thứ 5/34 tỉnh, thành; năm 2024: {result.par_rank}/63" in text
    assert f"(79,50%, xếp thứ {result.sipas_rank}/63)" in text and "bậc" not in text.replace("số bậc", "")
    own = previous_period(ha_nam)
    for f in data.par.fields:
        expected = field_total(own, old_code(f.code)) if f.code in COMPARED else None
        assert f.previous_total == expected, f.code


def test_a_predecessor_without_a_period_compares_published_figures_only(merged):
    _scenario, period, olds = merged
    previous_period(olds[2]).delete()
    data, _html, text = document(choose(period, Baseline.PREDECESSOR, olds[2]))
    result = NationalResult.objects.get(province=olds[2], year=2024)
    assert data.par.previous_score == result.par_score and not data.par.compared
    assert ("Không có số liệu chi tiết năm 2024 của tỉnh Nam Định: các lĩnh vực và tiêu chí SIPAS không so sánh.") in text
    assert "Các lĩnh vực không so sánh được với năm 2024 (không có số liệu chi tiết năm 2024 để so sánh)." in text
    assert not data.sipas.compared and data.sipas.previous_overall == result.sipas_pct


def test_the_average_of_the_predecessors(merged):
    _scenario, period, olds = merged
    data, html, text = document(choose(period, Baseline.AVERAGE))
    results = [NationalResult.objects.get(province=p, year=2024) for p in olds]
    par = (sum(r.par_score for r in results) / 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sipas = (sum(r.sipas_pct for r in results) / 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert data.par.previous_score == par and data.sipas.previous_overall == sipas
    assert ("Năm 2025 so sánh với trung bình cộng kết quả năm 2024 của tỉnh Ninh Bình, Hà Nam, Nam Định trước sáp nhập "
            "(không so sánh thứ hạng).") in text
    # No rank for an average: this year's rank alone, with its base.
    assert data.par.previous_rank is None and data.sipas.previous_rank is None
    assert "Năm 2025, xếp thứ 5/34 tỉnh, thành;" in text and "/63" not in text and "bậc" not in text
    # Fields: the average of the three predecessors' counterpart totals.
    periods = [previous_period(p) for p in olds]
    for f in data.par.fields:
        if f.code in COMPARED:
            expected = sum(field_total(p, old_code(f.code)) for p in periods) / 3
            assert f.previous_total == expected and f.shown_previous == q2(expected), f.code
        else:
            assert f.previous_total is None, f.code
    # SIPAS indicators: the average of the counterparts' values.
    values = [dict(SipasValue.objects.filter(period=p).values_list("indicator__number", "pct")) for p in periods]
    row_1 = next(r for r in data.sipas.rows if r.kind == "indicator" and r.label.startswith("1. "))
    assert row_1.previous == q2(sum(v[2] for v in values) / 3)  # 2025's indicator 1 is 2024's indicator 2


def test_the_average_without_every_predecessors_period_compares_no_field(merged):
    _scenario, period, olds = merged
    previous_period(olds[1]).delete()
    data, _html, text = document(choose(period, Baseline.AVERAGE))
    assert data.par.previous_score is not None and not data.par.compared and not data.sipas.compared
    assert "Không có số liệu chi tiết năm 2024 của tỉnh Hà Nam: các lĩnh vực và tiêu chí SIPAS không so sánh." in text
    assert "trong đó, có" not in text.lower().replace("trong đó, có lĩnh vực đạt", "")


def test_the_average_without_every_predecessors_result_compares_no_score(merged):
    _scenario, period, olds = merged
    NationalResult.objects.filter(province=olds[0], year=2024).delete()
    comparison = comparison_for(choose(period, Baseline.AVERAGE))
    assert comparison.results.par_score is None and comparison.results.sipas_pct is None
    assert "Chưa có kết quả công bố năm 2024 của tỉnh Ninh Bình: không so sánh điểm" in comparison.note
    data, _html, text = document(load(period))
    # The score is not compared with a partial average (nor with one computed from the
    # scores); the fields still are, every predecessor having its period.
    assert data.par.previous_score is None and data.sipas.previous_overall is None
    assert "điểm so với năm 2024 (năm 2024 đạt" not in text and "so với năm 2024 (8" not in text
    assert data.par.compared and "So với năm 2024, có " in text
