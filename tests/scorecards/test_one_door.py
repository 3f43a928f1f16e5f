"""The one door, seen from every page that writes.

1. A form opened before someone else saved is refused, on every page that writes (the
   admin score form, any other admin change form, an admin list edit, the scorecard
   grid, the criterion page, the import confirm): the later editor gets a Vietnamese
   sentence saying that the row changed, the first editor's values stay, and nothing is
   logged in the later editor's name.
2. The criterion page keeps what was typed when a step is refused, and "Lưu và gửi Sở
   Nội vụ" saves and submits in one step.
3. Every audit action the code can emit has a label, and the log's filter offers them all.
4. The criterion page and the workspace list cost a fixed number of queries.
5. What may not be deleted is not deleted through the admin; what may is, and is logged.
6. Users are never deleted through the admin; log entries keep their author's name.
"""
import ast
import html as htmllib
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards import permissions
from scorecards.choices import AuditAction, ScoreState
from scorecards.models import (
    Agency, Assignment, AuditEvent, Criterion, EvaluationPeriod, EvidenceDocument, Score, SipasIndicator, SipasValue, User,
)
from scorecards.policy import PERIOD_TRANSITIONS, SCORE_TRANSITION_ACTIONS
from scorecards.services import records, workflow
from scorecards.services.scoring import FIELD_ACTIONS, ScoreChange, apply_score_changes
from scorecards.resources import RESOURCES as KINDS
from tests.factories import UserFactory, build_framework, build_period
from tests.transfer.conftest import SCORE_HEADER, snapshot, xlsx

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = reverse("scorecards:workspace")
IMPORT = "admin:scorecards_score_import"
CONFIRM = "admin:scorecards_score_process_import"
# What every stale refusal says, whichever door refused it.
STALE_SCORE = "vừa được %s sửa lúc"  # services.scoring.stale_message (names who saved)
STALE_RECORD = "vừa được người khác thay đổi sau khi bạn mở trang"  # services.records.stale_refusal


# --- helpers -------------------------------------------------------------------------------

def score(period, code) -> Score:
    return Score.objects.select_related("criterion", "period").get(period=period, criterion__code=code)


def colleague(username, *, group, first_name, last_name, agency=None, is_staff=False) -> User:
    user = UserFactory(username=username, first_name=first_name, last_name=last_name, agency=agency, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer_b(demo):
    """A second Sở Nội vụ officer, working at the same time as `officer`."""
    return colleague("sonoivu2", group=permissions.HOME_AFFAIRS, first_name="Trần", last_name="Văn Bình", is_staff=True)


@pytest.fixture
def tuphap_b(agency_tuphap):
    """A second officer of Sở Tư pháp, working at the same time as `tuphap`."""
    return colleague("sotuphap2", group=permissions.AGENCY_STAFF, first_name="Lê", last_name="Thị Hoa", agency=agency_tuphap)


def browser(user) -> Client:
    """A separate browser (its own session) logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def admin_form_data(response, **overrides) -> dict:
    """What the browser posts back from an admin change form as it was rendered (hidden
    inputs included), with some inputs changed."""
    form = response.context["adminform"].form
    data = {}
    for bound in form:
        value = bound.value()
        data[bound.html_name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            data[bound.html_name] = bound.value()
    data.update(overrides)
    return data


def html_inputs(html, prefix) -> dict:
    """name → value of every <input> and <textarea> whose name starts with `prefix`."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        if name and name.group(1).startswith(prefix):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = htmllib.unescape(value.group(1)) if value else ""
    for name, value in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>\n?(.*?)</textarea>', html, re.S):
        if name.startswith(prefix):
            data[name] = htmllib.unescape(value)
    return data


def events_by(user):
    return AuditEvent.objects.filter(actor=user)


# --- 1. stale forms ------------------------------------------------------------------------

def test_admin_score_form_opened_before_the_agency_saved_is_refused(open_period, officer, tuphap):
    s = score(open_period, "2.3.2")
    url = reverse("admin:scorecards_score_change", args=[s.pk])
    a = browser(officer)
    opened = a.get(url)
    assert opened.context["adminform"].form["seen_version"].value() == s.version == 1
    # Meanwhile the agency saves its self-assessment on the criterion page.
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="Bản của đơn vị", version=1)

    response = a.post(url, admin_form_data(opened, self_points="0.9", explanation="Bản của Sở Nội vụ"))
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert "Tiêu chí 2.3.2 " + STALE_SCORE % "Cán bộ Sở Tư pháp" in html
    assert "Bản của Sở Nội vụ" in html  # what the officer typed is still in the form
    after = score(open_period, "2.3.2")
    assert (after.self_points, after.explanation, after.version) == (Decimal("0.5"), "Bản của đơn vị", 2)
    assert not events_by(officer).exists()


