"""The published results annex of a round as plain rows (one table per group).

The same rows feed the PDF (through HTML), the DOCX and the XLSX, so the three print the
same figures: rank (ties share it), unit, points by field (a field that does not apply to
the unit is None), the total rescaled to 100, bonus and penalty (outside the 100), the
total and the grade. Everything comes from scorecards.services.ranking: a fixed number of
queries whatever the number of units.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.choices import FROZEN_STATUSES
from scorecards.services import ranking

from . import common

# More field columns than this and the table goes on landscape pages.
PORTRAIT_MAX_FIELDS = 5


@dataclass
class AnnexRow:
    number: int  # STT
    rank: int
    unit: str
    fields: list[Decimal | None]  # None: the whole field does not apply to the unit
    rescaled: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    grade: str
    not_applicable_codes: list[str] = field(default_factory=list)
    complete: bool = True


@dataclass
class AnnexGroup:
    code: str
    name: str
    number: str  # "I", "II"
    title: str  # "I. SỞ, BAN, NGÀNH"
    field_heads: list[tuple[str, str, Decimal]]  # (code, name, maximum)
    rows: list[AnnexRow]
    show_adjustments: bool  # bonus and penalty columns (the group has caps or values)
    bonus_cap: Decimal
    penalty_cap: Decimal
    places: int  # decimals printed for the scores (2, or 3 when a value needs it)
    field_places: int  # the same for the points by field
    bands: list[tuple[str, Decimal]]  # (label, from points), best first

    @property
    def field_legend(self) -> str:
        """"Lĩnh vực: 1 – Công tác chỉ đạo…; 2 – …" under the table (heads are codes only)."""
        parts = [_("%(code)s – %(name)s (%(max)s điểm)") % {"code": code, "name": name, "max": common.fmt_points(mx)}
                 for code, name, mx in self.field_heads]
        return _("Lĩnh vực: %(list)s.") % {"list": "; ".join(parts)}

    @property
    def not_applicable_note(self) -> str:
        units = [f"{r.unit} ({', '.join(r.not_applicable_codes)})" for r in self.rows if r.not_applicable_codes]
        if not units:
            return ""
        return _("Đơn vị có tiêu chí không áp dụng (điểm tối đa của tiêu chí ra khỏi tổng, kết quả quy về thang 100): "
                 "%(list)s.") % {"list": "; ".join(units)}

    @property
    def dash_note(self) -> str:
        if not any(v is None for r in self.rows for v in r.fields):
            return ""
        return _("Dấu “–”: lĩnh vực không tính cho đơn vị (không áp dụng hoặc chưa có điểm điều tra xã hội học).")

    @property
    def notes(self) -> list[str]:
        """What follows the table, in every format."""
        out = [self.field_legend] if self.field_heads else []
        if self.not_applicable_note:
            out.append("(*) " + self.not_applicable_note)
        return out + [n for n in (self.dash_note, self.adjustments_note, self.bands_note) if n]

    @property
    def bands_note(self) -> str:
        if not self.bands:
            return ""
        parts = [_("%(label)s: từ %(min)s điểm") % {"label": label, "min": common.fmt_points(mn)}
                 for label, mn in self.bands]
        return _("Xếp loại: %(list)s.") % {"list": "; ".join(parts)}

    @property
    def adjustments_note(self) -> str:
        if not self.show_adjustments:
            return ""
        return _("Tổng điểm = điểm quy về thang 100 + điểm thưởng (tối đa %(bonus)s) − điểm trừ (tối đa %(penalty)s).") % {
            "bonus": common.fmt_points(self.bonus_cap),
            "penalty": common.fmt_points(self.penalty_cap)}

    @property
    def incomplete_count(self) -> int:
        return sum(1 for r in self.rows if not r.complete)

    def fmt(self, value) -> str:
        return common.num(value, self.places)

    def field_fmt(self, value) -> str:
        return common.num(value, self.field_places)


@dataclass
class Annex:
    round: object
    issuer: str
    label: str  # "Phụ lục"
    title: str
    decision_line: str
    groups: list[AnnexGroup]
    illustrative: bool
    published: bool

    @property
    def landscape(self) -> bool:
        return any(len(g.field_heads) > PORTRAIT_MAX_FIELDS for g in self.groups)

    @property
    def max_fields(self) -> int:
        return max((len(g.field_heads) for g in self.groups), default=0)

    @property
    def incomplete_note(self) -> str:
        """Before publication, how many units still miss appraised points (the figures are provisional)."""
        missing = sum(g.incomplete_count for g in self.groups)
        if self.published or not missing:
            return ""
        return _("Số liệu tạm tính: %(n)s đơn vị còn tiêu chí chưa có điểm thẩm định (tính 0 điểm).") % {
            "n": common.fmt_count(missing)}


def title(round_, groups) -> str:
    """"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025 CỦA SỞ, BAN, NGÀNH VÀ UBND XÃ, PHƯỜNG"."""
    names = [g.name for g in groups]
    head = _("Kết quả Chỉ số cải cách hành chính năm %(year)s") % {"year": round_.year}
    if not names:
        return head.upper()
    joined = names[0] if len(names) == 1 else "; ".join(names[:-1]) + _(" và ") + names[-1]
    return (_("%(head)s của %(groups)s") % {"head": head, "groups": joined}).upper()


def _group(gr: ranking.GroupResults, index: int) -> AnnexGroup:
    g = gr.group
    rows = []
    for number, r in enumerate(gr.results, start=1):
        rows.append(AnnexRow(
            number=number, rank=r.rank, unit=r.subject.name,
            fields=[None if f.not_applicable else f.points for f in r.fields],
            rescaled=r.rescaled, bonus=r.bonus, penalty=r.penalty, total=r.total, grade=r.grade,
            not_applicable_codes=list(r.not_applicable_codes), complete=r.complete,
        ))
    show_adj = bool(g.bonus_cap or g.penalty_cap or any(r.bonus or r.penalty for r in rows))
    values = [v for r in rows for v in (r.rescaled, r.bonus, r.penalty, r.total)]
    number = common.roman(index)
    return AnnexGroup(
        code=g.code, name=g.name, number=number, title=f"{number}. {g.name.upper()}",
        field_heads=gr.field_heads or _heads_without_results(g), rows=rows, show_adjustments=show_adj,
        bonus_cap=g.bonus_cap, penalty_cap=g.penalty_cap, places=common.places_for(values),
        field_places=common.places_for(v for r in rows for v in r.fields),
        bands=[(b.label, b.min_points) for b in gr.bands],
    )


def _heads_without_results(group) -> list[tuple[str, str, Decimal]]:
    """A group without subjects still prints its field heads (one query)."""
    from scorecards.models import Criterion

    return [(c.code, c.name, c.max_points) for c in
            Criterion.objects.filter(framework_id=group.framework_id, parent__isnull=True).order_by("sort_key", "pk")]


def build_annex(round_, group=None) -> Annex:
    """The annex of `round_` (every group, or one SubjectGroup of it), on the final basis."""
    if group is not None:
        results = [ranking.group_results(group, with_previous=False)]
    else:
        results = ranking.round_results(round_, with_previous=False)
    groups = [_group(gr, i) for i, gr in enumerate(results)]
    published = round_.status in FROZEN_STATUSES
    # Before publication the annex is a working draft: it says so where the decision goes,
    # whatever decision fields are already typed.
    decision_line = common.decision_line(round_) if published else _(
        "(Dự thảo – kết quả chưa được công bố; giai đoạn: %(status)s)") % {"status": round_.get_status_display().lower()}
    return Annex(
        round=round_, issuer=common.issuer(round_), label=_("Phụ lục") if published else _("Dự thảo phụ lục"),
        title=title(round_, [gr.group for gr in results]), decision_line=decision_line,
        groups=groups, illustrative=round_.is_illustrative, published=published,
    )


def annex_stem(round_, group=None) -> str:
    """The Vietnamese file name (without extension) of an annex."""
    stem = _("Phụ lục kết quả Chỉ số CCHC năm %(year)s") % {"year": round_.year}
    return f"{stem} - {group.name}" if group is not None else stem
