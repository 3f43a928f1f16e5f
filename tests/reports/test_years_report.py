"""A year on a new framework and questionnaire version is compared with the year before
through the mapping, like with like: sentences, the field list, footnotes, the chart and
the overview (scenario: tests/reports/test_years_scenario.py). Expected figures are
computed here from the scenario's stored scores and values."""
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import assemble
from reports.services.context import build_context
from reports.services.render_html import render_document
from scorecards.models import EvaluationPeriod, Framework, SipasGroup, SipasIndicator, SipasQuestionnaire
from tests.reports.helpers import html_text, table_rows
from tests.reports.test_years_scenario import build_years, old_code

COMPARED = ("1", "2", "5", "6")  # fields whose content is last year's (1 and 2 swapped codes)
NOT_COMPARED = ("3", "4", "7")  # 3 lost criterion 3.2 to 4 (as 4.3); 7 is new


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def vn(value: Decimal, places: int = 2, strip: bool = True) -> str:
    """88.20 -> "88,2" (strip) or "88,20"; the test's own formatting of an expected figure."""
    text = f"{q2(value) if places == 2 else value:.{places}f}"
    if strip:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@pytest.fixture
def years(demo):
    return build_years("yr")


def load(period):
    return EvaluationPeriod.objects.select_related("framework", "subject__province").get(pk=period.pk)


def document(period, **extra):
    data = assemble(load(period))
    html = render_document(data, context={**build_context(data), **extra})
    return data, html, html_text(html)


def expected_fields(years):
    """{field code: (this year's total, last year's counterpart total or None)} from the scores."""
    p24, p25 = years.periods[2024], years.periods[2025]
    out = {}
    for code in COMPARED + NOT_COMPARED:
        previous = years.field_total(p24, old_code(code)) if code in COMPARED else None
        out[code] = (years.field_total(p25, code), previous)
    return out


def test_fields_compare_with_their_counterparts_not_their_codes(years):
    data = assemble(load(years.periods[2025]))
    expected = expected_fields(years)
    p24 = years.periods[2024]
    # The swap matters: last year's field 1 is not this year's field 1.
    assert years.field_total(p24, "1") != years.field_total(p24, "2")
    got = {f.code: (f.total.points, f.previous_total) for f in data.par.fields}
    assert got == expected
    notes = {f.code: f.previous_note for f in data.par.fields}
    assert notes["1"] == "năm trước là 2" and notes["2"] == "năm trước là 1"
    assert "chuyển 3.2.1, 3.2.2" in notes["3"] and "chuyển 3.2.1, 3.2.2" in notes["4"] and notes["7"].startswith("mới")


def test_sentences_and_footnotes_count_only_what_compares(years):
    data, _html, text = document(years.periods[2025])
    expected = expected_fields(years)
    names = {f.code: f.name for f in data.par.fields}
    changes = {code: q2(cur) - q2(prev) for code, (cur, prev) in expected.items() if prev is not None}
    rose = [c for c in COMPARED if changes[c] > 0]
    fell = [c for c in COMPARED if changes[c] < 0]
    assert rose and fell  # the scenario has both
    assert f"Trong đó, có {len(rose):02d} lĩnh vực tăng điểm so với năm 2024" in text
    rose_note = next(note.text for note in build_context(data)["text"].footnote_list if note.text.startswith("+ "))
    assert rose_note.count("+ ") == len(rose)
    for code in rose:
        assert f"+ {names[code]} (+{vn(changes[code])} điểm" in rose_note, code
    assert f"Tổng điểm (cả điểm điều tra xã hội học) của {len(fell):02d} lĩnh vực giảm điểm so với năm 2024" in text
    assert f"{len(fell):02d} lĩnh vực giảm điểm so với năm 2024 là:" in text
    for code in fell:
        assert re.search(re.escape(names[code]) + r" giảm (nhẹ: )?" + re.escape(vn(-changes[code])) + " điểm", text), code
    # Fields that do not compare are named with the reason, never counted or listed as rising/falling.
    assert ("Không so sánh được với năm 2024: lĩnh vực 3 – Cải cách thủ tục hành chính (nội dung thay đổi so với năm "
            "trước, chuyển 3.2.1, 3.2.2); lĩnh vực 4 – Cải cách tổ chức bộ máy (nội dung thay đổi so với năm trước, chuyển "
            "3.2.1, 3.2.2); lĩnh vực 7 – Lĩnh vực mới 7 (mới, không có nội dung tương ứng năm trước).") in text
    for code in NOT_COMPARED:
        assert f"+ {names[code]} (" not in text and f"{names[code]} giảm" not in text


