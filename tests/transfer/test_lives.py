"""Agencies and provinces have lives: the agencies import records when an agency started and
ended and which one took over its work, the provinces import when a province was valid and
which provinces it was formed from. Dates are Vietnamese, day first; the agency or province
named may be a new one of the same file."""
from datetime import date, datetime

import pytest

from scorecards.models import Agency, Province
from scorecards.resources import services

from .conftest import csv_bytes, xlsx

AGENCY = ["Mã đơn vị", "Tên", "Hoạt động từ ngày", "Kết thúc hoạt động ngày", "Mã đơn vị tiếp nhận nhiệm vụ"]
PROVINCE = ["Mã tỉnh", "Tên tỉnh", "Hiệu lực từ ngày", "Hiệu lực đến ngày", "Mã các tỉnh trước sáp nhập"]


def make(rows, fmt, title):
    return xlsx(rows, title=title) if fmt == "xlsx" else csv_bytes(rows)


def agencies(rows, officer, fmt="xlsx", dry_run=False):
    return services.run_import("agencies", make(rows, fmt, "Cơ quan"), f"dv.{fmt}", actor=officer, dry_run=dry_run)


def provinces(rows, officer, fmt="xlsx", dry_run=False):
    return services.run_import("provinces", make(rows, fmt, "Tỉnh"), f"tinh.{fmt}", actor=officer, dry_run=dry_run)


