"""The next year's report and overview show last year's improvement plan, item by item,
target against result (through the framework mapping), in HTML, PDF and DOCX alike."""
import io
from decimal import Decimal

import docx
import pytest

from reports.services import assemble, build_context
from reports.services.render_docx import render_docx
from reports.services.render_html import render_document as render_html
from reports.views import period_url
from scorecards.models import ImprovementItem, Score


@pytest.fixture
def plan_2024(period_2024):
    """The demo's plan on the 2024 losses (scorecards.services.demo_plans)."""
    items = list(ImprovementItem.objects.filter(period=period_2024).select_related("criterion"))
    assert items, "load_demo loads the demo plan"
    return items


def _expected(period_2025, items):
    """Per item: this year's appraised points of the same content, read by hand from the mapping
    the demo declares (7.3.4 moved to 3.4 in 2025; the other codes stay)."""
    moved = {"7.3.4": "3.4"}
    out = {}
    for item in items:
        code = moved.get(item.criterion.code, item.criterion.code)
        score = Score.objects.get(period=period_2025, criterion__code=code)
        out[item.criterion.code] = (item.target_points, score.appraised_points,
                                    "đạt" if score.appraised_points >= item.target_points else "chưa đạt")
    return out


def test_the_2025_report_follows_up_the_2024_plan(period_2025, plan_2024):
    data = assemble(period_2025)
    rows = {r.code: (r.target, r.result, r.verdict_label) for r in data.followup.rows}
    assert rows == _expected(period_2025, plan_2024)
    moved = next(r for r in data.followup.rows if r.code == "7.3.4")
    assert moved.current_code == "3.4"
    ctx = build_context(data)
    achieved = sum(1 for v in rows.values() if v[2] == "đạt")
    assert ctx["followup_line"].startswith(f"Kế hoạch khắc phục kết quả năm 2024 có {len(rows):02d} nhiệm vụ: "
                                           f"{achieved:02d} nhiệm vụ đạt mục tiêu")
    html = render_html(data)
    assert ctx["followup_line"] in html and "(năm 2025 là 3.4)" in html


def test_the_docx_prints_the_same_follow_up(period_2025, plan_2024):
    data = assemble(period_2025)
    document = docx.Document(io.BytesIO(render_docx(data)))
    table = next(t for t in document.tables if any("Điểm mục tiêu" in c.text for c in t.rows[0].cells))
    printed = {row.cells[1].text.split()[0]: (row.cells[3].text, row.cells[4].text, row.cells[5].text)
               for row in table.rows[1:]}
    expected = {code: (f"{t.normalize():f}".replace(".", ","), f"{r.normalize():f}".replace(".", ","), v)
                for code, (t, r, v) in _expected(period_2025, plan_2024).items()}
    assert printed == expected


def test_a_year_whose_previous_year_had_no_plan_prints_nothing_of_it(period_2024):
    data = assemble(period_2024)
    assert data.followup.rows == [] and build_context(data)["followup_table"] is None
    assert "Kế hoạch khắc phục kết quả năm" not in render_html(data)


def test_the_overview_shows_last_years_plan_and_this_years_late_items(leader, client_for, period_2025, period_2024,
                                                                      plan_2024):
    html = client_for(leader).get(period_url("dashboard", period_2025)).content.decode()
    assert "Thực hiện kế hoạch khắc phục năm 2024" in html
    for item in plan_2024:
        assert f'data-followup="{item.criterion.code}"' in html
    html = client_for(leader).get(period_url("dashboard", period_2024)).content.decode()
    late = sum(1 for i in plan_2024 if i.is_late())
    assert late and f'data-late-count="{late}"' in html and html.count("data-late") >= late
    assert Decimal(0) <= min(i.target_points for i in plan_2024)
