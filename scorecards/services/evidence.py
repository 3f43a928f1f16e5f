"""Evidence documents (tài liệu kiểm chứng): checking an upload, attaching it, removing it.

The type of a file is decided from its first bytes, never from its name alone: a program
renamed to "bao-cao.pdf" is refused. Files are stored under a random name in private
storage (see EvidenceDocument.file); the cleaned original name is kept for downloads.
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, Right
from scorecards.formatting import fmt_number
from scorecards.models import AuditEvent, EvidenceDocument

# Allowed kinds: extension → (content type, label). The extension the user gives must
# name the kind found in the content (".jpeg" is the same kind as ".jpg").
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "jpg": ("image/jpeg", "JPG"),
    "png": ("image/png", "PNG"),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
ALLOWED_LABEL = "PDF, DOCX, XLSX, JPG, PNG"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class CheckedUpload:
    """What we know about an upload once it has passed every check."""

    kind: str
    content_type: str
    name: str
    size: int
    sha256: str


def sniff_kind(fileobj) -> str | None:
    """The kind of a file read from its content: pdf, docx, xlsx, jpg, png or None."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(fileobj)
    return None


def _office_kind(fileobj) -> str | None:
    # DOCX and XLSX are zip packages; the part folder names tell them apart. Only the
    # central directory is read, never the members, so a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        fileobj.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def clean_filename(name: str | None, kind: str) -> str:
    """A safe display name: no folders, no control characters, NFC, bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    stem, ext = os.path.splitext(name)
    if not stem:
        stem = _("tai-lieu")
    given = ext.lower().lstrip(".")
    if EXTENSION_ALIASES.get(given, given) != kind:
        ext = "." + kind  # the name says what the content is
    return stem[: MAX_NAME_LENGTH - len(ext)] + ext


def check_upload(uploaded) -> CheckedUpload:
    """Check an uploaded file; raise ValidationError with a Vietnamese message if it is refused."""
    if uploaded is None:
        raise ValidationError(_("Chưa chọn tệp."))
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng (0 byte).") % {"name": uploaded.name})
    limit = settings.EVIDENCE_MAX_BYTES
    if size > limit:
        raise ValidationError(_("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)s MB.") % {
            "name": uploaded.name, "size": fmt_number(size / 1024 / 1024, 1),
            "limit": fmt_number(limit / 1024 / 1024, 0),
        })
    declared = os.path.splitext(uploaded.name or "")[1].lower().lstrip(".")
    declared = EXTENSION_ALIASES.get(declared, declared)
    if declared not in KINDS:
        raise ValidationError(_("Tệp “%(name)s” không thuộc loại được phép (%(allowed)s).") % {
            "name": uploaded.name, "allowed": ALLOWED_LABEL,
        })
    kind = sniff_kind(uploaded)
    if kind != declared:
        raise ValidationError(_(
            "Nội dung tệp “%(name)s” không phải là tệp %(label)s như tên tệp cho biết; hãy chọn đúng tệp gốc."
        ) % {"name": uploaded.name, "label": KINDS[declared][1]})
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(kind=kind, content_type=KINDS[kind][0], name=clean_filename(uploaded.name, kind),
                         size=size, sha256=digest.hexdigest())


def _delete_file_on_rollback(doc):
    # The file is written before the row: if the row or its audit entry fails, remove the
    # file so that nothing is left on disk without a record.
    name = doc.file.name
    storage = doc.file.storage

    def cleanup():
        if name and storage.exists(name):
            storage.delete(name)

    return cleanup


@transaction.atomic
def attach_evidence(score_id: int, uploaded, *, actor, meta: dict | None = None, supplementary: bool = False) -> EvidenceDocument:
    """Check and store a document for a score the actor may write; audited.

    Self-assessment evidence needs the self-assessment window; supplementary evidence
    (explanation round) needs the explanation window for a criterion that lost points.
    """
    from scorecards.services import workflow

    checked = check_upload(uploaded)
    period, score = workflow.lock_score(score_id)
    workflow.require(actor, score, Right.EXPLAIN if supplementary else Right.SELF_ASSESS)
    meta = meta or {}
    doc = EvidenceDocument(
        score=score, original_name=checked.name, content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, doc_number=meta.get("doc_number", ""), doc_date=meta.get("doc_date"),
        issuer=meta.get("issuer", ""), title=meta.get("title", ""), is_supplementary=supplementary,
        uploaded_by=actor,
    )
    doc.file.save(checked.name, uploaded, save=False)
    try:
        doc.save()
        AuditEvent.log(
            AuditAction.EVIDENCE_UPLOADED, actor=actor, score=score,
            code=score.criterion.code, document=doc.pk, name=checked.name, size=checked.size,
            sha256=checked.sha256, content_type=checked.content_type, doc_number=doc.doc_number,
            doc_date=doc.doc_date.isoformat() if doc.doc_date else None, issuer=doc.issuer, title=doc.title,
            supplementary=supplementary,
        )
    except Exception:
        _delete_file_on_rollback(doc)()
        raise
    return doc


@transaction.atomic
def remove_evidence(document_id: int, *, actor) -> None:
    """Delete a document while its score is still writable by the actor; audited."""
    from scorecards.services import workflow

    doc = EvidenceDocument.objects.select_related("score").get(pk=document_id)
    period, score = workflow.lock_score(doc.score_id)
    workflow.require(actor, score, Right.EXPLAIN if doc.is_supplementary else Right.SELF_ASSESS)
    AuditEvent.log(
        AuditAction.EVIDENCE_DELETED, actor=actor, score=score, code=score.criterion.code,
        document=doc.pk, name=doc.original_name, sha256=doc.sha256, title=doc.title,
    )
    name, storage = doc.file.name, doc.file.storage
    doc.delete()
    transaction.on_commit(lambda: storage.delete(name) if name and storage.exists(name) else None)
