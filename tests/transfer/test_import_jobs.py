"""Imports on the background worker (scorecards.transfer.jobs, scorecards.tasks.run_import_job).

The upload request stores the file and an ImportJob and queues the preview: it opens no
workbook, whatever the file holds. The worker reads it under the reader's limits and checks
every row; the job's page reloads itself with the rows checked so far, then shows the
preview with the confirm button; the confirm is queued the same way and imports as the
uploader. A job is its uploader's (and a superuser's): anyone else gets 404. With the
default ImmediateBackend the task runs inside the request (the other tests of this folder)."""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from scorecards import permissions
from scorecards.models import AuditEvent, ImportJob, Round, Score
from scorecards.transfer import jobs
from scorecards.transfer.jobs import run
from tests.factories import UserFactory

from .conftest import SCORE_HEADER, csv_bytes, snapshot, xlsx
from .test_hostile_files import billion_laughs, huge_comment

IMPORT = "admin:scorecards_score_import"
CONFIRM = "admin:scorecards_score_process_import"
CHANGELIST = "admin:scorecards_score_changelist"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def queued_backend(settings):
    """A backend that only stores tasks, as the database backend does until a worker runs them."""
    settings.TASKS = DUMMY


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the uploads wait there for the worker
    return tmp_path


def enqueued() -> list:
    from django_tasks import task_backends

    return [r for r in task_backends["default"].results if r.task.module_path == "scorecards.tasks.run_import_job"]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, data: bytes, name: str, period, **extra):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse(IMPORT), {"import_file": file, "format": "0", "resource": "0", "scope": period.pk}, **extra)


def job_url(job) -> str:
    return reverse("admin:scorecards_score_import_job", args=[job.pk])


def confirm_fields(response) -> dict:
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def another_officer(username="sonoivu3"):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=permissions.HOME_AFFAIRS))
    return user


def leaf_codes(period, count: int) -> list[str]:
    """Codes of `count` leaves the period's officers score from evidence (not from a survey)."""
    return list(Score.objects.filter(period=period, criterion__scoring_source="evidence").order_by(
        "criterion__sort_key").values_list("criterion__code", flat=True)[:count])


GOOD = xlsx([SCORE_HEADER, ["2.3.2", "0,75", "Theo tệp", "", ""]])


@pytest.fixture
def no_reading(monkeypatch):
    """Every way into a workbook, recorded (and refused): the web request must take none."""
    calls = []

    def spy(name):
        def refuse(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} in the web request")
        return refuse

    for target in ("scorecards.transfer.readers.read_upload", "scorecards.resources.files.read_upload",
                   "scorecards.transfer.readers.read_xlsx", "scorecards.transfer.readers.read_csv",
                   "openpyxl.reader.excel.ExcelReader"):
        monkeypatch.setattr(target, spy(target))
    return calls


# ---- the web request stores and queues, nothing more ------------------------------------

FILES = {
    "good": (GOOD, "diem.xlsx"),
    "zip bomb": (huge_comment(), "diem.xlsx"),
    "billion laughs": (billion_laughs("sheet"), "diem.xlsx"),
    "30 000 rows": (csv_bytes([SCORE_HEADER] + [["2.3.2", "1", "", "", ""]] * 30_000), "diem.csv"),
    "picture": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "diem.xlsx"),
}


@pytest.mark.parametrize("name", list(FILES))
def test_the_upload_request_stores_and_queues_and_opens_no_workbook(name, officer, open_period, queued_backend, media,
                                                                     no_reading):
    data, filename = FILES[name]
    client = browser(officer)
    before = snapshot()
    response = upload(client, data, filename, open_period)
    job = ImportJob.objects.get(uploader=officer)
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert no_reading == []
    assert (job.status, job.step, job.kind, job.scope_id, job.original_name) == (
        ImportJob.Status.QUEUED, ImportJob.Step.PREVIEW, "scores", open_period.pk, filename)
    assert job.result is None and job.rows_total is None
    assert jobs.upload_exists(job) and jobs.upload_storage(job.file_name).read() == data
    assert [r.args for r in enqueued()] == [[job.pk]]
    assert snapshot() == before


