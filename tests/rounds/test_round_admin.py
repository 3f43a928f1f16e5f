"""Admin of rounds and groups: pages open, saves go through services.records (audited,
stale pages refused, frozen rounds read-only), the status is never edited here, and a
group that has scorecards keeps its framework and cannot be deleted."""
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.choices import AuditAction, CouncilRole, PeriodStatus
from scorecards.models import AuditEvent, EvaluationPeriod, GradeBand, Province, Round, SubjectGroup
from scorecards.services import records
from tests.rounds.conftest import build_round_framework


class _Fields(HTMLParser):
    """The values a browser would post from the page's form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_values(response) -> dict:
    parser = _Fields()
    parser.feed(response.content.decode())
    return {k: v for k, v in parser.data.items() if k not in ("csrfmiddlewaretoken", "language", "next")}


def round_url(round_, what="change"):
    return reverse(f"admin:scorecards_round_{what}", args=[round_.pk] if what != "changelist" and what != "add" else [])


@pytest.mark.parametrize("name", ["round", "subjectgroup"])
def test_the_lists_and_pages_open_for_the_officer_and_the_leader(client, officer, leader, small_round, name):
    obj = small_round if name == "round" else small_round.test_groups["so"]
    for user in (officer, leader):
        client.force_login(user)
        assert client.get(reverse(f"admin:scorecards_{name}_changelist")).status_code == 200
        response = client.get(reverse(f"admin:scorecards_{name}_change", args=[obj.pk]))
        assert response.status_code == 200
    client.force_login(officer)
    assert client.get(reverse(f"admin:scorecards_{name}_add")).status_code == 200


def test_the_round_page_shows_its_groups_council_and_board_link(client, officer, small_round, chair):
    client.force_login(officer)
    html = client.get(round_url(small_round)).content.decode()
    assert "Sở, ban, ngành" in html and "UBND xã, phường" in html and "Phó Chủ tịch UBND tỉnh" in html
    assert reverse("rounds:board", args=[small_round.pk]) in html
    assert 'name="status"' not in html  # the step is the board's


def test_unit_staff_do_not_reach_the_admin(client, dept_user, small_round):
    client.force_login(dept_user)
    response = client.get(round_url(small_round))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_round_is_created_with_its_groups_and_council_inline(client, officer, leader):
    fw = build_round_framework("admin-fw-2026", year=2026)
    client.force_login(officer)
    data = {
        "province": Province.objects.get(code="dien-bien").pk, "year": 2026, "name": "Chỉ số CCHC năm 2026 (quản trị)",
        "legal_basis": "Kế hoạch 12/KH-UBND", "self_assessment_deadline_0": "15/11/2026", "self_assessment_deadline_1": "",
        "explanation_deadline_0": "10/01/2027", "explanation_deadline_1": "16:30",
        "decision_number": "", "decision_date": "", "decision_signer": "", "decision_signer_title": "",
        "groups-TOTAL_FORMS": "2", "groups-INITIAL_FORMS": "0", "groups-MIN_NUM_FORMS": "0", "groups-MAX_NUM_FORMS": "1000",
        "groups-0-order": "0", "groups-0-code": "so", "groups-0-name": "Sở, ban, ngành", "groups-0-subject_kind": "department",
        "groups-0-framework": fw.pk, "groups-0-bonus_cap": "3", "groups-0-penalty_cap": "5",
        "groups-1-order": "1", "groups-1-code": "xa", "groups-1-name": "UBND cấp xã", "groups-1-subject_kind": "commune",
        "groups-1-framework": fw.pk, "groups-1-bonus_cap": "2", "groups-1-penalty_cap": "5",
        "council-TOTAL_FORMS": "1", "council-INITIAL_FORMS": "0", "council-MIN_NUM_FORMS": "0", "council-MAX_NUM_FORMS": "1000",
        "council-0-order": "0", "council-0-name": "Phó Chủ tịch UBND tỉnh", "council-0-position": "UBND tỉnh",
        "council-0-role": CouncilRole.CHAIR, "council-0-user": leader.pk,
    }
    response = client.post(reverse("admin:scorecards_round_add"), data)
    assert response.status_code == 302, form_errors(response)
    round_ = Round.objects.get(name="Chỉ số CCHC năm 2026 (quản trị)")
    assert round_.status == PeriodStatus.DRAFT
    assert [(g.code, g.subject_kind, g.framework_id) for g in round_.groups.all()] == [
        ("so", "department", fw.pk), ("xa", "commune", fw.pk)]
    assert round_.council.get().user == leader
    # A date alone is 17:00 that day.
    assert timezone.localtime(round_.self_assessment_deadline).strftime("%H:%M %d/%m/%Y") == "17:00 15/11/2026"
    assert timezone.localtime(round_.explanation_deadline).strftime("%H:%M %d/%m/%Y") == "16:30 10/01/2027"
    created = AuditEvent.objects.filter(action=AuditAction.RECORD_CREATED, actor=officer)
    models = sorted(e.data["model"] for e in created
                    if e.data.get("model") in ("scorecards.round", "scorecards.subjectgroup", "scorecards.councilmember"))
    assert models == ["scorecards.councilmember", "scorecards.round", "scorecards.subjectgroup", "scorecards.subjectgroup"]


def form_errors(response) -> str:
    ctx = response.context or {}
    out = []
    if "adminform" in ctx:
        out.append(str(ctx["adminform"].form.errors))
    for formset in ctx.get("inline_admin_formsets", []):
        out.append(str(formset.formset.errors) + str(formset.formset.non_form_errors()))
    return " ".join(out) or response.content.decode()[:1500]


def test_a_group_on_another_years_framework_is_refused(client, officer):
    fw = build_round_framework("admin-fw-2030", year=2030)
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_round_add"), {
        "province": Province.objects.get(code="dien-bien").pk, "year": 2026, "name": "Đợt sai bộ chỉ số",
        "groups-TOTAL_FORMS": "1", "groups-INITIAL_FORMS": "0", "groups-0-order": "0", "groups-0-code": "so",
        "groups-0-name": "Sở", "groups-0-subject_kind": "department", "groups-0-framework": fw.pk,
        "groups-0-bonus_cap": "0", "groups-0-penalty_cap": "0", "council-TOTAL_FORMS": "0", "council-INITIAL_FORMS": "0",
    })
    assert not Round.objects.filter(name="Đợt sai bộ chỉ số").exists()
    assert response.status_code == 200 and "không phải năm 2026" in response.content.decode()  # the form is kept


def test_a_change_saves_the_decision_through_the_audited_door_and_keeps_the_status(client, officer, small_round):
    client.force_login(officer)
    url = round_url(small_round)
    data = form_values(client.get(url))
    data.update({"decision_number": "512/QĐ-UBND", "decision_date": "20/01/2026", "decision_signer": "Lê Văn B",
                 "status": PeriodStatus.CLOSED})
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    small_round.refresh_from_db()
    assert small_round.status == PeriodStatus.SELF_ASSESSMENT
    assert (small_round.decision_number, small_round.decision_date) == ("512/QĐ-UBND", date(2026, 1, 20))
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CHANGED, actor=officer, data__model="scorecards.round")
    assert event.data["changes"]["decision_number"] == ["", "512/QĐ-UBND"]


def test_a_new_deadline_reaches_every_scorecard(client, officer, small_round):
    client.force_login(officer)
    url = round_url(small_round)
    data = form_values(client.get(url))
    data.update({"self_assessment_deadline_0": "30/12/2025", "self_assessment_deadline_1": "09:00"})
    assert client.post(url, data).status_code == 302
    small_round.refresh_from_db()
    deadlines = set(EvaluationPeriod.objects.filter(round=small_round).values_list("self_assessment_deadline", flat=True))
    assert deadlines == {small_round.self_assessment_deadline}


def test_a_stale_round_page_is_refused(client, officer, small_round):
    client.force_login(officer)
    url = round_url(small_round)
    data = form_values(client.get(url))
    fresh = Round.objects.get(pk=small_round.pk)
    fresh.decision_signer = "Người khác"
    records.save_record(fresh, actor=officer)
    data["decision_number"] = "999/QĐ-UBND"
    response = client.post(url, data, follow=True)
    assert "vừa được người khác thay đổi" in response.content.decode()
    small_round.refresh_from_db()
    assert small_round.decision_number == "" and small_round.decision_signer == "Người khác"


def test_a_group_with_scorecards_keeps_its_framework_and_is_not_deleted(client, officer, small_round):
    other_fw = build_round_framework("admin-fw-other", year=2025)
    client.force_login(officer)
    url = round_url(small_round)
    data = form_values(client.get(url))
    index = next(k.split("-")[1] for k, v in data.items() if k.startswith("groups-") and k.endswith("-code") and v == "so")
    changed = {**data, f"groups-{index}-framework": other_fw.pk}
    response = client.post(url, changed)
    assert "không đổi bộ chỉ số hay loại đối tượng" in response.content.decode()
    deleted = {**data, f"groups-{index}-DELETE": "on"}
    response = client.post(url, deleted)
    assert response.status_code == 200 and "Kỳ đánh giá 2025 – Sở A" in response.content.decode()  # protected
    group = SubjectGroup.objects.get(round=small_round, code="so")
    assert group.framework_id != other_fw.pk and group.periods.count() == 3


def test_a_group_gets_a_grade_band_inline(client, officer, small_round):
    group = small_round.test_groups["xa"]
    client.force_login(officer)
    url = reverse("admin:scorecards_subjectgroup_change", args=[group.pk])
    data = form_values(client.get(url))
    total = int(data["bands-TOTAL_FORMS"])
    data.update({"bands-TOTAL_FORMS": str(total + 1), f"bands-{total}-label": "Xuất sắc", f"bands-{total}-min_points": "95"})
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    band = GradeBand.objects.get(group=group, label="Xuất sắc")
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_CREATED, actor=officer, data__model="scorecards.gradeband",
                                     data__object_id=band.pk).exists()


def test_the_leader_reads_but_cannot_save(client, leader, officer, small_round):
    client.force_login(officer)
    data = form_values(client.get(round_url(small_round)))
    client.force_login(leader)
    data["decision_number"] = "1/QĐ"
    assert client.post(round_url(small_round), data).status_code == 403
    small_round.refresh_from_db()
    assert small_round.decision_number == ""


def test_a_published_round_is_read_only_and_not_deleted(client, officer, small_round):
    Round.objects.filter(pk=small_round.pk).update(status=PeriodStatus.PUBLISHED, decision_number="2/QĐ-UBND")
    EvaluationPeriod.objects.filter(round=small_round).update(status=PeriodStatus.PUBLISHED)
    client.force_login(officer)
    response = client.get(round_url(small_round))
    html = response.content.decode()
    assert 'name="_save"' not in html and "đã công bố" in html
    assert client.post(round_url(small_round), {"decision_number": "3/QĐ"}).status_code == 403
    assert client.post(round_url(small_round, "delete"), {"post": "yes"}).status_code == 403
    small_round.refresh_from_db()
    assert small_round.decision_number == "2/QĐ-UBND"


def test_an_empty_draft_round_can_be_deleted_but_not_one_with_scorecards(client, officer, small_round):
    empty = Round.objects.create(province=small_round.province, year=2027, name="Đợt rỗng")
    client.force_login(officer)
    assert client.post(round_url(small_round, "delete"), {"post": "yes"}).status_code == 403
    response = client.post(round_url(empty, "delete"), {"post": "yes"})
    assert response.status_code == 302 and not Round.objects.filter(pk=empty.pk).exists()
    assert Round.objects.filter(pk=small_round.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_DELETED, data__model="scorecards.round",
                                     data__object_id=empty.pk).exists()
