"""A figure with no data behind it (nothing self-assessed, nothing appraised, no SIPAS value,
no published result) reads "chưa có" in the report's sentences and "–" in the overview's
cards and tables, never 0; a score entered as 0 still prints 0. And the demo's reasons
carry no sentence twice (8.4 of 2024 once did)."""
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from reports.services import assemble
from reports.services import numbers as n
from reports.services.dashboard import build_dashboard
from scorecards.models import Score, ScoringSource
from tests.reports.helpers import html_text, table_rows

DEMO_FIXTURE = Path(__file__).resolve().parents[2] / "scorecards" / "fixtures" / "dien_bien_demo.json"
# How a missing value used to print: a points total of zero over its maximum, a zero share.
ZERO_OF_MAX = re.compile(r"(?<![\d,])0/\d")
ZERO_SHARE = re.compile(r"(?<![\d,])0,0+%")


def _report(client, year) -> str:
    response = client.get(f"/reports/{year}/")
    assert response.status_code == 200
    return response.content.decode()


def _overview(client, year) -> str:
    response = client.get(f"/reports/{year}/tong-quan/")
    assert response.status_code == 200
    return response.content.decode()


def _card(page: str, kpi: str) -> str:
    return html_text(page.split(f'data-kpi="{kpi}">', 1)[1].split('<div class="card', 1)[0])


def _channels(page: str) -> dict[str, list[str]]:
    return {r[0]: r[1:3] for r in table_rows(page, "channels", kind="grid")}


def _no_zero_for_missing(text: str) -> None:
    for zero in (ZERO_OF_MAX, ZERO_SHARE):
        found = zero.search(text)
        assert not found, text[max(0, found.start() - 80):found.end() + 20]


# --- a period in self-assessment (2026): nothing entered, nothing appraised ------------------

def test_open_period_report_says_chua_co_and_prints_no_zero(officer, client_for, open_period):
    text = html_text(_report(client_for(officer), 2026))
    _no_zero_for_missing(text)
    assert "Chưa có số liệu tự đánh giá, chấm điểm của tỉnh Điện Biên năm 2026 trong hệ thống." in text
    assert "Chưa có kết quả Chỉ số CCHC năm 2026 của tỉnh Điện Biên." in text
    assert "Chưa có kết quả đo lường sự hài lòng của người dân năm 2026." in text


def test_open_period_overview_shows_dashes(leader, client_for, open_period):
    page = _overview(client_for(leader), 2026)
    text = html_text(page)
    _no_zero_for_missing(text)
    assert "0/66,5" not in text
    self_card = _card(page, "self")
    assert self_card.startswith("Tự đánh giá (TLKC) –") and "Chưa có số liệu tự đánh giá" in self_card, self_card
    assert "–" in _card(page, "sipas")
    assert all(points == "–" for points, _max in _channels(page).values())
    # No count of criteria below their maximum where none is appraised: not "0 tiêu chí".
    assert not re.search(r"\b0+ tiêu chí chưa đạt", text)
    assert "Chưa có điểm thẩm định các tiêu chí chấm qua tài liệu kiểm chứng." in text
    assert "Không có tiêu chí nào chưa đạt điểm tối đa" not in text  # that would claim a result


def test_open_period_data_carries_no_data_flags(open_period):
    par = assemble(open_period).par
    assert not par.self_assessed.has_data and par.self_assessed.value is None and par.self_assessed.pct is None
    assert not par.evidence.has_data and par.evidence.lost is None
    assert not any(f.has_data for f in par.fields) and all(f.share is None for f in par.fields)
    assert not par.has_appraisal and not par.has_appraised_scores


# --- the closed 2023 period: appraised and published, no self-assessment in the system -------

def test_2023_overview_has_no_self_assessed_zero(leader, client_for, period_2023):
    page = _overview(client_for(leader), 2023)
    self_card = _card(page, "self")
    assert "0/66,5" not in self_card and "0,000%" not in self_card and "–" in self_card, self_card
    rows = [r for r in table_rows(page, "agencies", kind="grid") if r]  # body rows (the total is in tfoot)
    # Nothing was self-assessed, so the appraisal deducted nothing anyone can count: "–".
    assert rows and all(r[3] == "–" for r in rows), rows
    assert html_text(page.split('<table class="grid agencies">', 1)[1].split("</table>", 1)[0]).endswith("7,32 –")
    losses = table_rows(page, "losses", kind="grid")
    assert losses and all(r[3] == "–" for r in losses)  # "Tự chấm"
    # What was appraised is real: the channels carry their points.
    assert _channels(page)["Tài liệu kiểm chứng (tự đánh giá, thẩm định)"] == ["59,251", "66,5"]


