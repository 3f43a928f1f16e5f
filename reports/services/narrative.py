"""The report's sentences, written from the assembled data (never typed by hand).

Each function returns plain text (templates escape it) or None when the data to say it
is missing, e.g. no comparison sentence for a period without a previous period. The
wording follows report 661/BC-SNV.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import numbers as n
from .assemble import ReportData
from .narrative_par import (
    _direction, _rank_text, chart_title, field_items, fields_fell, framework_note, history_note, par_channels, par_result,
    par_summary, self_assessed_total, shortfall_intro, shortfall_title,
)


_VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def sentence_case(text: str) -> str:
    """"VIỆC CUNG ỨNG DVHCC" -> "việc cung ứng DVHCC": words lose their capitals, acronyms
    (no vowel: CS, DVHCC, CCHC) keep them."""
    words = []
    for word in text.split():
        core = re.sub(r"\W", "", word)
        is_acronym = core.isupper() and not (set(core.lower()) & _VOWELS)
        words.append(word if is_acronym else word.lower())
    return " ".join(words)


@dataclass
class Footnote:
    number: int
    text: str


@dataclass
class Narrative:
    subject: str
    opening: str
    sipas_criteria: str
    sipas_sections: list[str]
    sipas_result: str | None
    sipas_indicators: str | None
    sipas_expectations: str | None
    self_assessed_total: str
    par_result: str
    par_result_tail: str
    par_channels: str
    field_items: list[dict]
    par_summary: str | None
    par_summary_tail: str
    chart_title: str
    shortfall_intro: str
    shortfall_intro_tail: str
    fields_fell_title: str | None
    fields_fell: list[str]
    shortfall_title: str
    closing: str
    footnotes: dict[str, Footnote] = field(default_factory=dict)

    @property
    def footnote_list(self) -> list[Footnote]:
        return sorted(self.footnotes.values(), key=lambda f: f.number)


def subject_line(data: ReportData) -> str:
    return _(
        "Phân tích kết quả Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS) "
        "và kết quả Chỉ số cải cách hành chính (PAR INDEX) %(area)s năm %(year)s"
    ) % {"area": data.area_name, "year": data.year}


def opening(data: ReportData) -> str:
    reporter = data.record.issuer_role or _("Sở Nội vụ")
    if data.published_decision:
        return _(
            "Trên cơ sở kết quả Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS), "
            "Chỉ số cải cách hành chính (PAR INDEX) năm %(year)s của %(area)s được Bộ Nội vụ công bố tại %(decision)s, "
            "%(reporter)s báo cáo phân tích kết quả Chỉ số SIPAS và PAR INDEX năm %(year)s với các nội dung cơ bản như sau:"
        ) % {"year": data.year, "area": data.area_name, "decision": data.published_decision, "reporter": reporter}
    return _(
        "%(reporter)s báo cáo phân tích kết quả Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính "
        "nhà nước (SIPAS) và Chỉ số cải cách hành chính (PAR INDEX) năm %(year)s của %(area)s với các nội dung cơ bản như sau:"
    ) % {"year": data.year, "area": data.area_name, "reporter": reporter}


def sipas_criteria(data: ReportData) -> tuple[str, list[str]]:
    s = data.sipas
    parts = [_("%(groups)s nhóm tiêu chí (%(count)s tiêu chí) về %(name)s") % {
        "groups": n.count(len(sec.group_names)), "count": n.count(sec.indicator_count), "name": sentence_case(sec.name),
    } for sec in s.sections]
    lead = _(
        "Đo lường mức độ hài lòng (MĐHL) của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (CQHCNN) "
        "được thực hiện với %(groups)s nhóm tiêu chí (%(count)s tiêu chí), trong đó %(parts)s."
    ) % {"groups": n.count(s.group_count), "count": n.count(s.indicator_count), "parts": _(" và ").join(parts)}
    items = []
    for sec in s.sections:
        listed = "; ".join(f"({i}) {name}" for i, name in enumerate(sec.group_names, start=1))
        items.append(_("%(groups)s nhóm tiêu chí về %(name)s gồm: %(list)s.") % {
            "groups": n.count(len(sec.group_names)), "name": sentence_case(sec.name), "list": listed})
    return lead, items


def sipas_result(data: ReportData) -> str | None:
    s = data.sipas
    if s.overall is None:
        return _("Chưa có kết quả đo lường sự hài lòng của người dân năm %(year)s.") % {"year": data.year}
    text = _("Mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước nói chung năm %(year)s của %(area)s đạt %(pct)s") % {
        "year": data.year, "area": data.area_name, "pct": n.pct(s.overall)}
    if s.rank:
        text += _(", xếp thứ %(rank)s tỉnh, thành") % {"rank": _rank_text(s.rank, s.ranked_count)}
    if s.change is None:
        return text + "."
    change = s.change
    pct_part = _direction(change, _("tăng %(v)s"), _("giảm %(v)s"), _("không đổi")) % {"v": n.pct(abs(change))} if change else _("không đổi")
    prev = n.pct(s.previous_overall)
    if s.previous_rank:
        # Last year's rank with its own base ("xếp thứ 40/63"): shown, never subtracted from
        # a rank among another number of provinces.
        prev += _(", xếp thứ %(rank)s") % {"rank": _rank_text(s.previous_rank, s.previous_ranked_count)}
    gain = s.rank_gain
    if gain is None:
        comparison = pct_part
    elif gain and change and (gain > 0) == (change > 0):
        comparison = _("%(pct)s và %(places)s bậc") % {"pct": pct_part, "places": n.count(abs(gain))}
    else:
        comparison = f"{pct_part}, {n.rank_move(gain)}"
    return text + _("; %(comparison)s so với năm %(prev_year)s (%(prev)s).") % {
        "comparison": comparison, "prev_year": data.previous_year, "prev": prev}


def _sipas_not_compared(data: ReportData) -> str:
    """" (tiêu chí 40 không so sánh với năm 2024)": indicators with no counterpart value."""
    numbers = data.sipas.not_compared
    if not numbers:
        return ""
    return _(" (%(count)s tiêu chí không so sánh với năm %(prev_year)s: %(list)s)") % {
        "count": n.count(len(numbers)), "prev_year": data.previous_year, "list": ", ".join(str(x) for x in numbers)}


def sipas_indicators(data: ReportData) -> str | None:
    s = data.sipas
    if not s.compared_count:
        return _("Kết quả cụ thể như sau:") if s.has_values else None
    values = {"year": data.year, "prev_year": data.previous_year, "groups": n.count(s.rose_group_count),
              "extra": _sipas_not_compared(data)}
    noun = pgettext("counted", "tiêu chí")  # English needs the plural; Vietnamese nouns do not change
    if s.rose_count == s.compared_count:
        return _(
            "Một điểm sáng khác của kết quả Chỉ số SIPAS năm %(year)s là %(phrase)s thuộc %(groups)s nhóm tiêu chí đều "
            "tăng điểm số so với năm %(prev_year)s%(extra)s, cụ thể như sau:"
        ) % {**values, "phrase": f"{n.count_text(s.rose_count, s.compared_count, ratio=True)} {noun}"}
    if s.fell_count == s.compared_count:
        return _("%(phrase)s so với năm %(prev_year)s%(extra)s, cụ thể như sau:") % {
            **values, "phrase": n.capfirst(n.count_phrase(s.fell_count, s.compared_count, noun, _("giảm điểm số"), ratio=True))}
    rose = n.count_phrase(s.rose_count, s.compared_count, noun, _("tăng điểm số"), ratio=True)
    fell = n.count_phrase(s.fell_count, s.compared_count, noun, _("giảm điểm số"), some=False)
    return _("%(rose)s và %(fell)s so với năm %(prev_year)s%(extra)s, cụ thể như sau:") % {
        **values, "rose": n.capfirst(rose), "fell": fell}


def sipas_note(data: ReportData) -> str | None:
    """How this year's SIPAS questionnaire differs from the one compared with (another version)."""
    info = data.sipas.change_info
    if info is None:
        return None
    parts = []
    if info.new:
        parts.append(_("tiêu chí mới, không so sánh: %(list)s") % {"list": ", ".join(str(x) for x in info.new)})
    if info.renumbered:
        parts.append(_("đổi số thứ tự: %(list)s") % {"list": ", ".join(
            _("%(n)s (năm trước là %(old)s)") % {"n": a, "old": b} for a, b in info.renumbered)})
    if info.dropped:
        parts.append(_("bỏ tiêu chí năm trước: %(list)s") % {"list": ", ".join(str(x) for x in info.dropped)})
    text = _("Năm %(year)s đo lường theo bộ câu hỏi “%(current)s” (%(count)s tiêu chí), năm %(prev_year)s theo “%(previous)s” "
             "(%(prev_count)s tiêu chí)") % {
        "year": data.year, "current": info.current, "count": n.count(info.current_count), "prev_year": data.previous_year,
        "previous": info.previous, "prev_count": n.count(info.previous_count)}
    return text + (": " + "; ".join(parts) if parts else "") + "."


