"""Evidence uploads: the content decides the type, sizes and names are checked, files are
private, stored under random names and served only to those who may see the score."""
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scorecards.models import AuditEvent, EvidenceDocument, PeriodStatus, Score
from scorecards.services.evidence import attach_evidence, check_upload, clean_filename, remove_evidence

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64


def docx_bytes():
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Báo cáo kết quả xử lý văn bản")
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes():
    import openpyxl

    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Số liệu"
    wb.save(buf)
    return buf.getvalue()


def plain_zip():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not office")
    return buf.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def score(period, code="2.3.2"):
    return Score.objects.select_related("criterion", "period").get(period=period, criterion__code=code)


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("QĐ 12.pdf", PDF, "pdf"), ("bao-cao.docx", None, "docx"), ("so-lieu.xlsx", None, "xlsx"),
    ("anh.jpg", JPG, "jpg"), ("anh.JPEG", JPG, "jpg"), ("so-do.png", PNG, "png"),
])
def test_allowed_types_are_recognised_from_their_content(name, content, kind):
    content = content or (docx_bytes() if kind == "docx" else xlsx_bytes())
    checked = check_upload(upload(name, content))
    assert checked.kind == kind
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.pdf", EXE, "Nội dung tệp “virus.pdf” không phải là tệp PDF"),
    ("anh.pdf", PNG, "Nội dung tệp “anh.pdf” không phải là tệp PDF"),
    ("bang.xlsx", None, "không phải là tệp XLSX"),  # a DOCX renamed .xlsx
    ("nen.docx", plain_zip(), "không phải là tệp DOCX"),
    ("chay.exe", EXE, "không thuộc loại được phép (PDF, DOCX, XLSX, JPG, PNG)"),
    ("khong-duoi", PDF, "không thuộc loại được phép"),
])
def test_a_wrong_content_is_refused_whatever_the_name(name, content, message):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, content if content is not None else docx_bytes()))
    assert message in exc.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("rong.pdf", b""))
    assert exc.value.messages == ["Tệp “rong.pdf” rỗng (0 byte)."]


def test_a_file_over_the_limit_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("lon.pdf", PDF + b"0" * (1024 * 1024)))
    assert "vượt giới hạn 1 MB" in exc.value.messages[0]


def test_the_default_limit_is_twenty_megabytes(settings):
    assert settings.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system.pdf", "system.pdf"),
    ("/abs/path/QĐ-UBND.pdf", "QĐ-UBND.pdf"),
    ("bad\x00name\x1f.pdf", "badname.pdf"),
    ("...hidden.pdf", "hidden.pdf"),
    (".pdf", "pdf.pdf"),
    ("/", "tai-lieu.pdf"),
    ("Quyết định.PDF", "Quyết định.PDF"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_path_tricks_in_names_are_cleaned(raw, clean):
    assert clean_filename(raw, "pdf") == clean


def test_an_upload_is_stored_privately_under_a_random_name_and_audited(open_period, tuphap, private_media):
    s = score(open_period)
    doc = attach_evidence(s.pk, upload("../../QĐ xử lý.pdf", PDF), actor=tuphap,
                          meta={"doc_number": "12/QĐ-STP", "issuer": "Sở Tư pháp", "title": "Xử lý văn bản"})
    assert doc.original_name == "QĐ xử lý.pdf"
    assert doc.file.name.startswith("evidence/2026/") and "QĐ" not in doc.file.name and ".." not in doc.file.name
    assert (private_media / doc.file.name).read_bytes() == PDF
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    event = AuditEvent.objects.get(action="evidence.uploaded", score=s)
    assert (event.actor, event.agency, event.data["name"], event.data["sha256"], event.data["doc_number"]) == (
        tuphap, tuphap.agency, "QĐ xử lý.pdf", doc.sha256, "12/QĐ-STP")


@pytest.mark.parametrize("persona", ["taichinh", "officer", "leader", "outsider"])
def test_only_the_lead_agency_uploads(request, open_period, persona, private_media):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        attach_evidence(score(open_period).pk, upload("a.pdf", PDF), actor=user)
    assert not EvidenceDocument.objects.filter(score__period=open_period).exists()


def test_no_upload_outside_the_window(open_period, tuphap, private_media):
    open_period.status = PeriodStatus.CLOSED
    open_period.save()
    with pytest.raises(ValidationError):
        attach_evidence(score(open_period).pk, upload("a.pdf", PDF), actor=tuphap)
    assert not list(private_media.rglob("*.*")) if private_media.exists() else True


def test_removing_evidence_is_audited_and_deletes_the_file(open_period, tuphap, private_media, django_capture_on_commit_callbacks):
    doc = attach_evidence(score(open_period).pk, upload("a.pdf", PDF), actor=tuphap)
    path = private_media / doc.file.name
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(doc.pk, actor=tuphap)
    assert not path.exists()
    assert AuditEvent.objects.get(action="evidence.deleted").data["name"] == "a.pdf"


# --- through the views ---------------------------------------------------------------------

def post_upload(client, s, name, content, **extra):
    return client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": "upload", "file": upload(name, content), "doc_number": "5/BC-STP", "doc_date": "2025-03-10",
        "issuer": "Sở Tư pháp", "title": "Báo cáo", **extra})


def test_the_page_refuses_a_renamed_file_with_a_clear_message(client, open_period, tuphap):
    client.force_login(tuphap)
    s = score(open_period)
    r = post_upload(client, s, "bao-cao.pdf", EXE)
    assert r.status_code == 400
    assert "không phải là tệp PDF" in r.content.decode()
    assert not EvidenceDocument.objects.filter(score=s).exists()


def test_download_is_an_attachment_under_the_original_name(client, open_period, tuphap):
    client.force_login(tuphap)
    s = score(open_period)
    assert post_upload(client, s, "Báo cáo 5.pdf", PDF).status_code == 302
    doc = EvidenceDocument.objects.get(score=s)
    r = client.get(reverse("scorecards:evidence_download", args=[doc.pk]))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;")
    assert "B%C3%A1o%20c%C3%A1o%205.pdf" in r["Content-Disposition"]
    assert doc.doc_number == "5/BC-STP" and str(doc.doc_date) == "2025-03-10"


@pytest.mark.parametrize(("persona", "status"), [("taichinh", 404), ("outsider", 404), ("officer", 200), ("leader", 200)])
def test_download_follows_score_visibility(client, open_period, tuphap, request, persona, status):
    doc = attach_evidence(score(open_period).pk, upload("a.pdf", PDF), actor=tuphap)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("scorecards:evidence_download", args=[doc.pk])).status_code == status


def test_there_is_no_public_media_url(client, settings, open_period, tuphap):
    doc = attach_evidence(score(open_period).pk, upload("a.pdf", PDF), actor=tuphap)
    client.force_login(tuphap)
    prefixes = {"/media/", "/private-media/", "/", settings.MEDIA_URL or "/media/"}
    for url in (f"{p}{doc.file.name}" for p in prefixes):
        assert client.get(url).status_code == 404


def test_another_agency_cannot_delete(client, open_period, tuphap, taichinh):
    doc = attach_evidence(score(open_period).pk, upload("a.pdf", PDF), actor=tuphap)
    client.force_login(taichinh)
    assert client.post(reverse("scorecards:evidence_delete", args=[doc.pk])).status_code == 404
    assert EvidenceDocument.objects.filter(pk=doc.pk).exists()
