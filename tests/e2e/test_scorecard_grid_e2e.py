"""In Chromium, at 1366 px (laptop) and 390 px (phone): the scorecard grid works as a data-entry
tool (issue 13). Enter and the arrows move between cells and never submit; a cell shows when it
is changed or invalid, as typed and after the server's answer (every bad cell at once, nothing
saved); subtotals, totals and the gap to the published score follow typing; leaving with
unsaved changes asks first; a published period opens read only. Screenshots go to
/tmp/scorecard-grid-*.png."""
import re

import pytest

from scorecards.models import AuditEvent, EvaluationPeriod, Score

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def grid_url(live_server, period):
    return f"{live_server.url}/admin/scorecards/evaluationperiod/{period.pk}/scorecard/"


def appraisal_period():
    """The published 2024 period stepped back to appraisal, so that Sở Nội vụ may correct it."""
    period = EvaluationPeriod.objects.for_year(2024).get()
    EvaluationPeriod.objects.filter(pk=period.pk).update(status="appraisal")
    return period


def cell_name(period, code, column):
    return f"s{Score.objects.get(period=period, criterion__code=code).pk}-{column}"


def cell(page, name):
    return page.locator(f'[name="{name}"]')


def focused_name(page):
    return page.evaluate("document.activeElement && document.activeElement.name")


def open_grid(page, login, live_server, period, viewport=LAPTOP, user="sonoivu"):
    page.set_viewport_size(viewport)
    url = grid_url(live_server, period)
    login(user, next_url=url)
    if page.url != url:
        page.goto(url)
    page.wait_for_selector("#sc-grid")
    return page


def count_posts(page):
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    return posts


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_enter_and_arrows_move_between_cells_and_never_submit(page, live_server, demo, login, viewport):
    period = appraisal_period()
    open_grid(page, login, live_server, period, viewport)
    posts = count_posts(page)
    names = {code: cell_name(period, code, "self_points") for code in ("1.3", "1.7", "1.R", "2.3.2", "2.R")}
    cell(page, names["1.3"]).fill("0,5")
    page.keyboard.press("Enter")
    assert focused_name(page) == names["1.7"]             # Enter: the cell below, same column
    page.keyboard.press("ArrowDown")
    assert focused_name(page) == names["1.R"]
    page.keyboard.press("ArrowUp")
    assert focused_name(page) == names["1.7"]
    page.keyboard.press("ArrowRight")                     # the value is selected on arrival: leaves at once
    assert focused_name(page) == cell_name(period, "1.7", "appraised_points")
    page.keyboard.press("ArrowLeft")
    assert focused_name(page) == names["1.7"]
    page.keyboard.press("Shift+Enter")
    assert focused_name(page) == names["1.3"]
    cell(page, names["2.3.2"]).click()
    page.keyboard.press("End")
    page.keyboard.press("ArrowDown")                       # 2.KS is a survey criterion: no self score to stop at
    assert focused_name(page) == names["2.R"]
    # A caret inside the text moves in the text, not to the next cell.
    cell(page, names["2.R"]).evaluate("el => el.setSelectionRange(0, 0)")
    page.keyboard.press("ArrowRight")
    assert focused_name(page) == names["2.R"]
    page.wait_for_timeout(300)
    assert posts == []                                     # nothing was submitted
    assert page.locator(".messagelist .success").count() == 0
    assert str(Score.objects.get(period=period, criterion__code="1.3").self_points) == "0.960"
    assert "is-dirty" in cell(page, names["1.3"]).locator("xpath=..").get_attribute("class")
    page.screenshot(path=f"/tmp/scorecard-grid-keys-{viewport['width']}.png")


