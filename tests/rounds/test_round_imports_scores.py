"""Points of many subjects at once: the council's appraisal table and the survey points,
through services.scoring (APPRAISE, ADMINISTER), all or nothing for the file."""
from decimal import Decimal

import pytest

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import AuditEvent, Score
from scorecards.resources import services
from scorecards.services import rounds as round_service
from tests.rounds.conftest import build_round_framework, make_round
from tests.transfer.conftest import snapshot, xlsx

from .test_round_imports import errors, imported_events, publish

APPRAISAL = ["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định vòng 1", "Điểm thẩm định vòng 2", "Lý do", "Yêu cầu giải trình"]
SURVEY = ["Mã đơn vị", "Mã lĩnh vực", "Mã tiêu chí", "Điểm"]


def run(slug, rows, round_, actor, *, dry_run=False, seen=None):
    return services.run_import(slug, xlsx(rows), "tham-dinh.xlsx", scope=round_, actor=actor, dry_run=dry_run, seen=seen)


def score(round_, subject, code):
    return Score.objects.get(period__round=round_, period__subject__code=subject, criterion__code=code)


@pytest.fixture
def appraisal_round(small_round, officer):
    """In appraisal after the explanation round (round 2 is open)."""
    for status in (PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION, PeriodStatus.APPRAISAL):
        round_service.change_round_status(small_round.pk, status, actor=officer)
    small_round.refresh_from_db()
    return small_round


def test_round_2_points_before_the_explanation_round_are_refused(small_round, officer):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    small_round.refresh_from_db()
    rows = [APPRAISAL, ["t-xa-0-2025", "2.1.1", "0.5", "0,75", "", ""]]
    preview = run("round_appraisal", rows, small_round, officer)
    assert not preview.applied and "vòng 2 chỉ ghi sau khi mở vòng giải trình" in " ".join(errors(preview))
    assert score(small_round, "t-xa-0-2025", "2.1.1").appraised_points is None


# ---- appraisal --------------------------------------------------------------------------------------

def test_appraised_points_of_several_subjects_land_with_the_officer_as_author(appraisal_round, officer):
    rows = [APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "", "Thiếu tài liệu kiểm chứng", "x"],
            ["t-so-0-2025", "1.1.2", 1, "", "", ""], ["t-xa-0-2025", "2.1.1", "0.5", "0,75", "Đã bổ sung", "không"]]
    preview = run("round_appraisal", rows, appraisal_round, officer, dry_run=True)
    assert preview.ok, errors(preview)
    assert [(r.key, [(c.column, c.old_display, c.new_display) for c in r.changes]) for r in preview.changed][0] == (
        "t-so-0-2025 · 1.1.1", [("Điểm thẩm định vòng 1", "(trống)", "0,75"), ("Lý do", "(trống)", "Thiếu tài liệu kiểm chứng"),
                                ("Yêu cầu giải trình", "Không", "Có")])
    assert score(appraisal_round, "t-so-0-2025", "1.1.1").appraised_points is None  # the preview wrote nothing

    preview = run("round_appraisal", rows, appraisal_round, officer)
    assert preview.applied, errors(preview)
    first, second, third = (score(appraisal_round, s, c) for s, c in (("t-so-0-2025", "1.1.1"), ("t-so-0-2025", "1.1.2"),
                                                                      ("t-xa-0-2025", "2.1.1")))
    assert (first.appraised_points, first.appraisal_reason, first.explanation_requested) == (
        Decimal("0.75"), "Thiếu tài liệu kiểm chứng", True)
    assert (second.appraised_points, second.explanation_requested) == (Decimal("1"), False)
    assert (third.appraised_points, third.appraised_points_round2, third.final_points) == (
        Decimal("0.5"), Decimal("0.75"), Decimal("0.75"))
    assert first.updated_by == officer and first.history.first().history_user == officer
    events = AuditEvent.objects.filter(actor=officer, score__in=[first, second, third])
    assert sorted(events.values_list("action", flat=True)) == [AuditAction.SCORE_APPRAISED] * 3 + [
        AuditAction.SCORE_EXPLANATION_REQUESTED]
    assert all(e.data["source"] == "import" and e.data["kind"] == "round_appraisal" for e in events)
    [event] = imported_events(officer, "round_appraisal")
    assert event.data["changed"] == 3 and event.data["round"] == appraisal_round.pk
    again = run("round_appraisal", rows, appraisal_round, officer, dry_run=True)
    assert again.ok and len(again.unchanged) == 3