def test_2023_report_total_row_prints_no_zero_for_what_nobody_entered(officer, client_for, period_2023):
    page = _report(client_for(officer), 2023)
    text = html_text(page)
    assert "Chưa có số liệu tự đánh giá, chấm điểm của tỉnh Điện Biên năm 2023 trong hệ thống." in text
    _no_zero_for_missing(text)
    total = table_rows(page, "shortfall")[-1]
    assert total[0] == "TỔNG ĐIỂM" and total[2] == "37" and total[4] == "29,68"
    assert total[3] != "0" and total[5] != "0", total  # self-assessed and deducted: nothing entered
    totals = assemble(period_2023).par.shortfall_totals
    assert totals.self_points is None and totals.deduction is None


# --- some channels or fields without appraised points in a published year ---------------------

@pytest.fixture
def survey_and_field4_missing(period_2024):
    """The 2024 period with the survey channels (leader survey and SIPAS conversion) and
    every leaf of field 4 not appraised: the rest is as published."""
    Score.objects.filter(period=period_2024, criterion__scoring_source__in=[ScoringSource.SURVEY, ScoringSource.SIPAS]
                         ).update(appraised_points=None)
    Score.objects.filter(period=period_2024, criterion__sort_key__startswith=_field_key(period_2024, "4")
                         ).update(appraised_points=None)
    return period_2024


def _field_key(period, code):
    from scorecards.models import Criterion

    return Criterion.objects.get(framework=period.framework, code=code).sort_key


def test_missing_channels_and_fields_read_chua_co_in_the_report(officer, client_for, survey_and_field4_missing):
    text = html_text(_report(client_for(officer), 2024))
    assert ("đối với sự phục vụ của cơ quan hành chính nhà nước: chưa có (tối đa 32 điểm); điểm do Văn phòng Chính phủ "
            "theo dõi") in text
    assert "Lĩnh vực 4: Cải cách tổ chức bộ máy hành chính: chưa có (tối đa 6,5 điểm);" in text
    assert "cơ quan hành chính nhà nước): chưa có (tối đa 10 điểm);" in text
    assert "Điểm quy đổi từ kết quả Khảo sát lãnh đạo, quản lý: chưa có (tối đa 22 điểm)." in text
    for zero in ("0/32", "0/6,5", "0,00/10", "0,00/22"):
        assert zero not in text, zero
    # What is there still prints.
    assert "tài liệu kiểm chứng là 52,404/66,5 điểm" in text  # 58,904 without field 4's 6,5
    assert "Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC: đạt 7,96/8 điểm;" in text


def test_missing_channels_and_fields_show_dashes_in_the_overview(leader, client_for, survey_and_field4_missing):
    page = _overview(client_for(leader), 2024)
    channels = _channels(page)
    assert channels["Khảo sát lãnh đạo, quản lý"] == ["–", "22"]
    assert channels["Quy đổi từ Chỉ số SIPAS"] == ["–", "10"]
    assert channels["Tài liệu kiểm chứng (tự đánh giá, thẩm định)"][0] not in ("–", "0")
    field4 = next(r for r in table_rows(page, "fields", kind="grid") if r[0].startswith("4."))
    # code. name | max | 2023 | 2024 | change | share | lost: nothing appraised in 2024, nothing compared
    assert field4[1] == "10,5" and field4[3:7] == ["–", "–", "–", "–"], field4


def test_partly_appraised_fields_are_not_compared(officer, leader, client_for, survey_and_field4_missing):
    """Field 2 lacks its leader-survey points: comparing its total would count them as 0."""
    text = html_text(_report(client_for(officer), 2024))
    assert "Cải cách thể chế giảm" not in text
    assert "lĩnh vực 2 – Cải cách thể chế (chưa đủ điểm thẩm định các tiêu chí năm nay)" in text
    field2 = next(r for r in table_rows(_overview(client_for(leader), 2024), "fields", kind="grid") if r[0].startswith("2."))
    assert "không so sánh" in field2, field2


def test_a_partly_appraised_year_is_not_compared_with_last_year(officer, client_for, open_period):
    Score.objects.filter(period=open_period, criterion__code__in=["1.3", "2.3.2"]).update(appraised_points=Decimal("1"))
    data = assemble(open_period)
    assert data.par.has_results and data.par.change is None  # 2,00 computed from two leaves is not a fall of 86 points
    text = html_text(_report(client_for(officer), 2026))
    assert "Điểm Chỉ số CCHC năm 2026 của tỉnh Điện Biên đạt" in text and "(năm 2025 đạt" not in text


# --- a real zero still prints 0 --------------------------------------------------------------

