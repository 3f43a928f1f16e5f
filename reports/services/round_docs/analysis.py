"""The analysis report of a round: figures and every sentence built from them.

Per group: the average, the highest and lowest units, the count of each grade, rank moves
against the province's previous round (SubjectResult.previous / rank_change), the units
that fell into a lower grade, and the criteria where most units lost points (count of units
below the maximum per leaf, top 10). HTML preview and PDF share one template.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.services import numbers as n
from reports.services.render_pdf import html_to_pdf
from scorecards.choices import FROZEN_STATUSES
from scorecards.models import Score
from scorecards.services import ranking
from scorecards.services.scorecard import load_tree
from scorecards.text import code_sort_key

from . import common

ZERO = Decimal("0")
TOP_LOSSES = 10


@dataclass
class CriterionLoss:
    code: str
    name: str
    max_points: Decimal
    below: int  # units whose counted points are under the maximum
    appraised: int  # units with points on the leaf (applicable)
    lost: Decimal  # points lost, summed over the units


@dataclass
class GroupAnalysis:
    number: str
    results: ranking.GroupResults
    paragraphs: dict[str, list[str]] = field(default_factory=dict)
    losses: list[CriterionLoss] = field(default_factory=list)
    compared: list[ranking.SubjectResult] = field(default_factory=list)
    fell: list[tuple[ranking.SubjectResult, str]] = field(default_factory=list)
    has_previous_round: bool = False

    @property
    def group(self):
        return self.results.group

    @property
    def title(self) -> str:
        return _("%(n)s. Nhóm %(name)s") % {"n": self.number, "name": self.name}

    @property
    def name(self) -> str:
        """The group's name inside a sentence ("các sở, ban, ngành")."""
        return common.mid_sentence(self.group.name)

    @property
    def ranking_rows(self) -> list[dict]:
        rows = []
        for r in self.results.results:
            prev = r.previous
            rows.append({
                "rank": r.rank, "unit": r.subject.name, "total": common.num(r.total, 2), "grade": r.grade,
                "prev_total": common.num(prev.total, 2) if prev else "–",
                "prev_grade": (prev.grade or "–") if prev else "–",
                "prev_rank": prev.rank_label if prev else "–",
                "move": "–" if prev is None or r.rank_change is None else (n.signed(r.rank_change, str) if r.rank_change else "0"),
            })
        return rows

    @property
    def grade_rows(self) -> list[dict]:
        total = len(self.results.results)
        counts = self.results.grade_counts()
        return [{"label": b.label, "min": common.fmt_points(b.min_points), "count": n.count(counts.get(b.label, 0)),
                 "share": n.pct_short(Decimal(counts.get(b.label, 0)) * 100 / total) if total else "–"}
                for b in self.results.bands]

    @property
    def loss_rows(self) -> list[dict]:
        return [{"number": i, "code": c.code, "name": c.name, "max": common.fmt_points(c.max_points),
                 "below": n.count_text(c.below, c.appraised, ratio=True), "lost": common.fmt_points(c.lost)}
                for i, c in enumerate(self.losses, start=1)]


@dataclass
class RoundAnalysis:
    round: object
    previous_round: object | None
    groups: list[GroupAnalysis]
    intro: list[str]
    parent_body: str
    issuer: str
    subject_line: str
    number_line: str
    date_line: str
    illustrative: bool


