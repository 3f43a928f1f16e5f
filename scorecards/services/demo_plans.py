"""Demo improvement plan: Điện Biên's 2024 losses, with targets for 2025 (illustrative).

Six items on 2024's lost points, for their lead agencies, with deadlines in 2025: one still
in progress past its deadline (late), the others reported done or impossible with a
progress report (one with an evidence file). The illustrative 2025 overview then shows each
target against the 2025 result through the framework mapping: 7.3.4 became 3.4 (moved) and
5.6 was renamed, and both still compare.

Written through scorecards.services.improvement (rights, audit) as the demo's loader
account (Sở Nội vụ, inactive), so that no real user is named for what the demo made up. Idempotent: an item
that exists (period, criterion, agency) is left as it is.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from scorecards.models import Agency, Criterion, EvaluationPeriod, ImprovementItem, PlanStatus

# The agency is the one working in 2025 (Sở Thông tin và Truyền thông merged into Sở Khoa học và Công nghệ).
# code, agency code, target, actions, deadline, (status, note, with an evidence file)
ITEMS = [
    ("2.3.2", "so-tu-phap", "1", "Rà soát, xử lý dứt điểm các văn bản trái pháp luật do cơ quan có thẩm quyền kiến nghị; "
     "báo cáo kết quả xử lý trước thời hạn.", dt.date(2025, 6, 30),
     (PlanStatus.IN_PROGRESS, "Đã xử lý 3/5 văn bản được kiến nghị; 2 văn bản đang lấy ý kiến.", False)),
    ("5.6", "so-noi-vu", "0.28", "Đôn đốc các xã bố trí cán bộ, công chức cấp xã đạt chuẩn; tổng hợp tỷ lệ đạt chuẩn.",
     dt.date(2025, 9, 30), (PlanStatus.DONE, "Tỷ lệ cán bộ, công chức cấp xã đạt chuẩn tăng so với năm 2024.", False)),
    ("6.3.1", "so-tai-chinh", "0.25", "Giao quyền tự chủ tài chính cho các đơn vị sự nghiệp công lập đủ điều kiện.",
     dt.date(2025, 12, 31), (PlanStatus.FAILED, "Các đơn vị chưa đủ điều kiện tự bảo đảm chi thường xuyên trong năm 2025.", False)),
    ("7.3.4", "so-khoa-hoc-va-cong-nghe", "0.625", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Trung tâm "
     "Phục vụ hành chính công và các sở, ngành.", dt.date(2025, 9, 30),
     (PlanStatus.DONE, "Hoàn thành số hóa hồ sơ tiếp nhận từ quý III/2025.", True)),
    ("7.3.6", "so-khoa-hoc-va-cong-nghe", "1.5", "Tăng tỷ lệ hồ sơ trực tuyến toàn trình: hướng dẫn người dân nộp hồ sơ "
     "trực tuyến tại bộ phận một cửa.", dt.date(2025, 12, 31),
     (PlanStatus.DONE, "Đã triển khai hướng dẫn tại bộ phận một cửa các cấp.", False)),
    ("8.4", "so-tai-chinh", "1", "Tăng cường quản lý thu, chống thất thu ngân sách; phấn đấu thu vượt dự toán.",
     dt.date(2025, 12, 31), (PlanStatus.DONE, "Thu ngân sách đạt dự toán Trung ương giao.", False)),
]

DEMO_PDF = b"%PDF-1.4\n% Bao cao ket qua so hoa ho so (minh hoa)\n%%EOF\n"


@transaction.atomic
def load_demo_plans() -> int:
    """Create the demo plan of Điện Biên 2024 where missing; returns how many items were created."""
    from scorecards.services import improvement

    from scorecards.services.demo_rounds import demo_loader

    period = EvaluationPeriod.objects.for_year(2024).filter(round__isnull=True).select_related("framework").first()
    if period is None:
        return 0
    # Every write is the demo loader's (Sở Nội vụ, inactive): no real officer or agency user
    # is shown in the audit log doing what the demo made up.
    officer = demo_loader()
    criteria = {c.code: c for c in Criterion.objects.filter(framework_id=period.framework_id)}
    agencies = {a.code: a for a in Agency.objects.all()}
    created = 0
    for code, agency_code, target, actions, deadline, (status, note, with_file) in ITEMS:
        criterion, agency = criteria.get(code), agencies.get(agency_code)
        if criterion is None or agency is None:
            continue
        if ImprovementItem.objects.filter(period=period, criterion=criterion, agency=agency).exists():
            continue
        item = improvement.create_item(period.pk, criterion.pk, actor=officer, agency_id=agency.pk,
                                       target_points=Decimal(target), actions=actions, deadline=deadline)
        upload = SimpleUploadedFile("bao-cao-ket-qua.pdf", DEMO_PDF, "application/pdf") if with_file else None
        improvement.report_progress(item.pk, actor=officer, version=item.version, status=status, note=note,
                                    uploaded=upload)
        created += 1
    return created
