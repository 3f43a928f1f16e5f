"""Every admin list and the main change pages open for the Home Affairs officer, in a
number of queries that does not depend on how many rows there are."""
import pytest
from django.contrib import admin
from django.urls import reverse

from scorecards.models import AuditEvent, EvaluationPeriod, Framework, Score


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label in {"scorecards", "reports"}],
                         ids=lambda m: m._meta.model_name)
def test_every_changelist_opens_for_the_officer(client, officer, model):
    client.force_login(officer)
    response = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    assert response.status_code == 200


def test_the_framework_page_shows_the_tree_with_sums(client, officer, period_2024):
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_framework_change", args=[period_2024.framework_id])).content.decode()
    assert "7.3.6" in html and "Tỷ lệ hồ sơ trực tuyến toàn trình" in html
    assert "⚠" not in html


def test_a_period_created_in_the_admin_gets_a_score_row_per_leaf(client, officer, open_period):
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_evaluationperiod_add"), {
        "year": 2027, "framework": open_period.framework_id, "subject": open_period.subject_id, "status": "draft",
        "published_decision": "", "baseline": "own",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    period = EvaluationPeriod.objects.get(year=2027)
    leaves = Framework.objects.get(pk=open_period.framework_id).criteria.filter(children__isnull=True).count()
    assert Score.objects.filter(period=period).count() == leaves


def test_the_sipas_action_converts_the_published_index(client, officer, appraisal_2024):
    Score.objects.filter(period=appraisal_2024, criterion__scoring_source="sipas").update(appraised_points=None)
    client.force_login(officer)
    client.post(reverse("admin:scorecards_evaluationperiod_changelist"),
                {"action": "sync_sipas", "_selected_action": [appraisal_2024.pk]})
    score = Score.objects.get(period=appraisal_2024, criterion__scoring_source="sipas")
    assert str(score.appraised_points) == "8.300"
    assert AuditEvent.objects.filter(score=score, action="score.appraised", actor=officer).exists()


def test_the_sipas_action_leaves_a_published_period_alone(client, officer, period_2024):
    score = Score.objects.get(period=period_2024, criterion__scoring_source="sipas")
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_evaluationperiod_changelist"),
                           {"action": "sync_sipas", "_selected_action": [period_2024.pk]}, follow=True)
    assert "đã công bố" in response.content.decode()
    after = Score.objects.get(pk=score.pk)
    assert (after.appraised_points, after.version) == (score.appraised_points, score.version)


def test_a_leader_is_offered_no_action(client, leader, period_2024):
    client.force_login(leader)
    response = client.get(reverse("admin:scorecards_evaluationperiod_changelist"))
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
    response = client.post(reverse("admin:scorecards_evaluationperiod_changelist"),
                           {"action": "sync_sipas", "_selected_action": [period_2024.pk]})
    assert not AuditEvent.objects.filter(actor=leader).exists()


def test_the_score_form_saves_through_the_audited_service(client, officer, appraisal_2024):
    score = Score.objects.get(period=appraisal_2024, criterion__code="7.1.4")
    client.force_login(officer)
    url = reverse("admin:scorecards_score_change", args=[score.pk])
    response = client.post(url, {"self_points": "1", "explanation": "", "appraised_points": "0.688",
                                 "appraised_points_round2": "0.875", "appraisal_reason": score.appraisal_reason,
                                 "appeal_explanation": "Đã kết nối thêm 3 dịch vụ", "seen_version": score.version,
                                 "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert str(score.final_points) == "0.875" and score.version == 2
    assert set(AuditEvent.objects.filter(score=score).values_list("action", flat=True)) == {"score.appraised", "score.explained"}


def test_the_score_form_names_the_limit(client, officer, appraisal_2024):
    score = Score.objects.get(period=appraisal_2024, criterion__code="7.1.4")
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_score_change", args=[score.pk]), {
        "self_points": "1", "appraised_points": "1.5", "appraisal_reason": "", "explanation": "", "appeal_explanation": "",
        "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"})
    assert "Điểm thẩm định (vòng 1) của tiêu chí 7.1.4 là 1,5, vượt điểm tối đa 1." in response.content.decode()
    score.refresh_from_db()
    assert str(score.appraised_points) == "0.688"


def test_the_admin_form_cannot_change_a_status_but_its_edits_are_audited(client, officer, open_period):
    client.force_login(officer)
    url = reverse("admin:scorecards_evaluationperiod_change", args=[open_period.pk])
    form = client.get(url).context["adminform"].form
    response = client.post(url, {"year": 2025, "framework": open_period.framework_id, "subject": open_period.subject_id,
                                 "status": "closed", "published_decision": "QĐ 1/QĐ-BNV",
                                 "row_fingerprint": form["row_fingerprint"].value()})
    assert response.status_code == 302
    open_period.refresh_from_db()
    assert open_period.status == "self_assessment" and open_period.published_decision == "QĐ 1/QĐ-BNV"
    event = AuditEvent.objects.get(action="record.changed", period=open_period)
    assert event.actor == officer and event.data["changes"]["published_decision"] == ["", "QĐ 1/QĐ-BNV"]


def test_a_closed_period_cannot_be_edited_in_the_admin(client, officer, period_2023):
    client.force_login(officer)
    url = reverse("admin:scorecards_evaluationperiod_change", args=[period_2023.pk])
    client.post(url, {"year": 2023, "framework": period_2023.framework_id, "subject": period_2023.subject_id,
                      "status": "draft", "published_decision": ""})
    period_2023.refresh_from_db()
    assert period_2023.status == "closed"
