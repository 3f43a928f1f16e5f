"""National results: with all provinces loaded the app computes the ranks itself and the
preview shows where they differ from the published ones."""
from decimal import Decimal

from scorecards.models import NationalResult, Province
from scorecards.resources import services
from scorecards.resources.results import competition_ranks

from .conftest import xlsx

HEADER = ["Năm", "Mã tỉnh", "Điểm Chỉ số CCHC", "Xếp hạng Chỉ số CCHC", "Chỉ số SIPAS (%)", "Xếp hạng SIPAS", "Số địa phương được xếp hạng"]


def test_ties_share_a_rank():
    assert competition_ranks({"a": 90, "b": 85, "c": 85, "d": 80}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def _provinces(n):
    Province.objects.bulk_create([Province(code=f"tinh-{i}", name=f"Tỉnh {i}") for i in range(n)])


def test_published_ranks_equal_computed_ones_when_all_provinces_are_loaded(officer):
    _provinces(3)
    rows = [HEADER, [2030, "tinh-0", "90,5", 1, "85%", 2, 3], [2030, "tinh-1", "88", 2, "86,1", 1, 3],
            [2030, "tinh-2", "70", 3, "0,5", 3, 3]]
    preview = services.run_import("national-results", xlsx(rows), "kq.xlsx", actor=officer, dry_run=False)
    assert preview.applied and len(preview.new) == 3 and preview.warnings == []
    assert NationalResult.objects.get(year=2030, province__code="tinh-1").sipas_pct == Decimal("86.1")


def test_a_published_rank_that_differs_is_shown(officer):
    _provinces(3)
    rows = [HEADER, [2030, "tinh-0", "90", 2, "", "", 3], [2030, "tinh-1", "88", 1, "", "", 3], [2030, "tinh-2", "70", 3, "", "", 3]]
    preview = services.run_import("national-results", xlsx(rows), "kq.xlsx", actor=officer, dry_run=True)
    assert "Năm 2030, Tỉnh 0: xếp hạng Chỉ số CCHC công bố 2, tính từ điểm được 1." in preview.warnings


def test_missing_provinces_are_said_not_guessed(officer):
    _provinces(2)
    rows = [HEADER, [2030, "tinh-0", "90", 1, "", "", 63], [2030, "tinh-1", "88", 2, "", "", 63]]
    preview = services.run_import("national-results", xlsx(rows), "kq.xlsx", actor=officer, dry_run=True)
    assert preview.warnings == ["Chưa đủ số tỉnh để tự tính xếp hạng: 2030 (Chỉ số CCHC: 2/63)."]


def test_percent_formatted_cells_are_read_as_percent(officer):
    _provinces(1)
    rows = [HEADER, [2030, "tinh-0", 90, 1, 0.8296, 1, 1]]
    preview = services.run_import("national-results", xlsx(rows, percent_cells=[(2, 5)]), "kq.xlsx", actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    assert str(NationalResult.objects.get(year=2030).sipas_pct) == "82.96"
