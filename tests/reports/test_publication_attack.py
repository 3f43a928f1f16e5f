"""What a fresh tester broke in the publication and the drafts, kept broken no more."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.models import RenderJob, ReportPublication, ReportRecord
from reports.services import filename, render
from reports.services import snapshot
from reports.services.drafts import request_draft, request_publication
from reports.services.printable import printable
from reports.services.publication import publication_digest, publication_problems, publish_report
from reports.services.tables import shortfall_table
from reports.services.assemble import assemble
from scorecards.models import EvaluationPeriod
from tests.reports.helpers import body


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_english_reader_gets_the_vietnamese_document(period_2025, leader, officer, client_for, pdf_text):
    url = f"/reports/2025/pdf/?period={period_2025.pk}&draft=1"
    text = pdf_text(body(english(client_for(leader)).get(url)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "SOCIALIST REPUBLIC" not in text
    # The same file (one job) for the Vietnamese reader.
    assert pdf_text(body(client_for(officer).get(url))) == text
    assert RenderJob.objects.filter(period=period_2025, kind="pdf").count() == 1


def test_an_officer_in_english_publishes_what_he_read(period_2025, record_2025, officer, client_for, pdf_text):
    c = english(client_for(officer))
    digest = c.get(f"/reports/2025/?period={period_2025.pk}").context["publish_digest"]
    assert digest == publication_digest(period_2025)
    c.post(f"/reports/2025/phat-hanh/?period={period_2025.pk}", {"digest": digest})
    publication = ReportPublication.objects.get(period=period_2025)
    with publication.pdf.open("rb") as fh:
        assert "SOCIALIST REPUBLIC" not in pdf_text(fh.read())


def test_a_layout_deployment_renders_drafts_again_but_is_no_change_to_publish(period_2024, officer, monkeypatch):
    before_key, before_digest = snapshot.draft_key(period_2024, "pdf"), publication_digest(period_2024)
    monkeypatch.setattr(snapshot, "renderer_revision", lambda: "a-new-deployment")
    assert snapshot.draft_key(period_2024, "pdf") != before_key
    assert publication_digest(period_2024) == before_digest
    if ReportPublication.objects.filter(period=period_2024).exists():
        with pytest.raises(ValidationError, match="không thay đổi"):
            publish_report(period_2024.pk, actor=officer, reason="triển khai bản mới")


def test_a_render_lost_with_its_worker_is_queued_again(period_2025, officer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = request_draft(period_2025, "pdf", actor=officer)
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.RUNNING,
                                               started_at=timezone.now() - timedelta(minutes=3))
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    again = request_draft(period_2025, "pdf", actor=officer)
    assert again.pk == job.pk and again.status == RenderJob.Status.DONE


def test_a_lost_draft_file_is_rendered_again_and_a_lost_published_file_is_said(period_2025, record_2025, officer, client_for):
    job = request_draft(period_2025, "docx", actor=officer)
    job.file.storage.delete(job.file.name)
    c = client_for(officer)
    response = c.get(f"/reports/2025/docx/?period={period_2025.pk}&draft=1")
    assert response.status_code == 200 and body(response)[:2] == b"PK"
    # A publication of this test's own (files are not rolled back with the database: never
    # delete the demo's).
    publication = publish_report(period_2025.pk, actor=officer)
    publication.pdf.storage.delete(publication.pdf.name)
    lost = c.get(f"/reports/2025/pdf/?period={period_2025.pk}")
    assert lost.status_code == 500 and "không còn trong kho lưu trữ" in lost.content.decode()


@pytest.mark.parametrize("field", ["parent_body", "issuer", "place", "signer_title"])
def test_a_report_without_its_header_or_signer_title_is_not_published(period_2025, record_2025, officer, field):
    ReportRecord.objects.filter(pk=record_2025.pk).update(**{field: ""})
    assert publication_problems(period_2025)
    with pytest.raises(ValidationError):
        request_publication(period_2025, actor=officer, reason="", expected_digest="")
    assert not RenderJob.objects.filter(period=period_2025, kind="publication").exists()


@pytest.mark.parametrize("query", ["period=²", "period=٣", "period=1&version=²", "period=1&draft=1&version=x"])
def test_unicode_digits_are_a_404_not_a_500(query, officer, client_for):
    for view in ("", "pdf/", "docx/", "tong-quan/"):
        assert client_for(officer).get(f"/reports/2024/{view}?{query}").status_code == 404, (view, query)


def test_a_round_scorecard_is_not_a_national_report(officer, client_for):
    scorecard = EvaluationPeriod.objects.filter(round__isnull=False, year=2025).first()
    assert client_for(officer).get(f"/reports/2025/?period={scorecard.pk}").status_code == 404
    assert client_for(officer).get(f"/reports/2025/pdf/?period={scorecard.pk}").status_code == 404


def test_draft_0_is_not_a_draft(period_2024, published, officer, client_for):
    publication = published
    response = client_for(officer).get(f"/reports/2024/pdf/?period={period_2024.pk}&draft=0")
    assert response["X-Content-SHA256"] == publication.pdf_sha256


def test_a_partial_self_assessment_is_not_called_a_total(open_period, tuphap, officer, client_for):
    from scorecards.models import Score
    from scorecards.services.scoring import apply_score_changes  # noqa: F401 - the one door exists

    Score.objects.filter(period=open_period, self_points__isnull=False).update(self_points=None)
    score = Score.objects.filter(period=open_period, criterion__scoring_source="evidence").order_by("criterion__sort_key").first()
    Score.objects.filter(pk=score.pk).update(self_points=score.criterion.max_points)
    data = assemble(open_period)
    assert data.par.self_assessed_entered == 1 and not data.par.self_assessment_complete
    text = client_for(officer).get(f"/reports/2026/?period={open_period.pk}").content.decode()
    assert f"đã tự đánh giá 1/{data.par.self_assessed_leaves} tiêu chí thành phần" in text and "chưa có tổng điểm" in text
    overview = client_for(officer).get(f"/reports/2026/tong-quan/?period={open_period.pk}").content.decode()
    assert "data-self-partial" in overview


def test_direction_overrides_and_controls_never_reach_the_page():
    assert printable("DỰ \u202eTHẢO\x07\x1b[31m") == "DỰ THẢO[31m"
    assert printable("dòng 1\ndòng\t2") == "dòng 1\ndòng\t2"


def test_missing_self_assessment_rows_print_a_dash(period_2023):
    rows = shortfall_table(assemble(period_2023)).rows
    assert all(r.cells[3].text == "–" for r in rows if r.kind == "row")


def test_a_number_without_letters_falls_back_to_the_subject(period_2024):
    assert filename(period_2024, "pdf", number="///") == f"Bao-cao-phan-tich-CCHC-2024-{filename(period_2024, 'pdf').split('2024-')[1]}"
    assert "--" not in filename(period_2024, "pdf", number="🚀")


def test_long_unbroken_header_names_keep_the_national_motto_on_the_page(period_2024):
    import io

    import pdfplumber

    ReportRecord.objects.filter(period=period_2024).update(parent_body="X" * 118, signer_title="Y" * 118)
    pdf = render(EvaluationPeriod.objects.get(pk=period_2024.pk), "pdf").content
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first, last = doc.pages[0], doc.pages[-1]
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first.extract_text()
        for page in (first, last):
            assert all(0 <= ch["x0"] and ch["x1"] <= page.width for ch in page.chars)
        assert "Nơi nhận" in last.extract_text()


def test_the_admin_shows_publications_without_storage_links(period_2024, published, officer, client_for):
    publication = published
    page = client_for(officer).get(f"/admin/reports/reportpublication/{publication.pk}/change/").content.decode()
    assert publication.pdf_sha256 in page and "private-media-not-served" not in page
    assert f"version={publication.version}" in page


def test_a_draft_is_never_kept_under_a_key_whose_content_it_does_not_hold(period_2025, record_2025, officer, settings, pdf_text):
    from reports.services.drafts import run
    from reports.services.snapshot import draft_key

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queued = request_draft(period_2025, "pdf", actor=officer)
    old_key = queued.digest
    record, before = record_2025, record_2025.solutions
    record.solutions = "SAI-NHAM-XYZ"
    record.save()
    run(queued.pk)  # the worker renders the changed data
    assert not RenderJob.objects.filter(pk=queued.pk).exists()
    moved = RenderJob.objects.get(period=period_2025, kind="pdf", digest=draft_key(period_2025, "pdf"))
    assert moved.status == RenderJob.Status.DONE
    with moved.file.open("rb") as fh:
        assert "SAI-NHAM-XYZ" in pdf_text(fh.read())
    record.solutions = before
    record.save()
    assert draft_key(period_2025, "pdf") == old_key
    again = request_draft(period_2025, "pdf", actor=officer)
    assert again.status == RenderJob.Status.QUEUED  # rendered anew, never the file with the removed text


def test_a_long_issuing_body_does_not_break_the_docx(period_2024):
    # Within the field's 255 characters; with the area's name the author passes 255.
    role = ("Sở Nội vụ, cơ quan thường trực " + "Ban Chỉ đạo " * 20)[:250]
    ReportRecord.objects.filter(period=period_2024).update(issuer_role=role, area_name="tỉnh Điện Biên")
    content = render(EvaluationPeriod.objects.get(pk=period_2024.pk), "docx").content
    assert content[:2] == b"PK"


def test_docx_rows_stay_whole_unless_taller_than_a_page(period_2024):
    import io
    import zipfile

    from reports.services.tables import TableRow, Cell

    xml = zipfile.ZipFile(io.BytesIO(render(period_2024, "docx").content)).read("word/document.xml").decode()
    rows = len(shortfall_table(assemble(period_2024)).rows)
    assert xml.count("<w:cantSplit/>") >= rows
    assert TableRow([Cell("x" * 2401)]).long and not TableRow([Cell("x" * 2400)]).long


def test_invisible_characters_are_no_content(period_2025, record_2025, officer):
    ReportRecord.objects.filter(pk=record_2025.pk).update(number="\u200b", signer_name="\u00ad ", solutions="\ufeff\u200b")
    problems = " ".join(publication_problems(period_2025))
    assert "số văn bản" in problems and "người ký" in problems and "II.4" in problems


def test_a_refusal_is_said_at_once_even_with_the_database_queue(period_2024, published, officer, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    record = ReportRecord.objects.get(period=period_2024)
    record.closing = (record.closing or "") + " Thêm một câu."
    record.save()
    response = client_for(officer).post(f"/reports/2024/phat-hanh/?period={period_2024.pk}", {"reason": "   \u200b"},
                                        follow=True)
    assert "cần ghi lý do" in response.content.decode()
    assert not RenderJob.objects.filter(period=period_2024, kind="publication").exists()


def test_a_closed_period_without_a_record_says_how_to_publish(period_2023):
    ReportRecord.objects.filter(period=period_2023).delete()
    assert any("Kỳ đánh giá đã đóng" in p for p in publication_problems(period_2023))


def test_long_field_names_get_room_in_the_chart(period_2024):
    import re

    from reports.services.charts import field_chart_svg
    from scorecards.models import Criterion

    Criterion.objects.filter(framework=period_2024.framework, code="3").update(
        name="Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính")
    svg = field_chart_svg(assemble(EvaluationPeriod.objects.get(pk=period_2024.pk)))
    ys = sorted(float(y) for y in re.findall(r'<text x="\d+" y="([\d.]+)" text-anchor="end">', svg))
    assert all(b - a >= 13.9 for a, b in zip(ys, ys[1:], strict=False))  # no label line runs into another


def test_no_break_spaces_print_as_spaces():
    assert printable("Sở\u00a0Tư\u00a0pháp") == "Sở Tư pháp"
