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


# --- the number of provinces ranked: required, never defaulted, one per year ---------------

import pytest  # noqa: E402

from .conftest import csv_bytes  # noqa: E402

COUNT = "Số địa phương được xếp hạng"


def _file(rows, fmt):
    return xlsx(rows, title="Kết quả") if fmt == "xlsx" else csv_bytes(rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_empty_number_ranked_is_a_row_error_never_63(fmt, officer, db_state):
    _provinces(2)
    before = db_state()
    rows = [HEADER, [2030, "tinh-0", "90", 1, "", "", 34], [2030, "tinh-1", "88", 2, "", "", ""]]
    preview = services.run_import("national-results", _file(rows, fmt), f"kq.{fmt}", actor=officer, dry_run=False)
    assert [(e.row, e.column, e.message) for e in preview.errors] == [(3, COUNT, "bắt buộc, không được để trống.")]
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_file_without_the_number_ranked_is_refused(fmt, officer, db_state):
    _provinces(1)
    before = db_state()
    rows = [HEADER[:-1], [2030, "tinh-0", "90", 1, "", ""]]
    preview = services.run_import("national-results", _file(rows, fmt), f"kq.{fmt}", actor=officer, dry_run=False)
    assert [str(e) for e in preview.errors] == [f"Thiếu cột bắt buộc: “{COUNT}”."]
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_rank_above_the_number_ranked_is_refused(fmt, officer, db_state):
    _provinces(1)
    before = db_state()
    rows = [HEADER, [2030, "tinh-0", "90", 46, "80", 12, 34]]
    preview = services.run_import("national-results", _file(rows, fmt), f"kq.{fmt}", actor=officer, dry_run=False)
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "Xếp hạng Chỉ số CCHC", "Thứ hạng 46 lớn hơn số địa phương được xếp hạng (34).")]
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rows_of_one_year_share_the_number_ranked(fmt, officer, db_state):
    _provinces(3)
    before = db_state()
    rows = [HEADER, [2030, "tinh-0", "90", 1, "", "", 34], [2031, "tinh-0", "90", 1, "", "", 63],
            [2030, "tinh-1", "88", 2, "", "", 63]]
    preview = services.run_import("national-results", _file(rows, fmt), f"kq.{fmt}", actor=officer, dry_run=False)
    [error] = preview.errors
    assert (error.row, error.column) == (4, COUNT)
    assert error.message.startswith("năm 2030: dòng 2 ghi 34 địa phương được xếp hạng, dòng này ghi 63;")
    assert db_state() == before


def test_a_row_that_disagrees_with_the_stored_year_is_refused(officer, db_state):
    _provinces(2)
    services.run_import("national-results", xlsx([HEADER, [2030, "tinh-0", "90", 1, "", "", 34]]), "a.xlsx",
                        actor=officer, dry_run=False)
    before = db_state()
    preview = services.run_import("national-results", xlsx([HEADER, [2030, "tinh-1", "88", 2, "", "", 63]]), "b.xlsx",
                                  actor=officer, dry_run=False)
    [error] = preview.errors
    assert (error.row, error.column) == (2, COUNT)
    assert "Năm 2030 đã có kết quả xếp hạng trên 34 địa phương" in error.message
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_illustrative_figures_are_marked_and_round_trip(fmt, officer, db_state):
    _provinces(2)
    rows = [HEADER + ["Số liệu minh họa"], [2030, "tinh-0", "90", 1, "", "", 34, "có"], [2030, "tinh-1", "88", 2, "", "", 34, ""]]
    preview = services.run_import("national-results", _file(rows, fmt), f"kq.{fmt}", actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    marked = dict(NationalResult.objects.filter(year=2030).values_list("province__code", "is_illustrative"))
    assert marked == {"tinh-0": True, "tinh-1": False}
    data = services.export("national-results", fmt)
    before = db_state()
    again = services.run_import("national-results", data, f"export.{fmt}", actor=officer, dry_run=False)
    assert again.ok and not again.changed and db_state() == before
    if fmt == "csv":
        lines = [line.split(";") for line in data.decode("utf-8-sig").splitlines()]
        column = lines[0].index("Số liệu minh họa")
        assert {line[1]: line[column] for line in lines[1:] if line[0] == "2030"} == {"tinh-0": "Có", "tinh-1": "Không"}
