"""`import_data KIND FILE --round ID [--dry-run] [--user NAME]` for the round's kinds: the same
preview and errors as the admin page, a clear message for a missing or wrong round,
nothing written on any error."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import AuditEvent, GradeBand, Score
from scorecards.services import rounds as round_service
from tests.rounds.conftest import make_round
from tests.transfer.conftest import snapshot, xlsx

APPRAISAL = ["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định vòng 1", "Lý do"]


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def appraisal_file(small_round, officer, tmp_path):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    path = tmp_path / "tham-dinh.xlsx"
    path.write_bytes(xlsx([APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "Thiếu văn bản"], ["t-xa-1-2025", "2.2.2", "1", ""]]))
    return path


def appraised(round_):
    return sorted(Score.objects.filter(period__round=round_, appraised_points__isnull=False)
                  .values_list("period__subject__code", "criterion__code", "appraised_points"))


def test_a_dry_run_prints_the_preview_and_writes_nothing(small_round, appraisal_file, monkeypatch):
    monkeypatch.delenv("CCHC_USER", raising=False)
    before = snapshot()
    out = run("import_data", "round_appraisal", str(appraisal_file), "--round", str(small_round.pk), "--dry-run")
    assert "~ Dòng 2 [t-so-0-2025 · 1.1.1]: Điểm thẩm định vòng 1: (trống) → 0,75; Lý do: (trống) → Thiếu văn bản" in out
    assert "0 dòng mới, 2 dòng thay đổi, 0 dòng không đổi, 0 lỗi." in out and "Chạy thử" in out
    assert snapshot() == before


def test_the_import_writes_as_the_named_officer(small_round, appraisal_file, officer):
    out = run("import_data", "round_appraisal", str(appraisal_file), "--round", str(small_round.pk), "--user", "sonoivu")
    assert "Đã nhập xong." in out
    assert appraised(small_round) == [("t-so-0-2025", "1.1.1", Decimal("0.750")), ("t-xa-1-2025", "2.2.2", Decimal("1.000"))]
    event = AuditEvent.objects.filter(action=AuditAction.ROUND_IMPORTED).latest("pk")
    assert event.actor == officer and event.data["file"] == "tham-dinh.xlsx" and event.data["kind"] == "round_appraisal"


def test_the_only_round_of_a_year_is_picked_by_year(officer, tmp_path):
    round_ = make_round(officer, year=2027, name="Chỉ số CCHC năm 2027 (thử)")
    round_service.change_round_status(round_.pk, PeriodStatus.APPRAISAL, actor=officer)
    path = tmp_path / "tham-dinh.xlsx"
    path.write_bytes(xlsx([APPRAISAL, ["t-so-0-2027", "1.1.1", "0,75", ""]]))
    out = run("import_data", "round_appraisal", str(path), "--year", "2027", "--dry-run")
    assert "1 dòng thay đổi" in out
    make_round(officer, year=2027, name="Đợt thứ hai năm 2027", departments=("Sở D",), communes=("Xã D",))
    with pytest.raises(CommandError, match=f"Năm 2027 có nhiều đợt đánh giá; chọn bằng --round ID. Các đợt: #{round_.pk} "):
        run("import_data", "round_appraisal", str(path), "--year", "2027", "--dry-run")


def test_a_round_kind_without_a_round_names_the_rounds(small_round, appraisal_file):
    with pytest.raises(CommandError) as exc:
        run("import_data", "round_appraisal", str(appraisal_file), "--dry-run")
    assert str(exc.value).startswith("Loại dữ liệu “round_appraisal” thuộc một đợt đánh giá của tỉnh: cần --round ID. Các đợt:")
    assert f"#{small_round.pk} Chỉ số CCHC năm 2025 (thử) (2025)" in str(exc.value)


@pytest.mark.parametrize("args, message", [
    (["--round", "999999"], "Không có đợt đánh giá #999999."),
    (["--year", "1999"], "Không có đợt đánh giá nào năm 1999."),
    (["--round", "{pk}", "--year", "2024"], "thuộc năm 2025, không phải năm 2024."),
])
def test_a_wrong_round_is_a_clear_error(small_round, appraisal_file, args, message):
    args = [a.format(pk=small_round.pk) for a in args]
    with pytest.raises(CommandError, match=message):
        run("import_data", "round_appraisal", str(appraisal_file), "--dry-run", *args)


def test_round_is_refused_for_the_other_kinds(small_round, appraisal_file):
    with pytest.raises(CommandError, match="--round chỉ dùng cho dữ liệu của đợt đánh giá của tỉnh"):
        run("import_data", "scores", str(appraisal_file), "--round", str(small_round.pk), "--dry-run")


def test_a_bad_file_exits_non_zero_and_writes_nothing(small_round, officer, tmp_path):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    path = tmp_path / "tham-dinh.xlsx"
    path.write_bytes(xlsx([APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", ""], ["t-so-0-2025", "1.1.2", "1,5", ""],
                           ["t-so-1-2025", "1.1.1", "0,7525", ""]]))
    before = snapshot()
    out = StringIO()
    with pytest.raises(CommandError, match="Tệp có 2 lỗi: không ghi dòng nào."):
        call_command("import_data", "round_appraisal", str(path), "--round", str(small_round.pk), "--user", "sonoivu",
                     stdout=out)
    assert "✗ Dòng 3, cột 'Điểm thẩm định vòng 1': 1,5 vượt điểm tối đa 1 của tiêu chí 1.1.2." in out.getvalue()
    assert "✗ Dòng 4, cột 'Điểm thẩm định vòng 1': 0,7525 có quá 3 chữ số thập phân." in out.getvalue()
    assert snapshot() == before


def test_writing_needs_an_officer(small_round, appraisal_file, leader, monkeypatch):
    monkeypatch.delenv("CCHC_USER", raising=False)
    before = snapshot()
    with pytest.raises(CommandError, match="--user"):
        run("import_data", "round_appraisal", str(appraisal_file), "--round", str(small_round.pk))
    for username in ("sotuphap", leader.username):
        with pytest.raises(CommandError, match="Chỉ cán bộ Sở Nội vụ được nhập dữ liệu."):
            run("import_data", "round_appraisal", str(appraisal_file), "--round", str(small_round.pk), "--user", username)
    assert snapshot() == before


def test_export_data_takes_the_round_too_and_the_file_imports_back_unchanged(small_round, tmp_path):
    path = tmp_path / "xep-loai.csv"
    assert "Đã ghi" in run("export_data", "grade_bands", "--round", str(small_round.pk), "--output", str(path))
    assert path.read_bytes().decode("utf-8-sig").splitlines()[:2] == ["Mã nhóm;Tên nhóm;Xếp loại;Từ (điểm)",
                                                                       "so;Sở, ban, ngành;Tốt;90"]
    out = run("import_data", "grade_bands", str(path), "--round", str(small_round.pk), "--dry-run")
    assert "0 dòng mới, 0 dòng thay đổi, 8 dòng không đổi, 0 lỗi." in out
    assert GradeBand.objects.filter(group__round=small_round).count() == 8
