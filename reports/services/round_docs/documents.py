"""A round's document as one thing to name, key and render: the results annex (whole or
one group), the analysis report, or a unit's scorecard, in one format.

`DocumentRef` says which document (and gives the `target` string a RenderJob is filed
under); `prepare(ref)` gathers its data once, in the site's language, and gives the key of
what it prints, its file names and a `render()` that makes the bytes from the same data.
The key is the SHA-256 of the format, the layout revision and the document's HTML (the
HTML holds every figure and sentence the PDF, DOCX and XLSX print, as they are made from
the same data): a published round's document keeps its key, so it is rendered once
(reports.services.drafts) and every later reader is served the stored file.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable

from django.utils.translation import gettext as _

from reports.services import render_pdf
from reports.services.snapshot import content_digest, document_language, renderer_revision
from scorecards.models import EvaluationPeriod, Round, SubjectGroup

from .common import CONTENT_TYPES, DocumentError, RenderedFile, content_disposition, names

ANNEX, ANALYSIS, SCORECARD = "annex", "analysis", "scorecard"
FORMATS = {ANNEX: ("pdf", "docx", "xlsx"), ANALYSIS: ("html", "pdf"), SCORECARD: ("pdf", "xlsx")}
TARGET = re.compile(r"^(annex|analysis|scorecard)/(\d+)/(all|group-(\d+)|period-(\d+))/([a-z]+)$")


def check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    """DocumentError (a Vietnamese sentence listing the formats) unless `fmt` is allowed."""
    if fmt not in allowed:
        raise DocumentError(_("Định dạng “%(fmt)s” không được hỗ trợ; chọn một trong: %(list)s.") % {
            "fmt": str(fmt)[:10], "list": ", ".join(allowed)})


@lru_cache(maxsize=1)
def layout_revision() -> str:
    """The layout revision of the round's documents: the report's
    (reports.services.snapshot.renderer_revision, whose files include this package, which
    lays the DOCX and XLSX out in Python)."""
    return renderer_revision()


def content_key(html: str, fmt: str) -> str:
    """SHA-256 (hex) of the format, the layout revision and what the document's HTML says."""
    return hashlib.sha256(f"{fmt}\n{layout_revision()}\n{content_digest(html)}".encode()).hexdigest()


@dataclass(frozen=True)
class DocumentRef:
    """Which document of a round, in which format.

    `round` is set for every document; `group` only for the annex of one group (None: every
    group); `period` only for a unit's scorecard (an EvaluationPeriod of the round).
    """

    document: str  # ANNEX, ANALYSIS or SCORECARD
    fmt: str
    round: Round
    group: SubjectGroup | None = None
    period: EvaluationPeriod | None = None

    @classmethod
    def annex(cls, round_, fmt: str, group=None) -> DocumentRef:
        return cls(ANNEX, fmt, round_, group=group)

    @classmethod
    def analysis(cls, round_, fmt: str) -> DocumentRef:
        return cls(ANALYSIS, fmt, round_)

    @classmethod
    def scorecard(cls, period, fmt: str) -> DocumentRef:
        """Raises DocumentError for a period outside every round."""
        if period.round_id is None:
            raise DocumentError(_("Kỳ đánh giá này không thuộc đợt đánh giá nào của tỉnh."))
        return cls(SCORECARD, fmt, period.round, period=period)

    @property
    def target(self) -> str:
        """"annex/12/all/pdf", "annex/12/group-3/docx", "analysis/12/all/pdf",
        "scorecard/12/period-40/pdf" (at most 100 characters)."""
        part = f"period-{self.period.pk}" if self.period is not None else \
            f"group-{self.group.pk}" if self.group is not None else "all"
        return f"{self.document}/{self.round.pk}/{part}/{self.fmt}"

    @classmethod
    def from_target(cls, target: str) -> DocumentRef:
        """The reference a target string names, read again from the database. Raises
        DocumentError when the round, group or unit is no longer there."""
        match = TARGET.match(target or "")
        if match is None:
            raise DocumentError(_("Không nhận ra tài liệu “%(target)s”.") % {"target": str(target)[:100]})
        document, round_id, _part, group_id, period_id, fmt = match.groups()
        round_ = Round.objects.select_related("province").filter(pk=round_id).first()
        if round_ is None:
            raise DocumentError(_("Đợt đánh giá của tài liệu này không còn trên hệ thống."))
        group = period = None
        if group_id:
            group = round_.groups.filter(pk=group_id).first()
            if group is None:
                raise DocumentError(_("Nhóm đối tượng của tài liệu này không còn trong đợt đánh giá."))
        if period_id:
            period = EvaluationPeriod.objects.filter(pk=period_id, round=round_).first()
            if period is None:
                raise DocumentError(_("Đơn vị của phiếu chấm điểm này không còn trong đợt đánh giá."))
        return cls(document, fmt, round_, group=group, period=period)


