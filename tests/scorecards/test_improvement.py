"""The improvement plan's one door: who writes, what is checked, what is audited, what is late."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from scorecards.choices import AuditAction
from scorecards.models import AuditEvent, Criterion, ImprovementItem, ImprovementUpdate, PlanStatus, Score
from scorecards.services import improvement

PDF = b"%PDF-1.4\n% test\n%%EOF\n"


@pytest.fixture(autouse=True)
def no_plan(empty_plan):
    """Every test here starts from an empty plan."""


def _criterion(period, code):
    return Criterion.objects.get(framework_id=period.framework_id, code=code)


@pytest.fixture
def item(period_2024, officer):
    """2.3.2 of 2024 (Sở Tư pháp; 0,75 of 1 point): an item made with the defaults."""
    return improvement.create_item(period_2024.pk, _criterion(period_2024, "2.3.2").pk, actor=officer,
                                   actions="Rà soát văn bản.", deadline=dt.date(2025, 6, 30))


def test_officer_creates_from_a_loss_with_the_scores_agency_and_max_as_target(item, period_2024, officer, agency_tuphap):
    assert item.agency_id == agency_tuphap.pk  # the score's lead agency
    assert item.target_points == Decimal("1")  # the criterion's maximum
    assert item.status == PlanStatus.NOT_STARTED and item.version == 1
    event = AuditEvent.objects.get(action=AuditAction.PLAN_ITEM_CREATED, data__item=item.pk)
    assert event.actor == officer and event.period_id == period_2024.pk and event.agency_id == agency_tuphap.pk
    assert event.data["code"] == "2.3.2" and event.data["values"]["target_points"] == "1.000"


def test_prefill_names_the_lead_agency_and_the_maximum(period_2024, agency_tuphap):
    assert improvement.prefill(period_2024, _criterion(period_2024, "2.3.2").pk) == {
        "agency_id": agency_tuphap.pk, "target_points": Decimal("1.000")}


def test_agency_staff_and_leaders_cannot_create_or_change(period_2024, tuphap, leader, item):
    c = _criterion(period_2024, "6.1.1")
    for user in (tuphap, leader):
        with pytest.raises(PermissionDenied):
            improvement.create_item(period_2024.pk, c.pk, actor=user, actions="x", deadline=dt.date(2025, 5, 1))
        with pytest.raises(PermissionDenied):
            improvement.update_item(item.pk, actor=user, version=1, target_points=Decimal("0.9"))
    assert ImprovementItem.objects.count() == 1


@pytest.mark.parametrize("code,target,deadline,message", [
    ("2.3.2", "1.5", dt.date(2025, 6, 1), "vượt điểm tối đa 1"),
    ("2.3.2", "0.75", dt.date(2025, 6, 1), "phải cao hơn điểm đã đạt 0,75"),  # reached 0,75: no improvement
    ("2.3.2", "0.8005", dt.date(2025, 6, 1), "quá 3 chữ số thập phân"),
    ("2.3.2", "1", dt.date(2024, 12, 31), "quá sớm"),  # a 2024 plan is carried out from 2025
    ("2.R", "5", dt.date(2025, 6, 1), "đã đạt điểm tối đa"),  # 5 of 5
    ("7", "1", dt.date(2025, 6, 1), "có tiêu chí con"),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_written(period_2024, officer, code, target, deadline, message):
    with pytest.raises(ValidationError) as exc:
        improvement.create_item(period_2024.pk, _criterion(period_2024, code).pk, actor=officer,
                                target_points=Decimal(target), actions="Làm.", deadline=deadline)
    assert message in " ".join(exc.value.messages)
    assert not ImprovementItem.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_ITEM_CREATED).exists()


def test_empty_actions_and_duplicates_are_refused(period_2024, officer, item):
    c = _criterion(period_2024, "6.1.1")
    with pytest.raises(ValidationError, match="Nhập nhiệm vụ, giải pháp"):
        improvement.create_item(period_2024.pk, c.pk, actor=officer, actions="  ", deadline=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError, match="đã có nhiệm vụ khắc phục tiêu chí 2.3.2"):
        improvement.create_item(period_2024.pk, item.criterion_id, actor=officer, actions="Lại.", deadline=dt.date(2025, 5, 1))
    assert ImprovementItem.objects.count() == 1


def test_a_published_period_keeps_its_scores_but_takes_plan_items(period_2024, item):
    assert period_2024.is_frozen
    score = Score.objects.get(period=period_2024, criterion=item.criterion)
    assert score.final_points == Decimal("0.75")  # untouched


def test_update_checks_the_version_and_audits_the_changes(item, officer):
    changed = improvement.update_item(item.pk, actor=officer, version=1, target_points=Decimal("0.9"),
                                      deadline=dt.date(2025, 9, 30))
    assert changed.version == 2 and changed.target_points == Decimal("0.9")
    event = AuditEvent.objects.get(action=AuditAction.PLAN_ITEM_CHANGED)
    assert event.actor == officer
    assert event.data["changes"]["target_points"] == ["1.000", "0.900"]
    assert event.data["changes"]["deadline"] == ["2025-06-30", "2025-09-30"]
    with pytest.raises(ValidationError, match="vừa được .* sửa lúc"):
        improvement.update_item(item.pk, actor=officer, version=1, actions="Bản cũ ghi đè.")
    item.refresh_from_db()
    assert item.actions == "Rà soát văn bản." and item.version == 2


def test_the_responsible_agency_reports_progress_with_evidence(item, tuphap):
    upload = SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf")
    update = improvement.report_progress(item.pk, actor=tuphap, version=1, status=PlanStatus.IN_PROGRESS,
                                         note="Đã xử lý 3/5 văn bản.", uploaded=upload)
    item.refresh_from_db()
    assert item.status == PlanStatus.IN_PROGRESS and item.progress_note == "Đã xử lý 3/5 văn bản." and item.version == 2
    assert update.author == tuphap and update.original_name == "ket-qua.pdf" and len(update.sha256) == 64
    assert update.file.read() == PDF
    event = AuditEvent.objects.get(action=AuditAction.PLAN_PROGRESS_REPORTED)
    assert event.actor == tuphap and event.data["status"] == ["not_started", "in_progress"]
    assert event.data["sha256"] == update.sha256


def test_other_agencies_and_leaders_cannot_report(item, taichinh, leader):
    for user in (taichinh, leader):
        with pytest.raises(PermissionDenied):
            improvement.report_progress(item.pk, actor=user, version=1, status=PlanStatus.DONE, note="Xong.")
    assert not ImprovementUpdate.objects.exists()


def test_officer_may_report_for_the_agency(item, officer):
    improvement.report_progress(item.pk, actor=officer, version=1, status=PlanStatus.DONE, note="Sở Nội vụ ghi thay.")
    assert ImprovementItem.objects.get(pk=item.pk).status == PlanStatus.DONE


def test_stale_progress_and_refused_files_change_nothing(item, tuphap):
    improvement.report_progress(item.pk, actor=tuphap, version=1, status=PlanStatus.IN_PROGRESS, note="Lần 1.")
    with pytest.raises(ValidationError, match="tải lại trang"):
        improvement.report_progress(item.pk, actor=tuphap, version=1, status=PlanStatus.DONE, note="Từ trang cũ.")
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 a program", "application/pdf")
    with pytest.raises(ValidationError, match="không phải là tệp PDF"):
        improvement.report_progress(item.pk, actor=tuphap, version=2, status=PlanStatus.DONE, note="x", uploaded=fake)
    with pytest.raises(ValidationError, match="Nhập kết quả thực hiện"):
        improvement.report_progress(item.pk, actor=tuphap, version=2, status=PlanStatus.DONE, note=" ")
    with pytest.raises(ValidationError, match="không hợp lệ"):
        improvement.report_progress(item.pk, actor=tuphap, version=2, status="xong", note="x")
    item.refresh_from_db()
    assert item.status == PlanStatus.IN_PROGRESS and item.version == 2
    assert ImprovementUpdate.objects.count() == 1


def test_late_is_an_open_item_past_its_deadline(item, officer):
    assert not item.is_late(dt.date(2025, 6, 30))  # due that day
    assert item.is_late(dt.date(2025, 7, 1))
    assert list(ImprovementItem.objects.late(dt.date(2025, 7, 1))) == [item]
    improvement.report_progress(item.pk, actor=officer, version=1, status=PlanStatus.FAILED, note="Không làm được.")
    item.refresh_from_db()
    assert not item.is_late(dt.date(2025, 7, 1))  # declared impossible: closed, not late
    assert not ImprovementItem.objects.late(dt.date(2025, 7, 1)).exists()


def test_plan_rows_count_late_items_and_filter_by_audience(item, period_2024, officer, taichinh):
    from reports.services.analysis_access import audience

    other = improvement.create_item(period_2024.pk, _criterion(period_2024, "8.4").pk, actor=officer,
                                    actions="Thu ngân sách.", deadline=dt.date(2025, 12, 31))
    plan = improvement.plan_rows(period_2024, today=dt.date(2025, 7, 1))
    assert [r.code for r in plan.rows] == ["2.3.2", "8.4"]
    assert plan.late_count == 1 and [r.late for r in plan.rows] == [True, False]
    assert (plan.rows[0].max_points, plan.rows[0].appraised, plan.rows[0].lost) == (Decimal(1), Decimal("0.75"), Decimal("0.25"))
    own = improvement.plan_rows(period_2024, audience(taichinh, period_2024))
    assert [r.item.pk for r in own.rows] == [other.pk]
    late_only = improvement.plan_rows(period_2024, status="late", today=dt.date(2025, 7, 1))
    assert [r.code for r in late_only.rows] == ["2.3.2"] and late_only.total == 2