@pytest.mark.parametrize("row, column, message", [
    (["t-so-1-2025", "1.1.2", "0,7525", "", "", ""], "Điểm thẩm định vòng 1", "0,7525 có quá 3 chữ số thập phân."),
    (["t-so-1-2025", "1.1.2", "1,5", "", "", ""], "Điểm thẩm định vòng 1", "1,5 vượt điểm tối đa 1 của tiêu chí 1.1.2."),
    (["t-so-1-2025", "1.1.2", "-0,5", "", "", ""], "Điểm thẩm định vòng 1", "-0,5 không được âm."),
    (["t-so-1-2025", "1.1.2", "0,5", "2", "", ""], "Điểm thẩm định vòng 2", "2 vượt điểm tối đa 1 của tiêu chí 1.1.2."),
    (["t-so-1-2025", "1.1.2", "nửa điểm", "", "", ""], "Điểm thẩm định vòng 1", "“nửa điểm” không phải là số."),
    (["t-so-1-2025", "1.1", "0,5", "", "", ""], "Mã tiêu chí", "tiêu chí 1.1 có tiêu chí con: chỉ chấm điểm ở tiêu chí lá."),
    (["t-so-1-2025", "3.1.1", "0,5", "", "", ""], "Mã tiêu chí", "tiêu chí 3.1.1 lấy điểm từ điều tra xã hội học"),
    (["t-so-1-2025", "7.1.1", "0,5", "", "", ""], "Mã tiêu chí", "không có tiêu chí mã “7.1.1” trong bộ chỉ số"),
    (["khong-co", "1.1.2", "0,5", "", "", ""], "Mã đơn vị", "không có đơn vị mã “khong-co”"),
    (["t-so-1-2025", "1.1.2", "0,5", "", "", "có lẽ"], "Yêu cầu giải trình", "“có lẽ” không hợp lệ"),
    (["t-so-0-2025", "1.1.1", "1", "", "", ""], "Mã đơn vị", "trùng với dòng 2 (t-so-0-2025 · 1.1.1)."),
])
def test_a_bad_appraisal_row_is_located_and_nothing_is_written(appraisal_round, officer, row, column, message):
    rows = [APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "", "", ""], row]
    before = snapshot()
    preview = run("round_appraisal", rows, appraisal_round, officer)
    assert not preview.applied
    [error] = preview.errors
    assert (error.row, error.column) == (3, column) and message in error.message, errors(preview)
    assert snapshot() == before


def test_a_not_applicable_leaf_takes_no_appraisal(appraisal_round, officer):
    services.run_import("not_applicable", xlsx([["Mã đơn vị", "Mã tiêu chí", "Không áp dụng"], ["t-so-1-2025", "2.2.2", "x"]]),
                        "na.xlsx", scope=appraisal_round, actor=officer, dry_run=False)
    before = snapshot()
    preview = run("round_appraisal", [APPRAISAL, ["t-so-1-2025", "2.2.1", "1", "", "", ""],
                                      ["t-so-1-2025", "2.2.2", "0,5", "", "", "x"]], appraisal_round, officer)
    assert [(e.row, e.column) for e in preview.errors] == [(3, "Điểm thẩm định vòng 1"), (3, "Yêu cầu giải trình")]
    assert "tiêu chí 2.2.2 không áp dụng với Sở B: không chấm điểm" in preview.errors[0].message
    assert snapshot() == before