def test_admin_score_form_opened_before_another_officer_saved_is_refused(appraisal_2024, officer, officer_b):
    s = score(appraisal_2024, "7.1.4")
    url = reverse("admin:scorecards_score_change", args=[s.pk])
    a, b = browser(officer), browser(officer_b)
    opened_a, opened_b = a.get(url), b.get(url)
    assert b.post(url, admin_form_data(opened_b, appraised_points="0.75")).status_code == 302

    response = a.post(url, admin_form_data(opened_a, appraised_points="0.5"))
    assert response.status_code == 200
    assert "Tiêu chí 7.1.4 " + STALE_SCORE % "Trần Văn Bình" in response.content.decode()
    after = score(appraisal_2024, "7.1.4")
    assert (after.appraised_points, after.version, after.updated_by) == (Decimal("0.75"), s.version + 1, officer_b)
    assert list(AuditEvent.objects.filter(score=s).values_list("action", "actor")) == [("score.appraised", officer_b.pk)]
    # Reopened, the same change goes through: the refusal was about the old copy only.
    assert a.post(url, admin_form_data(a.get(url), appraised_points="0.5")).status_code == 302
    assert score(appraisal_2024, "7.1.4").appraised_points == Decimal("0.5")


def _sipas_value(period, number, pct):
    return SipasValue.objects.create(period=period, indicator=SipasIndicator.objects.get(number=number), pct=Decimal(pct))


@pytest.mark.parametrize("model", ["assignment", "sipasvalue"])
def test_a_guarded_admin_form_opened_before_a_change_is_refused(model, open_period, officer, officer_b):
    noi_vu, tai_chinh = Agency.objects.get(code="so-noi-vu"), Agency.objects.get(code="so-tai-chinh")
    if model == "assignment":
        obj = Assignment.objects.get(period=open_period, criterion__code="2.3.2")
        field, theirs, mine, posted = "lead_agency_id", noi_vu.pk, tai_chinh.pk, {"lead_agency": tai_chinh.pk}
    else:
        obj = _sipas_value(open_period, 1, "80.00")
        field, theirs, mine, posted = "pct", Decimal("85.00"), Decimal("90.00"), {"pct": "90"}
    url = reverse(f"admin:scorecards_{model}_change", args=[obj.pk])
    a = browser(officer)
    opened = a.get(url)
    seen = opened.context["adminform"].form["row_fingerprint"].value()
    assert seen == records.fingerprint(obj)
    assert f'name="row_fingerprint" value="{seen}"' in opened.content.decode()

    # Meanwhile another officer changes the row through the one door.
    other = type(obj).objects.get(pk=obj.pk)
    setattr(other, field, theirs)
    records.save_record(other, actor=officer_b, seen=seen)
    assert AuditEvent.objects.filter(action="record.changed", actor=officer_b, data__object_id=obj.pk).exists()

    response = a.post(url, admin_form_data(opened, **posted))
    assert response.status_code == 200
    assert STALE_RECORD in response.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == theirs
    assert not events_by(officer).exists()
    # Reopened, the same change goes through.
    assert a.post(url, admin_form_data(a.get(url), **posted)).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == mine


@pytest.fixture
def sipas_list(open_period):
    """Two SIPAS values of 2025 and the change list (with its list edit of pct) that shows them."""
    values = [_sipas_value(open_period, 1, "80.00"), _sipas_value(open_period, 2, "70.00")]
    return values, reverse("admin:scorecards_sipasvalue_changelist") + f"?period__id__exact={open_period.pk}"



def test_a_list_edit_carries_each_rows_fingerprint(officer, sipas_list):
    values, url = sipas_list
    html = browser(officer).get(url).content.decode()
    assert 'name="form-0-pct"' in html  # the list edit is there
    rendered = html_inputs(html, "form-")
    assert [rendered.get(f"form-{i}-row_fingerprint") for i in range(2)] == [records.fingerprint(v) for v in values]


