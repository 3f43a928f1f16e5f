"""The improvement plan printed as an annex (Phụ lục), PDF and DOCX, in the official format.

Nghị định 30/2020/NĐ-CP, as the round documents (reports.services.round_docs): A4 landscape,
Times-like serif, the issuer left and the national motto right, "Phụ lục" and the title
centred, "(Kèm theo Kế hoạch số … ngày … của …)" under it. Columns: STT, criterion (code,
name), max, reached, lost, target, actions, lead agency, deadline, progress. An agency's
staff print their agency's items only (the audience). Below, when there is one, last
year's plan followed up (reports.services.plan_followup).

Shapes: `build_plan_annex(period, audience, today=None) -> PlanAnnex`; `plan_annex_html(annex) -> str`;
`render_plan(fmt, period, audience) -> RenderedFile` (fmt "pdf" | "docx"). Rendered on the
request: a plan is a few pages.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.services.round_docs import common
from scorecards.formatting import fmt_points
from scorecards.services.improvement import Plan, not_decided_note, plan_rows

from .plan_followup import FollowUp, followup_for

# Percent widths: STT, criterion, max, reached, lost, target, actions, agency, deadline, progress.
WIDTHS = [4.0, 20.0, 5.5, 5.5, 5.5, 5.5, 22.5, 11.0, 7.5, 13.0]


@dataclass
class AnnexRow:
    number: int
    code: str
    name: str
    max_points: str
    appraised: str
    lost: str
    target: str
    actions: str
    agency: str
    deadline: str
    progress: str
    progress_note: str
    late: bool
    decidable: bool


@dataclass
class PlanAnnex:
    period: object
    plan: Plan
    rows: list[AnnexRow]
    issuer: str
    parent_body: str
    label: str
    title: str
    decision_line: str
    scope_note: str
    illustrative: bool
    followup: FollowUp | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return _("Phụ lục kế hoạch khắc phục năm %(year)s") % {"year": self.period.year}


def _issuer(period) -> tuple[str, str]:
    """(parent body, issuer): the province's people's committee for the national index; the
    unit under it for a unit's scorecard in the province's round."""
    province = getattr(period.subject, "province", None)
    if period.round_id:
        round_province = period.round.province
        return (_("UBND %(p)s") % {"p": common.province_label(round_province)}).upper(), period.subject.name.upper()
    if province is not None:
        return "", (_("UBND %(p)s") % {"p": common.province_label(province)}).upper()
    return "", period.subject.name.upper()


def _progress(row) -> str:
    text = row.item.get_status_display()
    if row.late:
        text += " – " + _("quá hạn")
    return text


def build_plan_annex(period, audience=None, today: dt.date | None = None) -> PlanAnnex:
    """The annex of `period`'s plan as the audience reads it (None: every item)."""
    today = today or timezone.localdate()
    plan = plan_rows(period, audience, today=today)
    rows = [AnnexRow(
        number=r.number, code=r.code, name=r.item.criterion.name, max_points=fmt_points(r.max_points),
        appraised=fmt_points(r.appraised) if r.appraised is not None else "–",
        lost=fmt_points(r.lost) if r.lost is not None else "–", target=fmt_points(r.item.target_points),
        actions=r.item.actions, agency=str(r.item.agency), deadline=r.item.deadline.strftime("%d/%m/%Y"),
        progress=_progress(r), progress_note=r.item.progress_note, late=r.late, decidable=r.decidable) for r in plan.rows]
    parent, issuer = _issuer(period)
    place = (common.province_label(period.round.province) if period.round_id
             else common.province_label(period.subject.province) if getattr(period.subject, "province", None)
             else period.subject.name)
    followup = followup_for(period, audience, today=today)
    notes = []
    if plan.has_not_decided:
        notes.append(not_decided_note())
    if plan.late_count:
        notes.append(_("Có %(n)s nhiệm vụ quá hạn tính đến ngày %(date)s.") % {"n": plan.late_count,
                                                                            "date": today.strftime("%d/%m/%Y")})
    return PlanAnnex(
        period=period, plan=plan, rows=rows, issuer=issuer, parent_body=parent, label=_("Phụ lục"),
        title=_("KẾ HOẠCH KHẮC PHỤC CÁC TIÊU CHÍ BỊ MẤT ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s") % {
            "year": period.year},
        decision_line=_("(Kèm theo Kế hoạch số %(blank)s ngày %(blank)s của %(who)s)") % {
            "blank": common.BLANK, "who": (_("UBND %(p)s") % {"p": place}) if not period.round_id else period.subject.name},
        scope_note=("" if audience is None or audience.everything else
                    _("Các nhiệm vụ do %(agency)s chủ trì.") % {"agency": plan.rows[0].item.agency if plan.rows
                                                                else _("đơn vị")}),
        illustrative=period.is_illustrative, followup=followup if followup.rows else None, notes=notes)


