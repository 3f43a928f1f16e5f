"""Importing scores: what users type is accepted, the preview shows old → new per cell,
the import goes through the audited service, and history names the importing user."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from scorecards.models import AuditEvent, Score
from scorecards.transfer import services
from scorecards.transfer.kinds import scores as score_kind

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

def test_it_accepts_what_users_type(fmt, period_2025, officer):
    rows = [SCORE_HEADER, [" 2.3.2 ", "0,688", "  có giải trình  ", "", ""], ["1.3", " 0.5 ", "", "", ""]]
    data = {"xlsx": lambda: xlsx(rows), "csv-bom": lambda: csv_bytes(rows), "csv-plain": lambda: csv_bytes(rows, bom=False),
            "csv-semicolon": lambda: csv_bytes(rows, delimiter=";")}[fmt]()
    preview = services.run_import("scores", data, "a." + fmt[:4].strip("-"), scope=period_2025, actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    assert points(period_2025, "2.3.2").self_points == Decimal("0.688")
    assert points(period_2025, "2.3.2").explanation == "có giải trình"
    assert points(period_2025, "1.3").self_points == Decimal("0.5")


def test_history_and_audit_name_the_importing_user(period_2025, officer):
    data = xlsx([SCORE_HEADER, ["2.3.2", "0,75", "theo kết luận 44/KL-BTP", "", ""]])
    services.run_import("scores", data, "diem-2025.xlsx", scope=period_2025, actor=officer, dry_run=False)
    score = points(period_2025, "2.3.2")
    assert score.updated_by == officer and score.version == 2
    assert score.history.first().history_user == officer
    event = AuditEvent.objects.filter(score=score).latest("pk")
    assert (event.action, event.actor, event.data["source"], event.data["file"]) == (
        "score.self_assessed", officer, "import", "diem-2025.xlsx")


def test_only_home_affairs_staff_import(period_2025, tuphap, leader):
    data = xlsx([SCORE_HEADER, ["2.3.2", "1", "", "", ""]])
    for persona in (tuphap, leader):
        with pytest.raises(PermissionDenied):
            services.run_import("scores", data, "a.xlsx", scope=period_2025, actor=persona, dry_run=False)


def test_the_bulk_path_writes_what_the_service_writes(period_2025, officer, monkeypatch):
    """Large files use bulk_apply_score_changes; it leaves the same scores, history and audit."""
    rows = [SCORE_HEADER, ["2.3.2", "0,75", "a", "", ""], ["1.3", "0,5", "b", "", ""]]
    services.run_import("scores", xlsx(rows), "a.xlsx", scope=period_2025, actor=officer, dry_run=False)
    expected = sorted(Score.objects.filter(period=period_2025).values_list("criterion__code", "self_points", "explanation", "version"))
    history = [(h.history_user_id, h.history_type) for h in Score.history.filter(period=period_2025).order_by("-history_id")[:2]]
    actions = sorted(AuditEvent.objects.filter(period=period_2025).values_list("action", "data"), key=repr)
    # Undo, then redo through the bulk path.
    rows_back = [SCORE_HEADER, ["2.3.2", "", "", "", ""], ["1.3", "", "", "", ""]]
    services.run_import("scores", xlsx(rows_back), "b.xlsx", scope=period_2025, actor=officer, dry_run=False)
    monkeypatch.setattr(score_kind, "BULK_THRESHOLD", 0)
    AuditEvent.objects.filter(period=period_2025).delete()
    services.run_import("scores", xlsx(rows), "a.xlsx", scope=period_2025, actor=officer, dry_run=False)
    got = sorted(Score.objects.filter(period=period_2025).values_list("criterion__code", "self_points", "explanation", "version"))
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    assert [(h.history_user_id, h.history_type) for h in Score.history.filter(period=period_2025).order_by("-history_id")[:2]] == history
    assert sorted(AuditEvent.objects.filter(period=period_2025).values_list("action", "data"), key=repr) == actions
    assert all(isinstance(data, dict) and data["code"] in ("2.3.2", "1.3") for _action, data in actions)


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


def test_a_formula_with_its_saved_value_is_read_as_that_value(period_2025, officer):
    data = with_cached_value(xlsx([SCORE_HEADER, ["2.3.2", "=0.5+0.25", "", "", ""]]), b"0.5+0.25", b"0.75")
    preview = services.run_import("scores", data, "a.xlsx", scope=period_2025, actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    assert points(period_2025, "2.3.2").self_points == Decimal("0.75")


def test_the_bulk_path_refuses_a_score_changed_since_the_preview_read_it(period_2025, officer):
    from django.core.exceptions import ValidationError

    from scorecards.services.scoring import ScoreChange, apply_score_changes
    from scorecards.transfer.bulk_scores import bulk_apply_score_changes

    read = Score.objects.select_related("criterion").get(period=period_2025, criterion__code="2.3.2")  # the preview's copy
    apply_score_changes(period_2025, [ScoreChange(read.pk, {"self_points": Decimal("0.5")})], actor=officer)  # another save
    with pytest.raises(ValidationError) as exc:
        bulk_apply_score_changes(period_2025, [ScoreChange(read.pk, {"self_points": Decimal("1")})], actor=officer,
                                 loaded={read.pk: read})
    assert "2.3.2" in exc.value.messages
    assert points(period_2025, "2.3.2").self_points == Decimal("0.5")


def test_a_published_period_previews_its_refusal_and_writes_nothing(period_2024, officer, db_state):
    before = db_state()
    data = xlsx([["Mã tiêu chí", "Điểm tự đánh giá"], ["2.3.2", "0,5"]])
    preview = services.run_import("scores", data, "a.xlsx", scope=period_2024, actor=officer, dry_run=False)
    assert not preview.ok and not preview.applied
    assert any("đã công bố" in str(e) for e in preview.errors)
    assert db_state() == before