@dataclass
class PreparedDocument:
    """A document's data gathered (no rendering yet): its key, names and renderer."""

    ref: DocumentRef
    stem: str  # the Vietnamese file name without extension ("Phụ lục kết quả … năm 2025")
    html: Callable[[], str]  # the HTML the key is taken from
    renderer: Callable[[], bytes]

    @cached_property
    def key(self) -> str:
        """content_key of the document's HTML (a few milliseconds once the data is there)."""
        with document_language():
            return content_key(self.html(), self.ref.fmt)

    def render(self) -> bytes:
        """The file's bytes (a PDF or DOCX takes about a second: the worker's job)."""
        with document_language():
            return self.renderer()

    @property
    def filename(self) -> str:
        return names(self.stem, self.ref.fmt)[0]

    @property
    def display_name(self) -> str:
        return names(self.stem, self.ref.fmt)[1]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ref.fmt]

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename, self.display_name)

    def rendered(self) -> RenderedFile:
        return RenderedFile(self.render(), self.content_type, self.filename, self.display_name)


def prepare(ref: DocumentRef) -> PreparedDocument:
    """The document's data, assembled once in the site's language (the same queries as its
    render: ranking of the round or group, or the unit's scorecard). Raises DocumentError
    for a format the document does not have."""
    check_format(ref.fmt, FORMATS.get(ref.document, ()))
    with document_language():
        return {ANNEX: _annex, ANALYSIS: _analysis, SCORECARD: _scorecard}[ref.document](ref)


def _annex(ref: DocumentRef) -> PreparedDocument:
    from .annex import annex_stem, build_annex
    from .render_annex_docx import render_annex_docx_from
    from .render_annex_pdf import annex_html_from
    from .render_annex_xlsx import render_annex_xlsx_from

    annex = build_annex(ref.round, ref.group)
    html = _once(lambda: annex_html_from(annex))
    renderers = {"pdf": lambda: render_pdf.html_to_pdf(html()), "docx": lambda: render_annex_docx_from(annex),
                 "xlsx": lambda: render_annex_xlsx_from(annex)}
    return PreparedDocument(ref, annex_stem(ref.round, ref.group), html, renderers[ref.fmt])


def _analysis(ref: DocumentRef) -> PreparedDocument:
    from .analysis import analysis_stem, build_analysis, render_analysis_html

    analysis = build_analysis(ref.round)
    html = _once(lambda: render_analysis_html(analysis, standalone=False))
    renderers = {"pdf": lambda: render_pdf.html_to_pdf(html()),
                 "html": lambda: render_analysis_html(analysis, standalone=True).encode("utf-8")}
    return PreparedDocument(ref, analysis_stem(ref.round), html, renderers[ref.fmt])


def _scorecard(ref: DocumentRef) -> PreparedDocument:
    from .scorecard import build_scorecard_doc, scorecard_stem
    from .scorecard_pdf import scorecard_html
    from .scorecard_xlsx import render_scorecard_xlsx_from

    doc = build_scorecard_doc(ref.period)
    html = _once(lambda: scorecard_html(doc))
    renderers = {"pdf": lambda: render_pdf.html_to_pdf(html()), "xlsx": lambda: render_scorecard_xlsx_from(doc)}
    return PreparedDocument(ref, scorecard_stem(doc), html, renderers[ref.fmt])


def _once(make: Callable[[], str]) -> Callable[[], str]:
    """`make`, called at most once (the key and the PDF share one HTML)."""
    cache: list[str] = []

    def get() -> str:
        if not cache:
            cache.append(make())
        return cache[0]
    return get
