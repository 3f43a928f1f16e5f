"""The scorecard grid in the admin: who may use it, what a save does, and its cost."""
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards import permissions
from scorecards.models import AuditEvent, Score
from tests.factories import AgencyFactory, UserFactory, build_framework, build_period


def url(period):
    return reverse("admin:scorecards_evaluationperiod_scorecard", args=[period.pk])


def subtotal(html, field, kind):
    block = re.search(rf'data-field="{field}".*?data-subtotal="{kind}"[^>]*>([^<]*)<', html, re.S)
    return block.group(1).strip()


def grid_data(client, period) -> dict:
    """The form as the browser would send it untouched (every row)."""
    html = client.get(url(period)).content.decode()
    data = {}
    for tag in re.findall(r'<input[^>]*name="s\d+-[^>]*>', html):
        value = re.search(r' value="([^"]*)"', tag)
        data[re.search(r'name="([^"]+)"', tag).group(1)] = value.group(1) if value else ""
    for name, value in re.findall(r'<textarea[^>]*name="(s\d+-[a-z_]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        data[name] = value
    return data


def grid_post(client, period, **overrides):
    """The form as the browser sends it (every row), with some inputs changed."""
    return client.post(url(period), {**grid_data(client, period), **overrides})


def prefix(period, code):
    return f"s{Score.objects.get(period=period, criterion__code=code).pk}"


def test_it_shows_every_leaf_with_field_subtotals(client, officer, period_2024):
    client.force_login(officer)
    html = client.get(url(period_2024)).content.decode()
    assert html.count('class="sc-row') == Score.objects.filter(period=period_2024).count()
    assert subtotal(html, "2", "self") == "6"
    assert subtotal(html, "2", "appraised") == "9,432"
    assert 'id="sc-total">88,223<' in html
    assert "Sở Tư pháp" in html or "STP" in html


def test_saving_a_self_score_changes_the_field_subtotal(client, officer, appraisal_2024):
    client.force_login(officer)
    p = prefix(appraisal_2024, "2.3.2")
    response = grid_post(client, appraisal_2024, **{f"{p}-self_points": "0,5"})
    assert response.status_code == 302
    html = client.get(url(appraisal_2024)).content.decode()
    assert subtotal(html, "2", "self") == "5,5"
    assert AuditEvent.objects.filter(action="score.self_assessed", actor=officer, score__criterion__code="2.3.2").exists()


def test_one_bad_row_saves_nothing_and_names_the_criterion(client, officer, appraisal_2024):
    client.force_login(officer)
    good, bad = prefix(appraisal_2024, "2.3.2"), prefix(appraisal_2024, "7.1.1")
    response = grid_post(client, appraisal_2024, **{f"{good}-self_points": "0,5", f"{bad}-appraised_points": "0,75"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Điểm thẩm định (vòng 1) của tiêu chí 7.1.1 là 0,75, vượt điểm tối đa 0,5." in html
    assert Score.objects.get(period=appraisal_2024, criterion__code="2.3.2").self_points == Decimal("1")


def test_text_in_a_points_cell_is_refused(client, officer, appraisal_2024):
    client.force_login(officer)
    p = prefix(appraisal_2024, "2.3.2")
    html = grid_post(client, appraisal_2024, **{f"{p}-self_points": "một"}).content.decode()
    assert "2.3.2 – Điểm tự đánh giá: “một” không phải là số điểm." in html


def test_a_closed_period_is_read_only_and_refuses_posts(client, officer, period_2023):
    client.force_login(officer)
    html = client.get(url(period_2023)).content.decode()
    assert 'name="s' not in html
    p = prefix(period_2023, "2.3.2")
    assert client.post(url(period_2023), {f"{p}-appraised_points": "0", f"{p}-version": "1"}).status_code == 403
    assert Score.objects.get(period=period_2023, criterion__code="2.3.2").appraised_points == Decimal("1")


def test_a_leader_reads_but_cannot_save(client, leader, period_2024):
    client.force_login(leader)
    html = client.get(url(period_2024)).content.decode()
    assert 'id="sc-total">88,223<' in html and 'name="s' not in html
    assert client.post(url(period_2024), {}).status_code == 403


@pytest.mark.parametrize("persona", ["tuphap", "taichinh", "outsider"])
def test_agency_staff_and_outsiders_are_kept_out(client, request, period_2024, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url(period_2024))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def count_queries(client, period):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(period)).status_code == 200
    return len(ctx)


def test_query_count_does_not_grow_with_the_framework(client, officer, period_2024):
    client.force_login(officer)
    demo_count = count_queries(client, period_2024)
    leaves = Score.objects.filter(period=period_2024).count()
    big = build_period(build_framework(fields=8, criteria_per_field=5, leaves_per_criterion=12), year=2030,
                       subject=AgencyFactory(code="tinh-lon", name="Tỉnh lớn"), lead=AgencyFactory(code="so-x", name="Sở X"))
    big_leaves = Score.objects.filter(period=big).count()
    assert big_leaves >= 5 * leaves
    big_count = count_queries(client, big)
    print(f"scorecard queries: demo ({leaves} leaves) {demo_count}; generated ({big_leaves} leaves) {big_count}")
    assert big_count == demo_count


def test_the_demo_grid_uses_a_fixed_number_of_queries(client, officer, period_2024, django_assert_num_queries):
    client.force_login(officer)
    client.get(url(period_2024))  # warm the session
    # session, user, period, 2× permissions, groups, criteria, scores (with their agency), published result,
    # the previous period (whose framework the comparison warning checks), the user's agency (the admin's
    # header names it: templates/admin/base_site.html)
    with django_assert_num_queries(11):
        client.get(url(period_2024))


def test_a_new_officer_in_the_group_can_enter_scores(client, appraisal_2024):
    user = UserFactory(username="canbo-moi", is_staff=True)
    user.groups.add(Group.objects.get(name=permissions.HOME_AFFAIRS))
    client.force_login(user)
    p = prefix(appraisal_2024, "2.3.2")
    assert grid_post(client, appraisal_2024, **{f"{p}-explanation": "Giải trình mới"}).status_code == 302
    assert Score.objects.get(period=appraisal_2024, criterion__code="2.3.2").explanation == "Giải trình mới"


def test_an_untouched_multiline_reason_is_not_saved_again(client, officer, appraisal_2024):
    client.force_login(officer)
    score = Score.objects.get(period=appraisal_2024, criterion__code="7.3.4")
    assert "\n" in score.appraisal_reason
    p = f"s{score.pk}"
    # Browsers send textarea line breaks as CRLF.
    response = grid_post(client, appraisal_2024, **{f"{p}-appraisal_reason": score.appraisal_reason.replace("\n", "\r\n")})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.version == 1
    assert not AuditEvent.objects.filter(score=score).exists()


def test_the_admin_speaks_vietnamese_to_an_english_browser(client, officer):
    client.force_login(officer)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi"' in html and "Đổi mật khẩu" in html and "Change password" not in html


def test_english_is_available_through_the_language_switch(client, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    html = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="en"' in html and "Change password" in html


# --- Issue 13: the grid as a data-entry tool -------------------------------------------------

def cell(html, name):
    """The <td> (or text block) holding the input `name`, with its state classes and message."""
    match = re.search(rf'<(td|div) class="[^"]*"[^>]*>(?:(?!</\1>).)*?name="{name}".*?</\1>', html, re.S)
    assert match, name
    return match.group(0)


def summary_links(html):
    box = re.search(r'<div class="sc-errors".*?</ol>', html, re.S)
    assert box, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', box.group(0))


def test_every_invalid_cell_comes_back_marked_in_one_answer_and_nothing_is_saved(client, officer, appraisal_2024):
    """Text, a negative, an over-maximum, too many decimals, in five rows: one answer marks
    them all (the over-maximum and negative ones came only on the next save before)."""
    client.force_login(officer)
    p = {code: prefix(appraisal_2024, code) for code in ("1.3", "1.7", "2.3.2", "2.KS", "2.R", "7.1.1")}
    before = {s.pk: (s.self_points, s.appraised_points, s.appraised_points_round2, s.version)
              for s in Score.objects.filter(period=appraisal_2024)}
    response = grid_post(client, appraisal_2024, **{
        f"{p['7.1.1']}-appraised_points": "0,75",         # over the maximum 0,5 (the last row of the five)
        f"{p['1.3']}-appraised_points": "abc",            # not a number
        f"{p['1.7']}-self_points": "-0,5",                # negative
        f"{p['2.3.2']}-appraised_points_round2": "1,25",  # over the maximum 1
        f"{p['2.KS']}-appraised_points": "3,6825",        # four decimals
        f"{p['2.R']}-self_points": "4",                   # a good change, not saved either
    })
    html = response.content.decode()
    assert response.status_code == 200
    expected = [
        (f"id_{p['1.3']}-appraised_points", "“abc” không phải là số điểm."),
        (f"id_{p['1.7']}-self_points", "Điểm tự đánh giá của tiêu chí 1.7 không được âm."),
        (f"id_{p['2.3.2']}-appraised_points_round2", "Điểm thẩm định (vòng 2) của tiêu chí 2.3.2 là 1,25, vượt điểm tối đa 1."),
        (f"id_{p['2.KS']}-appraised_points", "Điểm thẩm định (vòng 1) của tiêu chí 2.KS có quá 3 chữ số thập phân (3,6825)."),
        (f"id_{p['7.1.1']}-appraised_points", "Điểm thẩm định (vòng 1) của tiêu chí 7.1.1 là 0,75, vượt điểm tối đa 0,5."),
    ]
    # The summary lists every error in row order, each a link to its cell.
    links = summary_links(html)
    assert [anchor for anchor, _text in links] == [anchor for anchor, _message in expected]
    assert "Chưa lưu gì: 5 lỗi." in html
    for (anchor, message), (_a, text) in zip(expected, links, strict=True):
        assert message in text
        # The cell itself: marked, its input flagged for assistive technology and pointing to its
        # message, which stands in the line under the row (a points column is too narrow for it).
        td = cell(html, anchor.removeprefix("id_"))
        assert "is-invalid" in td.split(">", 1)[0]
        assert 'aria-invalid="true"' in td and f'aria-describedby="{anchor}_error"' in td
        assert f'id="{anchor}"' in td
        row_and_line = re.search(rf'{re.escape(td)}.*?</tr>\s*<tr class="sc-msg-row">.*?</tr>', html, re.S).group(0)
        assert re.search(rf'<p class="sc-msg" id="{anchor}_error">[^<]*{re.escape(message)}', row_and_line)
    # What was typed stays in the cells; the good change is marked changed, not lost.
    assert 'value="abc"' in cell(html, f"{p['1.3']}-appraised_points")
    good = cell(html, f"{p['2.R']}-self_points")
    assert "is-dirty" in good.split(">", 1)[0] and 'value="4"' in good
    after = {s.pk: (s.self_points, s.appraised_points, s.appraised_points_round2, s.version)
             for s in Score.objects.filter(period=appraisal_2024)}
    assert after == before
    assert not AuditEvent.objects.filter(score__period=appraisal_2024).exists()


def test_a_row_saved_meanwhile_by_someone_else_is_marked_and_nothing_is_saved(client, officer, appraisal_2024):
    from scorecards.services.scoring import ScoreChange, apply_score_changes

    client.force_login(officer)
    data = grid_data(client, appraisal_2024)  # the page as loaded
    other = UserFactory(username="canbo-khac", first_name="Khác", is_staff=True)
    other.groups.add(Group.objects.get(name=permissions.HOME_AFFAIRS))
    score = Score.objects.get(period=appraisal_2024, criterion__code="2.3.2")
    apply_score_changes(appraisal_2024, [ScoreChange(score.pk, {"appraised_points": Decimal("0.5")})], actor=other)
    p, q = f"s{score.pk}", prefix(appraisal_2024, "1.3")
    response = client.post(url(appraisal_2024), {**data, f"{p}-appraised_points": "1", f"{q}-self_points": "0,5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [a for a, _t in summary_links(html)] == [f"sc-row-{score.pk}"]
    row = re.search(rf'<tr class="sc-row[^"]*"[^>]*id="sc-row-{score.pk}".*?</tr>', html, re.S).group(0)
    assert "is-invalid" in row.split(">", 1)[0] and "vừa được Khác" in row
    assert "Đang lưu: Điểm thẩm định: 0,5" in row and "lưu lần nữa để ghi giá trị của bạn" in row
    assert Score.objects.get(pk=score.pk).appraised_points == Decimal("0.5")
    assert Score.objects.get(period=appraisal_2024, criterion__code="1.3").self_points != Decimal("0.5")
    # Nothing typed is lost, and the page now carries the version the editor has seen:
    # saving again (other rows' values included) writes what they typed.
    assert re.search(rf'name="{p}-appraised_points"[^>]*value="1"', html) or re.search(rf'value="1"[^>]*name="{p}-appraised_points"', html)
    again = {name: value for name, value in re.findall(r'name="(s\d+-\w+)"[^>]*value="([^"]*)"', html)}
    assert again[f"{p}-version"] == str(Score.objects.get(pk=score.pk).version)
    response = client.post(url(appraisal_2024), {**data, f"{p}-appraised_points": "1", f"{q}-self_points": "0,5",
                                                 f"{p}-version": again[f"{p}-version"]})
    assert response.status_code == 302
    assert Score.objects.get(pk=score.pk).appraised_points == Decimal("1")
    assert Score.objects.get(period=appraisal_2024, criterion__code="1.3").self_points == Decimal("0.5")


@pytest.mark.parametrize("typed", ["1e3", "1_0", "٣", "0x1", "1,2,3"])
def test_the_server_reads_points_as_the_page_does(client, officer, appraisal_2024, typed):
    """ASCII digits and one decimal mark: Python's Decimal would take "1e3", "1_0" and "٣",
    which the grid's script calls invalid; the server used to save them."""
    client.force_login(officer)
    p = prefix(appraisal_2024, "2.3.2")
    before = Score.objects.get(period=appraisal_2024, criterion__code="2.3.2")
    response = grid_post(client, appraisal_2024, **{f"{p}-self_points": typed})
    assert response.status_code == 200 and "không phải là số điểm" in response.content.decode()
    after = Score.objects.get(period=appraisal_2024, criterion__code="2.3.2")
    assert (after.self_points, after.version) == (before.self_points, before.version)


def test_minus_zero_is_stored_as_zero(client, officer, appraisal_2024):
    client.force_login(officer)
    p = prefix(appraisal_2024, "2.3.2")
    assert grid_post(client, appraisal_2024, **{f"{p}-self_points": "-0"}).status_code == 302
    stored = Score.objects.get(period=appraisal_2024, criterion__code="2.3.2").self_points
    assert stored == 0 and not stored.is_signed()


def test_points_are_typed_with_a_decimal_comma_or_point(client, officer, appraisal_2024):
    client.force_login(officer)
    p, q = prefix(appraisal_2024, "2.3.2"), prefix(appraisal_2024, "1.3")
    assert grid_post(client, appraisal_2024, **{f"{p}-self_points": "0,75", f"{q}-self_points": " 0.5 "}).status_code == 302
    assert Score.objects.get(period=appraisal_2024, criterion__code="2.3.2").self_points == Decimal("0.75")
    assert Score.objects.get(period=appraisal_2024, criterion__code="1.3").self_points == Decimal("0.5")


def test_the_grid_carries_what_its_script_needs(client, officer, appraisal_2024):
    client.force_login(officer)
    html = client.get(url(appraisal_2024)).content.decode()
    p = prefix(appraisal_2024, "2.3.2")
    row = re.search(r'<tr class="sc-row[^"]*" data-code="2.3.2"[^>]*>', html).group(0)
    assert 'data-max="1.000"' in row and 'data-source="evidence"' in row and 'data-self-assessed="1"' in row
    survey = re.search(r'<tr class="sc-row[^"]*" data-code="2.KS"[^>]*>', html).group(0)
    assert 'data-self-assessed="0"' in survey
    appraised = re.search(rf'<input[^>]*name="{p}-appraised_points"[^>]*>', html).group(0)
    assert 'inputmode="decimal"' in appraised and 'data-col="appraised_points"' in appraised
    assert 'data-saved="0,75"' in appraised  # the stored value, written as the cell shows it
    assert "js/scorecard-grid.js" in html
    assert 'data-msg-max="Vượt điểm tối đa %(max)s."' in html


@pytest.mark.parametrize("status", ["published", "closed"])
def test_a_frozen_period_opens_read_only_and_refuses_posts(client, officer, period_2024, status):
    from scorecards.models import EvaluationPeriod

    EvaluationPeriod.objects.filter(pk=period_2024.pk).update(status=status)
    client.force_login(officer)
    html = client.get(url(period_2024)).content.decode()
    assert 'name="s' not in html and "Lưu bảng điểm" not in html and "scorecard-grid.js" not in html
    assert 'class="sc-readonly-note"' in html and ("chỉ để xem" in html or "đã đóng" in html)
    p = prefix(period_2024, "2.3.2")
    assert client.post(url(period_2024), {f"{p}-appraised_points": "0", f"{p}-version": "1"}).status_code == 403
    assert Score.objects.get(period=period_2024, criterion__code="2.3.2").appraised_points == Decimal("0.75")


def test_the_read_only_grid_shows_long_reasons_in_place(client, leader, period_2024):
    client.force_login(leader)
    html = client.get(url(period_2024)).content.decode()
    score = Score.objects.get(period=period_2024, criterion__code="7.3.4")
    assert len(score.appraisal_reason) > 90
    row = re.search(r'data-code="7.3.4".*?</tr>', html, re.S).group(0)
    assert "<details><summary>" in row and score.appraisal_reason.splitlines()[0][:30] in row


def gap_sentence(html):
    match = re.search(r'<p id="sc-gap"[^>]*>([^<]*)</p>', html)
    return match.group(1) if match else None


def test_the_gap_to_the_published_score_is_flagged_with_its_size(client, officer, appraisal_2024):
    client.force_login(officer)
    html = client.get(url(appraisal_2024)).content.decode()
    assert gap_sentence(html) == "Tổng tính từ tiêu chí 88,223 khác điểm Bộ Nội vụ công bố 88,23: chênh 0,007 điểm."
    p = prefix(appraisal_2024, "2.3.2")
    assert grid_post(client, appraisal_2024, **{f"{p}-appraised_points": "0,5"}).status_code == 302
    html = client.get(url(appraisal_2024)).content.decode()
    assert gap_sentence(html) == "Tổng tính từ tiêu chí 87,973 khác điểm Bộ Nội vụ công bố 88,23: chênh 0,257 điểm."
    assert 'data-published="88.230" data-places="2"' in html


def test_no_gap_is_flagged_when_the_total_rounds_to_the_published_score(client, officer, period_2024):
    from scorecards.models import NationalResult

    NationalResult.objects.filter(year=2024, province_id=period_2024.subject.province_id).update(par_score=Decimal("88.22"))
    client.force_login(officer)
    html = client.get(url(period_2024)).content.decode()
    assert gap_sentence(html) == ""
    assert re.search(r'<p id="sc-gap"[^>]*hidden', html)


def test_the_gap_rule_compares_at_the_published_precision():
    from scorecards.services.scorecard import Totals, published_gap

    def totals(appraised, count=1):
        return Totals(appraised=Decimal(appraised), appraised_count=count)

    assert published_gap(totals("88.223"), None) is None
    assert published_gap(totals("0", count=0), Decimal("88.23")) is None  # nothing appraised yet: no finding
    assert published_gap(totals("88.228"), Decimal("88.23")) is None      # the Ministry's rounding
    assert published_gap(totals("88.225"), Decimal("88.23")) is None      # half up
    gap = published_gap(totals("88.224"), Decimal("88.23"))
    assert gap.difference == Decimal("0.006")
    assert published_gap(totals("88.5"), Decimal("88.23")).difference == Decimal("0.27")  # higher: still its size
    assert published_gap(totals("88.5"), Decimal("88.23")).sentence() == (
        "Tổng tính từ tiêu chí 88,5 khác điểm Bộ Nội vụ công bố 88,23: chênh 0,27 điểm.")


def post_queries(client, period, data):
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url(period), data).status_code == 200
    return len(ctx)


def test_a_refused_save_uses_as_many_queries_for_a_large_framework(client, officer, appraisal_2024):
    """Every row is checked and marked, without a query per row."""
    client.force_login(officer)
    small = grid_data(client, appraisal_2024)
    small[f"{prefix(appraisal_2024, '2.3.2')}-appraised_points"] = "9"
    small[f"{prefix(appraisal_2024, '1.3')}-self_points"] = "x"
    demo_count = post_queries(client, appraisal_2024, small)
    # 120 rows: six fields each stay under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1 000).
    big = build_period(build_framework(fields=8, criteria_per_field=5, leaves_per_criterion=3), year=2030,
                       subject=AgencyFactory(code="tinh-lon", name="Tỉnh lớn"), lead=AgencyFactory(code="so-x", name="Sở X"))
    data = grid_data(client, big)
    names = sorted(n for n in data if n.endswith("-appraised_points"))
    assert len(names) >= 3 * Score.objects.filter(period=appraisal_2024).count()
    for name in names[::2]:  # half the rows wrong
        data[name] = "9999"
    big_count = post_queries(client, big, data)
    print(f"refused save queries: demo {demo_count}; generated ({len(names)} rows) {big_count}")
    assert big_count == demo_count