def test_a_stale_list_edit_is_refused(officer, officer_b, sipas_list):
    values, url = sipas_list
    a = browser(officer)
    posted = html_inputs(a.get(url).content.decode(), "form-")
    assert posted["form-0-id"] == str(values[0].pk) and posted["form-TOTAL_FORMS"] == "2"
    # Meanwhile another officer corrects the first value.
    other = SipasValue.objects.get(pk=values[0].pk)
    other.pct = Decimal("85.00")
    records.save_record(other, actor=officer_b, seen=records.fingerprint(values[0]))

    response = a.post(url, {**posted, "form-0-pct": "90", "_save": "Lưu"}, follow=True)
    assert SipasValue.objects.get(pk=values[0].pk).pct == Decimal("85.00")  # today: 90, officer B's 85 is lost
    assert not events_by(officer).exists()
    assert STALE_RECORD in response.content.decode()


def test_the_scorecard_grid_refuses_a_row_saved_since_it_was_opened(open_period, officer, tuphap):
    s = score(open_period, "2.3.2")
    url = reverse("admin:scorecards_evaluationperiod_scorecard", args=[open_period.pk])
    a = browser(officer)
    posted = html_inputs(a.get(url).content.decode(), "s")
    assert posted[f"s{s.pk}-version"] == "1"
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="Bản của đơn vị", version=1)

    response = a.post(url, {**posted, f"s{s.pk}-self_points": "0,9"})
    assert response.status_code == 200
    assert "Tiêu chí 2.3.2 " + STALE_SCORE % "Cán bộ Sở Tư pháp" in response.content.decode()
    after = score(open_period, "2.3.2")
    assert (after.self_points, after.explanation, after.version) == (Decimal("0.5"), "Bản của đơn vị", 2)
    assert not events_by(officer).exists()
    # With the current version the same change is saved.
    posted = html_inputs(a.get(url).content.decode(), "s")
    assert a.post(url, {**posted, f"s{s.pk}-self_points": "0,9"}).status_code == 302
    assert score(open_period, "2.3.2").self_points == Decimal("0.9")


