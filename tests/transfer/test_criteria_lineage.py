"""The criteria import says, for each criterion of a new framework version, which criteria
of the previous version it stands for ("Mã năm trước") and how ("So với năm trước"): the
codes are looked up in the previous version, their number fits the lineage, and a file
that gets either wrong writes nothing."""
import pytest

from scorecards.choices import Lineage
from scorecards.models import Criterion, Framework
from scorecards.resources import services
from tests.factories import build_framework

from .conftest import csv_bytes, xlsx

HEADER = ["Mã tiêu chí", "Mã tiêu chí cha", "Tên", "Điểm tối đa", "Mã năm trước", "So với năm trước"]

# The new version, against build_framework(2, 2, 2): fields 1 and 2, criteria x.1 and x.2,
# sub-criteria x.y.1 and x.y.2.
NEW_VERSION = [
    HEADER,
    ["1", "", "Lĩnh vực 1", "3", "1", ""],  # blank, same code: same
    ["1.1", "1", "Tiêu chí 1.1 (tên mới)", "2", "1.1", "đổi tên"],
    ["1.1.1", "1.1", "Tiêu chí thành phần 1.1.1", "1", "1.1.1", "GIU NGUYEN"],  # label, any case, no accents
    ["1.1.2", "1.1", "Chuyển từ lĩnh vực 2", "1", "2.2", "Chuyển sang lĩnh vực, tiêu chí khác"],
    ["1.2", "1", "Gộp hai tiêu chí thành phần", "1", "1.2.2; 1.2.1", "merged"],  # the code, codes in any order
    ["2", "", "Lĩnh vực 2", "3", "2", ""],
    ["2.1", "2", "Tiêu chí mới", "1", "", "Mới"],
    ["2.2", "2", "Tách từ 2.1 (phần một)", "1", "2.1", "tách"],
    ["2.3", "2", "Tách từ 2.1 (phần hai)", "1", "2.1", "Tách từ một nội dung cũ"],
]
EXPECTED = {
    "1": (Lineage.SAME, ["1"]), "1.1": (Lineage.RENAMED, ["1.1"]), "1.1.1": (Lineage.SAME, ["1.1.1"]),
    "1.1.2": (Lineage.MOVED, ["2.2"]), "1.2": (Lineage.MERGED, ["1.2.1", "1.2.2"]), "2": (Lineage.SAME, ["2"]),
    "2.1": (Lineage.NEW, []), "2.2": (Lineage.SPLIT, ["2.1"]), "2.3": (Lineage.SPLIT, ["2.1"]),
}


@pytest.fixture
def previous(db):
    return build_framework(2, 2, 2, code="khung-cu")


@pytest.fixture
def version(previous):
    return Framework.objects.create(code="khung-moi", name="Bộ chỉ số mới", previous=previous, total_points=6)


def make(rows, fmt):
    return xlsx(rows, title="Tiêu chí") if fmt == "xlsx" else csv_bytes(rows)


def run(rows, framework, officer, fmt="xlsx", dry_run=False):
    return services.run_import("criteria", make(rows, fmt), f"tieu-chi.{fmt}", scope=framework, actor=officer,
                               dry_run=dry_run)


def mapping(framework):
    return {c.code: (c.lineage, sorted(p.code for p in c.predecessors.all()))
            for c in Criterion.objects.filter(framework=framework).prefetch_related("predecessors")}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_new_version_names_its_counterparts_last_year(fmt, version, officer):
    preview = run(NEW_VERSION, version, officer, fmt)
    assert preview.applied and len(preview.new) == 9, [str(e) for e in preview.errors]
    assert mapping(version) == EXPECTED
    new = {r.key: {c.column: c.new_display for c in r.changes} for r in preview.new}
    assert new["1.2"]["Mã năm trước"] == "1.2.1, 1.2.2" and new["1.2"]["So với năm trước"] == "Gộp từ nhiều nội dung cũ"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_writes_the_mapping_back_and_reimports_unchanged(fmt, version, officer, db_state):
    run(NEW_VERSION, version, officer)
    data = services.export("criteria", fmt, scope=version)
    before = db_state()
    preview = services.run_import("criteria", data, f"export.{fmt}", scope=version, actor=officer, dry_run=False)
    assert preview.ok and not preview.changed and len(preview.unchanged) == 9
    assert db_state() == before
    if fmt == "csv":
        rows = {line.split(";")[0]: line.split(";") for line in data.decode("utf-8-sig").splitlines()}
        header = rows["Mã tiêu chí"]
        merged = dict(zip(header, rows["1.2"], strict=True))
        assert (merged["Mã năm trước"], merged["So với năm trước"]) == ("1.2.1, 1.2.2", "Gộp từ nhiều nội dung cũ")


def test_a_changed_mapping_is_previewed_old_to_new(version, officer):
    run(NEW_VERSION, version, officer)
    preview = run([HEADER, ["1.1.2", "1.1", "Chuyển từ lĩnh vực 2", "1", "1.1.2", ""]], version, officer, dry_run=True)
    [row] = preview.changed
    assert {c.column: (c.old_display, c.new_display) for c in row.changes} == {
        "Mã năm trước": ("2.2", "1.1.2"), "So với năm trước": ("Chuyển sang lĩnh vực, tiêu chí khác", "Giữ nguyên")}


def test_a_file_without_the_mapping_columns_keeps_the_mapping(version, officer):
    run(NEW_VERSION, version, officer)
    preview = run([HEADER[:4], ["1.1", "1", "Tiêu chí 1.1 (tên mới hơn)", "2"]], version, officer)
    assert preview.applied and len(preview.changed) == 1
    assert mapping(version)["1.1"] == (Lineage.RENAMED, ["1.1"])