# The reorganisation of 1 March 2025, in test codes: Sở Kế hoạch và Đầu tư into Sở Tài chính
# (a new row further down the file), and a department that worked until 10 April.
MERGER = [
    AGENCY,
    ["so-khdt-thu", "Sở Kế hoạch và Đầu tư (thử)", "", "28/02/2025", "so-tc-thu"],
    ["so-tc-thu", "Sở Tài chính (thử)", "1/3/2025", "", ""],
    ["so-tt-thu", "Sở Thông tin (thử)", "01-01-2020", "10.04.2025", "so-tc-thu"],
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_agency_names_the_new_agency_that_takes_over_its_work(fmt, officer):
    preview = agencies(MERGER, officer, fmt)
    assert preview.applied and len(preview.new) == 3, [str(e) for e in preview.errors]
    old = Agency.objects.select_related("successor").get(code="so-khdt-thu")
    assert (old.ended_on, old.successor.code) == (date(2025, 2, 28), "so-tc-thu")
    assert Agency.objects.get(code="so-tc-thu").started_on == date(2025, 3, 1)
    info = Agency.objects.get(code="so-tt-thu")
    assert (info.started_on, info.ended_on) == (date(2020, 1, 1), date(2025, 4, 10))
    assert old.successor_in(2026).code == "so-tc-thu"
    shown = {c.column: c.new_display for c in preview.new[0].changes}
    assert shown["Kết thúc hoạt động ngày"] == "28/02/2025"


def test_excel_date_cells_are_read_as_days(officer):
    rows = [AGENCY, ["so-thu", "Sở Thử", datetime(2025, 4, 10), datetime(2025, 12, 31), ""]]
    preview = agencies(rows, officer)
    assert preview.applied, [str(e) for e in preview.errors]
    agency = Agency.objects.get(code="so-thu")
    assert (agency.started_on, agency.ended_on) == (date(2025, 4, 10), date(2025, 12, 31))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_agencies_with_their_dates_reimport_unchanged(fmt, officer, db_state):
    agencies(MERGER, officer)
    data = services.export("agencies", fmt)
    if fmt == "csv":
        line = next(x for x in data.decode("utf-8-sig").splitlines() if x.startswith("so-khdt-thu;"))
        assert line.endswith(";28/02/2025;so-tc-thu")
    before = db_state()
    preview = services.run_import("agencies", data, f"export.{fmt}", actor=officer, dry_run=False)
    assert preview.ok and not preview.new and not preview.changed, [str(e) for e in preview.errors]
    assert db_state() == before


def test_an_xlsx_export_writes_real_dates_shown_day_first(officer):
    import io

    import openpyxl

    agencies(MERGER, officer)
    ws = openpyxl.load_workbook(io.BytesIO(services.export("agencies", "xlsx")))["Cơ quan"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "so-tc-thu")
    cell = row[header.index("Hoạt động từ ngày")]
    assert cell.is_date and cell.value.date() == date(2025, 3, 1) and cell.number_format == "DD/MM/YYYY"


AGENCY_REFUSALS = {
    "a month-first date": (["so-x", "Sở X", "04/18/2025", "", ""], "Hoạt động từ ngày",
                           "“04/18/2025” không phải là ngày: không có tháng 18. Ghi ngày trước, tháng sau"),
    "a day that does not exist": (["so-x", "Sở X", "", "30/02/2025", ""], "Kết thúc hoạt động ngày",
                                  "“30/02/2025” không phải là ngày có thật"),
    "ended before it started": (["so-x", "Sở X", "10/04/2025", "09/04/2025", ""], "Kết thúc hoạt động ngày",
                                "Ngày kết thúc phải sau ngày bắt đầu hoạt động."),
    "an unknown successor": (["so-x", "Sở X", "", "28/02/2025", "so-khong-co"], "Mã đơn vị tiếp nhận nhiệm vụ",
                             "không có đơn vị mã “so-khong-co” trong tệp hay trong danh sách đơn vị."),
    "a successor without an end": (["so-x", "Sở X", "", "", "so-tu-phap"], "Kết thúc hoạt động ngày",
                                   "ghi ngày kết thúc hoạt động khi có đơn vị tiếp nhận nhiệm vụ."),
    "its own successor": (["so-x", "Sở X", "", "28/02/2025", "so-x"], "Mã đơn vị tiếp nhận nhiệm vụ",
                          "đơn vị “so-x” không thể tiếp nhận nhiệm vụ của chính nó."),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("case", list(AGENCY_REFUSALS))
def test_a_bad_agency_row_is_refused_and_nothing_is_written(case, fmt, officer, db_state):
    row, column, message = AGENCY_REFUSALS[case]
    before = db_state()
    preview = agencies([AGENCY, ["so-y", "Sở Y", "", "", ""], row], officer, fmt)
    assert [(e.row, e.column) for e in preview.errors] == [(3, column)], [str(e) for e in preview.errors]
    assert message in preview.errors[0].message
    assert db_state() == before


def test_a_successor_chain_that_comes_back_is_refused(officer, db_state):
    before = db_state()
    preview = agencies([AGENCY, ["so-a", "Sở A", "", "01/01/2025", "so-b"], ["so-b", "Sở B", "", "01/01/2025", "so-a"]],
                       officer)
    assert [(e.row, e.message) for e in preview.errors] == [
        (2, "chuỗi đơn vị tiếp nhận nhiệm vụ quay lại “so-a”."), (3, "chuỗi đơn vị tiếp nhận nhiệm vụ quay lại “so-b”.")]
    assert db_state() == before


# Ninh Bình 2025 ← Ninh Bình, Hà Nam, Nam Định (test codes; the old ones in the same file).
MERGED = [
    PROVINCE,
    ["ninh-binh-moi", "Ninh Bình", "01/07/2025", "", "ninh-binh-cu; ha-nam-cu,nam-dinh-cu"],
    ["ninh-binh-cu", "Ninh Bình (trước 1/7/2025)", "", "30/06/2025", ""],
    ["ha-nam-cu", "Hà Nam", "", "30/6/2025", ""],
    ["nam-dinh-cu", "Nam Định", "", "30-06-2025", ""],
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_merged_province_names_its_predecessors(fmt, officer, db_state):
    preview = provinces(MERGED, officer, fmt)
    assert preview.applied and len(preview.new) == 4, [str(e) for e in preview.errors]
    merged = Province.objects.get(code="ninh-binh-moi")
    assert merged.valid_from == date(2025, 7, 1) and merged.valid_to is None
    assert sorted(merged.predecessors.values_list("code", flat=True)) == ["ha-nam-cu", "nam-dinh-cu", "ninh-binh-cu"]
    assert Province.objects.get(code="ha-nam-cu").valid_to == date(2025, 6, 30)
    data = services.export("provinces", fmt)
    if fmt == "csv":
        line = next(x for x in data.decode("utf-8-sig").splitlines() if x.startswith("ninh-binh-moi;"))
        assert line == "ninh-binh-moi;Ninh Bình;01/07/2025;;ha-nam-cu, nam-dinh-cu, ninh-binh-cu"
    before = db_state()
    again = services.run_import("provinces", data, f"export.{fmt}", actor=officer, dry_run=False)
    assert again.ok and not again.new and not again.changed, [str(e) for e in again.errors]
    assert db_state() == before


def test_predecessors_named_in_another_order_change_nothing_and_can_be_changed(officer):
    provinces(MERGED, officer)
    same = [PROVINCE, ["ninh-binh-moi", "Ninh Bình", "1/7/2025", "", "nam-dinh-cu\nninh-binh-cu; ha-nam-cu"]]
    assert [r.status for r in provinces(same, officer, dry_run=True).rows] == ["unchanged"]
    fewer = [PROVINCE, ["ninh-binh-moi", "Ninh Bình", "1/7/2025", "", "ninh-binh-cu; ha-nam-cu"]]
    preview = provinces(fewer, officer)
    assert [(c.column, c.old_display, c.new_display) for c in preview.changed[0].changes] == [
        ("Mã các tỉnh trước sáp nhập", "ha-nam-cu, nam-dinh-cu, ninh-binh-cu", "ha-nam-cu, ninh-binh-cu")]
    assert sorted(Province.objects.get(code="ninh-binh-moi").predecessors.values_list("code", flat=True)) == [
        "ha-nam-cu", "ninh-binh-cu"]


PROVINCE_REFUSALS = {
    "an unknown predecessor": (["tinh-x", "Tỉnh X", "01/07/2025", "", "tinh-khong-co"], "Mã các tỉnh trước sáp nhập",
                               "không có tỉnh mã “tinh-khong-co” trong tệp hay trong danh sách tỉnh."),
    "its own predecessor": (["tinh-x", "Tỉnh X", "01/07/2025", "", "tinh-x"], "Mã các tỉnh trước sáp nhập",
                            "tỉnh “tinh-x” không thể hình thành từ chính nó."),
    "a month-first date": (["tinh-x", "Tỉnh X", "07/31/2025", "", ""], "Hiệu lực từ ngày",
                           "không có tháng 31"),
    "valid to before valid from": (["tinh-x", "Tỉnh X", "01/07/2025", "30/06/2025", ""], "Hiệu lực đến ngày",
                                   "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("case", list(PROVINCE_REFUSALS))
def test_a_bad_province_row_is_refused_and_nothing_is_written(case, fmt, officer, db_state):
    row, column, message = PROVINCE_REFUSALS[case]
    before = db_state()
    preview = provinces([PROVINCE, ["tinh-y", "Tỉnh Y", "", "", ""], row], officer, fmt)
    assert [(e.row, e.column) for e in preview.errors] == [(3, column)], [str(e) for e in preview.errors]
    assert message in preview.errors[0].message
    assert db_state() == before


def test_predecessors_that_come_back_are_refused(officer, db_state):
    before = db_state()
    preview = provinces([PROVINCE, ["tinh-a", "Tỉnh A", "", "", "tinh-b"], ["tinh-b", "Tỉnh B", "", "", "tinh-a"]], officer)
    assert [e.message for e in preview.errors] == ["các tỉnh trước sáp nhập quay lại “tinh-a”.",
                                                   "các tỉnh trước sáp nhập quay lại “tinh-b”."]
    assert db_state() == before
