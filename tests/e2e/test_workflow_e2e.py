"""In Chromium, the whole round: the Sở Tư pháp officer enters points with evidence and
submits; Sở Nội vụ returns it with a comment; the officer sees the comment, fixes and
resubmits; Sở Nội vụ accepts; the officer can no longer edit.

Submitting is the button "Lưu và gửi Sở Nội vụ" (#submit-button) of the points form
(#form-save): it saves what was typed and submits it in one step; when the step is
refused, the page comes back with what was typed and why.

Set WORKFLOW_SCREENSHOTS=/some/dir to keep screenshots of the pages (desktop and 390 px).
"""
import os
from pathlib import Path

import pytest

from scorecards.models import AuditEvent, EvaluationPeriod, Score

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shoot(page, name):
    folder = os.environ.get("WORKFLOW_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{folder}/{name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{folder}/{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def logout(page):
    page.click("header form button:has-text('Đăng xuất')")
    page.wait_for_load_state("networkidle")


def test_submit_return_fix_resubmit_accept(page, live_server, login, demo):
    page.set_viewport_size({"width": 1280, "height": 800})
    period = EvaluationPeriod.objects.for_year(2026).get()
    score = Score.objects.get(period=period, criterion__code="2.3.2")
    score_url = f"/diem/{score.pk}/"

    # The agency officer lands on the workspace and opens the criterion.
    login("sotuphap", "/")
    assert page.url.endswith("/tieu-chi/")
    assert page.locator("table.scores tbody tr").count() == 1
    shoot(page, "workspace")
    page.click("table.scores a:has-text('2.3.2')")
    assert page.url.split("?")[0].endswith(score_url) and "from=/tieu-chi/" in page.url

    # "Lưu và gửi" without an explanation is refused; what was typed stays on the page.
    page.fill("#form-save input[name=self_points]", "0,75")
    page.click("#submit-button")
    page.wait_for_selector(".messages li.error")
    assert "Cần nhập điểm tự đánh giá và giải trình cách tính điểm trước khi gửi." in page.inner_text(".messages")
    assert page.input_value("#form-save input[name=self_points]") == "0,75"
    assert page.inner_text("#score-state") == "Đang soạn"

    # Points and explanation, then evidence with its document details, then submit.
    page.fill("#form-save textarea[name=explanation]", "Đã kiểm tra 4 văn bản, xử lý 3.")
    shoot(page, "criterion-typed")
    page.click("#form-save button[value=save]")
    page.wait_for_selector(".messages li.success")
    assert page.inner_text("#self-points") == "0,75"
    page.set_input_files("#form-upload input[name=file]",
                         files=[{"name": "Báo cáo 12-BC-STP.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.fill("#form-upload input[name=doc_number]", "12/BC-STP")
    page.fill("#form-upload input[name=title]", "Báo cáo kết quả xử lý văn bản")
    page.click("#form-upload button[type=submit]")
    page.wait_for_selector("#evidence-list a:has-text('Báo cáo 12-BC-STP.pdf')")
    shoot(page, "criterion")
    assert page.inner_text("#submit-button") == "Lưu và gửi Sở Nội vụ"
    assert page.locator("#form-save #submit-button").count() == 1
    page.click("#submit-button")
    page.wait_for_selector(".messages li.success")
    assert page.inner_text("#score-state") == "Đã gửi"
    assert page.locator("#form-save").count() == 0
    logout(page)

    # Sở Nội vụ returns it with a comment; the only one waiting, so back to the (empty) queue.
    login("sonoivu", score_url)
    page.fill("#form-return textarea[name=comment]", "Thiếu quyết định xử lý văn bản thứ tư.")
    page.click("#form-return button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert page.url.endswith("/duyet/") and "Đã trả lại tiêu chí 2.3.2" in page.inner_text(".messages")
    page.goto(live_server.url + score_url)
    assert page.inner_text("#score-state") == "Bị trả lại"
    logout(page)

    # The officer sees the comment, fixes and resubmits.
    login("sotuphap", score_url)
    assert "Thiếu quyết định xử lý văn bản thứ tư." in page.inner_text("#review-comment")
    shoot(page, "criterion-returned")
    # Fixed and resubmitted in one step: "Lưu và gửi" saves what was typed, then submits.
    page.fill("#form-save input[name=self_points]", "1")
    page.fill("#form-save textarea[name=explanation]", "Đã xử lý đủ 4/4 văn bản (bổ sung QĐ số 5).")
    page.click("#submit-button")
    page.wait_for_selector(".messages li.success")
    assert page.inner_text("#score-state") == "Đã gửi"
    assert page.inner_text("#self-points") == "1"
    logout(page)

    # Sở Nội vụ accepts.
    login("sonoivu", score_url)
    page.click("#form-accept button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert page.url.endswith("/duyet/") and "Đã chấp nhận tiêu chí 2.3.2" in page.inner_text(".messages")
    page.goto(live_server.url + score_url)
    assert page.inner_text("#score-state") == "Đã chấp nhận"
    logout(page)

    # The officer can no longer edit.
    login("sotuphap", score_url)
    assert page.inner_text("#score-state") == "Đã chấp nhận"
    assert page.locator("#form-save").count() == 0
    assert page.locator("#submit-button").count() == 0
    assert page.locator("#form-upload").count() == 0
    shoot(page, "criterion-accepted")

    score.refresh_from_db()
    assert (str(score.self_points), score.state) == ("1.000", "accepted")
    actions = list(AuditEvent.objects.filter(score=score).order_by("pk").values_list("action", flat=True))
    assert actions == ["score.self_assessed", "evidence.uploaded", "score.submitted", "score.returned",
                       "score.self_assessed", "score.submitted", "score.accepted"]
