"""A round's PDF and DOCX go through the background worker, as the report's drafts do
(reports.services.drafts.request_round_document, reports.views_rounds._document).

The request computes the key of what the document prints (round_docs.documents: SHA-256 of
format, layout revision and HTML), serves the file kept under it or queues one RenderJob
and shows the waiting page; the same content is rendered once whatever the readers. The
scenario is `scored` of tests/rounds/test_round_docs.py (Sở A first with 96,833 points).
"""
import hashlib
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from reports.models import RenderJob
from reports.services import drafts, round_docs
from reports.services.round_docs import DocumentRef, documents
from tests.reports.helpers import body
from tests.rounds import test_round_docs as docs_tests
from tests.rounds.test_round_docs import publish, score_small_round, set_leaves

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

pdf_text = docs_tests.pdf_text  # the fixture: text of a PDF as pdftotext reads it


@pytest.fixture
def scored(small_round):
    return score_small_round(small_round)


@pytest.fixture
def as_persona(request, chair, appraiser, dept_user, commune_user):
    def client(name, language=None):
        c = Client()
        c.force_login(request.getfixturevalue(name))
        if language:
            c.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        return c
    return client


@pytest.fixture
def queued_backend(settings):
    """A backend that only stores tasks, as the database backend does until a worker runs them."""
    settings.TASKS = DUMMY


def enqueued() -> int:
    from django_tasks import task_backends

    return len(task_backends["default"].results)


def annex_url(round_, fmt, group=None):
    return reverse("round_reports:annex", args=[round_.pk, fmt]) + (f"?group={group}" if group else "")


def jobs(**filters):
    return RenderJob.objects.filter(kind=RenderJob.Kind.ROUND_DOCUMENT, **filters)