def test_the_footnote_names_how_the_framework_changed(years):
    _data, _html, text = document(years.periods[2025])
    dropped = max((c.code for c in years.f24.criteria.filter(code__startswith="6.2.")), key=lambda c: int(c.split(".")[-1]))
    assert f"Năm 2025 áp dụng “{years.f25.name}”, năm 2024 áp dụng “{years.f24.name}”; thay đổi: " in text
    for part in ("đổi tên hoặc đổi mã: 1 (năm trước là 2), 2 (năm trước là 1);",
                 "chuyển sang lĩnh vực, tiêu chí khác: 4.3 (năm trước là 3.2);", "mới: 7;", f"bỏ: {dropped};",
                 "không so sánh: 3 (nội dung thay đổi so với năm trước, chuyển 3.2.1, 3.2.2), 4 ("):
        assert part in text, part
    assert "1.1 (năm trước là 2.1)" not in text  # children that changed with their field are not listed again


def test_chart_draws_last_years_bar_only_where_it_compares_and_with_its_field(years):
    data, html, _text = document(years.periods[2025])
    svg = re.search(r"<svg.*?</svg>", html, flags=re.S).group(0)
    expected = expected_fields(years)
    for code, (current, previous) in expected.items():
        cur = re.search(rf'<rect x="\d+" y="([\d.]+)"[^>]*data-field="{code}" data-year="2025"/><text[^>]*>([^<]+)</text>', svg)
        assert cur and cur.group(2) == vn(current, strip=False), code
        prev = re.search(rf'<rect x="\d+" y="([\d.]+)"[^>]*data-field="{code}" data-year="2024"/><text[^>]*>([^<]+)</text>', svg)
        if previous is None:
            assert prev is None and f'data-not-compared="{code}"' in svg, code
        else:
            assert prev.group(2) == vn(previous, strip=False), code
            assert float(prev.group(1)) - float(cur.group(1)) == 12  # right under this field's bar


def test_ranks_out_of_34_are_never_subtracted_from_ranks_out_of_63(years):
    data, _html, text = document(years.periods[2025])
    assert data.par.rank_gain is None and data.sipas.rank_gain is None
    assert "Năm 2025, xếp thứ 5/34 tỉnh, thành; năm 2024: 46/63" in text
    assert "Năm 2024 xếp hạng trong 63 tỉnh, thành; năm 2025 xếp hạng trong 34 tỉnh, thành" in text
    assert "xếp thứ 7/34 tỉnh, thành; tăng 2,86% so với năm 2024 (80,10%, xếp thứ 40/63)." in text
    assert "bậc" not in text.replace("không so sánh bằng số bậc", "")
    # Both years out of 63: places are counted.
    from scorecards.models import NationalResult

    NationalResult.objects.filter(province=years.province, year=2025).update(ranked_count=63)
    data, _html, text = document(years.periods[2025])
    assert data.par.rank_gain == 46 - 5 and data.sipas.rank_gain == 40 - 7
    assert "vị trí xếp hạng tăng 41 bậc, xếp thứ 5/63 tỉnh, thành" in text and "tăng 2,86% và 33 bậc so với năm 2024" in text


