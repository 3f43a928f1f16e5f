"""What a report prints, reduced to one digest: the identity of a published version and
the key under which a draft render is kept.

The report's HTML holds every figure, sentence and staff-written text it prints, so the
SHA-256 of that HTML (`content_digest`) changes exactly when what the report says does:
two publications with the same one say the same thing, whatever the code that laid them
out. A draft's key adds the revision of the code, styles and fonts (`draft_key`), so a
deployment that changes the layout renders drafts again. Documents are official
Vietnamese texts: they are always assembled and rendered in the site's language
(LANGUAGE_CODE, `document_language()`), whatever the reader's.
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
LAYOUT_FILES = ("reports/services/*.py", "reports/services/round_docs/*.py", "templates/reports/*.html", "static/css/report*.css", "static/fonts/*.ttf")


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


def document_language():
    """The context in which a report is assembled and rendered: the site's language."""
    return translation.override(settings.LANGUAGE_CODE)


def report_html(data: ReportData, *, final: bool) -> str:
    """The report's print HTML (str) in the site's language (`data` assembled in it too)."""
    with document_language():
        return render_document(data, context=build_context(data, final=final))


def content_digest(html: str) -> str:
    """SHA-256 (hex) of what a report's HTML says."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def draft_key(period: EvaluationPeriod, kind: str) -> str:
    """The key of the draft of `kind` ("pdf", "docx") that the period's data and the
    deployed layout give now: SHA-256 (hex) of kind, layout revision and draft HTML."""
    with document_language():
        return draft_key_of(assemble(period), kind)


def draft_key_of(data: ReportData, kind: str) -> str:
    """draft_key for data already assembled (in the site's language)."""
    html = report_html(data, final=False)
    return hashlib.sha256(f"{kind}\n{renderer_revision()}\n{content_digest(html)}".encode()).hexdigest()


def data_versions(period: EvaluationPeriod) -> dict:
    """What the figures came from, for the record of a publication: the number of score
    rows, the sum of their versions (each save adds one), the id of the period's latest
    audit event, the report record's fields digest and the layout revision. Three queries."""
    scores = Score.objects.filter(period=period).aggregate(rows=Count("pk"), versions=Sum("version"))
    latest = AuditEvent.objects.filter(period=period).aggregate(latest=Max("pk"))["latest"]
    record = getattr(period, "report_record", None)
    fields = {}
    if record is not None:
        fields = {f.name: str(getattr(record, f.attname)) for f in record._meta.concrete_fields}
    record_digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:16]
    return {"score_rows": scores["rows"] or 0, "score_versions": scores["versions"] or 0,
            "latest_audit_event": latest, "record": record_digest, "renderer": renderer_revision()}
