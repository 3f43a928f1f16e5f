"""Publishing the analysis report: a step of the period's workflow, by Sở Nội vụ.

Once the period's results are published (status published or closed), Sở Nội vụ publishes
the report: the PDF and the DOCX are rendered once, without the draft mark, and stored with
their SHA-256, the digest of what they print and the versions of the data they came from
(reports.models.ReportPublication). Downloads of a published report are then served from
storage. A change after publication needs a new version with a reason; earlier versions
stay downloadable. Rendering the same snapshot again gives the same bytes.
"""
from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, PeriodStatus
from scorecards.models import AuditEvent, EvaluationPeriod
from scorecards.permissions import can_manage
from scorecards.services.scoring import lock_period

from reports.models import ReportPublication, ReportRecord

from . import filename, render
from .assemble import assemble
from .printable import printable
from .snapshot import content_digest, data_versions, document_language, report_html

PUBLISHABLE = (PeriodStatus.PUBLISHED, PeriodStatus.CLOSED)
REASON_MAX = 2000


# Characters that print nothing: a field of only these is empty (U+200B–U+200F zero-width and
# direction marks, U+00AD soft hyphen, U+2060 word joiner, U+FEFF byte-order mark).
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u00ad\u2060\ufeff]+")


def blank(text: str) -> bool:
    """True when `text` prints nothing (spaces and invisible characters only)."""
    return not _INVISIBLE.sub("", printable(text or ""))


def require_publisher(actor) -> None:
    """Raise PermissionDenied unless the actor is Sở Nội vụ (who publishes the report)."""
    if not can_manage(actor):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới phát hành báo cáo phân tích."))


def latest_publication(period: EvaluationPeriod) -> ReportPublication | None:
    return ReportPublication.objects.filter(period=period).order_by("-version").first()


def publication_problems(period: EvaluationPeriod, data=None) -> list[str]:
    """Why the period's report cannot be published now (empty list: it can). Messages in
    Vietnamese, one per missing thing: results not published yet, no report number, date or
    signer, no parent body, issuing body, place or signer's title (a published report is a
    signed document in the format of Nghị định 30/2020), no solutions, recommendations or
    recipients."""
    problems = []
    if period.round_id:
        problems.append(_("Báo cáo phân tích chỉ phát hành cho kỳ đánh giá của tỉnh trong Chỉ số CCHC của Bộ Nội vụ."))
    if period.status not in PUBLISHABLE:
        problems.append(_("Kỳ đánh giá chưa công bố kết quả (đang ở bước “%(status)s”): báo cáo còn là dự thảo.") % {
            "status": period.get_status_display()})
    record = data.record if data is not None else ReportRecord.objects.filter(period=period).first()
    if record is None or not record.pk:
        if period.status == PeriodStatus.CLOSED:
            problems.append(_("Kỳ đánh giá đã đóng mà chưa có thông tin văn bản của báo cáo: kỳ đóng chỉ đọc, "
                              "muốn phát hành phải mở lại kỳ (trang tiến độ) rồi ghi số, ngày, người ký."))
        else:
            problems.append(_("Chưa có thông tin văn bản của báo cáo (số, ngày, người ký)."))
        return problems
    for field, label in (("parent_body", _("cơ quan chủ quản")), ("issuer", _("cơ quan ban hành")),
                         ("place", _("địa danh")), ("signer_title", _("chức vụ người ký"))):
        if blank(getattr(record, field)):
            problems.append(_("Chưa ghi %(what)s của báo cáo.") % {"what": label})
    if blank(record.number):
        problems.append(_("Chưa ghi số văn bản của báo cáo."))
    if record.date is None:
        problems.append(_("Chưa ghi ngày ban hành của báo cáo."))
    if blank(record.signer_name):
        problems.append(_("Chưa ghi họ tên người ký báo cáo."))
    # Sections a signed report cannot leave empty (the draft prints a placeholder there).
    for field, label in (("solutions", _("II.4. Giải pháp")), ("recommendations", _("II.5. Kiến nghị, đề xuất")),
                         ("recipients", _("Nơi nhận"))):
        if blank(getattr(record, field)):
            problems.append(_("Chưa viết mục “%(section)s”.") % {"section": label})
    return problems


