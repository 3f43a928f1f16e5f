"""Frameworks, assignments, SIPAS values and agencies import by their codes, in any row
order, and re-import unchanged."""
from decimal import Decimal

from scorecards.models import Agency, Assignment, Criterion, Framework, SipasValue
from scorecards.resources import services

from .conftest import csv_bytes, xlsx

CRITERIA = [["Mã tiêu chí", "Mã tiêu chí cha", "Tên", "Điểm tối đa", "Nguồn điểm", "Hướng dẫn chấm điểm", "Thứ tự"],
            ["1.1.1", "1.1", "Ban hành kế hoạch CCHC", "0,5", "Tài liệu kiểm chứng", "Đúng hạn: 0,5", 3],
            ["1", "", "Công tác chỉ đạo, điều hành", "1", "", "", 1],
            ["1.1", "1", "Kế hoạch CCHC", "1", "evidence", "", 2],
            ["1.1.2", "1.1", "Mức độ hoàn thành", "0.5", "Điều tra xã hội học lãnh đạo, quản lý", "", 4]]


def test_a_framework_arrives_as_a_spreadsheet_with_children_before_parents(officer, db):
    fw = Framework.objects.create(code="bo-2026", name="Bộ chỉ số 2026")
    preview = services.run_import("criteria", xlsx(CRITERIA, title="Tiêu chí"), "bo.xlsx", scope=fw, actor=officer, dry_run=False)
    assert preview.applied and len(preview.new) == 4, [str(e) for e in preview.errors]
    leaf = Criterion.objects.get(framework=fw, code="1.1.2")
    assert (leaf.parent.code, leaf.level, leaf.max_points, leaf.scoring_source) == ("1.1", 3, Decimal("0.5"), "survey")
    again = services.run_import("criteria", services.export("criteria", "csv", scope=fw), "bo.csv", scope=fw,
                                actor=officer, dry_run=True)
    assert again.ok and len(again.unchanged) == 4


def test_assignments_name_lead_and_supporting_agencies_by_code(open_period, officer):
    rows = [["Mã tiêu chí", "Mã đơn vị chủ trì", "Mã đơn vị phối hợp"], ["2.3.2", "so-tai-chinh", "so-tu-phap; so-noi-vu"]]
    preview = services.run_import("assignments", csv_bytes(rows), "pc.csv", scope=open_period, actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    a = Assignment.objects.get(period=open_period, criterion__code="2.3.2")
    assert a.lead_agency.code == "so-tai-chinh"
    assert sorted(a.supporting_agencies.values_list("code", flat=True)) == ["so-noi-vu", "so-tu-phap"]
    again = services.run_import("assignments", csv_bytes(rows), "pc.csv", scope=open_period, actor=officer, dry_run=True)
    assert [r.status for r in again.rows] == ["unchanged"]


def test_sipas_values_take_percentages_as_typed(open_period, officer):
    rows = [["Số thứ tự tiêu chí", "Tỷ lệ hài lòng (%)"], [1, "82,96%"], ["2", " 79.5 "], [3, 81]]
    preview = services.run_import("sipas", xlsx(rows, title="SIPAS"), "s.xlsx", scope=open_period, actor=officer, dry_run=False)
    assert preview.applied, [str(e) for e in preview.errors]
    values = dict(SipasValue.objects.filter(period=open_period).values_list("indicator__number", "pct"))
    assert (values[1], values[2], values[3]) == (Decimal("82.96"), Decimal("79.5"), Decimal("81"))


def test_new_agencies_are_created_and_known_ones_updated(officer, db):
    rows = [["Mã đơn vị", "Tên", "Loại", "Đang hoạt động"], ["so-moi", "Sở Mới", "UBND cấp huyện", "Có"]]
    preview = services.run_import("agencies", xlsx(rows), "dv.xlsx", actor=officer, dry_run=False)
    assert preview.applied and Agency.objects.get(code="so-moi").kind == "district"
    rows[1][1] = "Sở Mới (đổi tên)"
    preview = services.run_import("agencies", xlsx(rows), "dv.xlsx", actor=officer, dry_run=True)
    [change] = preview.changed
    assert [(c.old_display, c.new_display) for c in change.changes] == [("Sở Mới", "Sở Mới (đổi tên)")]
