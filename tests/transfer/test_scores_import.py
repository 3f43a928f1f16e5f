"""Importing scores: what users type is accepted, the preview shows old → new per cell,
the import goes through the audited service, and history names the importing user."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from scorecards.models import AuditEvent, Score
from scorecards.resources import services

from .conftest import SCORE_HEADER, csv_bytes, xlsx


def points(period, code):
    return Score.objects.get(period=period, criterion__code=code)


def test_the_preview_lists_old_and_new_values_and_writes_nothing(appraisal_2024, officer, db_state):
    before = db_state()
    # Columns left out of the file (explanation, reason) are left as they are.
    data = xlsx([["Mã tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định"], ["2.3.2", "0,5", 0.75], ["1.3", "0.96", "0,96"]])
    preview = services.run_import("scores", data, "a.xlsx", scope=appraisal_2024, actor=officer, dry_run=True)
    assert preview.ok and not preview.applied
    [changed] = preview.changed
    assert changed.row == 2 and changed.key == "2.3.2"
    cells = {c.column: (c.old_display, c.new_display) for c in changed.changes}
    assert cells["Điểm tự đánh giá"] == ("1", "0,5")
    assert list(cells) == ["Điểm tự đánh giá"]
    assert [r.key for r in preview.unchanged] == ["1.3"]
    assert any("~ Dòng 2 [2.3.2]: Điểm tự đánh giá: 1 → 0,5" in line for line in preview.lines())
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv-bom", "csv-plain", "csv-semicolon"])

def test_it_accepts_what_users_type(fmt, open_period, officer):
    rows = [SCORE_HEADER, [" 2.3.2 ", "0,688", "  có giải trình  ", "", ""], ["1.3", " 0.5 ", "", "", ""]]
    data = {"xlsx": lambda: xlsx(rows), "csv-bom": lambda: csv_bytes(rows), "csv-plain": lambda: csv_bytes(rows, bom=False),
            "csv-semicolon": lambda: csv_bytes(rows, delimiter=";")}[fmt]()
    preview = services.run_import("scores", data, "a." + fmt[:4].strip("-"), scope=open_period, actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    assert points(open_period, "2.3.2").self_points == Decimal("0.688")
    assert points(open_period, "2.3.2").explanation == "có giải trình"
    assert points(open_period, "1.3").self_points == Decimal("0.5")


def test_history_and_audit_name_the_importing_user(open_period, officer):
    data = xlsx([SCORE_HEADER, ["2.3.2", "0,75", "theo kết luận 44/KL-BTP", "", ""]])
    services.run_import("scores", data, "diem-2026.xlsx", scope=open_period, actor=officer, dry_run=False)
    score = points(open_period, "2.3.2")
    assert score.updated_by == officer and score.version == 2
    assert score.history.first().history_user == officer
    event = AuditEvent.objects.filter(score=score).latest("pk")
    assert (event.action, event.actor, event.data["source"], event.data["file"]) == (
        "score.self_assessed", officer, "import", "diem-2026.xlsx")


def test_only_home_affairs_staff_import(open_period, tuphap, leader):
    data = xlsx([SCORE_HEADER, ["2.3.2", "1", "", "", ""]])
    for persona in (tuphap, leader):
        with pytest.raises(PermissionDenied):
            services.run_import("scores", data, "a.xlsx", scope=open_period, actor=persona, dry_run=False)


def test_a_period_without_its_score_rows_gets_them_on_import(officer, db):
    from tests.factories import build_framework, build_period

    fw = build_framework(fields=1, criteria_per_field=1, leaves_per_criterion=2)
    period = build_period(fw, year=2030)
    Score.objects.filter(period=period, criterion__code="1.1.2").delete()
    data = xlsx([SCORE_HEADER, ["1.1.2", "1", "", "", ""]])
    preview = services.run_import("scores", data, "a.xlsx", scope=period, actor=officer, dry_run=False)
    assert preview.applied and [r.status for r in preview.rows] == ["new"]
    assert points(period, "1.1.2").self_points == 1


def with_cached_value(data: bytes, formula: bytes, value: bytes) -> bytes:
    """The file as Excel saves it: the formula with its computed value beside it."""
    import io
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b"<f>" + formula + b"</f><v></v>", b"<f>" + formula + b"</f><v>" + value + b"</v>")
            dst.writestr(item, content)
    return out.getvalue()


def test_a_formula_with_its_saved_value_is_read_as_that_value(open_period, officer):
    data = with_cached_value(xlsx([SCORE_HEADER, ["2.3.2", "=0.5+0.25", "", "", ""]]), b"0.5+0.25", b"0.75")
    preview = services.run_import("scores", data, "a.xlsx", scope=open_period, actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    assert points(open_period, "2.3.2").self_points == Decimal("0.75")


def test_a_commit_refuses_a_score_saved_by_someone_else_since_the_preview(open_period, officer, db_state):
    data = xlsx([SCORE_HEADER, ["2.3.2", "1", "", "", ""]])
    preview = services.run_import("scores", data, "a.xlsx", scope=open_period, actor=officer, dry_run=True)
    read = Score.objects.get(period=open_period, criterion__code="2.3.2")
    from scorecards.services.scoring import ScoreChange, apply_score_changes

    apply_score_changes(open_period, [ScoreChange(read.pk, {"self_points": Decimal("0.5")})], actor=officer)  # another save
    before = db_state()
    again = services.run_import("scores", data, "a.xlsx", scope=open_period, actor=officer, dry_run=False, seen=preview.seen)
    assert not again.applied and any("2.3.2" in str(e) for e in again.errors)
    assert points(open_period, "2.3.2").self_points == Decimal("0.5") and db_state() == before

def test_a_published_period_previews_its_refusal_and_writes_nothing(period_2024, officer, db_state):
    before = db_state()
    data = xlsx([["Mã tiêu chí", "Điểm tự đánh giá"], ["2.3.2", "0,5"]])
    preview = services.run_import("scores", data, "a.xlsx", scope=period_2024, actor=officer, dry_run=False)
    assert not preview.ok and not preview.applied
    assert any("đã công bố" in str(e) for e in preview.errors)
    assert db_state() == before


def test_a_value_excel_turned_into_a_date_gets_a_message_that_says_so(open_period, officer, db_state):
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Điểm"
    ws.append(SCORE_HEADER)
    ws.append(["2.3.2", datetime.datetime(2026, 5, 1), "", "", ""])  # "1.5" typed in a date-guessing cell
    import io

    out = io.BytesIO()
    wb.save(out)
    before = db_state()
    preview = services.run_import("scores", out.getvalue(), "a.xlsx", scope=open_period, actor=officer, dry_run=False)
    assert not preview.applied
    [error] = preview.errors
    assert error.row == 2 and error.column == "Điểm tự đánh giá" and "Excel đã tự đổi ô này thành ngày" in error.message
    assert "01/05/2026" in error.message
    assert db_state() == before


def test_a_score_import_is_summarised_in_the_log_with_its_file(open_period, officer):
    data = xlsx([SCORE_HEADER, ["2.3.2", "0,5", "", "", ""]])
    services.run_import("scores", data, "diem-2026.xlsx", scope=open_period, actor=officer, dry_run=False)
    event = AuditEvent.objects.get(action="scores.imported")
    assert event.actor == officer and event.data["file"] == "diem-2026.xlsx" and event.data["changed"] == 1