def annex_context(annex: PlanAnnex) -> dict:
    return {"annex": annex, "widths": [f"{w:.2f}" for w in WIDTHS], "landscape": True, "table_font": "10pt",
            "illustrative_mark": common.illustrative_mark(), "illustrative_sentence": common.illustrative_sentence(),
            "followup": annex.followup}


def plan_annex_html(annex: PlanAnnex) -> str:
    return render_to_string("reports/plan_annex.html", annex_context(annex))


def render_plan_pdf(annex: PlanAnnex) -> bytes:
    from reports.services.render_pdf import html_to_pdf

    return html_to_pdf(plan_annex_html(annex))


def render_plan_docx(annex: PlanAnnex) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from reports.services import docx_layout as layout
    from reports.services.render_docx import _cant_split, _repeat_header
    from reports.services.round_docs.render_annex_docx import (
        annex_heading, cell_text, doc_header, new_document, page_headers, para, text_width_mm,
    )

    doc = new_document(landscape=True)
    page_headers(doc, annex.illustrative)
    doc_header(doc, annex.issuer, parent_body=annex.parent_body)
    annex_heading(doc, label=annex.label, title=annex.title, decision_line=annex.decision_line,
                  illustrative=annex.illustrative, note=annex.scope_note)
    heads = [_("STT"), _("Tiêu chí"), _("Điểm tối đa"), _("Điểm đạt"), _("Điểm bị mất"), _("Mục tiêu"),
             _("Nhiệm vụ, giải pháp"), _("Cơ quan chủ trì"), _("Thời hạn"), _("Tiến độ")]
    size = 10
    width = text_width_mm(doc)
    t = doc.add_table(rows=1, cols=len(heads))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _repeat_header(t.rows[0])
    centre, right, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    for i, text in enumerate(heads):
        cell_text(t.rows[0].cells[i], text, bold=True, align=centre, size=size)
    for r in annex.rows:
        row = t.add_row()
        _cant_split(row)
        values = [(str(r.number), centre), (f"{r.code}. {r.name}", left), (r.max_points, right), (r.appraised, right),
                  (r.lost, right), (r.target, right), (r.actions, left), (r.agency, left), (r.deadline, centre),
                  (r.progress, left)]
        for i, (text, align) in enumerate(values):
            cell_text(row.cells[i], text, align=align, size=size, bold=(i == 9 and r.late))
        if r.progress_note:
            note = row.cells[9].add_paragraph()
            run = note.add_run(common.xml_safe(r.progress_note))
            run.italic, run.font.size = True, Pt(size - 1)
    if not annex.rows:
        row = t.add_row()
        merged = row.cells[0].merge(row.cells[len(heads) - 1])
        cell_text(merged, _("Chưa có nhiệm vụ khắc phục nào."), size=size)
    layout.column_widths(t, [Mm(width * w / 100) for w in WIDTHS])
    layout.cell_margins(t)
    for note in annex.notes:
        para(doc, note, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=11).paragraph_format.space_before = Pt(3)
    fu = annex.followup
    if fu is not None:
        title = para(doc, _("Kết quả thực hiện kế hoạch khắc phục năm %(year)s") % {"year": fu.previous_year},
                     bold=True, align=left, size=13, after=3)
        title.paragraph_format.space_before = Pt(10)
        title.paragraph_format.keep_with_next = True
        fheads = [_("Tiêu chí"), _("Cơ quan chủ trì"), _("Mục tiêu"), _("Kết quả năm %(y)s") % {"y": annex.period.year},
                  _("Đánh giá")]
        ft = doc.add_table(rows=1, cols=len(fheads))
        ft.style = "Table Grid"
        ft.autofit = False
        _repeat_header(ft.rows[0])
        for i, text in enumerate(fheads):
            cell_text(ft.rows[0].cells[i], text, bold=True, align=centre, size=size)
        for r in fu.rows:
            row = ft.add_row()
            _cant_split(row)
            name = f"{r.code}. {r.name}" + (f" ({_('năm nay là %(code)s') % {'code': r.current_code}})"
                                             if r.current_code and r.current_code != r.code else "")
            values = [(name, left), (r.agency, left), (fmt_points(r.target), right),
                      (fmt_points(r.result) if r.result is not None else "–", right), (r.verdict_label, left)]
            for i, (text, align) in enumerate(values):
                cell_text(row.cells[i], text, align=align, size=size)
        layout.column_widths(ft, [Mm(width * w / 100) for w in (38, 20, 10, 10, 22)])
        layout.cell_margins(ft)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def render_plan(fmt: str, period, audience=None) -> common.RenderedFile:
    """The annex as a file to download ("pdf" or "docx")."""
    annex = build_plan_annex(period, audience)
    content = render_plan_pdf(annex) if fmt == "pdf" else render_plan_docx(annex)
    filename, display = common.names(annex.stem, fmt)
    return common.RenderedFile(content, common.CONTENT_TYPES[fmt], filename, display)