def join_names(names: list[str]) -> str:
    """"Sở A", "Sở A và Sở B", "Sở A, Sở B và Sở C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + _(" và ") + names[-1]


def _losses(group, period_ids: list[int]) -> list[CriterionLoss]:
    """Per leaf of the group's framework: units below the maximum (counted points on the
    final basis, applicable leaves with points); the top ones, most units first."""
    criteria, _children = load_tree(group.framework_id)
    leaves = {c.pk: c for c in criteria if c.is_leaf}
    below, appraised, lost = defaultdict(int), defaultdict(int), defaultdict(lambda: ZERO)
    for s in Score.objects.filter(period_id__in=period_ids, not_applicable=False).values_list(
            "criterion_id", "appraised_points", "appraised_points_round2"):
        leaf = leaves.get(s[0])
        points = s[2] if s[2] is not None else s[1]
        if leaf is None or points is None:
            continue
        appraised[leaf.pk] += 1
        if points < leaf.max_points:
            below[leaf.pk] += 1
            lost[leaf.pk] += leaf.max_points - points
    out = [CriterionLoss(code=leaves[pk].code, name=leaves[pk].name, max_points=leaves[pk].max_points, below=count,
                         appraised=appraised[pk], lost=lost[pk]) for pk, count in below.items()]
    out.sort(key=lambda c: (-c.below, -c.lost, code_sort_key(c.code)))
    return out[:TOP_LOSSES]


def _score(value) -> str:
    return n.score(value)


def _scores_paragraph(gr: ranking.GroupResults) -> list[str]:
    results = gr.results
    size = len(results)
    if not size:
        return [_("Nhóm chưa có đơn vị được đánh giá.")]
    out = [_("Nhóm có %(n)s đơn vị được đánh giá; điểm trung bình đạt %(avg)s điểm.") % {
        "n": n.count(size), "avg": _score(gr.average)}]
    if size == 1:
        out.append(_("%(unit)s đạt %(total)s điểm.") % {"unit": results[0].subject.name, "total": _score(results[0].total)})
        return out
    top, bottom = results[0].total, results[-1].total
    if top == bottom:
        out.append(_("Các đơn vị cùng đạt %(total)s điểm.") % {"total": _score(top)})
        return out
    highest = [r.subject.name for r in results if r.total == top]
    lowest = [r.subject.name for r in results if r.total == bottom]
    out.append(_("Cao nhất là %(high)s với %(top)s điểm; thấp nhất là %(low)s với %(bottom)s điểm; chênh lệch %(gap)s điểm.") % {
        "high": join_names(highest), "top": _score(top), "low": join_names(lowest), "bottom": _score(bottom),
        "gap": _score(top - bottom)})
    return out


def _grades_paragraph(gr: ranking.GroupResults) -> list[str]:
    size = len(gr.results)
    if not size or not gr.bands:
        return [_("Nhóm chưa có mức xếp loại.")] if size else []
    counts = gr.grade_counts()
    parts = []
    for band in gr.bands:
        k = counts.get(band.label, 0)
        phrase = n.count_phrase(k, size, _("đơn vị"), _("xếp loại %(grade)s") % {"grade": band.label}, some=False)
        if 0 < k < size:
            phrase += f" ({n.pct_short(Decimal(k) * 100 / size)})"
        parts.append(phrase)
    return [_("Về xếp loại: %(list)s.") % {"list": "; ".join(parts)}]


def _moves_paragraph(ga: GroupAnalysis, previous_round) -> list[str]:
    results = ga.results.results
    if not results:
        return []
    if previous_round is None:
        return [_("Chưa có đợt đánh giá năm trước trên hệ thống nên chưa so sánh được thứ hạng với năm trước.")]
    year = previous_round.year
    compared = ga.compared
    if not compared:
        return [_("Không có đơn vị nào của nhóm có kết quả trong đợt đánh giá năm %(year)s để so sánh.") % {"year": year}]
    with_previous = compared
    ranked = [r for r in compared if r.rank_change is not None]
    noun = _("đơn vị")
    if ranked:
        up = sorted((r for r in ranked if r.rank_change > 0), key=lambda r: (-r.rank_change, r.rank))
        down = sorted((r for r in ranked if r.rank_change < 0), key=lambda r: (r.rank_change, r.rank))
        same = [r for r in ranked if r.rank_change == 0]

        def listed(rows):
            return " (" + "; ".join(f"{r.subject.name} {n.rank_move(r.rank_change)}" for r in rows) + ")" if rows else ""

        parts = [n.count_phrase(len(up), len(ranked), noun, _("tăng hạng")) + listed(up),
                 n.count_phrase(len(down), len(ranked), noun, _("giảm hạng")) + listed(down),
                 n.count_phrase(len(same), len(ranked), noun, _("giữ nguyên thứ hạng"))]
        out = [_("So với năm %(year)s (%(n)s đơn vị có kết quả cả hai năm): %(list)s.") % {
            "year": year, "n": n.count(len(ranked)), "list": "; ".join(parts)}]
    else:
        # Another number of units ranked last year: ranks are not compared in places (both
        # are in the table with their bases); points and grades still are.
        first = with_previous[0]
        out = [_("Năm %(year)s nhóm xếp hạng %(old)s đơn vị, năm nay %(new)s đơn vị: không so sánh số bậc; thứ hạng hai năm "
                 "ghi kèm số đơn vị được xếp hạng.") % {"year": year, "old": n.count(first.previous.group_size),
                                                       "new": n.count(first.group_size)}]
    total = len(with_previous)
    if ga.fell:
        names = "; ".join(_("%(unit)s (từ %(old)s xuống %(new)s)") % {"unit": r.subject.name, "old": old, "new": r.grade}
                          for r, old in ga.fell)
        out.append(n.capfirst(n.count_phrase(len(ga.fell), total, noun, _("xếp loại thấp hơn năm %(year)s") % {"year": year}))
                   + ": " + names + ".")
    else:
        out.append(n.capfirst(n.count_phrase(0, total, noun, _("xếp loại thấp hơn năm %(year)s") % {"year": year})) + ".")
    return out


def _losses_paragraph(ga: GroupAnalysis, scored_any: bool) -> list[str]:
    if not ga.results.results:
        return []
    if not scored_any:
        return [_("Chưa có điểm thẩm định để phân tích các tiêu chí bị trừ điểm.")]
    if not ga.losses:
        return [_("Mọi đơn vị đều đạt điểm tối đa ở các tiêu chí đã thẩm định.")]
    first = ga.losses[:3]
    listed = "; ".join(_("%(code)s – %(name)s: %(ratio)s đơn vị chưa đạt điểm tối đa, bị trừ tổng cộng %(lost)s điểm") % {
        "code": c.code, "name": c.name, "ratio": n.count_text(c.below, c.appraised, ratio=True),
        "lost": common.fmt_points(c.lost)} for c in first)
    lead = _("Các tiêu chí có nhiều đơn vị bị trừ điểm nhất") if len(first) > 1 else _("Tiêu chí có đơn vị bị trừ điểm")
    return [f"{lead}: {listed}." + (" " + _("Bảng dưới đây liệt kê %(n)s tiêu chí có nhiều đơn vị bị trừ điểm nhất.") % {
        "n": n.count(len(ga.losses))} if len(ga.losses) > 3 else "")]


def _fell(results: list[ranking.SubjectResult], bands) -> list[tuple[ranking.SubjectResult, str]]:
    """Units whose grade is below last year's (grades ordered by this year's bands)."""
    order = {b.label: i for i, b in enumerate(bands)}  # 0 = best
    out = []
    for r in results:
        prev = r.previous
        if prev is None or not prev.grade or not r.grade:
            continue
        if prev.grade in order and r.grade in order and order[r.grade] > order[prev.grade]:
            out.append((r, prev.grade))
    return out


def _intro(round_, groups: list[GroupAnalysis]) -> list[str]:
    total = sum(len(g.results.results) for g in groups)
    parts = ", ".join(_("nhóm %(name)s %(n)s đơn vị") % {"name": g.name, "n": n.count(len(g.results.results))}
                      for g in groups)
    out = [_("Đợt đánh giá “%(round)s” có %(n)s đơn vị thuộc %(g)s nhóm: %(list)s.") % {
        "round": round_.name, "n": n.count(total), "g": n.count(len(groups)), "list": parts}]
    if round_.status in FROZEN_STATUSES and round_.decision_label:
        out.append(_("Kết quả đã được công bố tại %(decision)s của UBND %(province)s.") % {
            "decision": round_.decision_label, "province": common.province_label(round_.province)})
    else:
        out.append(_("Đợt đánh giá đang ở giai đoạn “%(status)s”: số liệu dưới đây tạm tính theo điểm thẩm định hiện có.") % {
            "status": round_.get_status_display()})
    incomplete = sum(1 for g in groups for r in g.results.results if not r.complete)
    if incomplete:
        out.append(n.capfirst(n.count_phrase(incomplete, total, _("đơn vị"), _("còn tiêu chí chưa có điểm thẩm định (tính 0 điểm)")))
                   + ".")
    return out


def build_analysis(round_) -> RoundAnalysis:
    results = ranking.round_results(round_)
    previous_round = round_.previous()
    groups = []
    for i, gr in enumerate(results):
        ga = GroupAnalysis(number=str(i + 1), results=gr, has_previous_round=previous_round is not None)
        ga.compared = [r for r in gr.results if r.previous is not None]
        ga.fell = _fell(ga.compared, gr.bands)
        period_ids = [r.period.pk for r in gr.results]
        ga.losses = _losses(gr.group, period_ids) if period_ids else []
        scored_any = any(f.scored for r in gr.results for f in r.fields)
        ga.paragraphs = {
            "scores": _scores_paragraph(gr), "grades": _grades_paragraph(gr),
            "moves": _moves_paragraph(ga, previous_round), "losses": _losses_paragraph(ga, scored_any),
        }
        groups.append(ga)
    year = round_.year
    report_year = round_.decision_date.year if round_.decision_date else year + 1
    blank = "\u00a0" * 6
    place = round_.province.name
    return RoundAnalysis(
        round=round_, previous_round=previous_round, groups=groups, intro=_intro(round_, groups),
        parent_body=common.issuer(round_), issuer=_("SỞ NỘI VỤ"),
        subject_line=_("Phân tích kết quả Chỉ số cải cách hành chính năm %(year)s của %(groups)s") % {
            "year": year, "groups": join_names([g.name for g in groups]) or _("các đơn vị")},
        number_line=_("Số: %(number)s") % {"number": blank + "/BC-SNV"},
        date_line=_("%(place)s, ngày %(b)s tháng %(b)s năm %(year)s") % {"place": place, "b": blank, "year": report_year},
        illustrative=round_.is_illustrative,
    )


def analysis_context(analysis: RoundAnalysis) -> dict:
    return {"a": analysis, "illustrative_mark": common.illustrative_mark(),
            "illustrative_sentence": common.illustrative_sentence()}


def render_analysis_html(analysis: RoundAnalysis, *, standalone: bool = True) -> str:
    """The printable document. `standalone`: the stylesheet inlined (a file read on its own,
    fonts from the reader's system); otherwise linked, for WeasyPrint's static fetcher."""
    ctx = analysis_context(analysis)
    if standalone:
        from reports.services.render_html import inline_stylesheets

        ctx["inline_css"] = inline_stylesheets()
    return render_to_string("reports/round_analysis_print.html", ctx)


def render_analysis_pdf_from(analysis: RoundAnalysis) -> bytes:
    return html_to_pdf(render_analysis_html(analysis, standalone=False))


def render_analysis_pdf(round_) -> bytes:
    return render_analysis_pdf_from(build_analysis(round_))


def analysis_stem(round_) -> str:
    return _("Báo cáo phân tích kết quả Chỉ số CCHC năm %(year)s") % {"year": round_.year}
