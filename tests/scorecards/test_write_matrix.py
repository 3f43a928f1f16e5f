"""The write matrix: every write path × every persona × every period status, generated
from the policy tables (scorecards.policy: RIGHT_STATUSES, WINDOWS, SCORE_TRANSITIONS,
PERIOD_TRANSITIONS; scorecards.choices.FROZEN_STATUSES; scorecards.services.records'
_frozen_by()) and the role predicates of scorecards.permissions. No case's outcome is
written by hand: each path names the right it exercises (or the record it writes), and
one small expectation function per path derives "allowed" or "refused" from the tables.

Each case puts the open 2026 period into the status (deadlines cleared, so the windows are
open by status alone), performs the write through its real entry point (the web pages
and the admin with the Django test client, the import service, the management command)
as the persona, and asserts:
- allowed: the change is in the database and an audit event names the persona;
- refused: every row of the scorecards and reports tables (and every stored evidence
  file) is unchanged, and the persona is told why (403; a page or redirected page that
  carries a Vietnamese reason in a message or a form error; 404 only for a persona who may
  not even see the row; a CommandError / PermissionDenied / import error otherwise).
"""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Callable

import pytest
from django.apps import apps
from django.contrib import messages as message_levels
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from reports.models import ReportRecord
from scorecards import permissions
from scorecards.choices import FROZEN_STATUSES, SCORE_EDITABLE_STATES, AuditAction, PeriodStatus, Right, ScoreState
from scorecards.models import (
    AgencyException, Assignment, AuditEvent, EvaluationPeriod, EvidenceDocument, NationalResult, Score, SipasIndicator,
    SipasValue,
)
from scorecards.policy import PERIOD_TRANSITIONS, RIGHT_STATUSES, SCORE_TRANSITIONS, WINDOWS
from scorecards.services.records import _frozen_by, fingerprint
from scorecards.services.scoring import FIELD_ACTIONS, MANAGER_RIGHTS, RIGHT_FIELDS
from scorecards.services.sipas import sipas_points
from scorecards.resources import services as transfer

# The personas of tests/conftest.py; taichinh is made a supporting agency of CODE below.
PERSONAS = ("officer", "tuphap", "taichinh", "leader", "outsider", "sysadmin")
STATUSES = tuple(PeriodStatus.values)
CODE = "2.3.2"  # led by Sở Tư pháp in every demo period
SIPAS_CODE = "8.SIPAS"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SCORE_HEADER = ["Mã tiêu chí", "Điểm tự đánh giá", "Giải trình cách tính điểm", "Điểm thẩm định",
                "Nguyên nhân chưa đạt điểm tối đa"]
# A letter only Vietnamese text (in this app) carries: the reason is in Vietnamese.
VIETNAMESE = re.compile("[\u00c0-\u024f\u1ea0-\u1ef9]")
ERRORLIST = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
# The admin's note (e.g. "authenticated as …, but not authorized"), and the criterion
# page's notice of why the persona cannot edit (#edit-refusal).
ERRORNOTE = re.compile(r'<p class="(?:errornote|notice)"[^>]*>(.*?)</p>', re.S)
TAG = re.compile(r"<[^>]+>")


# --------------------------------------------------------------------------------------
# The world each case starts from
# --------------------------------------------------------------------------------------

@dataclass
class World:
    period: EvaluationPeriod
    status: str
    lead_agency_id: int
    supporting_ids: frozenset
    exception: bool
    tmp_path: object
    media: object
    rows: dict = field(default_factory=dict)  # what a path's `arrange` created

    def score(self, code=CODE) -> Score:
        return Score.objects.select_related("criterion").get(period=self.period, criterion__code=code)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def make_world(period, taichinh, status, tmp_path, media, *, exception=False) -> World:
    assignment = Assignment.objects.get(period=period, criterion__code=CODE)
    assignment.supporting_agencies.add(taichinh.agency)
    EvaluationPeriod.objects.filter(pk=period.pk).update(
        status=status, self_assessment_deadline=None, explanation_deadline=None)
    if exception:
        AgencyException.objects.create(period=period, agency_id=assignment.lead_agency_id, reason="Ma trận quyền",
                                       until=timezone.now() + timedelta(days=1))
    period.refresh_from_db()
    return World(period=period, status=status, lead_agency_id=assignment.lead_agency_id,
                 supporting_ids=frozenset(assignment.supporting_agencies.values_list("pk", flat=True)),
                 exception=exception, tmp_path=tmp_path, media=media)