def test_the_criterion_page_refuses_a_save_from_an_old_copy(open_period, tuphap, tuphap_b):
    s = score(open_period, "2.3.2")
    url = reverse("scorecards:score", args=[s.pk])
    a, b = browser(tuphap), browser(tuphap_b)
    version_a = a.get(url).context["form_save"]["version"].value()
    version_b = b.get(url).context["form_save"]["version"].value()
    assert version_a == version_b == 1
    assert b.post(url, {"action": "save", "version": version_b, "self_points": "0,5",
                        "explanation": "Bản của chị Hoa"}).status_code == 302

    response = a.post(url, {"action": "save", "version": version_a, "self_points": "0,9", "explanation": "Bản của tôi"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tiêu chí 2.3.2 " + STALE_SCORE % "Lê Thị Hoa" in html
    assert "Bản của tôi" in html and re.search(r'name="self_points"[^>]*value="0,9"', html)
    after = score(open_period, "2.3.2")
    assert (after.self_points, after.explanation, after.updated_by) == (Decimal("0.5"), "Bản của chị Hoa", tuphap_b)
    assert not events_by(tuphap).exists()


def test_an_import_confirmed_after_the_row_changed_is_refused(settings, tmp_path, open_period, officer, officer_b):
    settings.MEDIA_ROOT = tmp_path  # the upload waits there between preview and confirm
    a = browser(officer)
    upload = io.BytesIO(xlsx([SCORE_HEADER, ["2.3.2", "0,75", "Theo tệp", "", ""]]))
    upload.name = "diem-2026.xlsx"
    response = a.post(reverse(IMPORT), {"import_file": upload, "format": "0", "resource": "0", "scope": open_period.pk},
                      follow=True)
    preview = response.context["preview"]
    assert preview.ok and [r.key for r in preview.changed] == ["2.3.2"]
    form = response.context["confirm_form"]
    token = {name: form[name].value() for name in form.fields}
    assert token["import_file_name"] and token["seen"]
    # Meanwhile another officer corrects the same score.
    s = score(open_period, "2.3.2")
    apply_score_changes(open_period, [ScoreChange(s.pk, {"self_points": Decimal("0.5")}, s.version)], actor=officer_b)
    before = snapshot()

    response = a.post(reverse(CONFIRM), token, follow=True)
    assert response.status_code == 200 and not response.context["preview"].applied
    assert "“2.3.2” đã được thay đổi sau khi bạn xem trước" in response.content.decode()
    assert snapshot() == before
    assert score(open_period, "2.3.2").self_points == Decimal("0.5")
    assert not events_by(officer).exists()
    # The token was used up: confirming again does nothing either.
    assert a.post(reverse(CONFIRM), token).status_code == 302
    assert snapshot() == before


# --- 2. the criterion page: one form, "Lưu" or "Lưu và gửi" -------------------------------

def test_submitting_is_a_button_of_the_points_form(client, open_period, tuphap):
    client.force_login(tuphap)
    html = client.get(reverse("scorecards:score", args=[score(open_period, "2.3.2").pk])).content.decode()
    form = re.search(r'<form[^>]*id="form-save".*?</form>', html, re.S).group(0)
    assert re.search(r'<button[^>]*name="action" value="submit"[^>]*id="submit-button"[^>]*>Lưu và gửi Sở Nội vụ<', form)
    assert 'name="action" value="save"' in form
    assert 'id="form-submit"' not in html


@pytest.mark.parametrize(("points", "explanation", "reason"), [
    ("0,8", "", "Cần nhập điểm tự đánh giá và giải trình cách tính điểm trước khi gửi."),
    ("5", "Giải trình đang gõ", "vượt điểm tối đa"),
])
def test_a_refused_submit_shows_what_was_typed_and_saves_nothing(client, open_period, tuphap, points, explanation, reason):
    s = score(open_period, "2.3.2")
    client.force_login(tuphap)
    response = client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": "submit", "version": s.version, "self_points": points, "explanation": explanation})
    assert response.status_code == 400
    html = response.content.decode()
    assert reason in html
    assert re.search(rf'name="self_points"[^>]*value="{re.escape(points)}"', html)
    assert re.search(rf'<textarea[^>]*name="explanation"[^>]*>\n?{re.escape(explanation)}</textarea>', html)
    after = score(open_period, "2.3.2")
    assert (after.self_points, after.explanation, after.state, after.version) == (None, "", ScoreState.DRAFT, 1)
    assert not AuditEvent.objects.filter(score=s).exists()


def test_save_and_submit_in_one_step(client, open_period, tuphap):
    s = score(open_period, "2.3.2")
    client.force_login(tuphap)
    response = client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": "submit", "version": s.version, "self_points": "0,75", "explanation": "Đã xử lý 3/4 văn bản"})
    assert response.status_code == 302
    after = score(open_period, "2.3.2")
    assert (after.self_points, after.explanation, after.state) == (Decimal("0.75"), "Đã xử lý 3/4 văn bản",
                                                                  ScoreState.SUBMITTED)
    assert after.version == 3  # one for the save, one for the submission
    assert list(AuditEvent.objects.filter(score=s).order_by("pk").values_list("action", "actor")) == [
        ("score.self_assessed", tuphap.pk), ("score.submitted", tuphap.pk)]


# --- 3. every audit action has a label -----------------------------------------------------

def test_logging_an_unknown_action_is_refused(officer):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="score.deleted"):
        AuditEvent.log("score.deleted", actor=officer)
    assert AuditEvent.objects.count() == before


def _is_str(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def emitted_action_literals():
    """Every action code spelled in the source: first argument of AuditEvent.log(...),
    `audit_action = "..."`, `action="..."` keywords and {"action": "..."} rows (bulk inserts);
    plus every AuditAction.NAME the code refers to. {code: "file:line"}, [unknown names]."""
    found, names = {}, []
    files = [p for d in ("scorecards", "reports") for p in (ROOT / d).rglob("*.py") if "migrations" not in p.parts]
    for path in files:
        rel = path.relative_to(ROOT)

        def where(node, rel=rel):
            return f"{rel}:{node.lineno}"

        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Attribute) and func.attr == "log" and isinstance(func.value, ast.Name)
                        and func.value.id == "AuditEvent" and node.args and _is_str(node.args[0])):
                    found[node.args[0].value] = where(node)
                for kw in node.keywords:
                    if kw.arg == "action" and _is_str(kw.value) and "." in kw.value.value:
                        found[kw.value.value] = where(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "audit_action" for t in targets) and _is_str(node.value) \
                        and node.value.value:
                    found[node.value.value] = where(node)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if key is not None and _is_str(key) and key.value == "action" and _is_str(value):
                        found[value.value] = where(node)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AuditAction":
                if not hasattr(AuditAction, node.attr):
                    names.append(f"AuditAction.{node.attr} ({where(node)})")
    return found, names


