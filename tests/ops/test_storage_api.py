"""Private media through the storage API only: with the default storage set to one that
has no file-system path at all (as S3 object storage through django-storages), an evidence
upload through the criterion page, its download and its removal still work, and nothing
is written under MEDIA_ROOT."""
import hashlib
import os

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scorecards.models import EvidenceDocument, Score

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class NoPathStorage(InMemoryStorage):
    """Django's in-memory storage without path(): like object storage, no local file exists.

    (InMemoryStorage keys its nodes by path internally; that bookkeeping keeps the parent's
    path(), which touches no disk, while any caller outside gets NotImplementedError.)
    """

    def path(self, name):
        raise NotImplementedError("Bộ lưu trữ này không có đường dẫn trên đĩa.")

    def _relative_path(self, name):
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)


@pytest.fixture
def object_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-root-unused"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.NoPathStorage"}}
    storage = storages["default"]
    assert isinstance(storage, NoPathStorage)
    return storage


def test_upload_download_and_removal_through_the_storage_api(client, open_period, tuphap, object_storage, settings,
                                                             django_capture_on_commit_callbacks):
    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    client.force_login(tuphap)
    response = client.post(reverse("scorecards:score", args=[score.pk]), {
        "action": "upload", "file": SimpleUploadedFile("Báo cáo kiểm chứng.pdf", PDF, content_type="application/pdf"),
        "doc_number": "7/BC-STP", "doc_date": "10/03/2026", "issuer": "Sở Tư pháp", "title": "Báo cáo"})
    assert response.status_code == 302, response.content.decode()[:500]
    doc = EvidenceDocument.objects.get(score=score)
    assert isinstance(doc.file.storage, NoPathStorage)
    assert object_storage.exists(doc.file.name)
    with object_storage.open(doc.file.name, "rb") as stored:
        assert stored.read() == PDF
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()

    page = client.get(reverse("scorecards:score", args=[score.pk]))
    assert page.status_code == 200 and "Báo cáo kiểm chứng.pdf" in page.content.decode()

    download = client.get(reverse("scorecards:evidence_download", args=[doc.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment;" in download["Content-Disposition"]

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(reverse("scorecards:evidence_delete", args=[doc.pk]))
    assert removed.status_code == 302
    assert not object_storage.exists(doc.file.name)
    assert not settings.MEDIA_ROOT.exists()  # nothing ever touched the file system


def test_a_file_missing_from_storage_is_a_clear_404(client, open_period, tuphap, object_storage):
    from scorecards.services.evidence import attach_evidence

    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    doc = attach_evidence(score.pk, SimpleUploadedFile("a.pdf", PDF), actor=tuphap)
    object_storage.delete(doc.file.name)
    client.force_login(tuphap)
    assert client.get(reverse("scorecards:evidence_download", args=[doc.pk])).status_code == 404
