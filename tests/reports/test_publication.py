"""Publishing the report: rendered once, stored with SHA-256, served from storage, versioned."""
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import RenderJob, ReportPublication, ReportRecord
from reports.services import filename, render
from reports.services.drafts import request_draft, run
from reports.services.publication import publication_problems, publish_report
from scorecards.choices import AuditAction
from scorecards.models import AuditEvent
from tests.reports.helpers import body


def test_publication_stores_hashed_files_and_audits_its_author(published, period_2024):
    assert published.version == 1
    for fmt in ("pdf", "docx"):
        file, sha = published.file_for(fmt)
        with file.open("rb") as fh:
            content = fh.read()
        assert hashlib.sha256(content).hexdigest() == sha
        assert content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    assert published.pdf.name.endswith("Bao-cao-661-BC-SNV-2024.pdf")
    assert published.docx.name.endswith("Bao-cao-661-BC-SNV-2024.docx")
    event = AuditEvent.objects.filter(action=AuditAction.REPORT_PUBLISHED, period=period_2024).latest("pk")
    assert event.actor_id == published.published_by_id and event.data["pdf_sha256"] == published.pdf_sha256
    assert published.data_versions["score_rows"] > 0 and published.data_versions["score_versions"] >= published.data_versions["score_rows"]


def test_download_is_served_from_storage_without_rendering(published, officer, client_for, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a published report must not be rendered on the request")

    monkeypatch.setattr("reports.services.render_pdf.html_to_pdf", refuse)
    monkeypatch.setattr("reports.services.render_docx.render_docx", refuse)
    c = client_for(officer)
    for fmt in ("pdf", "docx"):
        response = c.get(f"/reports/2024/{fmt}/")
        assert response.status_code == 200
        content = body(response)
        assert hashlib.sha256(content).hexdigest() == published.file_for(fmt)[1]
        assert response["X-Content-SHA256"] == published.file_for(fmt)[1]
        assert f'filename="Bao-cao-661-BC-SNV-2024.{fmt}"' in response["Content-Disposition"]


def test_same_snapshot_renders_the_same_bytes(period_2024):
    for fmt in ("pdf", "docx"):
        first = render(period_2024, fmt, final=True).content
        again = render(period_2024, fmt, final=True).content
        assert first == again, fmt


def test_published_pdf_has_no_draft_mark_and_draft_has_one(published, period_2024, pdf_text):
    with published.pdf.open("rb") as fh:
        final = pdf_text(fh.read())
    draft = pdf_text(render(period_2024, "pdf").content)
    assert "DỰ THẢO" not in final
    assert draft.count("DỰ THẢO") >= draft.count("\f")  # on every page


def test_nothing_changed_is_refused_and_a_change_needs_a_reason(published, period_2024, officer, client_for):
    with pytest.raises(ValidationError, match="không thay đổi"):
        publish_report(period_2024.pk, actor=officer, reason="không đổi gì")
    record = ReportRecord.objects.get(period=period_2024)
    record.recommendations += "\n\nĐề nghị bổ sung kinh phí khảo sát SIPAS năm sau."
    record.save()
    with pytest.raises(ValidationError, match="lý do"):
        publish_report(period_2024.pk, actor=officer)
    second = publish_report(period_2024.pk, actor=officer, reason="Bổ sung kiến nghị về kinh phí")
    assert second.version == published.version + 1 and second.source_sha256 != published.source_sha256
    assert second.pdf.name.endswith("Bao-cao-661-BC-SNV-2024-v2.pdf")
    c = client_for(officer)
    latest = c.get("/reports/2024/pdf/")
    assert hashlib.sha256(body(latest)).hexdigest() == second.pdf_sha256
    earlier = c.get(f"/reports/2024/pdf/?version={published.version}")
    assert hashlib.sha256(body(earlier)).hexdigest() == published.pdf_sha256
    assert c.get("/reports/2024/pdf/?version=9").status_code == 404
    assert c.get("/reports/2024/pdf/?version=x").status_code == 404
    page = c.get("/reports/2024/").content.decode()
    assert second.pdf_sha256 in page and published.pdf_sha256 in page and "Bổ sung kiến nghị về kinh phí" in page


def test_a_publication_cannot_be_changed_or_deleted(published):
    published.reason = "sửa lén"
    with pytest.raises(ValidationError):
        published.save()
    with pytest.raises(ValidationError):
        published.delete()
    assert ReportPublication.objects.filter(pk=published.pk, reason="").exists()


def test_unpublished_period_cannot_publish(open_period, officer, client_for):
    problems = publication_problems(open_period)
    assert any("chưa công bố kết quả" in p for p in problems)
    response = client_for(officer).post(f"/reports/2026/phat-hanh/?period={open_period.pk}", {"reason": ""}, follow=True)
    assert "chưa công bố kết quả" in response.content.decode()
    assert not ReportPublication.objects.filter(period=open_period).exists()


def test_missing_number_date_or_signer_blocks_publication(period_2025, record_2025, officer):
    ReportRecord.objects.filter(pk=record_2025.pk).update(number="", date=None, signer_name="", solutions=" ")
    problems = " ".join(publication_problems(period_2025))
    assert "số văn bản" in problems and "ngày ban hành" in problems and "người ký" in problems
    assert "II.4. Giải pháp" in problems and "Kiến nghị" not in problems
    with pytest.raises(ValidationError):
        publish_report(period_2025.pk, actor=officer)


@pytest.mark.parametrize("persona", ["leader", "tuphap"])
def test_only_home_affairs_publishes(persona, request, period_2024, client_for):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        publish_report(period_2024.pk, actor=user)
    before = ReportPublication.objects.count()
    assert client_for(user).post(f"/reports/2024/phat-hanh/?period={period_2024.pk}").status_code == 403
    assert ReportPublication.objects.count() == before


def test_publishing_what_one_did_not_read_is_refused(period_2025, record_2025, officer, client_for):
    response = client_for(officer).post(f"/reports/2025/phat-hanh/?period={period_2025.pk}",
                                        {"digest": "0" * 64}, follow=True)
    assert "đã thay đổi sau khi bạn mở trang xem trước" in response.content.decode()
    assert not ReportPublication.objects.filter(period=period_2025).exists()


def test_officer_publishes_from_the_preview(period_2025, record_2025, officer, client_for):
    c = client_for(officer)
    page = c.get(f"/reports/2025/?period={period_2025.pk}")
    digest = page.context["publish_digest"]
    assert len(digest) == 64 and 'name="digest"' in page.content.decode()
    response = c.post(f"/reports/2025/phat-hanh/?period={period_2025.pk}", {"digest": digest}, follow=True)
    publication = ReportPublication.objects.get(period=period_2025)
    assert publication.published_by == officer and publication.source_sha256 == digest
    html = response.content.decode()
    assert publication.pdf_sha256 in html and "Đã phát hành báo cáo năm 2025, phiên bản 1" in html


def test_publish_command(period_2025, record_2025, officer, capsys):
    call_command("publish_report", "--year", "2025", "--user", officer.username)
    publication = ReportPublication.objects.get(period=period_2025)
    assert publication.pdf_sha256 in capsys.readouterr().out
    with pytest.raises(CommandError, match="không thay đổi"):
        call_command("publish_report", "--year", "2025", "--user", officer.username, "--reason", "lần hai")
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("publish_report", "--year", "2025", "--user", "khongco")


# --- drafts: cached by what they print, rendered by the worker -------------------------------

@pytest.fixture
def queued_backend(settings):
    """A backend that only stores tasks, as the database backend does until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_draft_waits_for_the_worker_then_is_served_from_its_file(period_2025, officer, client_for, queued_backend):
    c = client_for(officer)
    url = f"/reports/2025/pdf/?period={period_2025.pk}&draft=1"
    waiting = c.get(url)
    assert waiting.status_code == 202
    html = waiting.content.decode()
    assert 'http-equiv="refresh" content="2;url=' in html and "&amp;wait=1" in html and "Đang tạo tệp PDF" in html
    job = RenderJob.objects.get(period=period_2025, kind="pdf")
    assert job.status == RenderJob.Status.QUEUED
    again = c.get(url)  # a second reader waits on the same job
    assert again.status_code == 202 and RenderJob.objects.filter(period=period_2025, kind="pdf").count() == 1
    run(job.pk)  # what the worker does
    ready = c.get(url + "&wait=1")  # the waiting page's reload: says it is ready, then downloads once
    assert ready.status_code == 200 and 'data-job-status="done"' in ready.content.decode()
    done = c.get(url)
    assert done.status_code == 200 and body(done).startswith(b"%PDF")
    job.refresh_from_db()
    assert hashlib.sha256(body(c.get(url))).hexdigest() == job.sha256
    assert filename(period_2025, "pdf", number=job_number(period_2025), draft=True) in done["Content-Disposition"]


def job_number(period):
    record = ReportRecord.objects.filter(period=period).first()
    return record.number if record else ""


def test_a_change_of_data_makes_a_new_draft(period_2025, officer):
    first = request_draft(period_2025, "docx", actor=officer)
    assert first.status == RenderJob.Status.DONE
    assert request_draft(period_2025, "docx", actor=officer).pk == first.pk  # cached
    record, _ = ReportRecord.objects.get_or_create(period=period_2025)
    record.solutions = (record.solutions + "\n\nGiải pháp mới về số hoá hồ sơ.").strip()
    record.save()
    second = request_draft(period_2025, "docx", actor=officer)
    assert second.pk != first.pk and second.status == RenderJob.Status.DONE and second.digest != first.digest


def test_a_failed_render_says_why_and_can_be_retried(period_2025, officer, client_for, monkeypatch):
    def broken(html):
        raise OSError("ổ đĩa đầy")

    monkeypatch.setattr("reports.services.render_pdf.html_to_pdf", broken)
    c = client_for(officer)
    url = f"/reports/2025/pdf/?period={period_2025.pk}&draft=1"
    response = c.get(url)
    assert response.status_code == 503 and "ổ đĩa đầy" in response.content.decode() and "retry=1" in response.content.decode()
    monkeypatch.undo()
    retried = c.get(url + "&retry=1&wait=1")  # the "Thử lại" link: the waiting page, now done
    page = retried.content.decode()
    assert retried.status_code == 200 and 'data-job-status="done"' in page and 'http-equiv="refresh" content="0;url=' in page
    assert body(c.get(url)).startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_render_the_draft(period_2025, officer, client_for, settings):
    """Production's path: the web queues the render in the database, `db_worker` does it
    (a transactional test: the worker closes its database connection when done)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    c = client_for(officer)
    url = f"/reports/2025/docx/?period={period_2025.pk}&draft=1"
    assert c.get(url).status_code == 202
    assert DBTaskResult.objects.filter(task_path="reports.tasks.run_render_job").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    response = c.get(url)
    assert response.status_code == 200 and body(response)[:2] == b"PK"
    assert RenderJob.objects.get(period=period_2025, kind="docx").status == RenderJob.Status.DONE