def test_sipas_reads_only_its_own_questionnaire_and_compares_through_previous(years):
    p24, p25 = years.periods[2024], years.periods[2025]
    v24, v25 = years.sipas_values(p24), years.sipas_values(p25)
    counterpart = {i.number: i.previous.number for i in SipasIndicator.objects.filter(questionnaire=years.q25, previous__isnull=False)
                   .select_related("previous")}
    assert counterpart[1] == 2 and counterpart[2] == 1 and 40 not in counterpart
    _data, html, text = document(p25)
    assert "được thực hiện với 03 nhóm tiêu chí (40 tiêu chí)" in text
    rows = {r[0].split(".")[0]: r for r in table_rows(html, "sipas")}
    for number in (1, 2, 3, 39):
        prev = v24[counterpart[number]]
        assert rows[str(number)][1:] == [f"{vn(v25[number], strip=False)}%", f"{vn(prev, strip=False)}%",
                                         f"{vn(v25[number] - prev, strip=False)}%"], number
    assert rows["40"][1:] == [f"{vn(v25[40], strip=False)}%", "–", "–"]
    # Group A holds indicators 1–13, all compared; group C holds the new 40: not compared as a whole.
    group_a = q2(sum(v24[counterpart[n]] for n in range(1, 14)) / 13)
    assert rows["A"][2] == f"{vn(group_a, strip=False)}%"
    assert rows["C"][2:] == ["–", "–"] and rows["II"][2:] == ["–", "–"]
    compared = range(1, 40)  # 40 is new
    rose = sum(1 for n in compared if v25[n] > v24[counterpart[n]])
    fell = sum(1 for n in compared if v25[n] < v24[counterpart[n]])
    assert 0 < rose < 39 and 0 < fell
    assert (f"Có {rose:02d}/39 tiêu chí tăng điểm số và {fell:02d} tiêu chí giảm điểm số so với năm 2024 (01 tiêu chí không "
            "so sánh với năm 2024: 40), cụ thể như sau:") in text
    assert "tiêu chí mới, không so sánh: 40; đổi số thứ tự: 1 (năm trước là 2), 2 (năm trước là 1)." in text


def test_adding_an_indicator_to_next_years_questionnaire_never_changes_last_years_report(years):
    _data, before_html, before = document(years.periods[2024])
    assert "được thực hiện với 03 nhóm tiêu chí (39 tiêu chí)" in before
    group = SipasGroup.objects.get(questionnaire=years.q25, code="C")
    SipasIndicator.objects.create(group=group, number=41, text="Tiêu chí thêm cho năm 2025")
    _data, after_html, after = document(years.periods[2024])
    assert after == before and len(table_rows(after_html, "sipas")) == len(table_rows(before_html, "sipas")) == 2 + 3 + 39 + 1
    assert "(41 tiêu chí)" in document(years.periods[2025])[2]


def test_the_overview_compares_like_with_like(years, leader, client_for):
    page = client_for(leader).get(f"/reports/2025/tong-quan/?period={years.periods[2025].pk}")
    assert page.status_code == 200
    html = page.content.decode()
    expected = expected_fields(years)
    rows = {r[0].split(".")[0]: r for r in table_rows(html, "fields", kind="grid")}
    for code, (current, previous) in expected.items():
        # code. name | max | 2024 | 2025 | change | …
        if previous is None:
            assert rows[code][2:5] == ["–", vn(current), "không so sánh"], code
        else:
            change = q2(current) - q2(previous)
            assert rows[code][2:5] == [vn(previous), vn(current), ("+" if change > 0 else "-") + vn(abs(change))], code
    text = html_text(html)
    rank_card = html_text(html.split('data-kpi="par-rank"', 1)[1].split('data-kpi="sipas"', 1)[0])
    assert "5 /34" in rank_card and "năm 2024: 46/63" in rank_card and "bậc" not in rank_card
    sipas_card = html_text(html.split('data-kpi="sipas"', 1)[1].split('data-kpi="self"', 1)[0])
    assert "xếp thứ 7/34" in sipas_card and "(năm 2024: 40/63)" in sipas_card and "bậc" not in sipas_card
    assert "Lĩnh vực 3 không so sánh với năm 2024: nội dung thay đổi so với năm trước, chuyển 3.2.1, 3.2.2." in text
    assert "đổi tên hoặc đổi mã: 1 (năm trước là 2), 2 (năm trước là 1)" in text
    assert "/63" not in rank_card.replace("46/63", "")


def test_highest_ever_needs_every_year_since_the_index_began(years):
    from scorecards.models import NationalResult

    text = document(years.periods[2025])[2]
    assert "cao nhất từ trước đến nay" not in text  # 84,50 beats 2024 but 2012–2023 are unknown
    for year in range(2012, 2024):
        NationalResult.objects.create(year=year, province=years.province, par_score=Decimal("70") + year - 2012, ranked_count=63)
    data, _html, text = document(years.periods[2025])
    assert data.par.history_complete and "là năm tỉnh đạt số điểm cao nhất từ trước đến nay" in text
    NationalResult.objects.filter(province=years.province, year=2015).delete()
    assert "cao nhất từ trước đến nay" not in document(years.periods[2025])[2]


