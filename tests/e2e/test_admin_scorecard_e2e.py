"""In Chromium: the demo officer logs in to /admin/, opens the 2024 scorecard (stepped back
to appraisal: a published period opens read-only), changes a self-assessed score, saves,
and sees the field subtotal change; the published 2024 grid has no input at all."""
import pytest

from scorecards.models import EvaluationPeriod, Score

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_edits_the_2024_scorecard_in_the_admin(page, live_server, demo, login):
    period = EvaluationPeriod.objects.for_year(2024).get()
    EvaluationPeriod.objects.filter(pk=period.pk).update(status="appraisal")
    login("sonoivu", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/")
    page.click("#content-main >> text=Kỳ đánh giá")
    row = page.locator("tr", has_text="2024").filter(has_text=period.subject.name)  # not a round unit's scorecard
    row.locator("text=Mở bảng điểm").click()
    field2_self = page.locator('tbody[data-field="2"] [data-subtotal="self"]')
    assert field2_self.inner_text() == "6"

    score = Score.objects.get(period=period, criterion__code="2.3.2")
    page.fill(f'input[name="s{score.pk}-self_points"]', "0,75")
    page.click("input[type=submit][value='Lưu bảng điểm']")
    page.wait_for_selector(".messagelist .success")
    assert field2_self.inner_text() == "5,75"
    page.screenshot(path="/tmp/scorecard-e2e.png", full_page=False)
    score.refresh_from_db()
    assert str(score.self_points) == "0.750"


def test_the_published_2024_scorecard_opens_read_only(page, live_server, demo, login):
    login("sonoivu", next_url="/admin/")
    period = EvaluationPeriod.objects.for_year(2024).get()
    page.goto(f"{live_server.url}/admin/scorecards/evaluationperiod/{period.pk}/scorecard/")
    assert page.locator('input[name$="-self_points"]').count() == 0
    assert page.locator("input[type=submit][value='Lưu bảng điểm']").count() == 0
