"""import_scores / export_scores print the same preview and errors as the admin page and
exit non-zero, with nothing written, on any error."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scorecards.models import AuditEvent, Score

from .conftest import SCORE_HEADER, xlsx


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_export_then_dry_run_import_reports_no_change(ext, appraisal_2024, tmp_path):
    path = tmp_path / f"diem.{ext}"
    assert "Đã ghi" in run("export_scores", "--year", "2024", "--output", str(path))
    out = run("import_scores", str(path), "--year", "2024", "--dry-run")
    assert "0 dòng thay đổi" in out and "Chạy thử" in out


def test_import_scores_writes_and_attributes_to_the_user(open_period, officer, tmp_path):
    path = tmp_path / "diem.xlsx"
    path.write_bytes(xlsx([SCORE_HEADER, ["2.3.2", "0,75", "", "", ""]]))
    out = run("import_scores", str(path), "--year", "2026", "--user", "sonoivu")
    assert "~ Dòng 2 [2.3.2]: Điểm tự đánh giá: (trống) → 0,75" in out
    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    assert score.self_points == Decimal("0.75") and score.history.first().history_user == officer


def test_a_bad_file_exits_non_zero_and_writes_nothing(open_period, tmp_path, db_state, capsys):
    path = tmp_path / "diem.xlsx"
    path.write_bytes(xlsx([SCORE_HEADER, ["1.3", "0,5", "", "", ""], ["2.3.2", "1,25", "", "", ""]]))
    before = db_state()
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_scores", str(path), "--year", "2026", "--user", "sonoivu", stdout=out)
    assert "Dòng 3, cột 'Điểm tự đánh giá': 1,25 vượt điểm tối đa 1 của tiêu chí 2.3.2." in out.getvalue()
    assert db_state() == before


def test_a_period_is_picked_by_id(open_period, tmp_path):
    path = tmp_path / "diem.csv"
    run("export_scores", "--period", str(open_period.pk), "--output", str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 1999"):
        run("import_scores", str(path), "--year", "1999", "--user", "sonoivu")


def test_generic_commands_cover_the_other_kinds(appraisal_2024, tmp_path):
    path = tmp_path / "phan-cong.xlsx"
    run("export_data", "assignments", "--year", "2024", "--output", str(path))
    assert "32 dòng không đổi" in run("import_data", "assignments", str(path), "--year", "2024", "--dry-run")
    run("export_data", "criteria", "--year", "2024", "--output", str(path))
    # The 2024 framework is also the closed 2023 period's: final, but a file that changes
    # nothing previews clean.
    assert "0 lỗi" in run("import_data", "criteria", str(path), "--framework", appraisal_2024.framework.code, "--dry-run")


def test_a_writing_import_needs_a_real_author(open_period, tmp_path, db_state, monkeypatch):
    monkeypatch.delenv("CCHC_USER", raising=False)
    path = tmp_path / "diem.xlsx"
    path.write_bytes(xlsx([SCORE_HEADER, ["2.3.2", "0,75", "", "", ""]]))
    before = db_state()
    with pytest.raises(CommandError, match="--user"):
        run("import_scores", str(path), "--year", "2026")
    with pytest.raises(CommandError, match="Sở Nội vụ"):
        run("import_scores", str(path), "--year", "2026", "--user", "sotuphap")
    assert db_state() == before
    monkeypatch.setenv("CCHC_USER", "sonoivu")
    run("import_scores", str(path), "--year", "2026")
    event = AuditEvent.objects.filter(action="score.self_assessed").latest("pk")
    assert event.actor.username == "sonoivu" and event.data["source"] == "import"


# --- the SIPAS questionnaire: --questionnaire CODE ------------------------------------------

def test_a_questionnaire_is_exported_and_imported_by_its_code(period_2024, officer, tmp_path):
    from scorecards.models import SipasIndicator, SipasQuestionnaire

    used = period_2024.sipas_questionnaire
    path = tmp_path / "bo-cau-hoi.xlsx"
    assert "Đã ghi" in run("export_data", "questionnaire", "--questionnaire", used.code, "--output", str(path))
    # --year: the questionnaire of that year's period.
    assert "39 dòng không đổi" in run("import_data", "questionnaire", str(path), "--year", "2024", "--dry-run")
    fresh = SipasQuestionnaire.objects.create(code="sipas-2031", name="Bộ câu hỏi 2031", year_from=2031)
    out = run("import_data", "questionnaire", str(path), "--questionnaire", "sipas-2031", "--dry-run")
    assert "39 dòng mới" in out and "Chạy thử" in out
    assert not SipasIndicator.objects.filter(questionnaire=fresh).exists()
    out = run("import_data", "questionnaire", str(path), "--questionnaire", "sipas-2031", "--user", "sonoivu")
    assert "Đã nhập xong." in out
    assert SipasIndicator.objects.filter(questionnaire=fresh).count() == 39
    event = AuditEvent.objects.filter(action="questionnaire.imported").latest("pk")
    assert (event.actor, event.data["questionnaire"], event.data["new"]) == (officer, "sipas-2031", 39)


def test_a_questionnaire_import_needs_a_known_questionnaire(period_2024, tmp_path, db_state):
    path = tmp_path / "bo-cau-hoi.csv"
    run("export_data", "questionnaire", "--questionnaire", period_2024.sipas_questionnaire.code, "--output", str(path))
    before = db_state()
    with pytest.raises(CommandError, match="Không có bộ câu hỏi SIPAS mã “khong-co”"):
        run("import_data", "questionnaire", str(path), "--questionnaire", "khong-co", "--user", "sonoivu")
    with pytest.raises(CommandError, match="Cần --questionnaire"):
        run("import_data", "questionnaire", str(path), "--user", "sonoivu")
    assert db_state() == before


def test_a_questionnaire_a_published_year_used_is_refused_by_the_command(period_2024, tmp_path, db_state):
    from .test_questionnaire import demo_rows, make

    path = tmp_path / "bo-cau-hoi.xlsx"
    path.write_bytes(make(demo_rows() + [["II", "", "", "K", "", "", 40, "Tiêu chí thứ 40", ""]]))
    before = db_state()
    out = StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_data", "questionnaire", str(path), "--questionnaire", period_2024.sipas_questionnaire.code,
                     "--user", "sonoivu", stdout=out)
    year = period_2024.sipas_questionnaire.periods.filter(status__in=["published", "closed"]).order_by("-year")[0].year
    assert f"được dùng cho kỳ đánh giá năm {year} đã công bố hoặc đã đóng" in out.getvalue()
    assert db_state() == before
