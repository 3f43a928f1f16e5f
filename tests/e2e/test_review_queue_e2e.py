"""In Chromium, on a laptop (1366 px) and a phone (390 px), the review flow as a queue:

Sở Nội vụ sees on its home page how many criteria wait, opens the queue (a count per state),
opens the first criterion, goes to the next and back, returns one with a reason and lands
on the next one; Sở Tư pháp sees "1 tiêu chí bị trả lại cần sửa" on its page, opens the
filtered list, fixes and resubmits; Sở Nội vụ accepts it and, at the end of the queue, is
back on the queue. The agency is mailed on the return and the acceptance, with absolute
links. The leader reads the same criterion without the review forms.

Set QUEUE_SCREENSHOTS=/some/dir to keep screenshots of each persona's pages.
"""

import pytest
from django.core import mail

from scorecards.models import EvaluationPeriod, Score, User
from scorecards.services import workflow
from tests import screens
from tests.screens import no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shoot(page, name, width):
    screens.shoot(page, f"{name}-{width}", "QUEUE_SCREENSHOTS")


def logout(page):
    page.click("header form button:has-text('Đăng xuất')")
    page.wait_for_load_state("networkidle")


def submit(period, username, code):
    user = User.objects.get(username=username)
    s = Score.objects.get(period=period, criterion__code=code)
    s = workflow.save_self_assessment(s.pk, actor=user, self_points=s.criterion.max_points / 2,
                                      explanation="Đã thực hiện, có báo cáo kèm theo.", version=s.version)
    return workflow.submit_score(s.pk, actor=user, version=s.version)


def tab_count(page, state):
    return int(page.inner_text(f"#state-tabs a[data-state={state}] .n"))


