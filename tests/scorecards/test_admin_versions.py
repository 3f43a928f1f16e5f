"""The admin side of years that change: versions' years, the copy into next year's version,
counterparts edited with their rules, questionnaires, agencies' and provinces' lives,
ranked counts, illustrative figures, the assignment copy action, and the warning the
officer sees on the board and the scorecard before the report says it."""
import datetime
import re

import pytest
from django.urls import reverse

from scorecards.choices import AuditAction, Lineage
from scorecards.models import (
    Agency, AuditEvent, Criterion, EvaluationPeriod, Framework, NationalResult, Province, SipasQuestionnaire,
)
from scorecards.services import records
from scorecards.services.versions import copy_framework, copy_questionnaire
from tests.factories import AgencyFactory, build_period
from tests.scorecards.test_versions import build_two_years, framework, make_agencies, node, questionnaire


def form_data(response, **changes):
    """The values of the admin form on the page, as the browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def two_years(officer):
    return build_two_years(officer, make_agencies())


# ---- frameworks ------------------------------------------------------------------------

def test_the_framework_list_shows_each_versions_years_and_the_years_using_it(client, officer):
    old = framework()
    build_period(old, year=2024, subject=AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE))
    copy_framework(old, code="v-2025", name="Bộ chỉ số 2025", year_from=2025, actor=officer)
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_framework_changelist")).content.decode()
    row_old = re.search(r'<tr[^>]*>.*?v-2024.*?</tr>', html, re.S).group(0)
    row_new = re.search(r'<tr[^>]*>.*?v-2025.*?</tr>', html, re.S).group(0)
    assert "2022–2024" in row_old and ">2024<" in row_old
    assert "từ 2025" in row_new and old.name in row_new


def test_the_copy_form_suggests_the_next_year_and_makes_the_copy(client, officer):
    old = framework()
    build_period(old, year=2024, subject=AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE), status="published")
    client.force_login(officer)
    change = client.get(reverse("admin:scorecards_framework_change", args=[old.pk])).content.decode()
    url = reverse("admin:scorecards_framework_copy", args=[old.pk])
    assert f'href="{url}"' in change  # offered on the read-only page of a published year's version
    form = client.get(url).context["form"]
    assert (form["code"].value(), form["year_from"].value(), form["name"].value()) == ("v-2025", 2025, old.name)
    response = client.post(url, {"code": "v-2025", "name": "Bộ chỉ số 2025", "year_from": "2025", "legal_basis": ""},
                           follow=True)
    new = Framework.objects.get(code="v-2025")
    assert response.redirect_chain[-1][0] == reverse("admin:scorecards_framework_change", args=[new.pk])
    assert (new.previous, new.criteria.count()) == (old, old.criteria.count())
    assert any("Đã tạo bộ chỉ số “Bộ chỉ số 2025” (từ 2025)" in m for m in messages_of(response))
    assert AuditEvent.objects.filter(action=AuditAction.FRAMEWORK_COPIED, actor=officer).count() == 1


def test_a_refused_copy_says_why_and_creates_nothing(client, officer):
    old = framework()
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_framework_copy", args=[old.pk]),
                           {"code": "v-x", "name": "x", "year_from": "2021", "legal_basis": ""})
    assert response.status_code == 200
    assert "Phiên bản mới phải áp dụng từ sau năm 2022" in response.content.decode()
    assert not Framework.objects.filter(code="v-x").exists()
    old.refresh_from_db()
    assert old.year_to is None


def test_the_leader_is_offered_no_copy_and_cannot_make_one(client, leader):
    old = framework()
    client.force_login(leader)
    url = reverse("admin:scorecards_framework_copy", args=[old.pk])
    assert url not in client.get(reverse("admin:scorecards_framework_change", args=[old.pk])).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"code": "v-2025", "name": "x", "year_from": "2025"}).status_code == 403
    assert not Framework.objects.filter(code="v-2025").exists()


def test_the_copy_action_leads_to_the_form_for_one_version(client, officer):
    one, two = framework(), framework(code="w-2024")
    client.force_login(officer)
    url = reverse("admin:scorecards_framework_changelist")
    response = client.post(url, {"action": "copy_version", "_selected_action": [one.pk]})
    assert response.status_code == 302 and response["Location"] == reverse("admin:scorecards_framework_copy", args=[one.pk])
    response = client.post(url, {"action": "copy_version", "_selected_action": [one.pk, two.pk]}, follow=True)
    assert "Chọn đúng một phiên bản để sao chép." in messages_of(response)


def test_the_framework_page_shows_each_nodes_counterpart(client, officer, two_years):
    _p24, p25 = two_years
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_framework_change", args=[p25.framework_id])).content.decode()
    assert "Đổi tên hoặc đổi mã ← 1.2.2" in html
    assert "Gộp từ nhiều nội dung cũ ← 2.1.1, 2.1.2" in html
    assert f"?framework__id__exact={p25.framework_id}" in html


# ---- counterparts in the criterion form ----------------------------------------------------

def test_the_counterparts_offered_are_the_previous_versions_nodes(client, officer, two_years):
    p24, p25 = two_years
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_criterion_change", args=[node(p25.framework, "1.1.1").pk]))
    offered = response.context["adminform"].form.fields["predecessors"].queryset
    assert set(offered) == set(Criterion.objects.filter(framework=p24.framework))


def test_a_wrong_number_of_counterparts_comes_back_with_the_reason(client, officer, two_years):
    _p24, p25 = two_years
    c = node(p25.framework, "1.1.1")
    client.force_login(officer)
    url = reverse("admin:scorecards_criterion_change", args=[c.pk])
    response = client.post(url, form_data(client.get(url), lineage=Lineage.MERGED))
    assert response.status_code == 200
    assert "“Gộp từ nhiều nội dung cũ” cần ít nhất hai tiêu chí tương ứng năm trước (đang chọn 1)." in \
        response.content.decode()
    c.refresh_from_db()
    assert c.lineage == Lineage.SAME


def test_a_renamed_node_is_saved_from_the_form_and_audited(client, officer, two_years):
    p24, p25 = two_years
    c = node(p25.framework, "1.1.2")
    client.force_login(officer)
    url = reverse("admin:scorecards_criterion_change", args=[c.pk])
    response = client.post(url, form_data(client.get(url), code="1.1.8", lineage=Lineage.MOVED,
                                          predecessors=[str(node(p24.framework, "1.1.2").pk)]))
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.code, c.lineage) == ("1.1.8", Lineage.MOVED)
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CHANGED, actor=officer, data__object_id=c.pk)
    assert event.data["changes"]["lineage"] == ["same", "moved"]


def test_a_published_years_nodes_are_read_only_in_the_form(client, officer, two_years):
    p24, _p25 = two_years
    c = node(p24.framework, "1.1.1")
    client.force_login(officer)
    url = reverse("admin:scorecards_criterion_change", args=[c.pk])
    response = client.get(url)
    assert "đã công bố" in " ".join(messages_of(response))
    client.post(url, {"framework": p24.framework_id, "code": "9.9", "name": "Sửa", "max_points": "1",
                      "scoring_source": "evidence", "order": "0", "lineage": ""})
    c.refresh_from_db()
    assert c.code == "1.1.1"


# ---- SIPAS questionnaires ------------------------------------------------------------------

def test_questionnaires_are_listed_with_their_years_and_copied(client, officer):
    old = questionnaire()
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_sipasquestionnaire_changelist")).content.decode()
    row = re.search(r'<tr[^>]*>.*?q-2024.*?</tr>', html, re.S).group(0)
    assert "từ 2020" in row and ">12<" in row and ">4<" in row
    url = reverse("admin:scorecards_sipasquestionnaire_copy", args=[old.pk])
    assert client.get(url).context["form"]["year_from"].value() == 2021
    response = client.post(url, {"code": "q-2025", "name": "SIPAS 2025", "year_from": "2025"}, follow=True)
    new = SipasQuestionnaire.objects.get(code="q-2025")
    assert new.previous == old and new.indicators.count() == 12
    assert any("Đã tạo bộ câu hỏi SIPAS “SIPAS 2025”" in m for m in messages_of(response))


def test_an_indicators_counterpart_is_chosen_in_the_previous_questionnaire(client, officer):
    old = questionnaire()
    new = copy_questionnaire(old, code="q-2025", name="SIPAS 2025", year_from=2025, actor=officer)
    questionnaire(code="q-other")
    indicator = new.indicators.get(number=3)
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_sipasindicator_change", args=[indicator.pk]))
    fields = response.context["adminform"].form.fields
    assert set(fields["previous"].queryset) == set(old.indicators.all())
    assert set(fields["group"].queryset) == set(new.groups.all())
    html = client.get(reverse("admin:scorecards_sipasindicator_changelist") + f"?questionnaire__id__exact={new.pk}")
    assert html.context["cl"].result_count == 12


def test_an_indicator_of_a_published_years_questionnaire_is_read_only(client, officer):
    q = questionnaire()
    period = build_period(framework(), year=2024, subject=AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE),
                          status="published")
    EvaluationPeriod.objects.filter(pk=period.pk).update(sipas_questionnaire=q)
    indicator = q.indicators.get(number=1)
    client.force_login(officer)
    url = reverse("admin:scorecards_sipasindicator_change", args=[indicator.pk])
    assert "đã công bố" in " ".join(messages_of(client.get(url)))
    client.post(url, {"group": indicator.group_id, "number": "1", "text": "Sửa câu hỏi"})
    indicator.refresh_from_db()
    assert indicator.text == "Câu 1"


# ---- periods: the assignment copy, illustrative figures, the warning ---------------------------

def test_the_period_action_copies_assignments_and_names_the_successors(client, officer, two_years):
    _p24, p25 = two_years
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_evaluationperiod_changelist"),
                           {"action": "copy_assignments", "_selected_action": [p25.pk]}, follow=True)
    text = " ".join(messages_of(response))
    assert "Sở Kế hoạch và Đầu tư (thử) → Sở Tài chính (thử)" in text
    assert "Sở Thông tin và Truyền thông (thử) → Sở Khoa học và Công nghệ (thử)" in text
    assert "3 tiêu chí chưa phân công, cần giao: 1.1.3" in text
    assert p25.assignments.count() == 5


def test_the_leader_cannot_copy_assignments(client, leader, two_years):
    _p24, p25 = two_years
    client.force_login(leader)
    client.post(reverse("admin:scorecards_evaluationperiod_changelist"),
                {"action": "copy_assignments", "_selected_action": [p25.pk]})
    assert p25.assignments.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.ASSIGNMENTS_COPIED).exists()


def test_a_period_without_a_previous_year_says_so(client, officer, two_years):
    p24, _p25 = two_years
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_evaluationperiod_changelist"),
                           {"action": "copy_assignments", "_selected_action": [p24.pk]}, follow=True)
    assert any("không có kỳ năm trước của cùng đối tượng" in m for m in messages_of(response))


def test_illustrative_periods_and_results_say_so_in_lists_and_pages(client, officer, two_years, demo):
    p24, p25 = two_years
    EvaluationPeriod.objects.filter(pk=p25.pk).update(is_illustrative=True)
    result = NationalResult.objects.create(year=2031, province=Province.objects.get(code="dien-bien"), par_rank=5,
                                           ranked_count=34, is_illustrative=True)
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_evaluationperiod_changelist")).content.decode()
    assert html.count("illustrative-badge") == 1 + EvaluationPeriod.objects.filter(is_illustrative=True).exclude(pk=p25.pk).count() and "Số liệu minh họa" in html
    assert "illustrative-banner" in client.get(
        reverse("admin:scorecards_evaluationperiod_change", args=[p25.pk])).content.decode()
    assert "illustrative-banner" not in client.get(
        reverse("admin:scorecards_evaluationperiod_change", args=[p24.pk])).content.decode()
    # The demo's illustrative national table fills more than a page: count the rows listed.
    response = client.get(reverse("admin:scorecards_nationalresult_changelist") + "?year=2031")
    listed = list(response.context["cl"].result_list)
    assert response.content.decode().count("illustrative-badge") == sum(r.is_illustrative for r in listed) == 1
    assert listed == [result] and "5/34" in response.content.decode()
    response = client.get(reverse("admin:scorecards_nationalresult_changelist") + "?year=2024")
    listed = list(response.context["cl"].result_list)
    assert response.content.decode().count("illustrative-badge") == sum(r.is_illustrative for r in listed) == 62
    assert "illustrative-banner" in client.get(
        reverse("admin:scorecards_nationalresult_change", args=[result.pk])).content.decode()
    assert "illustrative-banner" in client.get(reverse("admin:scorecards_evaluationperiod_scorecard",
                                                       args=[p25.pk])).content.decode()


def test_the_ranked_count_is_required_and_never_filled_in(client, officer, demo):
    client.force_login(officer)
    url = reverse("admin:scorecards_nationalresult_add")
    field = client.get(url).context["adminform"].form.fields["ranked_count"]
    assert field.required and field.initial is None
    province = Province.objects.get(code="dien-bien")
    response = client.post(url, {"year": "2031", "province": province.pk, "par_score": "80", "par_rank": "5"})
    assert response.status_code == 200 and not NationalResult.objects.filter(year=2031).exists()
    assert response.context["adminform"].form.errors["ranked_count"]


def test_an_explicitly_empty_baseline_is_refused(client, officer, two_years):
    _p24, p25 = two_years
    client.force_login(officer)
    url = reverse("admin:scorecards_evaluationperiod_change", args=[p25.pk])
    form = client.get(url).context["adminform"].form
    response = client.post(url, {"published_decision": "x", "baseline": "", "row_fingerprint": form["row_fingerprint"].value(),
                                 "self_assessment_deadline_0": "", "self_assessment_deadline_1": "",
                                 "explanation_deadline_0": "", "explanation_deadline_1": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["baseline"] == ["Chọn cách so sánh với năm trước."]
    p25.refresh_from_db()
    assert p25.published_decision == ""


def test_a_new_period_is_offered_last_years_assignments(client, officer, two_years):
    p24, p25 = two_years
    EvaluationPeriod.objects.filter(pk=p25.pk).delete()
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_evaluationperiod_add"), {
        "year": "2025", "subject": p24.subject_id, "framework": Framework.objects.get(code="v-2025").pk, "baseline": "own",
        "published_decision": "", "self_assessment_deadline_0": "", "self_assessment_deadline_1": "",
        "explanation_deadline_0": "", "explanation_deadline_1": ""}, follow=True)
    assert any("Sao chép phân công từ năm trước" in m and "năm 2024" in m for m in messages_of(response))


def test_the_board_and_the_scorecard_warn_before_the_report(client, officer, leader, two_years):
    p24, p25 = two_years
    demo_2024 = EvaluationPeriod.objects.get(year=2024, subject__code="ubnd-tinh-dien-bien")  # same framework as 2023
    records.save_record(Criterion(framework=p25.framework, parent=node(p25.framework, "1.2"), code="1.2.7",
                                  name="Chưa khai báo", max_points=0), actor=officer)
    link = reverse("admin:scorecards_criterion_changelist") + f"?framework__id__exact={p25.framework_id}"
    for user in (officer, leader):
        client.force_login(user)
        html = client.get(reverse("scorecards:board", args=[p25.pk])).content.decode()
        assert 'id="mapping-warning"' in html and "3 nội dung sẽ không được so sánh với năm 2024" in html
        assert "chưa khai báo tương ứng năm trước (1.2.7)" in html and link.replace("&", "&amp;") in html
    for url in (reverse("admin:scorecards_evaluationperiod_scorecard", args=[p25.pk]),
                reverse("admin:scorecards_evaluationperiod_change", args=[p25.pk])):
        html = client.get(url).content.decode()
        assert 'id="mapping-warning"' in html and "1.2.7" in html and link in html
    # Nothing to say for a year with no previous period, or the same framework both years.
    for period in (p24, demo_2024):
        assert 'id="mapping-warning"' not in client.get(reverse("scorecards:board", args=[period.pk])).content.decode()
        assert 'id="mapping-warning"' not in client.get(
            reverse("admin:scorecards_evaluationperiod_scorecard", args=[period.pk])).content.decode()


# ---- agencies and provinces have a life -----------------------------------------------------------

def test_agencies_that_ended_stand_out_in_the_list(client, officer):
    agencies = make_agencies()
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_agency_changelist")).content.decode()
    assert "Đã kết thúc 28/02/2025 → Sở Tài chính (thử)" in html
    demo_ended = set(Agency.objects.filter(ended_on__isnull=False).exclude(code__startswith="t-").values_list("code", flat=True))
    assert html.count('class="agency-ended"') == 3 + len(demo_ended)  # KH&ĐT, TT&TT, the dissolved board
    response = client.get(reverse("admin:scorecards_agency_changelist") + "?life=ended")
    assert {a.code for a in response.context["cl"].result_list} == {"t-khdt", "t-tttt", "t-giai-the"} | demo_ended
    form = client.get(reverse("admin:scorecards_agency_change", args=[agencies["khdt"].pk])).context["adminform"].form
    assert agencies["khdt"] not in form.fields["successor"].queryset
    assert "ended_on" in form.fields and "started_on" in form.fields


def test_a_merged_province_names_its_predecessors(client, officer, demo):
    # The demo's illustrative national table already holds the three provinces.
    ninh_binh, ha_nam, nam_dinh = (Province.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in (
        ("ninh-binh", "Ninh Bình"), ("ha-nam", "Hà Nam"), ("nam-dinh", "Nam Định")))
    new = Province.objects.create(code="ninh-binh-2025", name="Ninh Bình (từ 2025)")
    client.force_login(officer)
    url = reverse("admin:scorecards_province_change", args=[new.pk])
    response = client.post(url, form_data(client.get(url), valid_from="01/07/2025",
                                          predecessors=[str(p.pk) for p in (ninh_binh, ha_nam, nam_dinh)]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    new.refresh_from_db()
    assert new.valid_from == datetime.date(2025, 7, 1)
    assert set(new.predecessors.all()) == {ninh_binh, ha_nam, nam_dinh}
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CHANGED, data__object_id=new.pk)
    assert event.data["changes"]["predecessors"] == [[], ["Hà Nam", "Nam Định", "Ninh Bình"]]
    html = client.get(reverse("admin:scorecards_province_changelist")).content.decode()
    assert "Hà Nam, Nam Định, Ninh Bình" in html
