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


def grid_post(client, period, **overrides):
    """The form as the browser sends it (every row), with some inputs changed."""
    html = client.get(url(period)).content.decode()
    data = dict(re.findall(r'name="(s\d+-[a-z_0-9]+)"[^>]*value="([^"]*)"', html))
    for name, value in re.findall(r'<textarea[^>]*name="(s\d+-[a-z_]+)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        data[name] = value
    data.update(overrides)
    return client.post(url(period), data)


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
    assert "Tiêu chí 2.3.2: “một” không phải là số điểm." in html


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
    # the previous period (whose framework the comparison warning checks)
    with django_assert_num_queries(10):
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
    assert "Chào mừng bạn" in html and "Welcome" not in html


def test_english_is_available_through_the_language_switch(client, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    html = client.get(reverse("admin:index")).content.decode()
    assert "Welcome" in html