@pytest.mark.parametrize("width", [1366, 390])
def test_the_reviewer_works_through_the_queue_and_the_agency_follows(page, live_server, login, demo, settings, width):
    settings.SITE_URL = "https://cchc.dienbien.gov.vn"
    page.set_viewport_size({"width": width, "height": 900})
    period = EvaluationPeriod.objects.for_year(2026).get()
    for username, code in (("sotuphap", "2.3.2"), ("sotaichinh", "6.1.1"), ("sotaichinh", "8.2"), ("sotaichinh", "8.4")):
        submit(period, username, code)
    stp = Score.objects.get(period=period, criterion__code="2.3.2")
    mail.outbox.clear()

    # Sở Nội vụ: the home page says how many wait; the queue counts each state.
    login("sonoivu", "/")
    assert "4 tiêu chí chờ duyệt" in page.inner_text("#review-waiting")
    shoot(page, "sonoivu-home", width)
    page.click("#review-waiting a")
    page.wait_for_selector("#state-tabs")
    assert page.url.endswith("/duyet/")
    assert (tab_count(page, "submitted"), tab_count(page, "returned"), tab_count(page, "accepted")) == (4, 0, 0)
    assert page.locator("table.scores tbody tr").count() == 4
    no_sideways_scroll(page)
    shoot(page, "sonoivu-queue", width)

    # The first criterion (oldest first: 2.3.2), then the next, then back.
    page.click("table.scores a:has-text('2.3.2')")
    page.wait_for_selector("#pager")
    assert page.inner_text("#position") == "1/4"
    assert page.inner_text("#back-link") == "Hồ sơ chờ duyệt"
    assert "Tiêu chí được giao" not in page.inner_text("main")
    page.click("#next-link")
    page.wait_for_selector("#pager")
    assert page.inner_text("#position") == "2/4" and "6.1.1" in page.inner_text("h1")
    no_sideways_scroll(page)
    shoot(page, "sonoivu-criterion", width)
    page.click("#previous-link")
    page.wait_for_selector("#form-return")
    assert "2.3.2" in page.inner_text("h1")

    # Returned with a reason: the page goes on to the next criterion of the queue.
    page.fill("#form-return textarea[name=comment]", "Thiếu quyết định xử lý văn bản thứ tư.")
    page.click("#form-return button[type=submit]")
    page.wait_for_selector(".messages li.success")
    assert "Đã trả lại tiêu chí 2.3.2" in page.inner_text(".messages")
    assert "6.1.1" in page.inner_text("h1") and page.inner_text("#position") == "1/3"
    page.click("#back-link")
    page.wait_for_selector("#state-tabs")
    assert (tab_count(page, "submitted"), tab_count(page, "returned")) == (3, 1)
    page.click("#state-tabs a[data-state=returned]")
    page.wait_for_selector("#state-tabs a.current[data-state=returned]")
    assert page.locator("table.scores tbody tr").count() == 1
    logout(page)

    # Sở Tư pháp: told on its own page, fixes and resubmits from the filtered list.
    login("sotuphap", "/")
    assert "1 tiêu chí bị trả lại cần sửa" in page.inner_text("#review-news")
    assert "Thiếu quyết định xử lý văn bản thứ tư." in page.inner_text("#review-news")
    no_sideways_scroll(page)
    shoot(page, "sotuphap-workspace", width)
    page.click("#returned-link")
    page.wait_for_selector("#state-tabs a.current[data-state=returned]")
    assert page.locator("table.scores tbody tr").count() == 1
    if width == 390:  # the phone card labels the state as the state; no appraisal yet, no appraisal label
        labels = page.eval_on_selector_all(
            "table.scores tbody tr td", "tds => tds.filter(td => td.offsetParent !== null)"
            ".map(td => getComputedStyle(td, '::before').content)")
        assert '"Trạng thái: "' in labels and not any("Thẩm định" in label for label in labels)
    page.click("table.scores a:has-text('2.3.2')")
    page.wait_for_selector("#form-save")
    assert page.inner_text("#back-link") == "Tiêu chí được giao · Bị trả lại"
    shoot(page, "sotuphap-criterion", width)
    page.fill("#form-save input[name=self_points]", "1")
    page.fill("#form-save textarea[name=explanation]", "Đã xử lý đủ 4/4 văn bản (bổ sung QĐ số 5).")
    page.click("#submit-button")
    page.wait_for_selector(".messages li.success")
    assert page.inner_text("#score-state") == "Đã gửi"
    page.click("#back-link")
    page.wait_for_selector("#state-tabs")
    assert tab_count(page, "returned") == 0 and tab_count(page, "submitted") == 1
    logout(page)

    # Sở Nội vụ accepts the resubmission, the last of the queue: the first still waiting opens.
    login("sonoivu", "/duyet/")
    assert tab_count(page, "submitted") == 4
    first = page.inner_text("table.scores tbody tr:first-child td:nth-child(2)").strip()
    page.click("table.scores a:has-text('2.3.2')")
    page.wait_for_selector("#form-accept")
    assert page.inner_text("#position") == "4/4"
    page.click("#form-accept button[type=submit]")
    page.wait_for_selector("#position")
    assert "Đã chấp nhận tiêu chí 2.3.2" in page.inner_text(".messages")
    assert "mở lại tiêu chí đầu tiên còn chờ duyệt" in page.inner_text(".messages")
    assert page.inner_text("#position") == "1/3" and first in page.inner_text("h1")
    page.click("#back-link")
    page.wait_for_selector("#state-tabs")
    assert (tab_count(page, "submitted"), tab_count(page, "accepted")) == (3, 1)
    logout(page)

    # The agency sees the acceptance; it was mailed both decisions, with absolute links.
    login("sotuphap", "/")
    assert page.locator("#review-news li[data-decision='score.accepted']").count() == 1
    shoot(page, "sotuphap-accepted", width)
    logout(page)
    to_stp = [m for m in mail.outbox if m.to == ["sotuphap@demo.chiso-cchc.local"]]
    assert [m.subject for m in to_stp] == ["[Chỉ số CCHC] Tiêu chí 2.3.2 bị trả lại",
                                           "[Chỉ số CCHC] Tiêu chí 2.3.2 đã được chấp nhận"]
    assert all(f"https://cchc.dienbien.gov.vn/diem/{stp.pk}/" in m.body for m in to_stp)

    # The leader reads the criterion and the lists, without the review forms or the queue.
    login("lanhdao", "/")
    assert page.locator("#review-waiting").count() == 0
    shoot(page, "lanhdao-home", width)
    page.goto(f"{live_server.url}/tieu-chi/?state=accepted")
    assert tab_count(page, "accepted") == 1
    shoot(page, "lanhdao-workspace", width)
    page.click("table.scores a:has-text('2.3.2')")
    page.wait_for_selector("#crumbs")
    assert page.inner_text("#back-link") == "Tiêu chí của các đơn vị · Đã chấp nhận"
    assert page.locator("#form-accept, #form-return, #form-save").count() == 0
    no_sideways_scroll(page)
    shoot(page, "lanhdao-criterion", width)
