"""The improvement plan's pages, annex and follow-up a year later (issue 15)."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services.plan_annex import build_plan_annex
from reports.services.plan_followup import ACHIEVED, MISSED, NOT_COMPARABLE, followup_for
from scorecards.choices import Lineage
from scorecards.models import Agency, Criterion, ImprovementItem, ImprovementUpdate, PlanStatus, Score
from scorecards.services import improvement
from scorecards.services.demo_plans import load_demo_plans
from tests.factories import AgencyFactory, FrameworkFactory, build_period

PDF = b"%PDF-1.4\n% test\n%%EOF\n"


@pytest.fixture(autouse=True)
def no_plan(empty_plan):
    """Every test here starts from an empty plan."""


def _c(period, code):
    return Criterion.objects.get(framework_id=period.framework_id, code=code)


def _url(period, name="ke-hoach/"):
    return f"/reports/{period.year}/{name}?period={period.pk}"


@pytest.fixture
def items(period_2024, officer):
    """2.3.2 (Sở Tư pháp, due 30/6/2025, open: late today) and 8.4 (Sở Tài chính, done)."""
    a = improvement.create_item(period_2024.pk, _c(period_2024, "2.3.2").pk, actor=officer,
                                actions="Rà soát văn bản trái pháp luật.", deadline=dt.date(2025, 6, 30))
    b = improvement.create_item(period_2024.pk, _c(period_2024, "8.4").pk, actor=officer, target_points=Decimal("1"),
                                actions="Chống thất thu ngân sách.", deadline=dt.date(2025, 12, 31))
    improvement.report_progress(b.pk, actor=officer, version=1, status=PlanStatus.DONE, note="Thu đạt dự toán.")
    return a, ImprovementItem.objects.get(pk=b.pk)


# --- the board, by persona -----------------------------------------------------------------

def test_officer_sees_every_item_late_ones_counted_and_the_forms(client_for, officer, period_2024, items):
    r = client_for(officer).get(_url(period_2024))
    html = r.content.decode()
    assert r.status_code == 200
    assert f'data-item="{items[0].pk}"' in html and f'data-item="{items[1].pk}"' in html
    assert 'data-code="2.3.2" data-agency="{}" class="late" data-late'.format(items[0].agency_id) in html
    assert 'data-code="8.4" data-agency="{}" class="late"'.format(items[1].agency_id) not in html
    kpi = html.split('data-kpi="late"')[1][:120]
    assert '>1</div>' in kpi
    assert "data-create-form" in html and "data-edit-form" in html


def test_agency_sees_and_reports_only_its_own_items(client_for, tuphap, period_2024, items):
    r = client_for(tuphap).get(_url(period_2024))
    html = r.content.decode()
    assert f'data-item="{items[0].pk}"' in html and f'data-item="{items[1].pk}"' not in html
    assert "data-create-form" not in html and "data-edit-form" not in html and "data-progress-form" in html
    # Another agency's item, by id: refused, nothing written.
    r = client_for(tuphap).post(_url(period_2024), {"action": "progress", "item": items[1].pk, "version": 2,
                                                   "status": "in_progress", "note": "Của người khác."})
    assert r.status_code == 403
    r = client_for(tuphap).post(_url(period_2024), {"action": "create", "criterion": _c(period_2024, "6.1.1").pk,
                                                   "actions": "x", "deadline": "01/05/2025"})
    assert r.status_code == 403
    assert ImprovementItem.objects.count() == 2 and ImprovementUpdate.objects.count() == 1


def test_agency_reports_progress_with_evidence_and_the_file_is_authorised(client_for, tuphap, taichinh, leader,
                                                                          period_2024, items):
    item = items[0]
    upload = SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf")
    r = client_for(tuphap).post(_url(period_2024), {"action": "progress", "item": item.pk, "version": 1,
                                                   "status": "in_progress", "note": "Đã xử lý 3/5.", "file": upload})
    assert r.status_code == 302
    update = ImprovementUpdate.objects.get(item=item)
    assert update.author == tuphap and update.original_name == "ket-qua.pdf"
    url = _url(period_2024, f"ke-hoach/tep/{update.pk}/")
    assert client_for(tuphap).get(url).status_code == 200
    assert b"".join(client_for(leader).get(url).streaming_content) == PDF
    assert client_for(taichinh).get(url).status_code == 403


def test_leader_reads_only(client_for, leader, period_2024, items):
    html = client_for(leader).get(_url(period_2024)).content.decode()
    assert f'data-item="{items[1].pk}"' in html
    assert "data-create-form" not in html and "data-progress-form" not in html and "data-edit-form" not in html
    r = client_for(leader).post(_url(period_2024), {"action": "progress", "item": items[0].pk, "version": 1,
                                                   "status": "done", "note": "x"})
    assert r.status_code == 403
    assert not ImprovementUpdate.objects.filter(item=items[0]).exists()


def test_outsider_is_refused(client_for, outsider, period_2024):
    assert client_for(outsider).get(_url(period_2024)).status_code == 403
    assert client_for(outsider).get(_url(period_2024, "ke-hoach/pdf/")).status_code == 403


def test_officer_creates_from_the_form_and_bad_input_changes_nothing(client_for, officer, period_2024):
    c = _c(period_2024, "6.1.1")
    client = client_for(officer)
    r = client.post(_url(period_2024), {"action": "create", "criterion": c.pk, "target_points": "abc",
                                        "actions": "Giải ngân.", "deadline": "31/12/2025"})
    assert r.status_code == 400 and "không phải là số điểm" in r.content.decode()
    r = client.post(_url(period_2024), {"action": "create", "criterion": c.pk, "target_points": "1,5",
                                        "actions": "Giải ngân.", "deadline": "31/12/2025"})
    assert r.status_code == 400 and "vượt điểm tối đa 1" in r.content.decode()
    assert not ImprovementItem.objects.exists()
    r = client.post(_url(period_2024), {"action": "create", "criterion": c.pk, "target_points": "0,9",
                                        "actions": "Giải ngân.", "deadline": "31/12/2025"})
    assert r.status_code == 302
    item = ImprovementItem.objects.get()
    # 6.1.1's 2024 lead (Sở Kế hoạch và Đầu tư) ended on 28/02/2025: the plan goes to its successor.
    lead = Score.objects.get(period=period_2024, criterion=c).responsible_agency
    assert lead.ended_on and lead.successor_id
    assert (item.target_points, item.agency_id, item.deadline) == (Decimal("0.9"), lead.successor_id, dt.date(2025, 12, 31))


def test_a_stale_edit_is_refused_on_the_page(client_for, officer, period_2024, items):
    item = items[0]
    client = client_for(officer)
    ok = client.post(_url(period_2024), {"action": "update", "item": item.pk, "version": 1, "target_points": "0,9",
                                         "agency": item.agency_id, "actions": "Bản mới.", "deadline": "30/09/2025", "status": "in_progress"})
    assert ok.status_code == 302
    stale = client.post(_url(period_2024), {"action": "update", "item": item.pk, "version": 1, "target_points": "1",
                                            "agency": item.agency_id, "actions": "Bản cũ.", "deadline": "30/06/2025", "status": "not_started"})
    assert stale.status_code == 400 and "tải lại trang" in stale.content.decode()
    item.refresh_from_db()
    assert (item.actions, item.target_points, item.version) == ("Bản mới.", Decimal("0.9"), 2)


def test_filters_by_agency_and_late(client_for, officer, period_2024, items):
    client = client_for(officer)
    html = client.get(_url(period_2024) + f"&agency={items[1].agency_id}").content.decode()
    assert f'data-item="{items[1].pk}"' in html and f'data-item="{items[0].pk}"' not in html
    html = client.get(_url(period_2024) + "&status=late").content.decode()
    assert f'data-item="{items[0].pk}"' in html and f'data-item="{items[1].pk}"' not in html


def test_board_queries_do_not_grow_with_items(client_for, officer, period_2024):
    client = client_for(officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(period_2024)).status_code == 200
        return len(ctx)

    improvement.create_item(period_2024.pk, _c(period_2024, "2.3.2").pk, actor=officer, actions="a",
                            deadline=dt.date(2025, 6, 30))
    few = count()
    for code in ("6.1.1", "8.4", "7.1.1", "7.1.4", "6.1.3"):
        item = improvement.create_item(period_2024.pk, _c(period_2024, code).pk, actor=officer, actions="b",
                                       deadline=dt.date(2025, 6, 30))
        improvement.report_progress(item.pk, actor=officer, version=1, status=PlanStatus.IN_PROGRESS, note="c")
    assert count() == few


# --- the annex -----------------------------------------------------------------------------

def test_annex_pdf_and_docx_hold_the_items(client_for, officer, tuphap, period_2024, items, pdf_text):
    r = client_for(officer).get(_url(period_2024, "ke-hoach/pdf/"))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "KẾ HOẠCH KHẮC PHỤC" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Rà soát văn bản trái pháp luật." in text and "Chống thất thu ngân sách." in text
    assert "Sở Tư pháp" in text and "30/06/2025" in text and "quá hạn" in text
    own = pdf_text(client_for(tuphap).get(_url(period_2024, "ke-hoach/pdf/")).content)
    assert "Rà soát văn bản trái pháp luật." in own and "Chống thất thu ngân sách." not in own

    from docx import Document

    r = client_for(officer).get(_url(period_2024, "ke-hoach/docx/"))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    doc = Document(io.BytesIO(r.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "2.3.2. Xử lý văn bản trái pháp luật do cơ quan có thẩm quyền kiến nghị" in cells
    assert "Chống thất thu ngân sách." in cells and "0,25" in cells  # 8.4: 0,5 of 1,5 → target 1; 2.3.2 lost 0,25


def test_annex_columns_carry_the_loss(period_2024, items):
    annex = build_plan_annex(period_2024, today=dt.date(2025, 7, 1))
    row = annex.rows[0]
    assert (row.code, row.max_points, row.appraised, row.lost, row.target) == ("2.3.2", "1", "0,75", "0,25", "1")
    assert row.late and annex.rows[1].progress == PlanStatus.DONE.label


# --- follow-up a year later ----------------------------------------------------------------

@pytest.fixture
def changed_years(demo):
    """2024 on framework A (1.1, 1.2) and 2025 on B: 1.1 renamed 1.5, 1.2 split into 1.6 and 1.7."""
    province = AgencyFactory(code="tinh-ke-hoach", name="UBND tỉnh Kế Hoạch", kind=Agency.Kind.PROVINCE)
    lead = AgencyFactory(code="so-ke-hoach-thu", name="Sở Thử")
    fa = FrameworkFactory(code="fw-a", total_points=Decimal(2), year_from=2024, year_to=2024)
    fb = FrameworkFactory(code="fw-b", total_points=Decimal(2), year_from=2025, previous=fa)
    a1 = Criterion.objects.create(framework=fa, code="1", name="Lĩnh vực 1", max_points=Decimal(2))
    a11 = Criterion.objects.create(framework=fa, parent=a1, code="1.1", name="Cũ 1.1", max_points=Decimal(1))
    a12 = Criterion.objects.create(framework=fa, parent=a1, code="1.2", name="Cũ 1.2", max_points=Decimal(1))
    b1 = Criterion.objects.create(framework=fb, code="1", name="Lĩnh vực 1", max_points=Decimal(2), lineage=Lineage.SAME)
    b15 = Criterion.objects.create(framework=fb, parent=b1, code="1.5", name="Mới 1.5", max_points=Decimal(1),
                                   lineage=Lineage.RENAMED)
    b16 = Criterion.objects.create(framework=fb, parent=b1, code="1.6", name="Tách 1.6", max_points=Decimal("0.5"),
                                   lineage=Lineage.SPLIT)
    b17 = Criterion.objects.create(framework=fb, parent=b1, code="1.7", name="Tách 1.7", max_points=Decimal("0.5"),
                                   lineage=Lineage.SPLIT)
    b1.predecessors.set([a1])
    b15.predecessors.set([a11])
    b16.predecessors.set([a12])
    b17.predecessors.set([a12])
    p24 = build_period(fa, 2024, subject=province, lead=lead, status="published")
    p25 = build_period(fb, 2025, subject=province, lead=lead, status="published")
    Score.objects.filter(period=p24, criterion=a11).update(appraised_points=Decimal("0.5"))
    Score.objects.filter(period=p24, criterion=a12).update(appraised_points=Decimal("0.4"))
    Score.objects.filter(period=p25, criterion=b15).update(appraised_points=Decimal("0.9"))
    Score.objects.filter(period=p25, criterion__in=[b16, b17]).update(appraised_points=Decimal("0.5"))
    return p24, p25, a11, a12, lead


def test_followup_compares_a_renamed_code_and_not_a_split(changed_years, officer):
    p24, p25, a11, a12, lead = changed_years
    i11 = improvement.create_item(p24.pk, a11.pk, actor=officer, target_points=Decimal("0.8"), actions="a",
                                  deadline=dt.date(2025, 6, 30))
    i12 = improvement.create_item(p24.pk, a12.pk, actor=officer, target_points=Decimal("1"), actions="b",
                                  deadline=dt.date(2025, 6, 30))
    assert i11.agency == lead
    fu = followup_for(p25)
    assert [p.pk for p in fu.previous] == [p24.pk]
    renamed, split = fu.rows
    # 1.1 is 1.5 this year: 0,9 reached against a target of 0,8.
    assert (renamed.item, renamed.current_code, renamed.result, renamed.verdict) == (i11, "1.5", Decimal("0.9"), ACHIEVED)
    assert renamed.gap == Decimal("0.1")
    # 1.2 was split into 1.6 and 1.7: no one figure to compare with, and the row says why.
    assert (split.item, split.verdict, split.result) == (i12, NOT_COMPARABLE, None)
    assert "không so sánh được" in split.verdict_label and "tách từ 1.2" in split.verdict_label


def test_followup_missed_target_and_agency_audience(period_2024, period_2025, items, tuphap):
    from reports.services.analysis_access import audience

    fu = followup_for(period_2025)
    by_code = {r.code: r for r in fu.rows}
    # 2.3.2: target 1, 2025 appraised 0,688 → missed; 8.4: target 1, 0,594 → missed.
    assert (by_code["2.3.2"].result, by_code["2.3.2"].verdict) == (Decimal("0.688"), MISSED)
    assert by_code["8.4"].gap == Decimal("-0.406")
    own = followup_for(period_2025, audience(tuphap, period_2025))
    assert [r.code for r in own.rows] == ["2.3.2"]


def test_the_followup_partial_renders_for_the_overview(period_2025, items):
    from django.template.loader import render_to_string

    html = render_to_string("reports/_plan_followup.html", {"followup": followup_for(period_2025)})
    assert 'data-followup="2.3.2" data-verdict="missed"' in html
    assert "Thực hiện kế hoạch khắc phục năm 2024" in html
    assert render_to_string("reports/_plan_followup.html", {"followup": None}).strip() == ""


# --- demo ----------------------------------------------------------------------------------

def test_demo_plan_is_idempotent_and_followed_up_in_2025(period_2024, period_2025):
    assert load_demo_plans() == 6
    assert load_demo_plans() == 0
    plan = improvement.plan_rows(period_2024, today=dt.date(2026, 1, 1))
    assert plan.late_count == 1 and [r.code for r in plan.rows if r.late] == ["2.3.2"]
    assert ImprovementUpdate.objects.exclude(file="").count() == 1
    by_code = {r.code: r for r in followup_for(period_2025).rows}
    # 7.3.4 moved to 3.4 in 2025 (0,625 against 0,625), 5.6 renamed (0,281 against 0,28): both compare.
    assert (by_code["7.3.4"].current_code, by_code["7.3.4"].verdict) == ("3.4", ACHIEVED)
    assert (by_code["5.6"].result, by_code["5.6"].verdict) == (Decimal("0.281"), ACHIEVED)
    assert by_code["7.3.6"].verdict == MISSED