def test_every_action_the_code_can_emit_has_a_label():
    found, unknown_names = emitted_action_literals()
    # The scan sees the code's references to AuditAction (a scan that finds nothing proves nothing).
    import pathlib
    import re

    sources = "".join(p.read_text() for folder in ("scorecards", "reports")
                      for p in pathlib.Path(folder).rglob("*.py") if "migrations" not in p.parts)
    assert len(set(re.findall(r"AuditAction\.[A-Z_]+", sources))) >= 20
    unknown = {code: where for code, where in found.items() if code not in AuditAction.values}
    assert unknown == {}, unknown
    assert unknown_names == []
    tables = ({str(a) for a in SCORE_TRANSITION_ACTIONS.values()}
              | {str(step.action) for steps in PERIOD_TRANSITIONS.values() for step in steps.values()}
              | {str(a) for a in FIELD_ACTIONS.values()}
              | {kind.audit_action for kind in KINDS.values() if getattr(kind, "audit_action", "")})
    assert {"sipas.imported", "criteria.imported", "national_results.imported"} <= tables
    assert tables - set(AuditAction.values) == set()
    for action in AuditAction:
        # An explicit Vietnamese label, not the one TextChoices makes up from the name.
        assert str(action.label) and str(action.label) != action.name.replace("_", " ").title()


def test_the_log_filter_offers_exactly_the_actions(client, officer, tuphap, open_period):
    s = score(open_period, "2.3.2")
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="x", version=s.version)
    client.force_login(officer)
    response = client.get(reverse("scorecards:log"))
    choices = list(response.context["filter"].form.fields["action"].choices)
    assert choices[0][0] == ""
    assert [(value, str(label)) for value, label in choices[1:]] == [(v, str(lbl)) for v, lbl in AuditAction.choices]
    html = response.content.decode()
    for value, label in AuditAction.choices:
        assert f'<option value="{value}">{htmllib.escape(str(label), quote=False)}</option>' in html
    # …and filters by them.
    listed = client.get(reverse("scorecards:log"), {"action": AuditAction.SCORE_SELF_ASSESSED}).context["table"].rows
    assert [row.record.action for row in listed] == ["score.self_assessed"]
    assert not client.get(reverse("scorecards:log"), {"action": "record.deleted"}).context["table"].rows


# --- 4. query counts -----------------------------------------------------------------------

def count_queries(client, url):
    client.get(url)  # the session is loaded once per test; measure a warm page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def add_history(s, n, users, start=0):
    """`n` evidence documents and `n` audit events (by several authors, with comments)."""
    actions = [AuditAction.SCORE_SELF_ASSESSED, AuditAction.EVIDENCE_UPLOADED, AuditAction.SCORE_SUBMITTED,
               AuditAction.SCORE_RETURNED]
    for i in range(start, start + n):
        user = users[i % len(users)]
        EvidenceDocument.objects.create(score=s, file=f"evidence/2025/doc{s.pk}-{i}", original_name=f"bao-cao-{i}.pdf",
                                        size=1000 + i, doc_number=f"{i}/BC", uploaded_by=user)
        AuditEvent.log(actions[i % len(actions)], actor=user, score=s, code=s.criterion.code, comment=f"Ý kiến {i}",
                       changes={"self_points": [None, "0.5"]}, name=f"bao-cao-{i}.pdf")


# Criterion page (/diem/<pk>/), warm session, SQLite, measured and pinned:
#   1 session, 2 user, 3 the user's groups (role checks, then cached on the user), 4 the
#   score with criterion, period, subject, updated_by and agency joined, [5 the agency's
#   running exception: capabilities() of the lead agency while self-assessment is open],
#   6 the audit events with their actors joined, 7 the evidence with uploaders joined,
#   8 the user's agency for the header (base.html: user.agency.label), 9 the ordered ids of
#   the list the page was opened from (previous/next), [10 the officer's menu count of
#   submitted scores waiting for review].
CRITERION_PAGE_QUERIES = {"tuphap": 9, "officer": 9}