def refuse_rendering(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a document kept under its key must not be rendered again")

    monkeypatch.setattr("reports.services.render_pdf.html_to_pdf", refuse)
    monkeypatch.setattr("reports.services.round_docs.render_annex_docx.render_annex_docx_from", refuse)


# ------------------------------------------------------------ immediate backend (tests, demo)

@pytest.mark.parametrize("name,args,filename,display", [
    ("round_reports:annex", lambda s: [s["round"].pk, "pdf"], "phu-luc-ket-qua-chi-so-cchc-nam-2025.pdf",
     "Phụ lục kết quả Chỉ số CCHC năm 2025.pdf"),
    ("round_reports:annex", lambda s: [s["round"].pk, "docx"], "phu-luc-ket-qua-chi-so-cchc-nam-2025.docx",
     "Phụ lục kết quả Chỉ số CCHC năm 2025.docx"),
    ("round_reports:analysis_pdf", lambda s: [s["round"].pk], "bao-cao-phan-tich-ket-qua-chi-so-cchc-nam-2025.pdf",
     "Báo cáo phân tích kết quả Chỉ số CCHC năm 2025.pdf"),
    ("round_reports:scorecard", lambda s: [s["Sở A"].pk, "pdf"], "phieu-cham-diem-chi-so-cchc-nam-2025-so-a.pdf",
     "Phiếu chấm điểm Chỉ số CCHC năm 2025 - Sở A.pdf"),
])
def test_the_download_works_as_before_with_the_immediate_backend(name, args, filename, display, scored, as_persona,
                                                                 pdf_text):
    response = as_persona("officer").get(reverse(name, args=args(scored)))
    assert response.status_code == 200
    content = body(response)
    assert content.startswith(b"%PDF" if filename.endswith(".pdf") else b"PK\x03\x04")
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{filename}"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == display
    job = jobs().get()
    assert job.status == RenderJob.Status.DONE and job.round_id == scored["round"].pk
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest() == job.sha256
    assert job.file.name.startswith(f"reports/rounds/{scored['round'].pk}/")
    if name == "round_reports:scorecard":
        assert job.period_id == scored["Sở A"].pk and job.target == f"scorecard/{scored['round'].pk}/period-{scored['Sở A'].pk}/pdf"
        assert "Sở A" in pdf_text(content)


def test_the_annex_of_a_group_is_its_own_target(scored, as_persona, pdf_text):
    client = as_persona("officer")
    whole = body(client.get(annex_url(scored["round"], "pdf")))
    communes = body(client.get(annex_url(scored["round"], "pdf", "xa")))
    group = scored["round"].groups.get(code="xa")
    assert set(jobs().values_list("target", flat=True)) == {
        f"annex/{scored['round'].pk}/all/pdf", f"annex/{scored['round'].pk}/group-{group.pk}/pdf"}
    assert "Sở A" in pdf_text(whole) and "Sở A" not in pdf_text(communes) and "Xã A" in pdf_text(communes)


def test_xlsx_is_made_on_the_request_without_a_job(scored, as_persona):
    client = as_persona("officer")
    for url in (annex_url(scored["round"], "xlsx"), reverse("round_reports:scorecard", args=[scored["Sở A"].pk, "xlsx"])):
        response = client.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK"
    assert not jobs().exists()


def test_an_english_reader_gets_the_vietnamese_document_from_the_same_job(scored, as_persona, pdf_text):
    url = reverse("round_reports:analysis_pdf", args=[scored["round"].pk])
    english = body(as_persona("leader", language="en").get(url))
    assert "SỞ NỘI VỤ" in pdf_text(english)
    assert body(as_persona("officer").get(url)) == english
    assert jobs().count() == 1


# ------------------------------------------------------------ the worker's queue

def test_first_request_waits_second_does_not_queue_again_then_the_file_is_served(scored, as_persona, queued_backend):
    client = as_persona("officer")
    url = annex_url(scored["round"], "pdf", "so")
    waiting = client.get(url)
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert 'data-job-status="queued"' in page and "Phụ lục kết quả Chỉ số CCHC năm 2025 - Sở, ban, ngành" in page
    assert 'http-equiv="refresh" content="2;url=' in page and "?group=so&amp;wait=1" in page
    assert reverse("round_reports:downloads", args=[scored["round"].pk]) in page
    job = jobs().get()
    assert job.status == RenderJob.Status.QUEUED and not job.file and enqueued() == 1
    again = as_persona("leader").get(url)  # a second reader waits on the same job
    assert again.status_code == 202 and jobs().count() == 1 and enqueued() == 1
    drafts.run(job.pk)  # what the worker does
    ready = client.get(url + "&wait=1")  # the waiting page's reload: says it is ready, then downloads once
    assert ready.status_code == 200 and 'data-job-status="done"' in ready.content.decode()
    assert 'http-equiv="refresh" content="0;url=' + url.replace("&", "&amp;") + '"' in ready.content.decode()
    done = client.get(url)
    job.refresh_from_db()
    content = body(done)
    assert done.status_code == 200 and content.startswith(b"%PDF")
    assert done["X-Content-SHA256"] == job.sha256 == hashlib.sha256(content).hexdigest()
    assert 'filename="phu-luc-ket-qua-chi-so-cchc-nam-2025-so-ban-nganh.pdf"' in done["Content-Disposition"]
    assert enqueued() == 1 and jobs().count() == 1


def test_a_published_round_is_rendered_once_for_every_reader(scored, officer, as_persona, monkeypatch):
    publish(scored["round"], officer)
    url = reverse("round_reports:analysis_pdf", args=[scored["round"].pk])
    first = body(as_persona("officer").get(url))
    refuse_rendering(monkeypatch)
    for persona in ("leader", "chair", "appraiser"):
        assert body(as_persona(persona).get(url)) == first
    annex = annex_url(scored["round"], "docx")
    monkeypatch.undo()
    body(as_persona("officer").get(annex))
    refuse_rendering(monkeypatch)
    assert body(as_persona("dept_user").get(annex))[:2] == b"PK"  # a unit reads the published annex
    assert jobs().count() == 2


def test_a_change_of_data_makes_a_new_key_and_a_new_file(scored, officer):
    ref = DocumentRef.scorecard(scored["Sở A"], "pdf")
    first = drafts.request_round_document(round_docs.prepare(ref), actor=officer)
    assert first.status == RenderJob.Status.DONE
    assert round_docs.prepare(ref).key == first.digest
    assert drafts.request_round_document(round_docs.prepare(ref), actor=officer).pk == first.pk  # kept
    set_leaves(scored["Sở A"], "2.1.1", appraised_points=0)
    second = drafts.request_round_document(round_docs.prepare(ref), actor=officer)
    assert second.pk != first.pk and second.digest != first.digest and second.sha256 != first.sha256
    assert second.status == RenderJob.Status.DONE and second.target == first.target
    other_unit = round_docs.prepare(DocumentRef.scorecard(scored["Sở B"], "pdf")).key
    assert other_unit not in (first.digest, second.digest)


def test_publication_and_a_layout_deployment_change_the_key(scored, officer, monkeypatch):
    ref = DocumentRef.annex(scored["round"], "pdf")
    draft = round_docs.prepare(ref).key
    assert round_docs.prepare(DocumentRef.annex(scored["round"], "docx")).key != draft  # the format is in the key
    monkeypatch.setattr(documents, "layout_revision", lambda: "another-revision")
    assert round_docs.prepare(ref).key != draft
    monkeypatch.undo()
    publish(scored["round"], officer)  # "Dự thảo phụ lục" becomes "Phụ lục" with its decision line
    assert round_docs.prepare(DocumentRef.annex(scored["round"], "pdf")).key != draft


def test_data_changed_while_queued_is_kept_under_the_new_key(scored, officer, queued_backend, pdf_text):
    ref = DocumentRef.annex(scored["round"], "pdf")
    queued = drafts.request_round_document(round_docs.prepare(ref), actor=officer)
    from scorecards.models import Agency

    Agency.objects.filter(pk=scored["Sở A"].subject_id).update(name="Sở A đổi tên")
    drafts.run(queued.pk)
    assert not RenderJob.objects.filter(pk=queued.pk).exists()
    moved = jobs().get(digest=round_docs.prepare(ref).key)
    assert moved.status == RenderJob.Status.DONE and moved.target == ref.target and moved.round_id == scored["round"].pk
    with moved.file.open("rb") as fh:
        assert "Sở A đổi tên" in pdf_text(fh.read())


def test_older_files_are_pruned_per_target(scored, officer, monkeypatch):
    monkeypatch.setattr(drafts, "KEEP_DRAFTS", 1)
    other = drafts.request_round_document(round_docs.prepare(DocumentRef.scorecard(scored["Sở B"], "pdf")), actor=officer)
    ref = DocumentRef.scorecard(scored["Sở A"], "pdf")
    first = drafts.request_round_document(round_docs.prepare(ref), actor=officer)
    set_leaves(scored["Sở A"], "2.1.1", appraised_points=0)
    second = drafts.request_round_document(round_docs.prepare(ref), actor=officer)
    assert list(jobs(target=ref.target).values_list("pk", flat=True)) == [second.pk]
    assert not first.file.storage.exists(first.file.name) and second.file.storage.exists(second.file.name)
    assert jobs(pk=other.pk).exists() and other.file.storage.exists(other.file.name)  # another target keeps its file


def test_a_failed_render_says_why_and_can_be_retried(scored, as_persona, monkeypatch):
    def broken(html):
        raise OSError("ổ đĩa đầy")

    monkeypatch.setattr("reports.services.render_pdf.html_to_pdf", broken)
    client = as_persona("officer")
    url = reverse("round_reports:scorecard", args=[scored["Sở A"].pk, "pdf"])
    failed = client.get(url)
    page = failed.content.decode()
    assert failed.status_code == 503 and "ổ đĩa đầy" in page and "retry=1" in page
    assert "Về trang tài liệu của đợt đánh giá" in page
    monkeypatch.undo()
    retried = client.get(url + "?retry=1&wait=1")
    assert retried.status_code == 200 and 'data-job-status="done"' in retried.content.decode()
    assert body(client.get(url)).startswith(b"%PDF") and jobs().count() == 1


def test_a_document_whose_group_is_gone_fails_with_a_sentence(scored, officer, queued_backend):
    group = scored["round"].groups.get(code="xa")
    ref = DocumentRef.annex(scored["round"], "pdf", group)
    assert DocumentRef.from_target(ref.target) == ref
    job = drafts.request_round_document(round_docs.prepare(ref), actor=officer)
    RenderJob.objects.filter(pk=job.pk).update(target=f"annex/{scored['round'].pk}/group-999999/pdf")
    drafts.run(job.pk)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.FAILED and "Nhóm đối tượng của tài liệu này không còn" in job.error


# ------------------------------------------------------------ access: refused before anything is queued

@pytest.mark.parametrize("persona,name,args", [
    ("dept_user", "round_reports:annex", lambda s: [s["round"].pk, "pdf"]),  # not published yet
    ("outsider", "round_reports:annex", lambda s: [s["round"].pk, "docx"]),
    ("dept_user", "round_reports:analysis_pdf", lambda s: [s["round"].pk]),
    ("commune_user", "round_reports:analysis_pdf", lambda s: [s["round"].pk]),
    ("dept_user", "round_reports:scorecard", lambda s: [s["Sở B"].pk, "pdf"]),
    ("tuphap", "round_reports:scorecard", lambda s: [s["Xã A"].pk, "pdf"]),
])
def test_a_refused_user_gets_no_job(persona, name, args, scored, as_persona, queued_backend, monkeypatch):
    def no_preparing(ref):
        raise AssertionError("nothing is prepared for a refused user")

    monkeypatch.setattr(round_docs, "prepare", no_preparing)
    response = as_persona(persona).get(reverse(name, args=args(scored)))
    assert response.status_code == 403
    assert not jobs().exists() and enqueued() == 0


def test_an_unknown_group_or_format_gets_no_job(scored, as_persona, queued_backend):
    client = as_persona("officer")
    assert client.get(annex_url(scored["round"], "pdf", "khong-co")).status_code == 404
    assert client.get(annex_url(scored["round"], "odt")).status_code == 404
    assert client.get(reverse("round_reports:scorecard", args=[scored["Sở A"].pk, "docx"])).status_code == 404
    assert not jobs().exists()


def test_the_report_drafts_still_keep_their_own_jobs(scored, period_2025, officer, settings):
    """A round's document and the report's draft live side by side (constraints, pruning)."""
    settings.TASKS = IMMEDIATE
    draft = drafts.request_draft(period_2025, "pdf", actor=officer)
    document = drafts.request_round_document(round_docs.prepare(DocumentRef.annex(scored["round"], "pdf")), actor=officer)
    assert draft.status == document.status == RenderJob.Status.DONE
    assert draft.target == "" and draft.round_id is None and draft.file.name.startswith(f"reports/drafts/{period_2025.pk}/")
    assert document.period_id is None and document.kind == RenderJob.Kind.ROUND_DOCUMENT