def test_appraisal_waits_for_the_appraisal_step(small_round, officer):
    before = snapshot()
    preview = run("round_appraisal", [APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "", "", ""]], small_round, officer)
    assert errors(preview) == ["Đợt đánh giá “Chỉ số CCHC năm 2025 (thử)” đang ở giai đoạn “Tự đánh giá”: chưa nhập được điểm "
                               "thẩm định (chỉ trong giai đoạn “Thẩm định”, “Giải trình”)."]
    assert snapshot() == before
    publish(small_round, officer)
    preview = run("round_appraisal", [APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "", "", ""]], small_round, officer)
    assert "đã công bố" in errors(preview)[0] and snapshot() != before  # (publishing itself wrote)


def test_a_score_saved_after_the_preview_refuses_the_confirm(appraisal_round, officer):
    rows = [APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "", "", ""], ["t-xa-1-2025", "1.1.1", "0,5", "", "", ""]]
    preview = run("round_appraisal", rows, appraisal_round, officer, dry_run=True)
    target = score(appraisal_round, "t-xa-1-2025", "1.1.1")
    Score.objects.filter(pk=target.pk).update(appraised_points=Decimal("0.25"), version=target.version + 1)
    before = snapshot()
    confirm = run("round_appraisal", rows, appraisal_round, officer, seen=preview.seen)
    assert not confirm.applied and "đã được thay đổi sau khi bạn xem trước" in errors(confirm)[0]
    assert snapshot() == before


def test_a_column_left_out_keeps_its_values(appraisal_round, officer):
    run("round_appraisal", [APPRAISAL, ["t-so-0-2025", "1.1.1", "0,75", "", "Lý do cũ", "x"]], appraisal_round, officer)
    preview = run("round_appraisal", [["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định"], ["t-so-0-2025", "1.1.1", "0,5"]],
                  appraisal_round, officer)
    assert preview.applied, errors(preview)
    s = score(appraisal_round, "t-so-0-2025", "1.1.1")
    assert (s.appraised_points, s.appraisal_reason, s.explanation_requested) == (Decimal("0.5"), "Lý do cũ", True)


# ---- survey -----------------------------------------------------------------------------------------

def test_survey_points_by_leaf_code_land_in_the_appraised_points(small_round, officer):
    rows = [SURVEY, ["t-so-0-2025", "", "3.1.1", "0,5"], ["t-so-0-2025", "3", "3.2.2", 1], ["t-xa-1-2025", "", "3.1.2", "0.25"]]
    preview = run("round_survey", rows, small_round, officer, dry_run=True)
    assert preview.ok and len(preview.changed) == 3, errors(preview)
    assert score(small_round, "t-so-0-2025", "3.1.1").appraised_points is None
    preview = run("round_survey", rows, small_round, officer)
    assert preview.applied, errors(preview)
    assert [score(small_round, s, c).appraised_points for s, c in (("t-so-0-2025", "3.1.1"), ("t-so-0-2025", "3.2.2"),
                                                                   ("t-xa-1-2025", "3.1.2"))] == [
        Decimal("0.5"), Decimal("1"), Decimal("0.25")]
    events = AuditEvent.objects.filter(action=AuditAction.SCORE_APPRAISED, actor=officer, period__round=small_round)
    assert events.count() == 3 and {e.data["kind"] for e in events} == {"round_survey"}
    assert imported_events(officer, "round_survey")[0].data["changed"] == 3
    exported = services.export("round_survey", "xlsx", scope=small_round)
    again = services.run_import("round_survey", exported, "x.xlsx", scope=small_round, actor=officer, dry_run=True)
    assert again.ok and len(again.unchanged) == 5 * 4