@pytest.mark.parametrize("persona", ["tuphap", "officer"])
def test_the_criterion_page_costs_the_same_with_1_or_20_history_rows(client, request, persona, open_period, tuphap,
                                                                     officer, tuphap_b, officer_b,
                                                                     django_assert_num_queries):
    s = score(open_period, "2.3.2")
    url = reverse("scorecards:score", args=[s.pk])
    client.force_login(request.getfixturevalue(persona))
    authors = [tuphap, officer, tuphap_b, officer_b]
    add_history(s, 1, authors)
    small, response = count_queries(client, url)
    assert len(response.context["evidence"]) == 1 and len(response.context["events"]) == 1
    add_history(s, 19, authors, start=1)
    big, response = count_queries(client, url)
    assert len(response.context["evidence"]) == 20 and len(response.context["events"]) == 20
    assert "Trần Văn Bình" in response.content.decode() and "bao-cao-19.pdf" in response.content.decode()
    assert big == small
    with django_assert_num_queries(CRITERION_PAGE_QUERIES[persona]):
        client.get(url)


# Workspace list (/tieu-chi/), warm session, measured and pinned:
#   1 session, 2 user, 3 groups, 4 the field filter's choices (top criteria of open
#   periods), 5 COUNT of the rows, 6 the user's agency (header and title), 7 the period
#   filter's choices, [8 the lead-agency filter's choices: Sở Nội vụ only], then the page
#   of rows in one query (agency joined, evidence count as a subquery).
# Unit staff: +1 for their round scorecards box, +1 for the national periods of their analysis box.
# Everyone: +1 for the counts per state (the tabs). Agency staff: +1 returned count, +1 the
# latest decisions. Officers: +1 the menu count of submitted scores waiting for review.
WORKSPACE_QUERIES = {"tuphap": 13, "officer": 11}


@pytest.mark.parametrize("persona", ["tuphap", "officer"])
def test_the_workspace_costs_the_same_with_a_much_larger_period(client, request, persona, open_period, tuphap,
                                                                django_assert_num_queries):
    client.force_login(request.getfixturevalue(persona))
    small, response = count_queries(client, WORKSPACE)
    small_rows = len(response.context["table"].page.object_list)
    big = build_period(build_framework(fields=8, criteria_per_field=4, leaves_per_criterion=5, code="gen-one-door"),
                       year=2031, lead=tuphap.agency)
    for s in Score.objects.filter(period=big)[:30]:
        workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("0.5"), explanation="x", version=s.version)
    large, response = count_queries(client, WORKSPACE)
    assert len(response.context["table"].page.object_list) == 50 > small_rows  # a full page of 50
    assert large == small
    with django_assert_num_queries(WORKSPACE_QUERIES[persona]):
        client.get(WORKSPACE)


# --- 5. deleting ---------------------------------------------------------------------------

def _delete_cases(period_2024, open_period, period_2023):
    return {
        "published-assignment": Assignment.objects.get(period=period_2024, criterion__code="2.3.2"),
        "score": score(open_period, "2.3.2"),
        "open-period": open_period,
        "published-period": period_2024,
        "closed-period": period_2023,
    }