def test_the_waiting_page_reloads_itself_and_says_when_the_worker_is_late(officer, open_period, queued_backend, media):
    client = browser(officer)
    job_page = client.get(upload(client, GOOD, "diem.xlsx", open_period)["Location"])
    html = job_page.content.decode()
    job = ImportJob.objects.get(uploader=officer)
    assert job_page.status_code == 200 and 'data-job-status="queued"' in html
    assert f'<meta http-equiv="refresh" content="2;url={job_url(job)}">' in html
    assert "Đang kiểm tra tệp" in html and "Chưa có gì được ghi" in html and "data-worker-late" not in html
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert "db_worker không chạy" in client.get(job_url(job)).content.decode()


def test_the_page_shows_the_rows_checked_so_far(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now(),
                                               heartbeat_at=timezone.now())
    assert "Đang đọc tệp" in client.get(job_url(job)).content.decode()  # the total is not known yet
    ImportJob.objects.filter(pk=job.pk).update(rows_done=1500, rows_total=20000)
    html = client.get(job_url(job)).content.decode()
    assert 'data-job-status="running"' in html and 'http-equiv="refresh"' in html
    assert "Đã kiểm tra 1500/20000 dòng (7%)" in html and '<progress aria-label="Tiến độ" value="1500" max="20000">' in html


def test_the_worker_reports_progress_row_by_row(officer, open_period, monkeypatch):
    from scorecards.resources import files, services

    seen = []
    rows = [SCORE_HEADER] + [[code, "0", "", "", ""] for code in leaf_codes(open_period, 4)]
    dataset = files.read_raw(xlsx(rows), "a.xlsx")
    preview = services.import_dataset("scores", dataset, "a.xlsx", scope=open_period, actor=officer, dry_run=True,
                                      progress=lambda done, total: seen.append((done, total)))
    assert preview.ok, [str(e) for e in preview.errors]
    assert seen[0] == (0, 4) and seen[-1] == (4, 4) and {t for _d, t in seen} == {4}
    assert [d for d, _t in seen] == sorted(d for d, _t in seen) and {1, 2, 3} <= {d for d, _t in seen}


# ---- the worker makes the preview; the page shows it --------------------------------------