def test_self_assessed_zero_entered_prints_zero(officer, leader, client_for, open_period):
    Score.objects.filter(period=open_period, criterion__scoring_source=ScoringSource.EVIDENCE).update(self_points=Decimal("0"))
    text = html_text(_report(client_for(officer), 2026))
    assert "Chỉ số CCHC của tỉnh Điện Biên năm 2026 là 0/66,5 điểm (đạt 0,000% so với điểm tối đa)." in text
    self_card = _card(_overview(client_for(leader), 2026), "self")
    assert "0 /66,5" in self_card and "0,000% so với điểm tối đa" in self_card, self_card


def test_appraised_zero_prints_zero(officer, leader, client_for, period_2024):
    Score.objects.filter(period=period_2024, criterion__scoring_source=ScoringSource.SURVEY).update(appraised_points=Decimal("0"))
    text = html_text(_report(client_for(officer), 2024))
    assert "Điểm quy đổi từ kết quả Khảo sát lãnh đạo, quản lý: đạt 0,00/22 điểm." in text
    assert _channels(_overview(client_for(leader), 2024))["Khảo sát lãnh đạo, quản lý"] == ["0", "22"]
    # 8.2 was self-assessed 0 and appraised 0 in 2024: real zeros in the table.
    row = next(r for r in table_rows(_report(client_for(officer), 2024), "shortfall") if r[0] == "8.2")
    assert row[3:6] == ["0", "0", "0"]


def test_agency_deduction_counts_a_real_zero(period_2024):
    board = build_dashboard(assemble(period_2024))
    assert all(a.deduction is not None for a in board.by_agency)  # every 2024 row was self-assessed
    assert sum(a.deduction for a in board.by_agency) == assemble(period_2024).par.shortfall_totals.deduction


def test_number_helpers_for_missing_values():
    assert n.or_missing(None) == "chưa có" and n.or_missing(Decimal("0")) == "0"
    assert n.or_dash(None) == "–" and n.or_dash(Decimal("0")) == "0" and n.or_dash(Decimal("1.5")) == "1,5"
    assert n.missing_of(Decimal("66.5")) == "chưa có (tối đa 66,5 điểm)"


# --- no sentence twice (8.4 of 2024) ---------------------------------------------------------

def _sentences(text: str) -> list[str]:
    """Sentences of a reason; a sentence glued to the next one ("…địa phương)Căn cứ…") is split too."""
    parts = re.split(r"(?<=[.;!?])\s+|(?<=[.;!?)])(?=[A-ZĐÀ-Ỹ])", text)
    return [p.strip() for p in parts if len(p.strip()) > 15]


def _repeats(text: str, size: int = 60) -> bool:
    """True when some run of `size` characters occurs twice in the text."""
    squashed = " ".join(text.split())
    return any(squashed.find(squashed[i:i + size], i + 1) != -1 for i in range(len(squashed) - size + 1))


def test_2024_report_has_no_sentence_twice_in_the_8_4_row(officer, client_for, period_2024):
    row = next(r for r in table_rows(_report(client_for(officer), 2024), "shortfall") if r[0] == "8.4")
    reason = row[6]
    assert reason.startswith("Căn cứ số liệu thu NSNN năm 2024 của 63 địa phương")
    sentences = _sentences(reason)
    assert len(sentences) == len(set(sentences)), sentences
    assert not _repeats(reason), reason
    assert reason.count("Căn cứ số liệu thu NSNN") == 1


def test_2024_overview_has_no_sentence_twice_for_8_4(leader, client_for, period_2024):
    row = next(r for r in table_rows(_overview(client_for(leader), 2024), "losses", kind="grid") if r[0] == "8.4")
    assert row[7].count("Căn cứ số liệu thu NSNN") == 1 and not _repeats(row[7]), row[7]


def test_no_demo_reason_repeats_itself():
    data = json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))
    for period in data["periods"]:
        for code, values in (period.get("scores") or {}).items():
            reason = (values or {}).get("reason") or ""
            sentences = _sentences(reason)
            assert len(sentences) == len(set(sentences)), (period["year"], code)
            assert not _repeats(reason), (period["year"], code)


def test_chart_and_total_row_print_no_zero_for_missing_data(survey_and_field4_missing, period_2023):
    from reports.services.charts import field_chart_svg
    from reports.services.tables import shortfall_table

    field4 = next(f for f in assemble(survey_and_field4_missing).par.fields if f.code == "4")
    svg = field_chart_svg(assemble(survey_and_field4_missing))
    assert 'data-missing="4"' in svg and 'data-field="4" data-year="2024"' not in svg
    assert not field4.total.has_data
    total = shortfall_table(assemble(period_2023)).rows[-1].cells
    assert total[3].text == "–" and total[5].text == "–"
