"""A rank always carries its own year's base, which nothing assumes (63 until 2024, 34 from
2025); counts of what rose or fell read naturally for none, some and all."""
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from reports.services import numbers as n
from reports.services.baseline import Comparison, PreviousResults
from reports.services.par_data import PreviousCards, assemble_par
from reports.services.sipas_data import assemble_sipas
from scorecards.models import NationalResult
from scorecards.services.scorecard import build_scorecard
from tests.reports.test_years_report import document
from tests.reports.test_years_scenario import build_years

DEFAULTING = re.compile(r"""(\bor\s+63\b|default\s*[:=]\s*["']?63\b|,\s*63\s*\))""")


def test_no_source_defaults_the_number_ranked():
    """The code and templates never fill in a missing number ranked (migrations excepted:
    0001 had the old default that a later migration removed)."""
    base = Path(settings.BASE_DIR)
    offenders = []
    for folder in ("reports", "scorecards", "templates", "config"):
        for path in (base / folder).rglob("*"):
            if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
                continue
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if DEFAULTING.search(line):
                    offenders.append(f"{path.relative_to(base)}:{i}: {line.strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_the_model_requires_the_number_ranked():
    field = NationalResult._meta.get_field("ranked_count")
    assert not field.null and not field.has_default()


def test_a_rank_is_never_written_without_its_base():
    assert n.rank(5, 34) == "5/34"
    with pytest.raises(ValueError):
        n.rank(5, None)


@pytest.mark.django_db
def test_results_without_a_number_ranked_give_no_rank(demo):
    """Whatever reaches the report without its base (an unsaved row, an import bug) shows no
    rank rather than one out of an assumed 63."""
    years = build_years("rk")
    period = years.periods[2025]
    unranked = SimpleNamespace(par_score=Decimal("84.5"), par_rank=5, sipas_pct=Decimal("82.96"), sipas_rank=7,
                               ranked_count=None, decision="", is_illustrative=False)
    previous = PreviousResults(2024, Decimal("80.12"), Decimal("80.10"), 46, 40, None)
    par = assemble_par(build_scorecard(period), PreviousCards(), unranked, previous, [], compared=True)
    assert par.rank is None and par.previous_rank is None and par.rank_gain is None
    sipas = assemble_sipas(period, Comparison("own", 2024, [years.periods[2024]], previous), unranked, previous)
    assert sipas.rank is None and sipas.previous_rank is None and sipas.rank_gain is None


@pytest.mark.django_db
def test_same_base_counts_places_other_bases_show_both(demo):
    years = build_years("rb")
    text = document(years.periods[2025])[2]
    assert "xếp thứ 5/34 tỉnh, thành; năm 2024: 46/63" in text and "41 bậc" not in text
    NationalResult.objects.filter(province=years.province, year=2024).update(ranked_count=34, par_rank=3, sipas_rank=9)
    text = document(years.periods[2025])[2]
    assert "so với năm 2024, vị trí xếp hạng giảm 02 bậc, xếp thứ 5/34 tỉnh, thành" in text
    assert "Năm 2024 xếp thứ 3/34 tỉnh, thành." in text
    assert "tăng 2,86% và 02 bậc so với năm 2024 (80,10%, xếp thứ 9/34)." in text


@pytest.mark.parametrize(("count", "total", "kwargs", "expected"), [
    (0, 8, {}, "không có lĩnh vực nào tăng điểm"),
    (4, 8, {}, "có 04 lĩnh vực tăng điểm"),
    (8, 8, {}, "cả 08 lĩnh vực đều tăng điểm"),
    (4, 8, {"some": ""}, "04 lĩnh vực tăng điểm"),
    (1, 1, {}, "có 01 lĩnh vực tăng điểm"),
    (39, 39, {"ratio": True}, "39/39 lĩnh vực đều tăng điểm"),
    (30, 39, {"ratio": True}, "có 30/39 lĩnh vực tăng điểm"),
    (0, 39, {"ratio": True}, "không có lĩnh vực nào tăng điểm"),
])
def test_count_phrases_read_naturally(count, total, kwargs, expected):
    assert n.count_phrase(count, total, "lĩnh vực", "tăng điểm", **kwargs) == expected


@pytest.mark.django_db
def test_fields_and_indicators_none_some_all(demo):
    """The report's own sentences for every field falling and no indicator rising."""
    from scorecards.models import Score, SipasValue

    years = build_years("cp")
    p25 = years.periods[2025]
    Score.objects.filter(period=p25).update(appraised_points=Decimal("0.1"))
    SipasValue.objects.filter(period=p25).update(pct=Decimal("50"))
    data, _html, text = document(p25)
    compared = len(data.par.compared_fields)
    assert compared == 4 and len(data.par.fields_fell) == compared
    assert "Trong đó, không có lĩnh vực nào tăng điểm so với năm 2024" in text
    assert f"của cả {compared:02d} lĩnh vực đều giảm điểm so với năm 2024, cụ thể như sau:" in text
    assert f"Cả {compared:02d} lĩnh vực đều giảm điểm so với năm 2024:" in text
    assert "39/39 tiêu chí đều giảm điểm số so với năm 2024 (01 tiêu chí không so sánh với năm 2024: 40)" in text