def snapshot(media) -> dict:
    """Every row of every scorecards and reports table (history and m2m tables included),
    and every stored file with its hash: a refused write leaves all of it as it was."""
    state = {}
    for label in ("scorecards", "reports"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            state[model._meta.label] = list(model._base_manager.order_by("pk").values())
    state["files"] = sorted(
        (str(p.relative_to(media)), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in (media.rglob("*") if media.exists() else []) if p.is_file())
    return state


# --------------------------------------------------------------------------------------
# Expectations, derived from the tables
# --------------------------------------------------------------------------------------

def may_view(user, world) -> bool:
    """Score.objects.for_user's rule in role terms: readers of everything, and the staff of
    the lead or a supporting agency."""
    return permissions.sees_everything(user) or bool(
        user.agency_id and (user.agency_id == world.lead_agency_id or user.agency_id in world.supporting_ids))


def holds(user, right, world) -> bool:
    """Whether the persona is someone who can hold `right` on the score of CODE at all."""
    if right in (Right.SELF_ASSESS, Right.EXPLAIN):
        return permissions.is_agency_staff(user) and user.agency_id == world.lead_agency_id
    assert right in MANAGER_RIGHTS | {Right.REVIEW}
    return permissions.can_manage(user)


def open_statuses(right, exception: bool) -> set:
    """The statuses in which `right` applies (RIGHT_STATUSES), never in a frozen period,
    narrowed for agency writes to their window (WINDOWS: without / with an exception; the
    deadlines are cleared, so only the status decides)."""
    statuses = set(RIGHT_STATUSES[right]) - FROZEN_STATUSES
    if right in WINDOWS:
        without, with_exception, _deadline = WINDOWS[right]
        statuses &= set(with_exception if exception else without)
    return statuses


def right_of_fields(*names) -> str:
    """The narrowest right whose RIGHT_FIELDS cover `names` (the agency's or the appraiser's)."""
    for right in (Right.SELF_ASSESS, Right.EXPLAIN, Right.APPRAISE, Right.ADMINISTER):
        if set(names) <= RIGHT_FIELDS[right]:
            return right
    raise AssertionError(names)


def expect_right(right, precondition: Callable[[World], bool] = lambda w: True):
    def expect(user, world):
        return holds(user, right, world) and world.status in open_statuses(right, world.exception) and precondition(world)
    expect.right = right
    return expect


def expect_transition(from_state, to_state):
    """A review step: the right the transition table asks for, from the state set up."""
    right = SCORE_TRANSITIONS[from_state][to_state]
    return expect_right(right, lambda w: w.score().state == from_state)


def expect_record(model):
    """Writes of other rows (services.records): Sở Nội vụ only, and never while a period the
    row feeds is in one of the statuses that freeze that kind of row (_frozen_by)."""
    _condition, frozen = _frozen_by()[model]

    def expect(user, world):
        return permissions.can_manage(user) and world.status not in frozen
    return expect


def board_target(status) -> str:
    """"Forward" on the board: the next status in declared order (the last one goes back)."""
    i = STATUSES.index(status)
    return STATUSES[i + 1] if i + 1 < len(STATUSES) else STATUSES[i - 1]


def expect_board_step(user, world):
    return permissions.can_manage(user) and board_target(world.status) in PERIOD_TRANSITIONS[world.status]


# --------------------------------------------------------------------------------------
# Outcomes and how a refusal must be explained
# --------------------------------------------------------------------------------------

@dataclass
class Outcome:
    response: object = None  # an HttpResponse (web paths)
    error: Exception | None = None  # raised by a service or a command
    output: str = ""  # what a command printed
    preview: object = None  # run_import's Preview


@dataclass
class Case:
    client: object
    user: object
    world: World


def page_reasons(response) -> list[str]:
    """The refusals a page shows: non-success messages, form errors, the admin's notes."""
    texts = []
    if response.context is not None and "messages" in response.context:
        texts += [str(m) for m in response.context["messages"]
                  if m.level >= message_levels.INFO and m.level != message_levels.SUCCESS]
    html = response.content.decode()
    texts += [TAG.sub(" ", block) for block in ERRORLIST.findall(html)]
    generic = {ngettext("Please correct the error below.", "Please correct the errors below.", n) for n in (1, 2)}
    texts += [t for t in (TAG.sub(" ", b).strip() for b in ERRORNOTE.findall(html)) if t not in generic]
    return [" ".join(t.split()) for t in texts if t.strip()]


def unshown_form_errors(response) -> list[str]:
    """The errors of the bound forms a page was given that the page does not show (a
    refused step re-shows the page "with what the user typed and why")."""
    from django.forms import BaseForm
    from django.utils.html import escape

    if response.context is None:
        return []
    contexts = response.context if isinstance(response.context, list) else [response.context]
    errors = []
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                errors += [e for messages in value.errors.values() for e in messages]
    html = response.content.decode()
    return [e for e in dict.fromkeys(errors) if escape(e) not in html]


def success_messages(response) -> list[str]:
    if response.context is None or "messages" not in response.context:
        return []
    return [str(m) for m in response.context["messages"] if m.level == message_levels.SUCCESS]


def assert_told_why(case: Case, outcome: Outcome):
    if outcome.error is not None:
        text = f"{outcome.error} {outcome.output}"
        assert VIETNAMESE.search(text), text
        return
    if outcome.preview is not None:
        assert not outcome.preview.applied
        assert any(VIETNAMESE.search(str(e)) for e in outcome.preview.errors), outcome.preview.errors
        return
    response = outcome.response
    if response.status_code == 403:
        return
    if response.status_code == 404:
        # A row the persona may not even see answers 404, so that it does not show it exists.
        assert not may_view(case.user, case.world), "404 for a persona who may see the row"
        return
    if response.status_code == 302:
        response = case.client.get(response["Location"], follow=True)
    assert response.status_code in (200, 400), response.status_code
    reasons = page_reasons(response)
    assert any(VIETNAMESE.search(t) for t in reasons), ("no reason shown", response.status_code, reasons)
    assert not unshown_form_errors(response), ("reason computed but not shown", unshown_form_errors(response))
    assert not success_messages(response), success_messages(response)


# --------------------------------------------------------------------------------------
# The write paths: what each sets up, does, and leaves when it succeeds
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Path:
    expect: Callable  # (user, world) -> bool
    act: Callable  # (case) -> Outcome
    landed: Callable  # (world, user) -> None: asserts the change is in the database
    audit: object  # the AuditAction the write logs, or (world) -> AuditAction
    arrange: Callable = lambda world: None


def set_score(world, code=CODE, **values):
    Score.objects.filter(period=world.period, criterion__code=code).update(**values)


def submitted(world):
    set_score(world, state=ScoreState.SUBMITTED, self_points=Decimal("0.75"), explanation="Đã xử lý 3/4 văn bản.",
              submitted_at=timezone.now())


def lost_points(world):
    set_score(world, appraised_points=Decimal("0.5"), appraisal_reason="Thiếu 1 văn bản")


def with_document(world):
    doc = EvidenceDocument(score=world.score(), original_name="bao-cao.pdf", content_type="application/pdf",
                           size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), title="Báo cáo")
    doc.file.save("bao-cao.pdf", ContentFile(PDF), save=True)
    world.rows["document"] = doc


def with_sipas_value(world):
    world.rows["sipas_value"] = SipasValue.objects.create(
        period=world.period, indicator=SipasIndicator.objects.order_by("number").first(), pct=Decimal("70.00"))


def with_national_result(world):
    world.rows["result"] = NationalResult.objects.create(
        year=world.period.year, province_id=world.period.subject.province_id, par_score=Decimal("80"),
        sipas_pct=Decimal("81.50"), ranked_count=63)


def with_report_record(world):
    world.rows["report"] = ReportRecord.objects.create(period=world.period, number="1/BC-SNV", signer_name="Nguyễn Văn A")


# ---- the criterion page --------------------------------------------------------------

def criterion_page(action, **data):
    def act(case):
        s = case.world.score()
        payload = {"action": action, "version": s.version, **data}
        if action.startswith("upload"):
            payload["file"] = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
        return Outcome(response=case.client.post(reverse("scorecards:score", args=[s.pk]), payload))
    return act


def score_is(**wanted):
    def landed(world, user):
        s = world.score()
        assert {k: getattr(s, k) for k in wanted} == wanted
        assert s.updated_by_id == user.pk
    return landed


def document_landed(supplementary):
    def landed(world, user):
        doc = EvidenceDocument.objects.get(score=world.score(), uploaded_by=user)
        assert (doc.original_name, doc.is_supplementary) == ("bao-cao.pdf", supplementary)
        assert (world.media / doc.file.name).read_bytes() == PDF
    return landed


def delete_document(case):
    doc = case.world.rows["document"]
    return Outcome(response=case.client.post(reverse("scorecards:evidence_delete", args=[doc.pk])))


def document_gone(world, user):
    assert not EvidenceDocument.objects.filter(pk=world.rows["document"].pk).exists()


# ---- the admin -------------------------------------------------------------------------

def form_data(obj, **changes) -> dict:
    """What a change form posts back unchanged (plus the fingerprint it was opened at)."""
    data = {}
    for name, value in model_to_dict(obj).items():
        if name == "id":
            continue
        if isinstance(value, list):
            value = [getattr(o, "pk", o) for o in value]
        data[name] = "" if value is None else value
    data.update(changes)
    data["row_fingerprint"] = fingerprint(obj)
    data["_save"] = "Lưu"
    return data


def admin_change(model_label, row, **changes):
    def act(case):
        obj = type(case.world.rows[row]).objects.get(pk=case.world.rows[row].pk)
        url = reverse(f"admin:{model_label}_change", args=[obj.pk])
        return Outcome(response=case.client.post(url, form_data(obj, **changes)))
    return act


def admin_score_change(case):
    s = case.world.score()
    data = form_data(s, appraised_points="0.25", appraisal_reason="Sửa tại trang quản trị")
    data.update({"seen_version": s.version, "evidence-TOTAL_FORMS": 0, "evidence-INITIAL_FORMS": 0,
                 "evidence-MIN_NUM_FORMS": 0, "evidence-MAX_NUM_FORMS": 1000})
    return Outcome(response=case.client.post(reverse("admin:scorecards_score_change", args=[s.pk]), data))


def admin_grid(case):
    """Post the whole scorecard grid as the page renders it, with one cell changed."""
    from scorecards.forms_scorecard import ScoreRowForm
    from scorecards.services.scorecard import build_scorecard

    target = case.world.score().pk
    data = {}
    for row in build_scorecard(case.world.period).rows:
        if row.score:
            form = ScoreRowForm(score=row.score)
            for bound in form:
                value = bound.value()
                data[bound.html_name] = "" if value is None else value
    data[f"s{target}-appraised_points"] = "0,5"
    url = reverse("admin:scorecards_evaluationperiod_scorecard", args=[case.world.period.pk])
    return Outcome(response=case.client.post(url, data))


def sipas_list_edit(case):
    value = SipasValue.objects.get(pk=case.world.rows["sipas_value"].pk)
    url = reverse("admin:scorecards_sipasvalue_changelist") + f"?period__id__exact={case.world.period.pk}"
    return Outcome(response=case.client.post(url, {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 1000,
        "form-0-id": value.pk, "form-0-pct": "64.25", "form-0-row_fingerprint": fingerprint(value), "_save": "Lưu"}))


def delete_assignment(case):
    assignment = Assignment.objects.get(period=case.world.period, criterion__code=CODE)
    url = reverse("admin:scorecards_assignment_delete", args=[assignment.pk])
    return Outcome(response=case.client.post(url, {"post": "yes"}))


def assignment_gone(world, user):
    assert not Assignment.objects.filter(period=world.period, criterion__code=CODE).exists()
    assert world.score().responsible_agency_id is None


def sync_sipas_action(case):
    url = reverse("admin:scorecards_evaluationperiod_changelist")
    return Outcome(response=case.client.post(url, {
        "action": "sync_sipas", "_selected_action": [case.world.period.pk], "index": 0, "select_across": 0}))


def sipas_synced(world, user):
    s = world.score(SIPAS_CODE)
    assert s.appraised_points == sipas_points(Decimal("81.50"), s.criterion.max_points)
    assert s.updated_by_id == user.pk


def row_is(row, **wanted):
    def landed(world, user):
        obj = type(world.rows[row]).objects.get(pk=world.rows[row].pk)
        assert {k: getattr(obj, k) for k in wanted} == wanted
    return landed


def assignment_change(case):
    assignment = Assignment.objects.get(period=case.world.period, criterion__code=CODE)
    extra = assignment.lead_agency.__class__.objects.get(code="so-ke-hoach-va-dau-tu")
    data = form_data(assignment)
    data["supporting_agencies"] = [*data["supporting_agencies"], extra.pk]
    return Outcome(response=case.client.post(reverse("admin:scorecards_assignment_change", args=[assignment.pk]), data))


def assignment_changed(world, user):
    assignment = Assignment.objects.get(period=world.period, criterion__code=CODE)
    assert "so-ke-hoach-va-dau-tu" in set(assignment.supporting_agencies.values_list("code", flat=True))


# ---- the progress board ------------------------------------------------------------------

def board_step(case):
    return Outcome(response=case.client.post(reverse("scorecards:period_step", args=[case.world.period.pk]), {
        "status": board_target(case.world.status), "reason": "Ma trận quyền: chuyển giai đoạn"}))


def board_moved(world, user):
    assert EvaluationPeriod.objects.get(pk=world.period.pk).status == board_target(world.status)


def board_audit(world):
    return PERIOD_TRANSITIONS[world.status][board_target(world.status)].action


# ---- imports ---------------------------------------------------------------------------

IMPORTED_TEXT = "Nhập từ tệp: 2/4 văn bản"


def score_file() -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([SCORE_HEADER, [CODE, "0,5", IMPORTED_TEXT, "", ""]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def run_import(case):
    try:
        preview = transfer.run_import("scores", score_file(), "diem.csv", scope=case.world.period, actor=case.user,
                                      dry_run=False)
    except PermissionDenied as exc:
        return Outcome(error=exc)
    return Outcome(preview=preview)


def import_command(case):
    path = case.world.tmp_path / "diem.csv"
    path.write_bytes(score_file())
    out = io.StringIO()
    try:
        call_command("import_scores", str(path), "--year", str(case.world.period.year), "--user", case.user.username,
                     stdout=out)
    except CommandError as exc:
        return Outcome(error=exc, output=out.getvalue())
    return Outcome(output=out.getvalue())


# ---- the registry ------------------------------------------------------------------------

SAVE_RIGHT = right_of_fields("self_points", "explanation")
EXPLAIN_RIGHT = right_of_fields("appeal_explanation")
APPRAISE_RIGHT = right_of_fields("appraised_points", "appraisal_reason")
LOST_POINTS = lambda w: w.score().appraised_points is not None and w.score().appraised_points < w.score().criterion.max_points  # noqa: E731
EDITABLE = lambda w: w.score().state in SCORE_EDITABLE_STATES  # noqa: E731

PATHS = {
    # The criterion page (/diem/<pk>/), one POST action each.
    "page_save": Path(
        expect_right(SAVE_RIGHT, EDITABLE),
        criterion_page("save", self_points="0,5", explanation="Đã xử lý 2/4 văn bản."),
        score_is(self_points=Decimal("0.5"), explanation="Đã xử lý 2/4 văn bản.", state=ScoreState.DRAFT),
        FIELD_ACTIONS["self_points"]),
    "page_submit_typed": Path(
        expect_transition(ScoreState.DRAFT, ScoreState.SUBMITTED),
        criterion_page("submit", self_points="0,5", explanation="Đã xử lý 2/4 văn bản."),
        score_is(self_points=Decimal("0.5"), state=ScoreState.SUBMITTED),
        AuditAction.SCORE_SUBMITTED),
    "page_return": Path(
        expect_transition(ScoreState.SUBMITTED, ScoreState.RETURNED),
        criterion_page("return", comment="Thiếu quyết định xử lý"),
        score_is(state=ScoreState.RETURNED, review_comment="Thiếu quyết định xử lý"),
        AuditAction.SCORE_RETURNED, submitted),
    "page_accept": Path(
        expect_transition(ScoreState.SUBMITTED, ScoreState.ACCEPTED),
        criterion_page("accept", comment="Đủ hồ sơ"),
        score_is(state=ScoreState.ACCEPTED, review_comment="Đủ hồ sơ"),
        AuditAction.SCORE_ACCEPTED, submitted),
    "page_appraise": Path(
        expect_right(APPRAISE_RIGHT),
        criterion_page("appraise", round="1", points="0,5", reason="Thiếu 2 văn bản"),
        score_is(appraised_points=Decimal("0.5"), appraisal_reason="Thiếu 2 văn bản"),
        FIELD_ACTIONS["appraised_points"]),
    "page_explain": Path(
        expect_right(EXPLAIN_RIGHT, LOST_POINTS),
        criterion_page("explain", text="Đã bổ sung quyết định"),
        score_is(appeal_explanation="Đã bổ sung quyết định"),
        FIELD_ACTIONS["appeal_explanation"], lost_points),
    "page_upload": Path(
        expect_right(Right.SELF_ASSESS, EDITABLE),
        criterion_page("upload", title="Báo cáo"),
        document_landed(False), AuditAction.EVIDENCE_UPLOADED),
    "page_upload_supplementary": Path(
        expect_right(Right.EXPLAIN, LOST_POINTS),
        criterion_page("upload_supplementary", title="Bổ sung"),
        document_landed(True), AuditAction.EVIDENCE_UPLOADED, lost_points),
    "evidence_delete": Path(
        expect_right(Right.SELF_ASSESS, EDITABLE),
        delete_document, document_gone, AuditAction.EVIDENCE_DELETED, with_document),
    # The admin (Sở Nội vụ's data entry).
    "admin_grid": Path(
        expect_right(Right.ADMINISTER), admin_grid,
        score_is(appraised_points=Decimal("0.5")), FIELD_ACTIONS["appraised_points"]),
    "admin_score_form": Path(
        expect_right(Right.ADMINISTER), admin_score_change,
        score_is(appraised_points=Decimal("0.25"), appraisal_reason="Sửa tại trang quản trị"),
        FIELD_ACTIONS["appraised_points"]),
    "admin_sipas_value_form": Path(
        expect_record(SipasValue), admin_change("scorecards_sipasvalue", "sipas_value", pct="75.5"),
        row_is("sipas_value", pct=Decimal("75.50")), AuditAction.RECORD_CHANGED, with_sipas_value),
    "admin_sipas_value_list_edit": Path(
        expect_record(SipasValue), sipas_list_edit,
        row_is("sipas_value", pct=Decimal("64.25")), AuditAction.RECORD_CHANGED, with_sipas_value),
    "admin_assignment_form": Path(
        expect_record(Assignment), assignment_change, assignment_changed, AuditAction.RECORD_CHANGED),
    "admin_assignment_delete": Path(
        expect_record(Assignment), delete_assignment, assignment_gone, AuditAction.RECORD_DELETED),
    "admin_national_result_form": Path(
        expect_record(NationalResult), admin_change("scorecards_nationalresult", "result", par_score="80.5"),
        row_is("result", par_score=Decimal("80.5")), AuditAction.RECORD_CHANGED, with_national_result),
    "admin_report_record_form": Path(
        expect_record(ReportRecord), admin_change("reports_reportrecord", "report", signer_name="Trần Thị B"),
        row_is("report", signer_name="Trần Thị B"), AuditAction.RECORD_CHANGED, with_report_record),
    "admin_sync_sipas": Path(
        expect_right(Right.ADMINISTER), sync_sipas_action, sipas_synced, FIELD_ACTIONS["appraised_points"],
        with_national_result),
    # The progress board: one step forward.
    "board_step": Path(expect_board_step, board_step, board_moved, board_audit),
    # Imports: the service the admin page calls, and the command line.
    "run_import": Path(
        expect_right(Right.ADMINISTER), run_import,
        score_is(self_points=Decimal("0.5"), explanation=IMPORTED_TEXT), FIELD_ACTIONS["self_points"]),
    "import_scores_command": Path(
        expect_right(Right.ADMINISTER), import_command,
        score_is(self_points=Decimal("0.5"), explanation=IMPORTED_TEXT), FIELD_ACTIONS["self_points"]),
}
# Paths whose right has a deadline window that an exception reopens (policy.WINDOWS).
WINDOW_PATHS = tuple(name for name, p in PATHS.items() if getattr(p.expect, "right", None) in WINDOWS)

def cases(paths, personas, exception=False):
    for path, status, persona in itertools.product(paths, STATUSES, personas):
        yield pytest.param(path, status, persona, id=f"{path}-{status}-{persona}")


# --------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------

def run_case(request, client, period, taichinh, tmp_path, private_media, path_name, status, persona, *,
             exception=False):
    user = request.getfixturevalue(persona)
    world = make_world(period, taichinh, status, tmp_path, private_media, exception=exception)
    path = PATHS[path_name]
    path.arrange(world)
    allowed = path.expect(user, world)
    client.force_login(user)
    before = snapshot(private_media)
    case = Case(client=client, user=user, world=world)
    outcome = path.act(case)
    if allowed:
        assert outcome.error is None, (outcome.error, outcome.output)
        if outcome.response is not None:
            assert outcome.response.status_code == 302, (outcome.response.status_code, page_reasons(outcome.response))
        if outcome.preview is not None:
            assert outcome.preview.applied, [str(e) for e in outcome.preview.errors]
        path.landed(world, user)
        seen = {row["id"] for row in before["scorecards.AuditEvent"]}
        action = path.audit(world) if callable(path.audit) else path.audit
        new_events = AuditEvent.objects.exclude(pk__in=seen)
        assert new_events.filter(actor=user, action=action).exists(), list(new_events.values_list("action", "actor"))
        assert not new_events.exclude(actor=user).exists()
    else:
        after = snapshot(private_media)
        changed = [name for name in before if before[name] != after[name]]
        assert not changed, f"refused, yet changed: {changed}"
        assert_told_why(case, outcome)
    return allowed


@pytest.mark.parametrize(("path_name", "status", "persona"), list(cases(PATHS, PERSONAS)))
def test_write_matrix(request, client, open_period, taichinh, tmp_path, private_media, path_name, status, persona):
    run_case(request, client, open_period, taichinh, tmp_path, private_media, path_name, status, persona)


@pytest.mark.parametrize(("path_name", "status", "persona"),
                         list(cases(WINDOW_PATHS, ("tuphap", "taichinh"), exception=True)))
def test_write_matrix_with_an_exception(request, client, open_period, taichinh, tmp_path, private_media, path_name, status,
                                        persona):
    """The lead agency holds a running exception (WINDOWS' second set of statuses)."""
    run_case(request, client, open_period, taichinh, tmp_path, private_media, path_name, status, persona, exception=True)


def test_every_path_is_both_allowed_and_refused_somewhere(demo):
    """The expectations are not degenerate: each path has someone allowed in some status,
    and is refused to someone in some status (a table that allowed or refused everything
    would make the matrix vacuous)."""
    from scorecards.models import User

    class Row:  # a world stand-in: the expectations read only status, agencies and score state
        def __init__(self, status, state):
            self.status, self.state, self.exception = status, state, False
            self.lead_agency_id = Assignment.objects.get(period__year=2026, criterion__code=CODE).lead_agency_id
            self.supporting_ids = frozenset()

        def score(self, code=CODE):
            criterion = Score.objects.get(period__year=2026, criterion__code=code).criterion
            return Score(criterion=criterion, state=self.state, appraised_points=Decimal("0.5"))

    users = [User.objects.get(username=u) for u in ("sonoivu", "sotuphap", "lanhdao")]
    for name, path in PATHS.items():
        state = ScoreState.SUBMITTED if path.arrange is submitted else ScoreState.DRAFT
        outcomes = {path.expect(user, Row(status, state)) for status, user in itertools.product(STATUSES, users)}
        assert outcomes == {True, False}, name
