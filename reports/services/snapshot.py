"""What a report prints, reduced to one digest: the key under which a draft render is kept
and the identity of a published version.

The report's HTML holds every figure, sentence and staff-written text it prints, so the
SHA-256 of that HTML (with the revision of the code and styles that lay it out) changes
exactly when the printed report would. Documents are official Vietnamese texts: they are
always rendered in the site's language (LANGUAGE_CODE), whatever the reader's.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import translation

from scorecards.models import AuditEvent, EvaluationPeriod, Score

from .assemble import ReportData, assemble
from .context import build_context
from .render_html import render_document

ROOT = Path(settings.BASE_DIR)
# The files that decide how the report looks (not what it says: that is in the HTML).
LAYOUT_FILES = ("reports/services/*.py", "templates/reports/*.html", "static/css/report*.css", "static/fonts/*.ttf")


@lru_cache(maxsize=1)
def renderer_revision() -> str:
    """SHA-256 (hex, 16 characters) of the code, templates, styles and fonts that lay the
    report out: a deployment that changes any of them renders drafts again."""
    digest = hashlib.sha256()
    for pattern in LAYOUT_FILES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def report_html(data: ReportData, *, final: bool) -> str:
    """The report's print HTML (str) in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_document(data, context=build_context(data, final=final))


def content_digest(html: str, kind: str) -> str:
    """SHA-256 (hex) of what a render of `kind` ("pdf", "docx", "publication") prints."""
    digest = hashlib.sha256(f"{kind}\n{renderer_revision()}\n".encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()


def draft_digest(period: EvaluationPeriod, kind: str) -> str:
    """The digest of the draft of `kind` that the period's data gives now."""
    return content_digest(report_html(assemble(period), final=False), kind)


def data_versions(period: EvaluationPeriod) -> dict:
    """What the figures came from, for the record of a publication: the number of score
    rows, the sum of their versions (each save adds one), the id of the period's latest
    audit event and the report record's fields digest. Two queries."""
    scores = Score.objects.filter(period=period).aggregate(rows=Count("pk"), versions=Sum("version"))
    latest = AuditEvent.objects.filter(period=period).aggregate(latest=Max("pk"))["latest"]
    record = getattr(period, "report_record", None)
    fields = {}
    if record is not None:
        fields = {f.name: str(getattr(record, f.attname)) for f in record._meta.concrete_fields}
    record_digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:16]
    return {"score_rows": scores["rows"] or 0, "score_versions": scores["versions"] or 0,
            "latest_audit_event": latest, "record": record_digest}
