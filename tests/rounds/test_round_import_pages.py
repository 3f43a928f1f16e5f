"""The web import of a round's five kinds of file (scorecards.admin.transfer `scoped_import_urls`
on the round's admin, `<round_id>/nhap/<kind>/`): the change lists' preview → confirm flow
with the round of the address as scope. Only Sở Nội vụ; a preview writes nothing, the
confirm writes all or nothing with the officer as author, a bad file is explained row by
row and column by column."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import Agency, AuditEvent, EvaluationPeriod, GradeBand, Score
from scorecards.services import rounds as round_service
from tests.factories import AgencyFactory
from tests.transfer.conftest import snapshot, xlsx

from .test_round_imports import publish

IMPORT = "admin:scorecards_round_import_kind"
CONFIRM = "admin:scorecards_round_process_import_kind"
TEMPLATE = "admin:scorecards_round_template_kind"


def score(round_, subject, code):
    return Score.objects.get(period__round=round_, period__subject__code=subject, criterion__code=code)


def _subjects_written(round_):
    period = EvaluationPeriod.objects.get(round=round_, subject__code="so-moi")
    assert period.group.code == "so"


def _marks_written(round_):
    assert score(round_, "t-so-0-2025", "1.1.1").not_applicable is True


def _appraisal_written(round_):
    s = score(round_, "t-so-0-2025", "1.1.1")
    assert (s.appraised_points, s.appraisal_reason) == (Decimal("0.75"), "Thiếu văn bản")


def _survey_written(round_):
    assert score(round_, "t-so-0-2025", "3.1.1").appraised_points == Decimal("0.5")


def _bands_written(round_):
    assert ("Tốt", Decimal("85.5")) in GradeBand.objects.filter(group__round=round_, group__code="so").values_list(
        "label", "min_points")


# kind: (status the round needs, good rows, row key the preview shows, check after confirm,
#        bad rows, (row, column, message) of the error)
CASES = {
    "round_subjects": (
        None, [["Mã nhóm", "Mã đơn vị", "Tên đơn vị"], ["so", "so-moi", "Sở Mới"]], "so-moi", _subjects_written,
        [["Mã nhóm", "Mã đơn vị", "Tên đơn vị"], ["so", "so-moi", ""], ["so", "khong-co", ""]],
        (3, "Mã đơn vị", "không có đơn vị mã “khong-co” trong danh sách cơ quan, đơn vị.")),
    "not_applicable": (
        None, [["Mã đơn vị", "Mã tiêu chí", "Không áp dụng"], ["t-so-0-2025", "1.1.1", "x"]], "t-so-0-2025 · 1.1.1",
        _marks_written,
        [["Mã đơn vị", "Mã tiêu chí", "Không áp dụng"], ["t-so-0-2025", "1.1.1", "x"], ["t-so-0-2025", "9.9", "x"]],
        (3, "Mã tiêu chí", "không có tiêu chí mã “9.9” trong bộ chỉ số")),
    "round_appraisal": (
        PeriodStatus.APPRAISAL,
        [["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định vòng 1", "Lý do"], ["t-so-0-2025", "1.1.1", "0,75", "Thiếu văn bản"]],
        "t-so-0-2025 · 1.1.1", _appraisal_written,
        [["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định vòng 1", "Lý do"], ["t-so-0-2025", "1.1.1", "1,5", ""]],
        (2, "Điểm thẩm định vòng 1", "1,5 vượt điểm tối đa 1 của tiêu chí 1.1.1.")),
    "round_survey": (
        None, [["Mã đơn vị", "Mã lĩnh vực", "Mã tiêu chí", "Điểm"], ["t-so-0-2025", "", "3.1.1", "0,5"]],
        "t-so-0-2025 · 3.1.1", _survey_written,
        [["Mã đơn vị", "Mã lĩnh vực", "Mã tiêu chí", "Điểm"], ["t-so-0-2025", "", "3.1.1", "0,5"],
         ["khong-co", "", "3.1.1", "1"]],
        (3, "Mã đơn vị", "không có đơn vị mã “khong-co” trong danh sách cơ quan, đơn vị.")),
    "grade_bands": (
        None, [["Mã nhóm", "Xếp loại", "Từ (điểm)"], ["so", "Tốt", "85,5"], ["so", "Khá", "80"], ["so", "Trung bình", "65"],
               ["so", "Yếu", "0"]], "so · Tốt", _bands_written,
        [["Mã nhóm", "Xếp loại", "Từ (điểm)"], ["so", "Tốt", "90"], ["khong-co", "Khá", "80"]],
        (3, "Mã nhóm", "khong-co")),
}
KINDS = list(CASES)


def login(client, user):
    client.force_login(user)
    return client


def prepare(kind, round_, officer):
    status = CASES[kind][0]
    if status is not None:
        round_service.change_round_status(round_.pk, status, actor=officer)
        round_.refresh_from_db()
    if kind == "round_subjects":
        AgencyFactory(code="so-moi", name="Sở Mới", kind=Agency.Kind.DEPARTMENT)
    return round_


def upload(client, round_, kind, rows, name="tep.xlsx"):
    file = io.BytesIO(xlsx(rows))
    file.name = name
    # The upload step stores the file and sends the officer to the job's page (the preview).
    return client.post(reverse(IMPORT, args=[round_.pk, kind]), {"import_file": file, "format": "0", "resource": "0"},
                       follow=True)


def confirm(client, round_, kind, response, follow=False):
    form = response.context["confirm_form"]
    return client.post(reverse(CONFIRM, args=[round_.pk, kind]), {name: form[name].value() for name in form.fields},
                       follow=follow)


def imported_events(officer, kind):
    return [e for e in AuditEvent.objects.filter(action=AuditAction.ROUND_IMPORTED, actor=officer) if e.data.get("kind") == kind]


@pytest.mark.parametrize("kind", KINDS)
def test_the_officer_opens_each_kinds_page_and_its_template(client, officer, small_round, kind):
    login(client, officer)
    page = client.get(reverse(IMPORT, args=[small_round.pk, kind]))
    assert page.status_code == 200
    html = page.content.decode()
    assert small_round.name in html and "scope" not in page.context["form"].fields  # the round of the address
    template_url = reverse(TEMPLATE, args=[small_round.pk, kind, "xlsx"])
    assert template_url in html
    response = client.get(template_url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith('attachment; filename="mau-')
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
    assert set(CASES[kind][1][0]) <= set(headers)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["leader", "dept_user"])
def test_anyone_but_the_officer_is_refused(client, small_round, kind, persona, request):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse(IMPORT, args=[small_round.pk, kind])).status_code == 403
    assert client.get(reverse(TEMPLATE, args=[small_round.pk, kind, "xlsx"])).status_code == 403
    assert client.post(reverse(CONFIRM, args=[small_round.pk, kind]), {}).status_code == 403


def test_an_unknown_kind_or_round_is_not_found(client, officer, small_round):
    login(client, officer)
    assert client.get(reverse(IMPORT, args=[small_round.pk, "scores"])).status_code == 404
    assert client.get(reverse(IMPORT, args=[999999, "grade_bands"])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_a_preview_shows_the_changes_writes_nothing_and_the_confirm_writes_as_the_officer(client, officer, small_round, kind):
    round_ = prepare(kind, small_round, officer)
    _status, rows, key, written, _bad, _error = CASES[kind]
    login(client, officer)
    before = snapshot()
    response = upload(client, round_, kind, rows)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok, [str(e) for e in preview.errors]
    assert key in [r.key for r in preview.new + preview.changed] and preview.scope_label == round_.name
    assert "Xác nhận nhập" in response.content.decode()
    assert snapshot() == before

    response = confirm(client, round_, kind, response)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("admin:scorecards_round_change", args=[round_.pk])
    written(round_)
    [event] = imported_events(officer, kind)
    assert event.data["round"] == round_.pk and event.data["file"] == "tep.xlsx"
    assert event.actor_name == (officer.get_full_name() or officer.username)
    page = client.get(response["Location"])
    assert "Đã nhập “tep.xlsx”" in page.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_file_shows_the_located_error_and_writes_nothing(client, officer, small_round, kind):
    round_ = prepare(kind, small_round, officer)
    _status, _rows, _key, _written, bad, (row, column, message) = CASES[kind]
    login(client, officer)
    before = snapshot()
    response = upload(client, round_, kind, bad)
    preview = response.context["preview"]
    assert response.context["confirm_form"] is None and not preview.ok
    located = [e for e in preview.errors if e.row == row and e.column == column and message in e.message]
    assert located, [str(e) for e in preview.errors]
    html = response.content.decode()
    assert "không dòng nào được nhập" in html and escape(located[0].message[1:]) in html
    assert snapshot() == before


def test_a_row_changed_since_the_preview_refuses_the_confirm(client, officer, small_round):
    round_ = prepare("round_appraisal", small_round, officer)
    login(client, officer)
    response = upload(client, round_, "round_appraisal", CASES["round_appraisal"][1])
    assert response.context["confirm_form"] is not None
    Score.objects.filter(pk=score(round_, "t-so-0-2025", "1.1.1").pk).update(appraised_points=Decimal("0.25"))
    before = snapshot()
    response = confirm(client, round_, "round_appraisal", response, follow=True)  # the job's page
    assert response.status_code == 200
    assert "đã được thay đổi sau khi bạn xem trước" in response.content.decode()
    assert snapshot() == before and not imported_events(officer, "round_appraisal")


def test_a_stored_upload_is_confirmed_only_from_its_session(client, officer, small_round):
    login(client, officer)
    response = upload(client, small_round, "grade_bands", CASES["grade_bands"][1])
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    client.logout()
    login(client, officer)  # a new session
    assert client.session.get("import_files") is None
    before = snapshot()
    response = client.post(reverse(CONFIRM, args=[small_round.pk, "grade_bands"]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse(IMPORT, args=[small_round.pk, "grade_bands"])
    assert snapshot() == before


def test_a_published_round_shows_the_services_refusal(client, officer, small_round):
    publish(small_round, officer)
    login(client, officer)
    before = snapshot()
    response = upload(client, small_round, "grade_bands", CASES["grade_bands"][1])
    assert response.context["confirm_form"] is None
    assert "đã công bố: không nhập được dữ liệu" in response.content.decode()
    assert snapshot() == before


def test_the_round_pages_link_each_kind_for_the_officer_only(client, officer, leader, small_round):
    login(client, officer)
    links = [reverse(IMPORT, args=[small_round.pk, kind]) for kind in KINDS]
    change = client.get(reverse("admin:scorecards_round_change", args=[small_round.pk])).content.decode()
    board = client.get(reverse("rounds:board", args=[small_round.pk])).content.decode()
    for html in (change, board):
        assert "Nhập từ tệp" in html and all(link in html for link in links)
    client.logout()
    login(client, leader)
    board = client.get(reverse("rounds:board", args=[small_round.pk])).content.decode()
    assert not any(link in board for link in links)
