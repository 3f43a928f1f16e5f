"""In Chromium, the Home Affairs officer at 1366 and 390 px: "Xuất Excel, CSV" from the
unfiltered score list asks for the period, says so when none is chosen, and downloads the
chosen period under a Vietnamese name; the template from a filtered list is that period's;
an upload with mistakes lists them by row. No page scrolls sideways.

Set EXCHANGE_SCREENSHOTS=/some/dir to keep screenshots of the pages.
"""

import openpyxl
import pytest

from scorecards.models import Criterion, EvaluationPeriod
# The browser fixtures of tests/e2e: Debian's Chromium, `login` through the real form.
from tests.e2e.conftest import browser_type_launch_args, login  # noqa: F401
from tests import screens
from tests.screens import no_sideways_scroll

from .conftest import xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def shoot(page, name):
    screens.shoot(page, name, "EXCHANGE_SCREENSHOTS")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_officer_exports_a_period_downloads_its_template_and_reads_the_errors(page, live_server, login, demo,  # noqa: F811
                                                                                  tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    period = EvaluationPeriod.objects.for_year(2024).get()
    login("sonoivu", "/admin/scorecards/score/")
    page.goto(f"{live_server.url}/admin/scorecards/score/")
    page.click("a.export_link")
    page.click("input[type=submit]")
    assert page.locator(".errorlist").inner_text() == "Chọn kỳ đánh giá cần xuất."
    no_sideways_scroll(page)
    shoot(page, f"export-{width}")
    page.select_option("select[name=scope]", label="2024 – Ủy ban nhân dân tỉnh Điện Biên")
    with page.expect_download() as download:
        page.click("input[type=submit]")
    assert download.value.suggested_filename == "diem-2024-ubnd-tinh-dien-bien.xlsx"
    saved = tmp_path / "export.xlsx"
    download.value.save_as(saved)
    codes = [r[0] for r in openpyxl.load_workbook(saved)["Điểm"].iter_rows(min_row=2, values_only=True)]
    assert codes == list(Criterion.objects.filter(framework=period.framework, children__isnull=True)
                         .order_by("sort_key", "pk").values_list("code", flat=True))

    open_period = EvaluationPeriod.objects.for_year(2026).get()
    page.goto(f"{live_server.url}/admin/scorecards/score/?period__id__exact={open_period.pk}")
    with page.expect_download() as download:
        page.click("a.template_link")
    assert download.value.suggested_filename == "mau-diem-2026-ubnd-tinh-dien-bien.xlsx"

    page.click("a.import_link")
    assert page.locator("select[name=scope] option:checked").inner_text() == "2026 – Ủy ban nhân dân tỉnh Điện Biên"
    no_sideways_scroll(page)
    shoot(page, f"import-{width}")
    broken = tmp_path / "loi.xlsx"
    broken.write_bytes(xlsx([["Điểm thẩm định", "Mã tiêu chí", "Điểm tự đánh giá"], ["x", "2.3.2", "abc"],
                             ["", "9.9", "1"]]))
    page.set_input_files("input[name=import_file]", str(broken))
    page.click("input[type=submit]")
    rows = page.locator("table.transfer-errors tbody tr")
    cells = [[c.strip() for c in rows.nth(i).inner_text().split("\t")] for i in range(rows.count())]
    assert [c[:3] for c in cells] == [["2", "2.3.2", "Điểm tự đánh giá"], ["2", "2.3.2", "Điểm thẩm định"],
                                      ["3", "9.9", "Mã tiêu chí"]]
    assert f"“{open_period.framework.name}”" in cells[2][3]
    no_sideways_scroll(page)
    shoot(page, f"errors-{width}")