REFUSALS = {
    "an unknown code": (["1", "", "Lĩnh vực 1", "3", "9.9", ""], "Mã năm trước",
                        "không có tiêu chí mã “9.9” trong bộ chỉ số năm trước “Bộ chỉ số"),
    "same with two codes": (["1", "", "Lĩnh vực 1", "3", "1, 2", "Giữ nguyên"], "So với năm trước",
                            "“Giữ nguyên” cần đúng một mã năm trước, tệp ghi 2."),
    "renamed with no code": (["1", "", "Lĩnh vực 1", "3", "", "Đổi tên hoặc đổi mã"], "So với năm trước",
                             "“Đổi tên hoặc đổi mã” cần đúng một mã năm trước, tệp ghi 0."),
    "split with two codes": (["1", "", "Lĩnh vực 1", "3", "1;2", "tach"], "So với năm trước",
                             "“Tách từ một nội dung cũ” cần đúng một mã năm trước, tệp ghi 2."),
    "merged with one code": (["1", "", "Lĩnh vực 1", "3", "1", "Gộp từ nhiều nội dung cũ"], "So với năm trước",
                             "“Gộp từ nhiều nội dung cũ” cần từ hai mã năm trước trở lên, tệp ghi 1."),
    "new with a code": (["1", "", "Lĩnh vực 1", "3", "1", "mới"], "So với năm trước",
                        "“Mới” không có mã năm trước; tệp ghi 1"),
    "an unknown lineage": (["1", "", "Lĩnh vực 1", "3", "1", "đổi khác"], "So với năm trước",
                           "“đổi khác” không phải là một trong: Giữ nguyên; Đổi tên hoặc đổi mã;"),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_mapping_that_does_not_fit_is_refused_and_nothing_is_written(case, fmt, version, officer, db_state):
    row, column, message = REFUSALS[case]
    rows = [HEADER, ["2", "", "Lĩnh vực 2", "3", "2", ""], row]
    before = db_state()
    preview = run(rows, version, officer, fmt)
    assert not preview.applied
    assert [(e.row, e.column) for e in preview.errors] == [(3, column)], [str(e) for e in preview.errors]
    assert message in preview.errors[0].message
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_codes_are_refused_when_the_framework_has_no_previous_version(fmt, previous, officer, db_state):
    before = db_state()
    preview = run([HEADER, ["1", "", "Lĩnh vực 1", "4", "1", ""]], previous, officer, fmt)
    [error] = preview.errors
    assert (error.row, error.column) == (2, "Mã năm trước")
    assert "chưa có phiên bản năm trước: để trống cột “Mã năm trước”" in error.message
    preview = run([HEADER, ["1", "", "Lĩnh vực 1", "4", "", "Mới"]], previous, officer, fmt)
    [error] = preview.errors
    assert (error.row, error.column) == (2, "So với năm trước") and "chưa có phiên bản năm trước" in error.message
    assert db_state() == before


def test_two_criteria_cannot_both_be_the_same_one_of_last_year(version, officer, db_state):
    run(NEW_VERSION, version, officer)
    before = db_state()
    preview = run([HEADER, ["2.1", "2", "Tiêu chí mới", "1", "1.1", "đổi tên"]], version, officer)
    [error] = preview.errors
    assert (error.row, error.column) == (2, "Mã năm trước")
    assert "tiêu chí 1.1 của năm trước đã là tương ứng của tiêu chí 1.1" in error.message
    assert db_state() == before


def test_a_lineage_blanked_without_the_codes_column_is_read_from_the_stored_codes(version, officer):
    run(NEW_VERSION, version, officer)
    rows = [HEADER[:4] + ["So với năm trước"], ["1.2", "1", "Gộp hai tiêu chí thành phần", "1", ""],
            ["1.1", "1", "Tiêu chí 1.1 (tên mới)", "2", ""]]
    preview = run(rows, version, officer)
    assert preview.ok and [r.key for r in preview.changed] == ["1.1"], [str(e) for e in preview.errors]
    # Merged stays merged (two stored codes); "renamed" with the same code reads as "same".
    assert mapping(version)["1.2"] == (Lineage.MERGED, ["1.2.1", "1.2.2"])
    assert mapping(version)["1.1"] == (Lineage.SAME, ["1.1"])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_two_fields_swap_their_codes_in_one_file(fmt, version, officer, db_state):
    """The Ministry renumbers two fields: this year's 1 was last year's 2 and the other way
    round. Each row alone would break the one-to-one rule half-way; the file as a whole does not."""
    run(NEW_VERSION, version, officer)
    swap = [HEADER, ["1", "", "Lĩnh vực 1", "3", "2", "đổi mã"], ["2", "", "Lĩnh vực 2", "3", "1", "đổi mã"]]
    preview = run(swap, version, officer, fmt, dry_run=True)
    assert preview.ok and len(preview.changed) == 2, [str(e) for e in preview.errors]
    preview = run(swap, version, officer, fmt)
    assert preview.applied, [str(e) for e in preview.errors]
    assert mapping(version)["1"] == (Lineage.RENAMED, ["2"]) and mapping(version)["2"] == (Lineage.RENAMED, ["1"])
    # A file that claims one of last year's fields twice is still refused, and writes nothing.
    before = db_state()
    twice = [HEADER, ["1", "", "Lĩnh vực 1", "3", "2", "đổi mã"], ["2", "", "Lĩnh vực 2", "3", "2", "đổi mã"]]
    refused = run(twice, version, officer, fmt)
    assert not refused.applied and refused.errors and db_state() == before