def test_illustrative_figures_are_marked_everywhere_and_2024_is_not(years, officer, leader, client_for):
    from io import BytesIO

    import docx

    from reports.services import render
    from scorecards.models import NationalResult

    p25 = years.periods[2025]
    assert "SỐ LIỆU MINH HỌA" not in document(p25)[2]
    NationalResult.objects.filter(province=years.province, year=2025).update(is_illustrative=True)
    text = document(p25)[2]
    assert "SỐ LIỆU MINH HỌA – không phải kết quả chính thức do Bộ Nội vụ công bố" in text
    preview = client_for(officer).get(f"/reports/2025/?period={p25.pk}").content.decode()
    assert "data-illustrative" in preview and 'class="illustrative-mark"' in preview
    overview = client_for(leader).get(f"/reports/2025/tong-quan/?period={p25.pk}").content.decode()
    assert "data-illustrative" in overview and "SỐ LIỆU MINH HỌA" in overview
    paragraphs = [p.text for p in docx.Document(BytesIO(render(load(p25), "docx").content)).paragraphs]
    assert "SỐ LIỆU MINH HỌA – không phải kết quả chính thức do Bộ Nội vụ công bố" in paragraphs[:6]
    NationalResult.objects.filter(province=years.province, year=2025).update(is_illustrative=False)
    EvaluationPeriod.objects.filter(pk=p25.pk).update(is_illustrative=True)
    assert "SỐ LIỆU MINH HỌA" in document(p25)[2]
    assert "SỐ LIỆU MINH HỌA" not in document(years.periods[2024])[2]  # 2024 compares with nothing illustrative


def test_illustrative_mark_reaches_the_pdf(years, pdf_text):
    from reports.services import render

    EvaluationPeriod.objects.filter(pk=years.periods[2025].pk).update(is_illustrative=True)
    text = " ".join(pdf_text(render(load(years.periods[2025]), "pdf").content).split())
    assert "SỐ LIỆU MINH HỌA" in text


def test_unlinked_versions_compare_nothing_and_tell_staff_only(years, officer, client_for):
    Framework.objects.filter(pk=years.f25.pk).update(previous=None)
    SipasQuestionnaire.objects.filter(pk=years.q25.pk).update(previous=None)
    p25 = years.periods[2025]
    data, printed_html, printed = document(p25)
    assert all(f.previous_total is None for f in data.par.fields) and not data.par.compared
    assert ("Các lĩnh vực không so sánh được với năm 2024 (không đối chiếu được với bộ chỉ số năm trước).") in printed
    assert "hai bộ chỉ số chưa khai báo nội dung tương ứng nên các lĩnh vực không so sánh với năm 2024" in printed
    assert len(table_rows(printed_html, "sipas")[0]) == 2  # no previous-year columns
    assert "tăng 2,86% so với năm 2024 (80,10%, xếp thứ 40/63)" in printed  # published indices still compare
    assert "Ghi chú cho cán bộ (không in)" not in printed and "không khai báo phiên bản trước" not in printed
    preview = html_text(client_for(officer).get(f"/reports/2025/?period={p25.pk}").content.decode())
    assert "Ghi chú cho cán bộ (không in):" in preview
    assert f"Bộ chỉ số “{years.f25.name}” không khai báo phiên bản trước là “{years.f24.name}”" in preview
    assert f"Bộ câu hỏi SIPAS năm 2025 (“{years.q25.name}”) không khai báo phiên bản trước" in preview


def test_the_comparison_reads_a_fixed_number_of_queries(demo, officer, client_for):
    small = build_years("qs", leaves=2)
    large = build_years("ql", leaves=6)
    assert large.f25.criteria.leaves().count() >= 2.5 * small.f25.criteria.leaves().count()

    def count(period):
        period = load(period)
        with CaptureQueriesContext(connection) as ctx:
            assemble(period)
        return len(ctx.captured_queries)

    assert count(small.periods[2025]) == count(large.periods[2025])
    # Against a comparison on the same framework and questionnaire (the demo's 2024 with
    # 2023), the mapping adds one query (the declared counterparts) and the questionnaire
    # change one (last year's indicator numbers).
    assert count(small.periods[2025]) == count(demo) + 2
    client = client_for(officer)
    client.get(f"/reports/2025/?period={small.periods[2025].pk}")  # warm the session

    def page(period, view=""):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/reports/2025/{view}?period={period.pk}").status_code == 200
        return len(ctx.captured_queries)

    assert page(small.periods[2025]) == page(large.periods[2025])
    assert page(small.periods[2025], "tong-quan/") == page(large.periods[2025], "tong-quan/")