def test_cells_show_changed_and_invalid_as_typed(page, live_server, demo, login):
    period = appraisal_period()
    open_grid(page, login, live_server, period)
    name = cell_name(period, "2.3.2", "appraised_points")   # maximum 1, stored 0,75
    td = cell(page, name).locator("xpath=..")
    status = page.locator("#sc-status")
    assert status.inner_text() == "Mọi ô đã lưu."
    for typed, message in [("abc", "“abc” không phải là số điểm."), ("-1", "Điểm không được âm."),
                           ("1,25", "Vượt điểm tối đa 1."), ("0,1234", "Điểm có quá 3 chữ số thập phân.")]:
        cell(page, name).fill(typed)
        assert "is-invalid" in td.get_attribute("class")
        assert td.locator(".sc-msg").inner_text() == message
        assert cell(page, name).get_attribute("aria-invalid") == "true"
    cell(page, name).fill("0,5")
    classes = td.get_attribute("class")
    assert "is-invalid" not in classes and "is-dirty" in classes
    assert td.locator(".sc-msg").count() == 0 and cell(page, name).get_attribute("aria-invalid") is None
    assert status.inner_text() == "Có 1 ô đã sửa, chưa lưu."
    cell(page, name).fill("0.750")                          # the stored value, typed another way: saved again
    assert "is-dirty" not in td.get_attribute("class")
    assert status.inner_text() == "Mọi ô đã lưu."
    survey_self = page.locator('tr[data-code="2.KS"] td.sc-cell').first
    assert "is-locked" in survey_self.get_attribute("class") and survey_self.locator("input").count() == 0


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_server_marks_every_invalid_cell_at_once_and_saves_nothing(page, live_server, demo, login, viewport):
    period = appraisal_period()
    open_grid(page, login, live_server, period, viewport)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    wrong = {
        cell_name(period, "1.3", "appraised_points"): "abc",
        cell_name(period, "1.7", "self_points"): "-0,5",
        cell_name(period, "2.3.2", "appraised_points_round2"): "1,25",
        cell_name(period, "7.1.1", "appraised_points"): "0,75",
    }
    good = cell_name(period, "2.R", "self_points")
    for name, value in wrong.items():
        cell(page, name).fill(value)
    cell(page, good).fill("4")
    page.click("input[type=submit][value='Lưu bảng điểm']")
    page.wait_for_selector("#sc-errors")
    assert dialogs == []                                    # the save button does not ask
    summary = page.locator("#sc-errors li a")
    assert summary.count() == 4
    assert [summary.nth(i).get_attribute("href") for i in range(4)] == [f"#id_{n}" for n in wrong]
    assert "Chưa lưu gì: 4 lỗi." in page.locator("#sc-errors").inner_text()
    for name, value in wrong.items():
        field = cell(page, name)
        assert field.input_value() == value                 # what was typed is still there
        assert field.get_attribute("aria-invalid") == "true"
        assert "is-invalid" in field.locator("xpath=..").get_attribute("class")
        assert page.locator(f"#id_{name}_error").inner_text()    # its message, under the row
    assert "vượt điểm tối đa 0,5" in page.locator(f"#id_{list(wrong)[3]}_error").inner_text()
    assert cell(page, good).input_value() == "4" and "is-dirty" in cell(page, good).locator("xpath=..").get_attribute("class")
    assert Score.objects.get(period=period, criterion__code="2.R").self_points != 4
    assert not AuditEvent.objects.filter(score__period=period).exists()
    # The summary's link puts the cursor in the cell.
    summary.nth(3).click()
    assert focused_name(page) == list(wrong)[3]
    page.screenshot(path=f"/tmp/scorecard-grid-errors-{viewport['width']}.png")
    # Edited, the cell's own check replaces the server's sentence.
    first = list(wrong)[0]
    cell(page, first).fill("0,5")
    assert page.locator(f"#id_{first}_error").count() == 0
    assert "is-fixed" in page.locator("#sc-errors li").first.get_attribute("class")  # struck out in the summary
    assert "is-invalid" not in cell(page, first).locator("xpath=..").get_attribute("class")
    cell(page, first).fill("7")
    assert page.locator(f"#id_{first}_error").inner_text() == "Vượt điểm tối đa 1."
    # Corrected, it saves.
    for name in wrong:
        cell(page, name).fill("")
    page.click("input[type=submit][value='Lưu bảng điểm']")
    page.wait_for_selector(".messagelist .success")
    assert str(Score.objects.get(period=period, criterion__code="2.R").self_points) == "4.000"


def test_subtotals_totals_and_the_published_gap_follow_typing(page, live_server, demo, login):
    period = appraisal_period()
    open_grid(page, login, live_server, period)
    field2 = page.locator('tbody[data-field="2"]')
    evidence = page.locator('#sc-channels tr[data-channel="evidence"]')
    gap = page.locator("#sc-gap")
    assert field2.locator('[data-subtotal="self"]').inner_text() == "6"
    assert page.locator("#sc-total").inner_text() == "88,223"
    assert gap.inner_text() == "Tổng tính từ tiêu chí 88,223 khác điểm Bộ Nội vụ công bố 88,23: chênh 0,007 điểm."

    cell(page, cell_name(period, "2.3.2", "self_points")).fill("0,5")
    assert field2.locator('[data-subtotal="self"]').inner_text() == "5,5"
    assert evidence.locator('[data-sum="self"]').inner_text() == "60,142"

    r1 = cell(page, cell_name(period, "2.3.2", "appraised_points"))
    r1.fill("0,5")
    assert field2.locator('[data-subtotal="appraised"]').inner_text() == "9,182"
    assert field2.locator('[data-subtotal="lost"]').inner_text() == "0,818"
    assert page.locator('tr[data-code="2.3.2"] [data-lost]').inner_text() == "0,5"
    assert evidence.locator('[data-sum="appraised"]').inner_text() == "58,654"
    assert page.locator("#sc-total").inner_text() == "87,973"
    assert gap.inner_text() == "Tổng tính từ tiêu chí 87,973 khác điểm Bộ Nội vụ công bố 88,23: chênh 0,257 điểm."

    # Round 2, once entered, is what counts.
    cell(page, cell_name(period, "2.3.2", "appraised_points_round2")).fill("1")
    assert page.locator("#sc-total").inner_text() == "88,473"
    assert page.locator('tr[data-code="2.3.2"] [data-lost]').inner_text() == "0"
    # Back within the Ministry's rounding (88,23 published to hundredths): no flag.
    cell(page, cell_name(period, "2.3.2", "appraised_points_round2")).fill("0,757")
    assert page.locator("#sc-total").inner_text() == "88,23"
    assert gap.is_hidden()
    # An invalid value counts nowhere (it would not be saved).
    cell(page, cell_name(period, "2.3.2", "appraised_points_round2")).fill("x")
    assert page.locator("#sc-total").inner_text() == "87,973"
    page.screenshot(path="/tmp/scorecard-grid-totals-1366.png")


