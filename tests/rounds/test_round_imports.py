"""Imports of a round: subjects, not-applicable marks and grade bands (django-import-export,
the project's preview → confirm flow). Every write goes through the services with the
importing officer as author; a file with a single bad row writes nothing."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import Agency, AuditEvent, EvaluationPeriod, GradeBand, Score
from scorecards.resources import RESOURCES, services
from scorecards.services import round_imports
from scorecards.services import rounds as round_service
from tests.factories import AgencyFactory
from tests.transfer.conftest import csv_bytes, snapshot, xlsx

ROUND_KINDS = ("round_subjects", "not_applicable", "round_appraisal", "round_survey", "grade_bands")
SUBJECTS = ["Mã nhóm", "Mã đơn vị", "Tên đơn vị"]
MARKS = ["Mã đơn vị", "Mã tiêu chí", "Không áp dụng"]
BANDS = ["Mã nhóm", "Xếp loại", "Từ (điểm)"]


def run(slug, rows, round_, actor, *, dry_run=False, csv=False, name="tep.xlsx"):
    data = csv_bytes(rows) if csv else xlsx(rows)
    return services.run_import(slug, data, name, scope=round_, actor=actor, dry_run=dry_run)


def errors(preview) -> list[str]:
    return [str(e) for e in preview.errors]


def imported_events(actor, kind):
    return [e for e in AuditEvent.objects.filter(action=AuditAction.ROUND_IMPORTED, actor=actor) if e.data.get("kind") == kind]


def publish(round_, officer):
    from scorecards.models import Round

    Round.objects.filter(pk=round_.pk).update(decision_number="12/QĐ-UBND", decision_date=date(2026, 1, 20),
                                              decision_signer="Nguyễn Văn A")
    round_service.change_round_status(round_.pk, PeriodStatus.APPRAISAL, actor=officer)
    round_service.change_round_status(round_.pk, PeriodStatus.PUBLISHED, actor=officer)
    round_.refresh_from_db()


# ---- the kinds are registered like the others ------------------------------------------------

@pytest.mark.parametrize("slug", ROUND_KINDS)
def test_each_kind_has_a_template_with_vietnamese_headers_and_a_guide(slug):
    assert RESOURCES[slug].scope_kind == "round"
    wb = openpyxl.load_workbook(io.BytesIO(services.template(slug, "xlsx")))
    sheet, guide = wb.worksheets
    headers = [c.value for c in sheet[1]]
    assert "Mã đơn vị" in headers or "Mã nhóm" in headers
    assert guide.title == "Hướng dẫn"
    required = {row[0].value for row in guide.iter_rows(min_row=2) if row[1].value == "Có"}
    assert required and required <= set(headers)
    assert services.template(slug, "csv").startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("slug", ROUND_KINDS)
def test_unit_staff_leaders_and_the_council_are_refused_every_kind(slug, small_round, dept_user, leader, appraiser, chair,
                                                                    officer):
    data = services.export(slug, "xlsx", scope=small_round)
    for persona in (dept_user, leader, appraiser, chair):
        with pytest.raises(PermissionDenied, match="Sở Nội vụ"):
            services.run_import(slug, data, "a.xlsx", scope=small_round, actor=persona, dry_run=True)
    # The officer's preview of the same export: nothing to change (an exported file imports back unchanged).
    preview = services.run_import(slug, data, "a.xlsx", scope=small_round, actor=officer, dry_run=True) \
        if slug != "not_applicable" else None
    assert preview is None or (preview.ok and not preview.new and not preview.changed), preview and errors(preview)


# ---- subjects -------------------------------------------------------------------------------------

def test_subjects_are_added_per_group_with_their_scorecards_and_the_officer_as_author(small_round, officer):
    AgencyFactory(code="so-moi", name="Sở Mới", kind=Agency.Kind.DEPARTMENT)
    AgencyFactory(code="xa-moi", name="Xã Mới", kind=Agency.Kind.COMMUNE)
    rows = [SUBJECTS, ["so", "so-moi", "sở mới"], ["xa", "xa-moi", ""], ["so", "t-so-0-2025", "Sở A"]]
    preview = run("round_subjects", rows, small_round, officer, dry_run=True)
    assert preview.ok, errors(preview)
    assert [r.key for r in preview.new] == ["so-moi", "xa-moi"] and [r.key for r in preview.unchanged] == ["t-so-0-2025"]
    assert EvaluationPeriod.objects.filter(round=small_round).count() == 5  # a preview writes nothing

    preview = run("round_subjects", rows, small_round, officer)
    assert preview.applied, errors(preview)
    added = EvaluationPeriod.objects.filter(round=small_round, subject__code__in=["so-moi", "xa-moi"])
    assert {(p.subject.code, p.group.code, p.status) for p in added} == {
        ("so-moi", "so", PeriodStatus.SELF_ASSESSMENT), ("xa-moi", "xa", PeriodStatus.SELF_ASSESSMENT)}
    assert Score.objects.filter(period__in=added).count() == 2 * 12
    assert AuditEvent.objects.filter(action=AuditAction.ROUND_SUBJECTS_ADDED, actor=officer, period__in=added).count() == 2
    [event] = imported_events(officer, "round_subjects")
    assert event.data["round"] == small_round.pk and event.data["new"] == 2 and event.data["file"] == "tep.xlsx"
    assert event.actor_name == (officer.get_full_name() or officer.username)
    again = run("round_subjects", rows, small_round, officer, dry_run=True)
    assert again.ok and len(again.unchanged) == 3


@pytest.mark.parametrize("row, column, message", [
    (["nhom-la", "so-moi", ""], "Mã nhóm", "đợt đánh giá không có nhóm mã “nhom-la” (các nhóm: so, xa)."),
    (["so", "khong-co", ""], "Mã đơn vị", "không có đơn vị mã “khong-co” trong danh sách cơ quan, đơn vị."),
    (["xa", "t-so-0-2025", ""], "Mã nhóm", "Sở A đã là đối tượng của nhóm “so” trong đợt đánh giá"),
    (["so", "so-da-giai-the", ""], "Mã đơn vị", "Sở Đã Giải Thể đã kết thúc hoạt động ngày 28/02/2025, không được đánh giá "
                                                "năm 2025. Đơn vị tiếp nhận nhiệm vụ: Sở Mới (mã “so-moi”)."),
    (["so", "so-moi", "Sở Khác"], "Tên đơn vị", "mã “so-moi” là đơn vị “Sở Mới”, không phải “Sở Khác”"),
    (["so", "dien-bien", ""], "Mã đơn vị", "là tỉnh (đối tượng của Chỉ số cấp tỉnh)"),
])
def test_a_bad_subject_row_is_located_and_nothing_is_written(small_round, officer, row, column, message):
    successor = AgencyFactory(code="so-moi", name="Sở Mới", kind=Agency.Kind.DEPARTMENT)
    AgencyFactory(code="so-da-giai-the", name="Sở Đã Giải Thể", ended_on=date(2025, 2, 28), successor=successor)
    AgencyFactory(code="dien-bien", name="UBND tỉnh Điện Biên", kind=Agency.Kind.PROVINCE)
    AgencyFactory(code="so-tot", name="Sở Tốt", kind=Agency.Kind.DEPARTMENT)
    rows = [SUBJECTS, ["so", "so-tot", "Sở Tốt"], row]
    before = snapshot()
    preview = run("round_subjects", rows, small_round, officer)
    assert not preview.applied
    [error] = preview.errors
    assert (error.row, error.column) == (3, column) and message in error.message, errors(preview)
    assert snapshot() == before


def test_a_new_subject_of_another_kind_is_a_warning_in_the_preview(small_round, officer):
    AgencyFactory(code="xa-lac", name="Xã Lạc", kind=Agency.Kind.COMMUNE)
    preview = run("round_subjects", [SUBJECTS, ["so", "xa-lac"]], small_round, officer, dry_run=True)
    assert preview.ok and any("Xã Lạc" in w and "“so”" in w for w in preview.warnings), preview.warnings


def test_subjects_cannot_be_added_to_a_published_round(small_round, officer):
    AgencyFactory(code="so-moi", name="Sở Mới", kind=Agency.Kind.DEPARTMENT)
    publish(small_round, officer)
    before = snapshot()
    preview = run("round_subjects", [SUBJECTS, ["so", "so-moi"]], small_round, officer)
    assert not preview.applied and "đã công bố" in errors(preview)[0]
    assert snapshot() == before


# ---- not applicable -------------------------------------------------------------------------------

def test_marks_on_a_field_and_a_leaf_clear_points_and_are_audited(small_round, dept_period, officer):
    scored = Score.objects.get(period=dept_period, criterion__code="1.2.1")
    Score.objects.filter(pk=scored.pk).update(self_points=Decimal("0.5"))
    rows = [MARKS, ["t-so-0-2025", "1", "x"], ["t-so-1-2025", "2.1.1", "Có"], ["t-xa-0-2025", "1.1.1", "không"]]
    preview = run("not_applicable", rows, small_round, officer, dry_run=True, csv=True, name="na.csv")
    assert preview.ok, errors(preview)
    assert [(r.key, [(c.old_display, c.new_display) for c in r.changes]) for r in preview.changed] == [
        ("t-so-0-2025 · 1", [("Không", "Có")]), ("t-so-1-2025 · 2.1.1", [("Không", "Có")])]
    assert [r.key for r in preview.unchanged] == ["t-xa-0-2025 · 1.1.1"]
    assert preview.warnings == ["Sở A, tiêu chí 1: xoá điểm đã chấm của 1 tiêu chí khi đánh dấu không áp dụng (nhật ký giữ "
                                "điểm cũ)."]
    assert not Score.objects.filter(period__round=small_round, not_applicable=True).exists()

    preview = run("not_applicable", rows, small_round, officer, csv=True, name="na.csv")
    assert preview.applied, errors(preview)
    marked = Score.objects.filter(period__round=small_round, not_applicable=True)
    assert sorted((s.period.subject.code, s.criterion.code) for s in marked) == [
        ("t-so-0-2025", "1.1.1"), ("t-so-0-2025", "1.1.2"), ("t-so-0-2025", "1.2.1"), ("t-so-0-2025", "1.2.2"),
        ("t-so-1-2025", "2.1.1")]
    scored.refresh_from_db()
    assert scored.self_points is None
    assert AuditEvent.objects.filter(action=AuditAction.SCORE_NOT_APPLICABLE, actor=officer, period__round=small_round).count() == 5
    assert imported_events(officer, "not_applicable")[0].data["changed"] == 2

    # Some leaves of field 1 of Sở A made applicable again: the field shows "một phần"; the
    # export lists the marked leaves, and imports back unchanged.
    run("not_applicable", [MARKS, ["t-so-0-2025", "1.1", "0"]], small_round, officer)
    preview = run("not_applicable", [MARKS, ["t-so-0-2025", "1", ""]], small_round, officer, dry_run=True)
    assert [(c.old_display, c.new_display) for c in preview.changed[0].changes] == [("một phần", "Không")]
    exported = services.export("not_applicable", "csv", scope=small_round).decode("utf-8-sig").splitlines()
    assert len(exported) == 1 + 3 and "t-so-0-2025;Sở A;1.2.1;Nội dung 1.2.1;1;Có" in exported
    again = services.run_import("not_applicable", services.export("not_applicable", "xlsx", scope=small_round), "x.xlsx",
                                scope=small_round, actor=officer, dry_run=True)
    assert again.ok and len(again.unchanged) == 3


@pytest.mark.parametrize("row, column, message", [
    (["t-so-0-2025", "9.9", "x"], "Mã tiêu chí", "không có tiêu chí mã “9.9” trong bộ chỉ số"),
    (["khong-co", "1.1.1", "x"], "Mã đơn vị", "không có đơn vị mã “khong-co”"),
    (["t-so-0-2025", "1.1.1", "có lẽ"], "Không áp dụng", "“có lẽ” không hợp lệ: ghi “Có” hoặc “Không”."),
    (["t-so-0-2025", "1.1.2", "0"], "Không áp dụng", "dòng 2 ghi không áp dụng cho 1; tiêu chí 1.1.2 nằm trong đó"),
])
def test_a_bad_mark_is_located_and_nothing_is_written(small_round, officer, row, column, message):
    before = snapshot()
    preview = run("not_applicable", [MARKS, ["t-so-0-2025", "1", "x"], row], small_round, officer)
    assert not preview.applied
    [error] = preview.errors
    assert (error.row, error.column) == (3, column) and message in error.message, errors(preview)
    assert snapshot() == before


def test_an_agency_outside_the_round_is_named_as_such(small_round, officer):
    AgencyFactory(code="so-ngoai", name="Sở Ngoài", kind=Agency.Kind.DEPARTMENT)
    preview = run("not_applicable", [MARKS, ["so-ngoai", "1", "x"]], small_round, officer, dry_run=True)
    assert errors(preview) == ["Dòng 2, cột 'Mã đơn vị': Sở Ngoài (mã “so-ngoai”) không phải đối tượng của đợt đánh giá "
                               "này: thêm vào đợt trước (loại dữ liệu “Đối tượng đánh giá”)."]


# ---- grade bands ----------------------------------------------------------------------------------

def bands_of(round_, code):
    return list(GradeBand.objects.filter(group__round=round_, group__code=code).values_list("label", "min_points"))


def test_a_groups_bands_are_replaced_and_other_groups_keep_theirs(small_round, officer):
    xa_before = bands_of(small_round, "xa")
    rows = [BANDS, ["so", "Xuất sắc", "95"], ["so", "Tốt", "85,5"], ["so", "Khá", 80], ["so", "Trung bình", "50"]]
    preview = run("grade_bands", rows, small_round, officer, dry_run=True)
    assert preview.ok, errors(preview)
    assert [r.key for r in preview.new] == ["so · Xuất sắc"]
    assert [(r.key, [(c.old_display, c.new_display) for c in r.changes]) for r in preview.changed] == [
        ("so · Tốt", [("90", "85,5")]), ("so · Trung bình", [("65", "50")])]
    assert preview.warnings == ["Nhóm “so”: xoá mức “Yếu” (từ 0 điểm) vì không có trong tệp.",
                                "Nhóm “so”: tổng điểm dưới 50 không được xếp loại nào (chưa có mức từ 0 điểm)."]
    assert len(bands_of(small_round, "so")) == 4 and ("Yếu", Decimal("0")) in bands_of(small_round, "so")

    preview = run("grade_bands", rows, small_round, officer)
    assert preview.applied, errors(preview)
    assert bands_of(small_round, "so") == [("Xuất sắc", Decimal("95")), ("Tốt", Decimal("85.5")), ("Khá", Decimal("80")),
                                           ("Trung bình", Decimal("50"))]
    assert bands_of(small_round, "xa") == xa_before
    actions = sorted(AuditEvent.objects.filter(actor=officer, data__model="scorecards.gradeband").values_list("action", flat=True))
    assert actions == [AuditAction.RECORD_CHANGED, AuditAction.RECORD_CHANGED, AuditAction.RECORD_CREATED,
                       AuditAction.RECORD_DELETED]
    [event] = imported_events(officer, "grade_bands")
    assert event.data["deleted"] == ["so · Yếu"] and event.data["new"] == 1 and event.data["changed"] == 2


def test_bands_that_swap_thresholds_are_written_without_a_clash(small_round, officer):
    rows = [BANDS, ["so", "Tốt", 80], ["so", "Khá", 90], ["so", "Trung bình", 65], ["so", "Yếu", 0]]
    preview = run("grade_bands", rows, small_round, officer)
    assert preview.applied, errors(preview)
    assert sorted(bands_of(small_round, "so")) == sorted([("Tốt", Decimal(80)), ("Khá", Decimal(90)), ("Trung bình", Decimal(65)),
                                                          ("Yếu", Decimal(0))])


@pytest.mark.parametrize("row, column, message", [
    (["so", "Khá", "90"], "Từ (điểm)", "mức “Khá” bắt đầu từ 90 điểm, trùng với mức “Tốt” ở dòng 2"),
    (["so", "Khá", "100,5"], "Từ (điểm)", "ngưỡng xếp loại phải từ 0 đến 100 điểm (đang ghi 100,5)."),
    (["so", "Khá", "-1"], "Từ (điểm)", "ngưỡng xếp loại phải từ 0 đến 100 điểm (đang ghi -1)."),
    (["so", "Khá", "80,1234"], "Từ (điểm)", "80,1234 có quá 3 chữ số thập phân."),
    (["so", "Tốt", "80"], "Mã nhóm", "trùng với dòng 2 (so · Tốt)."),
    (["nhom-la", "Khá", "80"], "Mã nhóm", "đợt đánh giá không có nhóm mã “nhom-la”"),
    (["so", "Khá", ""], "Từ (điểm)", "bắt buộc, không được để trống."),
])
def test_bad_bands_are_refused_and_nothing_is_written(small_round, officer, row, column, message):
    before = snapshot()
    preview = run("grade_bands", [BANDS, ["so", "Tốt", "90"], row], small_round, officer)
    assert not preview.applied
    [error] = preview.errors
    assert (error.row, error.column) == (3, column) and message in error.message, errors(preview)
    assert snapshot() == before


def test_bands_of_a_published_round_are_final(small_round, officer):
    publish(small_round, officer)
    before = snapshot()
    preview = run("grade_bands", [BANDS, ["so", "Tốt", "85"]], small_round, officer)
    assert not preview.applied
    assert errors(preview) == ["Đợt đánh giá “Chỉ số CCHC năm 2025 (thử)” đã công bố: không nhập được dữ liệu. Muốn sửa, "
                               "Sở Nội vụ đưa đợt về giai đoạn thẩm định (ghi lý do)."]
    assert snapshot() == before


def test_the_band_service_refuses_overlaps_and_thresholds_outside_the_scale(small_round, officer):
    from django.core.exceptions import ValidationError

    group = small_round.test_groups["so"]
    before = bands_of(small_round, "so")
    with pytest.raises(ValidationError) as exc:
        round_imports.replace_grade_bands(group.pk, {"Tốt": Decimal(90), "Khá": Decimal(90), "Yếu": Decimal(101)}, actor=officer)
    assert exc.value.messages == ["Hai mức “Tốt” và “Khá” cùng bắt đầu từ 90 điểm.",
                                  "Ngưỡng xếp loại “Yếu” phải từ 0 đến 100 điểm (đang ghi 101)."]
    with pytest.raises(PermissionDenied):
        round_imports.replace_grade_bands(group.pk, {"Tốt": Decimal(90)}, actor=None)
    assert bands_of(small_round, "so") == before


def test_a_band_dropped_after_the_preview_refuses_the_confirm(small_round, officer):
    rows = [BANDS, ["so", "Tốt", "90"], ["so", "Khá", "80"], ["so", "Trung bình", "65"]]
    preview = run("grade_bands", rows, small_round, officer, dry_run=True)
    assert preview.warnings[0].startswith("Nhóm “so”: xoá mức “Yếu”")
    GradeBand.objects.create(group=small_round.test_groups["so"], label="Kém", min_points=Decimal(10))
    before = snapshot()
    confirm = services.run_import("grade_bands", xlsx(rows), "tep.xlsx", scope=small_round, actor=officer, dry_run=False,
                                  seen=preview.seen)
    assert not confirm.applied and "đã thay đổi sau khi bạn xem trước" in errors(confirm)[0]
    assert snapshot() == before