def publication_digest(period: EvaluationPeriod, data=None) -> str:
    """The digest the published report would have if published now (what it says).
    `data`: the period's ReportData when the caller assembled it in the site's language."""
    if data is None or translation.get_language() != settings.LANGUAGE_CODE:
        with document_language():
            data = assemble(period)
    return content_digest(report_html(data, final=True))


def publish_report(period_id: int, *, actor, reason: str = "", expected_digest: str | None = None) -> ReportPublication:
    """Render and store the next version of the period's report (PDF and DOCX).

    `expected_digest`: the publication digest of the preview the officer saw; when the data
    changed since, nothing is published (ValidationError), so no one publishes figures they
    have not read. Raises PermissionDenied unless the actor is Sở Nội vụ; ValidationError
    with the problems of publication_problems, when a later version lacks a reason, or when
    nothing changed since the latest version. Audited (report.published) with its author.
    Assembled and rendered in the site's language, whatever the actor's.
    """
    with transaction.atomic():
        return _publish(period_id, actor=actor, reason=reason, expected_digest=expected_digest)


def check_publication(period: EvaluationPeriod, *, reason: str, expected_digest: str | None):
    """Everything that refuses a publication, before anything is rendered: returns (data,
    digest, latest publication, the reason stripped); raises ValidationError with the
    publication problems, a reason too long or missing for a later version, content
    unchanged since the latest version, or a digest other than the one the officer read."""
    with document_language():
        data = assemble(period)
    problems = publication_problems(period, data)
    if problems:
        raise ValidationError(problems)
    reason = (reason or "").strip()
    if blank(reason):
        reason = ""
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX})
    digest = content_digest(report_html(data, final=True))
    if expected_digest and expected_digest != digest:
        raise ValidationError(_("Số liệu hoặc nội dung báo cáo đã thay đổi sau khi bạn mở trang xem trước; "
                                "hãy xem lại bản mới rồi phát hành."))
    latest = latest_publication(period)
    if latest is not None:
        if latest.source_sha256 == digest:
            raise ValidationError(_("Nội dung không thay đổi so với phiên bản %(v)s đã phát hành; không cần phát hành lại.") % {
                "v": latest.version})
        if not reason:
            raise ValidationError(_("Phát hành lại báo cáo đã phát hành cần ghi lý do (sửa gì, vì sao)."))
    return data, digest, latest, reason


def _publish(period_id: int, *, actor, reason: str, expected_digest: str | None) -> ReportPublication:
    require_publisher(actor)
    period = lock_period(period_id)
    data, digest, latest, reason = check_publication(period, reason=reason, expected_digest=expected_digest)
    version = (latest.version + 1) if latest else 1
    with document_language():
        files = {fmt: render(period, fmt, final=True, data=data).content for fmt in ("pdf", "docx")}
    publication = ReportPublication(
        period=period, version=version, reason=reason, number=data.record.number,
        source_sha256=digest, data_versions=data_versions(period),
        published_by=actor, published_at=timezone.now(),
        pdf_sha256=hashlib.sha256(files["pdf"]).hexdigest(), pdf_size=len(files["pdf"]),
        docx_sha256=hashlib.sha256(files["docx"]).hexdigest(), docx_size=len(files["docx"]),
    )
    stored = []
    try:
        for fmt, content in files.items():
            name = filename(period, fmt, number=data.record.number, version=version)
            field = getattr(publication, fmt)
            field.save(name, ContentFile(content), save=False)
            stored.append(field.name)
        publication.save()
        AuditEvent.log(AuditAction.REPORT_PUBLISHED, actor=actor, period=period, version=version, reason=reason,
                       number=data.record.number, pdf_sha256=publication.pdf_sha256, docx_sha256=publication.docx_sha256,
                       source_sha256=digest)
    except Exception:
        delete_files(publication.pdf.storage, stored)
        raise
    return publication


def delete_files(storage, names) -> None:
    """Delete the named files from `storage`, those that are there (a name may be empty)."""
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)