def test_leaving_with_unsaved_changes_asks_first(page, live_server, demo, login):
    period = appraisal_period()
    open_grid(page, login, live_server, period)
    url = page.url
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.locator(".breadcrumbs a").last.click()            # nothing changed: leaves without a question
    page.wait_for_load_state()
    assert dialogs == [] and "/scorecard/" not in page.url
    page.goto(url)
    cell(page, cell_name(period, "1.3", "self_points")).click()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.locator(".breadcrumbs a").last.click()            # asked; "stay" keeps the page and the value
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == url and cell(page, cell_name(period, "1.3", "self_points")).input_value() == "1"
    page.locator(".breadcrumbs a").last.click()            # asked again; "leave" leaves
    page.wait_for_url(lambda u: "/scorecard/" not in u)
    assert dialogs == ["beforeunload", "beforeunload"]
    assert str(Score.objects.get(period=period, criterion__code="1.3").self_points) == "0.960"


@pytest.mark.parametrize("user", ["sonoivu", "lanhdao"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_published_period_opens_read_only(page, live_server, demo, login, user, viewport):
    period = EvaluationPeriod.objects.for_year(2024).get()
    assert period.status == "published"
    open_grid(page, login, live_server, period, viewport, user=user)
    assert page.locator("#sc-grid input, #sc-grid textarea").count() == 0
    assert page.locator("input[type=submit][value='Lưu bảng điểm']").count() == 0
    assert "đã công bố" in page.locator(".sc-readonly-note").inner_text()
    # The leader's reason column keeps its room; a long reason opens in place.
    notes = page.locator("#sc-grid thead th").last.bounding_box()
    assert notes["width"] >= 200
    reason = page.locator('tr[data-code="7.3.4"] details')
    reason.locator("summary").click()
    assert reason.get_attribute("open") is not None
    page.screenshot(path=f"/tmp/scorecard-grid-readonly-{user}-{viewport['width']}.png")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_grid_fits_the_screen(page, live_server, demo, login, viewport):
    """1366 px: the main columns without sideways scrolling; 390 px: only the table's own box scrolls."""
    period = appraisal_period()
    open_grid(page, login, live_server, period, viewport)
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wrap = page.evaluate("(() => { const w = document.querySelector('.sc-wrap'); return [w.scrollWidth, w.clientWidth]; })()")
    if width == 1366:
        assert wrap[0] <= wrap[1]
        for header in ("Mã", "Tiêu chí", "Tối đa", "Tự đánh giá", "Thẩm định vòng 1", "Vòng 2", "Bị mất"):
            box = page.locator("#sc-grid thead th", has_text=re.compile(f"^{header}$", re.I)).first.bounding_box()
            assert box["x"] + box["width"] <= width, header
    else:
        assert wrap[0] > wrap[1]                             # the table scrolls in its box
        field = cell(page, cell_name(period, "2.3.2", "appraised_points"))
        field.focus()
        assert field.get_attribute("inputmode") == "decimal"  # the phone's decimal keypad
    page.screenshot(path=f"/tmp/scorecard-grid-{width}.png")


def test_the_period_list_shows_the_scorecard_link_at_1366(page, live_server, demo, login):
    page.set_viewport_size(LAPTOP)
    login("sonoivu", next_url="/admin/scorecards/evaluationperiod/")
    page.goto(f"{live_server.url}/admin/scorecards/evaluationperiod/")
    link = page.locator("#result_list a", has_text="Mở bảng điểm").first
    box = link.bounding_box()
    assert box and box["x"] + box["width"] <= 1366
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path="/tmp/scorecard-grid-period-list-1366.png")