def test_the_worker_makes_the_preview_and_the_page_shows_it_with_the_confirm(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem-2026.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    before = snapshot()
    run(job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ImportJob.Status.DONE, 1, 1)
    assert job.result["rows"] == [[2, "2.3.2", "changed", [["Điểm tự đánh giá", "(trống)", "0,75"],
                                                           ["Giải trình cách tính điểm", "(trống)", "Theo tệp"]]]]
    assert job.result["errors"] == [] and list(job.seen) == ["2.3.2"]
    page = client.get(job_url(job))
    html = page.content.decode()
    assert page.status_code == 200 and 'http-equiv="refresh"' not in html
    assert [r.key for r in page.context["preview"].changed] == ["2.3.2"]
    assert "(trống)" in html and "0,75" in html and "Xác nhận nhập" in html and "diem-2026.xlsx" in html
    assert snapshot() == before and jobs.upload_exists(job)


def test_a_file_with_errors_shows_them_and_offers_no_confirm(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, xlsx([SCORE_HEADER, ["2.3.2", "abc", "", "", ""]]), "loi.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    page = client.get(job_url(job))
    html = page.content.decode()
    assert "“abc” không phải là số" in html and page.context["confirm_form"] is None and "Xác nhận nhập" not in html
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and not jobs.upload_exists(job)  # nothing left to confirm


@pytest.mark.parametrize(("name", "fragment"), [("zip bomb", "khi giải nén lớn 40 MB"), ("picture", "bị đổi tên"),
                                                ("30 000 rows", "vượt giới hạn 20.000 dòng")])
def test_a_file_the_reader_refuses_fails_the_job_with_its_message(name, fragment, officer, open_period, queued_backend,
                                                                  media):
    client = browser(officer)
    data, filename = FILES[name]
    upload(client, data, filename, open_period)
    job = ImportJob.objects.get(uploader=officer)
    before = snapshot()
    run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and fragment in job.error
    html = client.get(job_url(job)).content.decode()
    assert 'data-job-status="failed"' in html and fragment in html and "Chưa xem trước được tệp" in html
    assert "Thử lại" not in html and "Tải tệp khác" in html  # the same file would be refused again
    assert not jobs.upload_exists(job) and snapshot() == before


def test_a_worker_that_died_is_marked_failed_and_the_job_can_be_retried(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    lost = timezone.now() - timedelta(minutes=10)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=lost, heartbeat_at=lost,
                                               rows_done=3, rows_total=10)
    html = client.get(job_url(job)).content.decode()
    assert 'data-job-status="failed"' in html and "Máy xử lý nền đã dừng" in html and "Thử lại" in html
    retry = client.post(reverse("admin:scorecards_score_import_job_retry", args=[job.pk]))
    assert retry.status_code == 302 and retry["Location"] == job_url(job)
    job.refresh_from_db()
    assert (job.status, job.error, job.rows_done) == (ImportJob.Status.QUEUED, "", 0) and len(enqueued()) == 2
    run(job.pk)
    assert "Xác nhận nhập" in client.get(job_url(job)).content.decode()


def test_a_recent_running_job_is_left_running(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    recent = timezone.now() - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=recent, heartbeat_at=recent)
    assert 'data-job-status="running"' in client.get(job_url(job)).content.decode()
    assert client.post(reverse("admin:scorecards_score_import_job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and len(enqueued()) == 1  # nothing to retry


# ---- only the uploader ---------------------------------------------------------------------

def test_a_job_is_its_uploaders_only(officer, leader, open_period, queued_backend, media, django_user_model):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    fields = confirm_fields(client.get(job_url(job)))
    retry_url = reverse("admin:scorecards_score_import_job_retry", args=[job.pk])
    for other, confirm_status in ((another_officer(), 302), (leader, 403)):  # 302: "the preview expired"
        other_client = browser(other)
        assert other_client.get(job_url(job)).status_code == 404
        assert other_client.post(retry_url).status_code == 404
        assert other_client.post(reverse(CONFIRM), fields).status_code == confirm_status
    job.refresh_from_db()
    assert job.step == ImportJob.Step.PREVIEW and len(enqueued()) == 1
    admin = django_user_model.objects.create_superuser("quantri2", password="x-pass-123")
    page = browser(admin).get(job_url(job))
    assert page.status_code == 200 and page.context["confirm_form"] is None  # sees it, cannot confirm it
    # The job of another kind's page is not found either.
    assert client.get(reverse("admin:scorecards_agency_import_job", args=[job.pk])).status_code == 404


def test_a_round_job_is_found_only_under_its_round(officer, queued_backend, media):
    first, second = Round.objects.order_by("pk")[:2]
    client = browser(officer)
    file = io.BytesIO(xlsx([["Mã nhóm", "Xếp loại", "Từ (điểm)"], ["so", "Tốt", "90"]]))
    file.name = "xep-loai.xlsx"
    response = client.post(reverse("admin:scorecards_round_import_kind", args=[first.pk, "grade_bands"]),
                           {"import_file": file, "format": "0", "resource": "0"})
    job = ImportJob.objects.get(uploader=officer)
    assert job.scope_id == first.pk and response["Location"] == reverse(
        "admin:scorecards_round_import_job_kind", args=[first.pk, "grade_bands", job.pk])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("admin:scorecards_round_import_job_kind", args=[second.pk, "grade_bands", job.pk])
                      ).status_code == 404
    assert client.get(reverse("admin:scorecards_round_import_job_kind", args=[first.pk, "round_survey", job.pk])
                      ).status_code == 404


# ---- the confirm runs on the worker, as the uploader ---------------------------------------

def test_the_confirm_is_queued_and_imports_as_the_uploader(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem-2026.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    response = client.post(reverse(CONFIRM), confirm_fields(client.get(job_url(job))))
    assert response.status_code == 302 and response["Location"] == job_url(job)
    job.refresh_from_db()
    assert (job.step, job.status) == (ImportJob.Step.CONFIRM, ImportJob.Status.QUEUED) and len(enqueued()) == 2
    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    assert score.self_points is None  # nothing written by the request
    waiting = client.get(job_url(job)).content.decode()
    assert "Đang nhập dữ liệu" in waiting and 'http-equiv="refresh"' in waiting

    run(job.pk)
    score.refresh_from_db()
    assert score.self_points == Decimal("0.75") and score.history.first().history_user == officer
    assert AuditEvent.objects.filter(score=score, actor=officer).exists()
    done = client.get(job_url(job))
    assert done.status_code == 302 and done["Location"] == reverse(CHANGELIST)
    assert "Đã nhập “diem-2026.xlsx”: 0 dòng mới, 1 dòng thay đổi" in client.get(done["Location"]).content.decode()
    job.refresh_from_db()
    assert job.result["applied"] and not jobs.upload_exists(job)
    # Back on the job's page later: what was imported, not the message again.
    later = client.get(job_url(job))
    html = later.content.decode()
    assert later.status_code == 200 and "Đã nhập" in html and "Đã nhập “diem-2026.xlsx”" not in html
    assert "Xác nhận nhập" not in html


def test_a_confirm_refused_by_the_version_check_is_shown_on_the_job_page(officer, open_period, queued_backend, media):
    from scorecards.services.scoring import ScoreChange, apply_score_changes

    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    fields = confirm_fields(client.get(job_url(job)))
    colleague = another_officer()
    s = Score.objects.get(period=open_period, criterion__code="2.3.2")
    apply_score_changes(open_period, [ScoreChange(s.pk, {"self_points": Decimal("0.5")}, s.version)], actor=colleague)
    client.post(reverse(CONFIRM), fields)
    before = snapshot()
    run(job.pk)
    page = client.get(job_url(job))
    assert page.status_code == 200 and not page.context["preview"].applied and page.context["confirm_form"] is None
    assert "“2.3.2” đã được thay đổi sau khi bạn xem trước" in page.content.decode()
    assert snapshot() == before and Score.objects.get(pk=s.pk).self_points == Decimal("0.5")
    # Confirming again queues nothing: the officer is back on the job's page and its refusal.
    again = client.post(reverse(CONFIRM), fields, follow=True)
    assert again.redirect_chain[0][0] == job_url(job) and len(enqueued()) == 2
    assert "“2.3.2” đã được thay đổi sau khi bạn xem trước" in again.content.decode()


def test_a_confirm_carrying_another_preview_is_refused(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    fields = confirm_fields(client.get(job_url(job)))
    from django.core import signing

    from scorecards.admin.transfer import SEEN_SALT

    fields["seen"] = signing.dumps({"2.3.2": "khac"}, salt=SEEN_SALT)
    response = client.post(reverse(CONFIRM), fields, follow=True)
    assert "Phiên xem trước đã hết hạn" in response.content.decode()
    job.refresh_from_db()
    assert job.step == ImportJob.Step.PREVIEW and len(enqueued()) == 1


def test_a_right_lost_before_the_worker_runs_fails_the_job(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    officer.groups.clear()
    run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "Chỉ cán bộ Sở Nội vụ được nhập dữ liệu" in job.error


# ---- production's path: the database queue and its worker ----------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_preview_the_file(officer, open_period, settings, media, monkeypatch):
    """The web queues the preview in the database, `db_worker` does it. On PostgreSQL the rows
    checked are seen from another connection while the worker's dry run is still open."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    rows = [SCORE_HEADER] + [[code, "0", "", "", ""] for code in leaf_codes(open_period, 4)]
    observed = []
    write = jobs._Progress._write

    def watched(self, done, total):
        write(self, done, total)
        other = connections.create_connection(DEFAULT_DB_ALIAS)  # another client of the database
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT rows_done FROM scorecards_importjob WHERE id = %s", [self.job_id])
                observed.append(cursor.fetchone()[0])
        finally:
            other.close()

    monkeypatch.setattr(jobs._Progress, "EVERY_SECONDS", 0)
    monkeypatch.setattr(jobs._Progress, "_write", watched)
    client = browser(officer)
    response = upload(client, xlsx(rows), "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    assert response["Location"] == job_url(job) and job.status == ImportJob.Status.QUEUED
    assert DBTaskResult.objects.filter(task_path="scorecards.tasks.run_import_job").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ImportJob.Status.DONE, 4, 4)
    assert "Xác nhận nhập" in client.get(job_url(job)).content.decode()
    if connection.vendor == "postgresql":
        assert {1, 2, 3} <= set(observed), observed  # mid-run, through the progress connection
    else:  # SQLite: no second connection (it would lock the database); the page sees the end only
        assert observed and set(observed) == {0}, observed


def test_the_preview_page_lists_a_bounded_number_of_rows(officer, open_period, queued_backend, media, monkeypatch):
    """The summary counts every row; the page lists the first PREVIEW_ROWS_SHOWN of each kind
    (20 000 rows of HTML would hold a web worker for seconds)."""
    monkeypatch.setattr("scorecards.admin.transfer.PREVIEW_ROWS_SHOWN", 2)
    codes = leaf_codes(open_period, 3)
    client = browser(officer)
    upload(client, xlsx([SCORE_HEADER] + [[code, "0", "", "", ""] for code in codes]), "ba-dong.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    html = client.get(job_url(job)).content.decode()
    assert "0 dòng mới, 3 dòng thay đổi" in html and "Trang chỉ liệt kê 2 dòng đầu trong 3 dòng thay đổi" in html
    assert f"<td>{codes[1]}</td>" in html and f"<td>{codes[2]}</td>" not in html


# ---- a worker's outcome is written on its own run only --------------------------------------

def _meanwhile(monkeypatch, **values):
    """Run `values` on the job's row while the worker reads the file (a page marking it lost,
    an officer retrying it), then let the worker finish."""
    real = jobs.import_dataset

    def slow(kind, dataset, name, **kwargs):
        ImportJob.objects.all().update(**values)
        return real(kind, dataset, name, **kwargs)
    monkeypatch.setattr(jobs, "import_dataset", slow)


def test_a_worker_marked_lost_that_finishes_after_all_writes_its_true_outcome(officer, open_period, queued_backend,
                                                                              media, monkeypatch):
    upload(browser(officer), GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    _meanwhile(monkeypatch, status=ImportJob.Status.FAILED, error="lost")
    run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportJob.Status.DONE, "") and job.result["rows"]


def test_a_worker_whose_job_was_retried_meanwhile_leaves_the_new_run_alone(officer, open_period, queued_backend, media,
                                                                           monkeypatch):
    upload(browser(officer), GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    _meanwhile(monkeypatch, status=ImportJob.Status.QUEUED, error="", started_at=None, heartbeat_at=None)
    run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.result is None  # the retry's run will write its own


def test_a_double_click_on_confirm_or_retry_is_one_click(officer, open_period, queued_backend, media):
    client = browser(officer)
    upload(client, GOOD, "diem.xlsx", open_period)
    job = ImportJob.objects.get(uploader=officer)
    run(job.pk)
    fields = confirm_fields(client.get(job_url(job)))
    first = client.post(reverse(CONFIRM), fields)
    second = client.post(reverse(CONFIRM), fields, follow=True)
    assert first["Location"] == job_url(job) and second.redirect_chain[0][0] == job_url(job)
    assert "hết hạn" not in second.content.decode() and len(enqueued()) == 2
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error="x")
    retry_url = reverse("admin:scorecards_score_import_job_retry", args=[job.pk])
    client.post(retry_url)
    again = client.post(retry_url, follow=True)
    assert "Không thể thử lại" not in again.content.decode() and len(enqueued()) == 3