@pytest.mark.parametrize("case", ["published-assignment", "score", "open-period", "published-period", "closed-period"])
def test_the_admin_refuses_to_delete_what_must_stay(client, officer, period_2023, period_2024, open_period, case):
    obj = _delete_cases(period_2024, open_period, period_2023)[case]
    model = type(obj)
    client.force_login(officer)
    url = reverse(f"admin:scorecards_{model._meta.model_name}_delete", args=[obj.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    # Nor through the list's "delete selected" action: refused with the reason.
    changelist = reverse(f"admin:scorecards_{model._meta.model_name}_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
                           follow=True)
    reason = records.delete_refusal(obj)
    assert reason and reason in [str(m) for m in response.context["messages"]]
    assert model.objects.filter(pk=obj.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RECORD_DELETED).exists()


@pytest.fixture
def draft_period(period_2024):
    return EvaluationPeriod.objects.create(year=2026, framework=period_2024.framework, subject=period_2024.subject,
                                           status="draft")


def test_deleting_a_draft_periods_assignment_is_logged_with_its_values(client, officer, draft_period, agency_tuphap):
    criterion = Criterion.objects.get(framework=draft_period.framework, code="2.3.2")
    assignment = Assignment.objects.create(period=draft_period, criterion=criterion, lead_agency=agency_tuphap)
    client.force_login(officer)
    url = reverse("admin:scorecards_assignment_delete", args=[assignment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.RECORD_DELETED)
    assert (event.actor, event.actor_name, event.period) == (officer, "Cán bộ Sở Nội vụ", draft_period)
    assert event.data["model"] == "scorecards.assignment" and event.data["object_id"] == assignment.pk
    assert event.data["values"] == {"id": str(assignment.pk), "period": str(draft_period.pk), "criterion": str(criterion.pk),
                                    "lead_agency": str(agency_tuphap.pk), "supporting_agencies": []}


def test_a_deleted_assignment_keeps_its_supporting_agencies_in_the_log(client, officer, draft_period, agency_tuphap):
    criterion = Criterion.objects.get(framework=draft_period.framework, code="6.1.1")
    assignment = Assignment.objects.create(period=draft_period, criterion=criterion, lead_agency=agency_tuphap)
    assignment.supporting_agencies.set([Agency.objects.get(code="so-tai-chinh")])
    client.force_login(officer)
    assert client.post(reverse("admin:scorecards_assignment_delete", args=[assignment.pk]), {"post": "yes"}).status_code == 302
    values = AuditEvent.objects.get(action=AuditAction.RECORD_DELETED).data["values"]
    assert "Sở Tài chính" in str(values.get("supporting_agencies"))


def test_a_draft_period_with_its_score_rows_can_be_deleted(client, officer, draft_period):
    from scorecards.services.periods import ensure_scores

    assert ensure_scores(draft_period)
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_evaluationperiod_delete", args=[draft_period.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not EvaluationPeriod.objects.filter(pk=draft_period.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_DELETED, data__object_id=draft_period.pk).exists()


# --- 6. users are never deleted; the log keeps the author's name ---------------------------

@pytest.fixture
def superuser(demo):
    return User.objects.create_superuser("sieuquantri", email="root@demo.chiso-cchc.local", password="x-pass-123")


@pytest.mark.parametrize("persona", ["superuser", "sysadmin", "officer"])
def test_no_one_deletes_a_user_in_the_admin(client, request, persona, tuphap):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("admin:scorecards_user_delete", args=[tuphap.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:scorecards_user_changelist")
    assert 'value="delete_selected"' not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [tuphap.pk], "post": "yes"})
    assert User.objects.filter(pk=tuphap.pk, is_active=True).exists()


def test_the_log_keeps_the_authors_name_after_the_account_changes(client, open_period, tuphap, officer):
    s = score(open_period, "2.3.2")
    workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="x", version=s.version)
    event = AuditEvent.objects.get(score=s)
    assert event.actor_name == "Cán bộ Sở Tư pháp"
    # The account is renamed and deactivated (never deleted: the log protects it).
    User.objects.filter(pk=tuphap.pk).update(first_name="Nguyễn", last_name="Văn Mới", is_active=False)
    with pytest.raises(ProtectedError):
        User.objects.get(pk=tuphap.pk).delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_label == "Cán bộ Sở Tư pháp"
    client.force_login(officer)
    html = client.get(reverse("scorecards:log")).content.decode()
    assert "Cán bộ Sở Tư pháp" in html and "Nguyễn Văn Mới" not in html


# --- 7. what a new user's attack found -----------------------------------------------------

def test_a_system_administrator_cannot_give_himself_roles(client, sysadmin, home_affairs_group):
    client.force_login(sysadmin)
    url = reverse("admin:scorecards_user_change", args=[sysadmin.pk])
    form = client.get(url).context["adminform"].form
    assert "groups" not in form.fields and "is_staff" not in form.fields
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(groups=[home_affairs_group.pk], is_staff="on", date_joined_0="01/01/2026", date_joined_1="00:00:00")
    client.post(url, data)
    assert not sysadmin.groups.filter(pk=home_affairs_group.pk).exists()


def test_account_changes_are_in_the_audit_log(client, sysadmin, tuphap, leader):
    from django.contrib.auth.models import Group

    client.force_login(sysadmin)
    url = reverse("admin:scorecards_user_change", args=[tuphap.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v not in (None, [])}
    data.update(first_name="Cán bộ mới", agency=tuphap.agency_id, is_active="on", is_staff="",
                groups=[Group.objects.get(name="Lãnh đạo").pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.filter(action="user.changed", actor=sysadmin).latest("pk")
    assert event.data["user"] == "sotuphap"
    assert any("first_name" in (e.data.get("fields") or []) for e in AuditEvent.objects.filter(action="user.changed"))
    assert AuditEvent.objects.filter(action="user.changed", data__groups__isnull=False).exists()
    response = client.post(f"/admin/scorecards/user/{tuphap.pk}/password/",
                           {"password1": "mot-mat-khau-dai-2026", "password2": "mot-mat-khau-dai-2026",
                            "usable_password": "true"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.password_set", actor=sysadmin, data__user="sotuphap").exists()


def test_an_agency_in_use_is_never_deleted(client, officer):
    from scorecards.models import Agency

    agency = Agency.objects.get(code="so-tai-chinh")
    client.force_login(officer)
    before = snapshot()
    response = client.post(reverse("admin:scorecards_agency_changelist"),
                           {"action": "delete_selected", "_selected_action": [agency.pk], "post": "yes"}, follow=True)
    assert "không xoá" in response.content.decode()
    assert snapshot() == before


def test_a_published_periods_report_record_is_never_deleted(client, officer, period_2024):
    from reports.models import ReportRecord

    record = ReportRecord.objects.get(period=period_2024)
    client.force_login(officer)
    before = snapshot()
    client.post(reverse("admin:reports_reportrecord_changelist"),
                {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    assert ReportRecord.objects.filter(pk=record.pk).exists() and snapshot() == before


def test_a_stale_board_button_does_not_undo_a_newer_step(client, officer, open_period):
    from scorecards.services import workflow

    workflow.change_period_status(open_period.pk, "appraisal", actor=officer)
    workflow.change_period_status(open_period.pk, "explanation", actor=officer)
    client.force_login(officer)
    response = client.post(reverse("scorecards:period_step", args=[open_period.pk]),
                           {"status": "appraisal", "from_status": "self_assessment"}, follow=True)
    open_period.refresh_from_db()
    assert open_period.status == "explanation"
    assert "vừa được chuyển sang" in response.content.decode()


def test_year_and_period_of_a_command_must_agree(open_period, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="thuộc năm 2026, không phải năm 2023"):
        call_command("export_scores", "--year", "2023", "--period", str(open_period.pk), "--output", str(tmp_path / "a.xlsx"))


def test_the_score_history_page_never_saves(client, officer, open_period):
    s = score(open_period, "2.3.2")
    client.force_login(officer)
    version = s.history.first().history_id
    response = client.post(f"/admin/scorecards/score/{s.pk}/history/{version}/", {"seen_version": s.version})
    assert response.status_code == 403
    assert score(open_period, "2.3.2").version == s.version


def test_the_appraisal_box_may_not_be_left_empty(client, officer, open_period):
    from scorecards.services import workflow

    workflow.change_period_status(open_period.pk, "appraisal", actor=officer)
    s = score(open_period, "7.1.4")
    client.force_login(officer)
    response = client.post(reverse("scorecards:score", args=[s.pk]),
                           {"action": "appraise", "round": "1", "points": "", "reason": "r", "version": s.version})
    assert response.status_code == 400 and "Cần nhập điểm thẩm định" in response.content.decode()
    assert score(open_period, "7.1.4").version == s.version


def test_a_second_load_demo_keeps_what_users_changed(officer, open_period):
    from scorecards.models import Agency
    from scorecards.services.demo import load_demo
    from scorecards.services.records import save_record

    agency = Agency.objects.get(code="so-tu-phap")
    agency.short_name = "STP mới"
    save_record(agency, actor=officer)
    load_demo(password="demo-pass-123")
    assert Agency.objects.get(code="so-tu-phap").short_name == "STP mới"


def test_links_in_e_mails_are_absolute(settings, open_period, tuphap, officer, django_capture_on_commit_callbacks):
    from django.core import mail

    from scorecards.services import workflow

    settings.SITE_URL = "https://cchc.dienbien.gov.vn"
    officer.email = "snv@example.vn"
    officer.save()
    s = score(open_period, "2.3.2")
    s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=Decimal("1"), explanation="x", version=s.version)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    assert any(f"https://cchc.dienbien.gov.vn/diem/{s.pk}/" in m.body for m in mail.outbox)