def test_a_fields_points_go_to_its_only_survey_leaf(officer):
    fw = build_round_framework("fw-mot-dieu-tra", fields=3, criteria=1, leaves=1, survey_fields=(3,))
    round_ = make_round(officer, name="Đợt một tiêu chí điều tra", framework=fw)
    rows = [["Mã đơn vị", "Mã lĩnh vực", "Điểm"], ["t-so-0-2025", "3", "0,8"], ["t-xa-0-2025", "3", "1"]]
    preview = run("round_survey", rows, round_, officer)
    assert preview.applied and [r.key for r in preview.changed] == ["t-so-0-2025 · 3.1.1", "t-xa-0-2025 · 3.1.1"], errors(preview)
    assert score(round_, "t-so-0-2025", "3.1.1").appraised_points == Decimal("0.8")
    assert score(round_, "t-xa-0-2025", "3.1.1").appraised_points == Decimal("1")
    # The field and its leaf in one file are the same score row: a repeated key.
    preview = run("round_survey", [SURVEY, ["t-so-0-2025", "3", "", "0,8"], ["t-so-0-2025", "", "3.1.1", "0,9"]], round_, officer)
    assert errors(preview) == ["Dòng 3, cột 'Mã đơn vị': trùng với dòng 2 (t-so-0-2025 · 3.1.1)."]


@pytest.mark.parametrize("row, column, message", [
    (["t-so-1-2025", "3", "", "1"], "Mã lĩnh vực", "lĩnh vực 3 có 4 tiêu chí lấy điểm điều tra (3.1.1, 3.1.2, 3.2.1, 3.2.2): ghi "
                                                   "mã tiêu chí ở cột “Mã tiêu chí” và điểm của từng tiêu chí."),
    (["t-so-1-2025", "1", "", "1"], "Mã lĩnh vực", "lĩnh vực 1 không có tiêu chí nào lấy điểm từ điều tra xã hội học."),
    (["t-so-1-2025", "9", "", "1"], "Mã lĩnh vực", "không có lĩnh vực mã “9”"),
    (["t-so-1-2025", "", "1.1.1", "1"], "Mã tiêu chí", "tiêu chí 1.1.1 không lấy điểm từ điều tra xã hội học (nguồn điểm: "
                                                      "tài liệu kiểm chứng)."),
    (["t-so-1-2025", "2", "3.1.1", "1"], "Mã lĩnh vực", "tiêu chí 3.1.1 không thuộc lĩnh vực 2."),
    (["t-so-1-2025", "", "", "1"], "Mã tiêu chí", "ghi mã lĩnh vực hoặc mã tiêu chí lấy điểm điều tra."),
    (["t-so-1-2025", "", "3.1.1", "1,25"], "Điểm", "1,25 vượt điểm tối đa 1 của tiêu chí 3.1.1."),
    (["t-so-1-2025", "", "3.1.1", "0,0001"], "Điểm", "0,0001 có quá 3 chữ số thập phân."),
])
def test_a_bad_survey_row_is_located_and_nothing_is_written(small_round, officer, row, column, message):
    before = snapshot()
    preview = run("round_survey", [SURVEY, ["t-so-0-2025", "", "3.1.1", "0,5"], row], small_round, officer)
    assert not preview.applied
    [error] = preview.errors
    assert (error.row, error.column) == (3, column) and message in error.message, errors(preview)
    assert snapshot() == before


def test_a_survey_file_needs_a_field_or_criterion_column(small_round, officer):
    preview = run("round_survey", [["Mã đơn vị", "Điểm"], ["t-so-0-2025", "1"]], small_round, officer, dry_run=True)
    assert errors(preview) == ["Thiếu cột “Mã lĩnh vực” hoặc “Mã tiêu chí”: mỗi dòng ghi mã lĩnh vực hoặc mã tiêu chí lấy điểm "
                               "điều tra."]


def test_survey_points_of_a_published_round_are_final(small_round, officer):
    publish(small_round, officer)
    before = snapshot()
    preview = run("round_survey", [SURVEY, ["t-so-0-2025", "", "3.1.1", "0,5"]], small_round, officer)
    assert not preview.applied and "đã công bố" in errors(preview)[0]
    assert snapshot() == before
