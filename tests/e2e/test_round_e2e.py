"""In Chromium, a province's round end to end: a commune self-assesses its whole scorecard
and locks it with the signed report; the council's appraiser appraises round 1 and flags a
criterion; the commune explains it; the appraiser gives round 2; Sở Nội vụ publishes; the
PDF annex lists the commune with its rank and grade. Another unit never sees the page.

Set WORKFLOW_SCREENSHOTS=/some/dir to keep screenshots of the pages.
"""
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from scorecards import permissions
from scorecards.choices import PeriodStatus
from scorecards.models import AuditEvent, Score
from tests.conftest import DEMO_PASSWORD
from tests.factories import UserFactory
from tests import screens

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shoot(page, name):
    screens.shoot(page, name, "WORKFLOW_SCREENSHOTS")


def user(username, agency=None, group=permissions.AGENCY_STAFF):
    u = UserFactory(username=username, agency=agency, password=DEMO_PASSWORD)
    if group:
        u.groups.add(Group.objects.get(name=group))
    return u


def logout(page):
    page.click("header form button:has-text('Đăng xuất')")
    page.wait_for_load_state("networkidle")


def board_step(page, base, round_id, status):
    """Sở Nội vụ moves the whole round one step on its board (the button of that status)."""
    page.goto(f"{base}/dot-danh-gia/{round_id}/")
    submit(page, f"#round-steps button[value={status}]")


def submit(page, selector):
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_whole_round_in_the_browser(page, live_server, login, demo, tmp_path):
    from scorecards.choices import CouncilRole
    from scorecards.models import User
    from tests.rounds.conftest import make_round

    page.set_viewport_size({"width": 1400, "height": 900})
    officer = User.objects.get(username="sonoivu")
    round_ = make_round(officer, name="Chỉ số CCHC năm 2025 (trình duyệt)", departments=("Sở E2E",),
                        communes=("Xã Nậm Kè thử", "Xã Khác thử"))
    commune = round_.periods.select_related("subject").get(subject__name="Xã Nậm Kè thử")
    other = round_.periods.select_related("subject").get(subject__name="Xã Khác thử")
    user("xa-e2e", commune.subject)
    user("xa-khac-e2e", other.subject)
    appraiser = user("thamdinh-e2e", group=None)
    round_.council.create(name="Thẩm định viên", role=CouncilRole.APPRAISER, user=appraiser)
    # Survey points come from an import; the other commune is fully appraised already.
    Score.objects.filter(period__round=round_, criterion__scoring_source="survey").update(appraised_points=Decimal(1))
    Score.objects.filter(period=other).exclude(criterion__scoring_source="survey").update(
        self_points=Decimal("0.5"), appraised_points=Decimal("0.5"))
    url = f"/dot-danh-gia/phieu/{commune.pk}/"

    # The commune fills every self-assessed leaf in one grid, then locks with its report.
    login("xa-e2e", url)
    assert page.url.endswith(url)
    for row in page.locator("tr.leaf").all():
        points = row.locator("input[name$='-self_points']")
        if points.count():
            points.fill("1")
            row.locator("textarea[name$='-explanation']").fill("Có văn bản kiểm chứng")
    page.click("button:has-text('Lưu bảng điểm')")
    page.wait_for_load_state("networkidle")
    assert Score.objects.filter(period=commune, self_points=Decimal(1)).count() == 8
    report = tmp_path / "bao-cao-tu-danh-gia.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#form-lock input[type=file]", str(report))
    submit(page, "#form-lock button[type=submit]")
    commune.refresh_from_db()
    assert commune.self_locked_at is not None
    assert page.locator("#self-report-link").count() == 1
    shoot(page, "round-locked")
    logout(page)

    # Another commune's staff cannot open it.
    login("xa-khac-e2e", url)
    assert page.locator("text=403").count() or "Không có quyền" in page.content() or page.url != f"{live_server.url}{url}"
    assert "Xã Nậm Kè thử" not in page.locator("main").inner_text()
    logout(page)

    # Sở Nội vụ moves the round to appraisal on its board.
    login("sonoivu", f"/dot-danh-gia/{round_.pk}/")
    board_step(page, live_server.url, round_.pk, PeriodStatus.APPRAISAL)
    round_.refresh_from_db()
    assert round_.status == PeriodStatus.APPRAISAL
    shoot(page, "round-board")
    logout(page)

    # Appraisal, round 1: the appraiser takes a quarter point off 1.1.1 and flags it.
    login("thamdinh-e2e", url)
    for row in page.locator("tr.leaf").all():
        field = row.locator("input[name$='-appraised_points']")
        if field.count() and field.is_editable():
            field.fill("1")
    row = page.locator("tr.leaf[data-code='1.1.1']")
    row.locator("input[name$='-appraised_points']").fill("0,75")
    row.locator("textarea[name$='-appraisal_reason']").fill("Thiếu văn bản chỉ đạo")
    row.locator("input[name$='-explanation_requested']").check()
    page.click("button:has-text('Lưu điểm thẩm định')")
    page.wait_for_load_state("networkidle")
    flagged = Score.objects.get(period=commune, criterion__code="1.1.1")
    assert flagged.appraised_points == Decimal("0.75") and flagged.explanation_requested
    shoot(page, "round-appraised")
    logout(page)

    # Explanation round, opened on the board: the commune explains the flagged criterion.
    login("sonoivu", f"/dot-danh-gia/{round_.pk}/")
    board_step(page, live_server.url, round_.pk, PeriodStatus.EXPLANATION)
    logout(page)
    login("xa-e2e", url)
    page.locator("tr.leaf[data-code='1.1.1'] textarea[name$='-appeal_explanation']").fill(
        "Đã bổ sung Kế hoạch số 12/KH-UBND")
    page.click("button:has-text('Lưu giải trình')")
    page.wait_for_load_state("networkidle")
    flagged.refresh_from_db()
    assert flagged.appeal_explanation == "Đã bổ sung Kế hoạch số 12/KH-UBND"
    logout(page)

    # Round 2 by the appraiser restores the point.
    login("thamdinh-e2e", url)
    page.locator("tr.leaf[data-code='1.1.1'] input[name$='-appraised_points_round2']").fill("1")
    page.click("button:has-text('Lưu điểm thẩm định')")
    page.wait_for_load_state("networkidle")
    flagged.refresh_from_db()
    assert flagged.final_points == Decimal(1)
    logout(page)

    # Sở Nội vụ records the decision and publishes the round on its board.
    round_.refresh_from_db()  # the board moved it on
    round_.decision_number, round_.decision_date, round_.decision_signer = "99/QĐ-UBND", date(2026, 1, 20), "Người ký"
    round_.save()
    login("sonoivu", f"/dot-danh-gia/{round_.pk}/")
    board_step(page, live_server.url, round_.pk, PeriodStatus.APPRAISAL)
    board_step(page, live_server.url, round_.pk, PeriodStatus.PUBLISHED)
    assert AuditEvent.objects.filter(period=commune, action="period.published", actor__username="sonoivu").exists()

    # The annex PDF lists the commune first in its group with grade Tốt (12/12 → 100).
    with page.expect_download() as info:
        page.evaluate(f"window.location = '/reports/dot/{round_.pk}/phu-luc/pdf/'")
    pdf = tmp_path / "phu-luc.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in text.splitlines() if "Xã Nậm Kè thử" in ln)
    assert line.split()[0] == "1" and "Tốt" in line and "100" in line