def sipas_expectations(data: ReportData) -> str | None:
    if not data.sipas.expectations:
        return None
    listed = "; ".join(_("%(pct)s mong muốn “%(text)s”") % {"pct": n.pct_short(p), "text": t} for t, p in data.sipas.expectations)
    return _(
        "Thông qua khảo sát SIPAS năm %(year)s, người dân, đại diện tổ chức được hỏi đã bày tỏ mong muốn các cấp chính quyền "
        "cần cải thiện một số nội dung trong quá trình cung ứng dịch vụ hành chính công, đó là: %(list)s."
    ) % {"year": data.year, "list": listed}


def build(data: ReportData) -> Narrative:
    criteria, sections = sipas_criteria(data)
    head, tail = par_result(data)
    summary, summary_tail, rose_note = par_summary(data)
    intro_lead, intro_tail, rank_note = shortfall_intro(data)
    fell_title, fell_items = fields_fell(data)
    has_results = data.par.has_results
    sipas_text = sipas_result(data)
    footnotes: dict[str, Footnote] = {}
    # In the order of their calls in the document: numbers follow the reading order.
    for key, text in (("baseline", data.comparison.note or None),
                      ("sipas", sipas_note(data) if sipas_text and data.sipas.has_values else None),
                      ("history", history_note(data) if has_results else None),
                      ("framework", framework_note(data) if has_results else None),
                      ("rose", rose_note if has_results else None),
                      ("rank", rank_note if has_results else None)):
        if text:
            footnotes[key] = Footnote(len(footnotes) + 1, text)
    subject = subject_line(data)
    return Narrative(
        subject=subject, opening=opening(data),
        sipas_criteria=criteria, sipas_sections=sections,
        sipas_result=sipas_text, sipas_indicators=sipas_indicators(data),
        sipas_expectations=sipas_expectations(data),
        self_assessed_total=self_assessed_total(data),
        par_result=head, par_result_tail=tail, par_channels=par_channels(data),
        field_items=field_items(data), par_summary=summary, par_summary_tail=summary_tail,
        chart_title=chart_title(data),
        shortfall_intro=intro_lead, shortfall_intro_tail=intro_tail,
        fields_fell_title=fell_title, fields_fell=fell_items,
        shortfall_title=shortfall_title(data),
        closing=data.record.closing or _("Trên đây là %(subject)s./.") % {"subject": subject},
        footnotes=footnotes,
    )
