"""The report's sentences, written from the assembled data (never typed by hand).

Each function returns plain text (templates escape it) or None when the data to say it
is missing, e.g. no comparison sentence for a period without a previous period. The
wording follows report 661/BC-SNV.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import numbers as n
from .assemble import FieldResult, ReportData

HIGH_SHARE = 95  # a field at or above this share of its maximum is named "đạt tỷ lệ cao"
SLIGHT_FALL = 0.5  # a fall below this many points is "giảm nhẹ"

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


def _direction(value, up: str, down: str, same: str) -> str:
    return up if value > 0 else down if value < 0 else same


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


def _rank_text(rank, count) -> str:
    return f"{rank}/{count or 63}"


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
        prev += _(", xếp thứ %(rank)s") % {"rank": _rank_text(s.previous_rank, s.previous_ranked_count)}
    gain = s.rank_gain
    if gain is None:
        comparison = pct_part
    elif gain and change and (gain > 0) == (change > 0):
        comparison = _("%(pct)s và %(places)s bậc") % {"pct": pct_part, "places": n.count(abs(gain))}
    else:
        rank_part = _direction(gain, _("tăng %(p)s bậc"), _("giảm %(p)s bậc"), _("giữ nguyên thứ hạng")) % {"p": n.count(abs(gain))} if gain else _("giữ nguyên thứ hạng")
        comparison = f"{pct_part}, {rank_part}"
    return text + _("; %(comparison)s so với năm %(prev_year)s (%(prev)s).") % {
        "comparison": comparison, "prev_year": data.previous_year, "prev": prev}


def sipas_indicators(data: ReportData) -> str | None:
    s = data.sipas
    if not s.compared_count:
        return _("Kết quả cụ thể như sau:") if s.has_values else None
    if s.rose_count == s.compared_count:
        return _(
            "Một điểm sáng khác của kết quả Chỉ số SIPAS năm %(year)s là %(rose)s/%(total)s tiêu chí thuộc %(groups)s nhóm "
            "tiêu chí đều tăng điểm số so với năm %(prev_year)s, cụ thể như sau:"
        ) % {"year": data.year, "rose": n.count(s.rose_count), "total": n.count(s.compared_count),
             "groups": n.count(s.rose_group_count), "prev_year": data.previous_year}
    return _(
        "Có %(rose)s/%(total)s tiêu chí tăng điểm số và %(fell)s tiêu chí giảm điểm số so với năm %(prev_year)s, cụ thể như sau:"
    ) % {"rose": n.count(s.rose_count), "total": n.count(s.compared_count), "fell": n.count(s.fell_count),
         "prev_year": data.previous_year}


def sipas_expectations(data: ReportData) -> str | None:
    if not data.sipas.expectations:
        return None
    listed = "; ".join(_("%(pct)s mong muốn “%(text)s”") % {"pct": n.pct_short(p), "text": t} for t, p in data.sipas.expectations)
    return _(
        "Thông qua khảo sát SIPAS năm %(year)s, người dân, đại diện tổ chức được hỏi đã bày tỏ mong muốn các cấp chính quyền "
        "cần cải thiện một số nội dung trong quá trình cung ứng dịch vụ hành chính công, đó là: %(list)s."
    ) % {"year": data.year, "list": listed}


def self_assessed_total(data: ReportData) -> str:
    part = data.par.self_assessed
    if not data.par.has_self_assessment:
        return _("Chưa có số liệu tự đánh giá, chấm điểm của %(area)s năm %(year)s trong hệ thống.") % {
            "area": data.area_name, "year": data.year}
    return _(
        "Tổng số điểm tự đánh giá, chấm điểm xác định Chỉ số CCHC của %(area)s năm %(year)s là %(of)s điểm "
        "(đạt %(pct)s so với điểm tối đa)."
    ) % {"area": data.area_name, "year": data.year, "of": n.of(part.points, part.max_points),
         "pct": n.pct3(part.pct) if part.pct is not None else "0%"}


def par_result(data: ReportData) -> tuple[str, str]:
    """The score sentence, split where the history footnote goes (after "cao nhất…")."""
    p = data.par
    total = data.period.framework.total_points
    if not p.has_results:
        return _("Chưa có kết quả Chỉ số CCHC năm %(year)s của %(area)s") % {"year": data.year, "area": data.area_name}, "."
    head = _("Điểm Chỉ số CCHC năm %(year)s của %(area)s đạt %(score)s/%(total)s") % {
        "year": data.year, "area": data.area_name, "score": n.score(p.score), "total": n.points(total)}
    if p.change is not None:
        head += _(", %(dir)s so với năm %(prev_year)s (năm %(prev_year)s đạt %(prev)s/%(total)s)") % {
            "dir": _direction(p.change, _("tăng %(v)s điểm"), _("giảm %(v)s điểm"), _("bằng điểm")) % {"v": n.points2(abs(p.change))},
            "prev_year": data.previous_year, "prev": n.score(p.previous_score), "total": n.points(total)}
    if p.is_record:
        head += _(", là năm %(area)s đạt số điểm cao nhất từ trước đến nay") % {"area": _("tỉnh") if data.area_name.startswith("tỉnh") else data.area_name}
    return head, "."


def history_note(data: ReportData) -> str | None:
    if not data.par.history:
        return None
    items = [_("%(year)s – %(score)s điểm") % {"year": y, "score": n.score(s)} for y, s in data.par.history]
    return _("Năm %(list)s.") % {"list": "; ".join(items)}


def par_channels(data: ReportData) -> str:
    p = data.par
    parts = [_("Điểm do tự đánh giá, chấm điểm thông qua cung cấp số liệu, tài liệu kiểm chứng là %(of)s điểm") % {
        "of": n.of(p.evidence.points, p.evidence.max_points)}]
    if p.survey.max_points:
        parts.append(_(
            "thông qua điều tra xã hội học và đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
            "hành chính nhà nước là %(of)s điểm") % {"of": n.of(p.survey.points, p.survey.max_points, n.points2)})
    if p.monitoring.max_points:
        parts.append(_(
            "điểm do Văn phòng Chính phủ theo dõi, đánh giá (thực hiện nhiệm vụ được Chính phủ, Thủ tướng Chính phủ giao) "
            "đạt %(of)s điểm") % {"of": n.of(p.monitoring.points, p.monitoring.max_points)})
    return "; ".join(parts) + _(", cụ thể điểm đạt qua TLKC như sau:")


def field_items(data: ReportData) -> list[dict]:
    """The per-field list; the field holding the SIPAS points also lists SIPAS and the leader survey."""
    p = data.par
    sipas_field = next((f for f in p.fields if f.sipas.max_points), None)
    items = []
    for f in p.fields:
        if not f.evidence.max_points and f is not sipas_field:
            continue
        label = _("Lĩnh vực %(code)s: %(name)s") % {"code": f.code, "name": f.name}
        evidence = _("đạt %(of)s điểm") % {"of": n.of(f.evidence.points, f.evidence.max_points)}
        if f is not sipas_field:
            items.append({"text": f"{label}: {evidence};", "sub": []})
            continue
        sub = [_("Điểm qua tài liệu kiểm chứng: %(evidence)s;") % {"evidence": evidence},
               _("Quy đổi điểm từ Chỉ số SIPAS (kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của "
                 "cơ quan hành chính nhà nước): %(of)s điểm;") % {"of": n.of(f.sipas.points, f.sipas.max_points, n.fixed2)}]
        if p.leader_survey.max_points:
            sub.append(_("Điểm quy đổi từ kết quả Khảo sát lãnh đạo, quản lý: đạt %(of)s điểm.") % {
                "of": n.of(p.leader_survey.points, p.leader_survey.max_points, n.fixed2)})
        items.append({"text": f"{label}:", "sub": sub})
    return items


def _field_share(f: FieldResult) -> str:
    return _("%(of)s = %(pct)s") % {"of": n.of(f.shown, f.total.max_points, n.points2), "pct": n.pct_short(f.share)}


def par_summary(data: ReportData) -> tuple[str | None, str, str | None]:
    """(text before the footnote call, text after it, the footnote of fields that rose)."""
    p = data.par
    if p.change is None:
        return None, "", None
    head = _("Như vậy, điểm xác định Chỉ số CCHC năm %(year)s %(dir)s so với năm %(prev_year)s.") % {
        "year": data.year, "prev_year": data.previous_year,
        "dir": _direction(p.change, _("tăng %(v)s điểm"), _("giảm %(v)s điểm"), _("không đổi")) % {"v": n.points2(abs(p.change))}}
    note = None
    rose = p.fields_rose
    if rose:
        head += " " + _("Trong đó, có %(count)s lĩnh vực tăng điểm so với năm %(prev_year)s") % {
            "count": n.count(len(rose)), "prev_year": data.previous_year}
        note = "; ".join(_("+ %(name)s (%(change)s điểm, đạt %(share)s)") % {
            "name": f.name, "change": n.signed(f.change),
            "share": (_("tối đa ") if f.shown >= f.total.max_points else "") + _field_share(f)}
            for f in rose) + "."
    high = [f.name for f in p.fields if f.share is not None and f.share >= HIGH_SHARE]
    if high:
        tail = (_(" và ") if rose else " " + _("Trong đó, ")) + _("có lĩnh vực đạt tỷ lệ cao so với điểm tối đa như: %(list)s.") % {
            "list": "; ".join(high)}
    else:
        tail = "." if rose else ""
    return head, tail, note


def shortfall_intro(data: ReportData) -> tuple[str, str, str | None]:
    """(text before the rank footnote call, text after it, the footnote with last year's rank)."""
    p = data.par
    rows = n.count(len(p.shortfalls))
    fell = p.fields_fell
    gain = p.rank_gain
    rank = _("xếp thứ %(rank)s tỉnh, thành") % {"rank": _rank_text(p.rank, p.ranked_count)} if p.rank else ""
    if gain is not None and gain < 0:
        places = n.count(-gain)
        if p.change is not None and p.change > 0:
            lead = _("Năm %(year)s, mặc dù điểm xác định Chỉ số CCHC tăng nhưng so với năm %(prev_year)s, vị trí xếp hạng giảm %(places)s bậc, %(rank)s")
        else:
            lead = _("Năm %(year)s, so với năm %(prev_year)s, vị trí xếp hạng giảm %(places)s bậc, %(rank)s")
    elif gain is not None and gain > 0:
        places = n.count(gain)
        lead = _("Năm %(year)s, so với năm %(prev_year)s, vị trí xếp hạng tăng %(places)s bậc, %(rank)s")
    elif gain == 0:
        places = ""
        lead = _("Năm %(year)s, vị trí xếp hạng giữ nguyên so với năm %(prev_year)s, %(rank)s")
    else:
        places = ""
        lead = _("Năm %(year)s, %(rank)s") if rank else _("Năm %(year)s, theo kết quả thẩm định")
    lead = lead % {"year": data.year, "prev_year": data.previous_year, "places": places, "rank": rank}
    note = _("Năm %(prev_year)s xếp thứ %(rank)s tỉnh, thành.") % {
        "prev_year": data.previous_year, "rank": _rank_text(p.previous_rank, p.previous_ranked_count)} if gain is not None else None
    if p.shortfalls:
        tail = _("; còn có %(rows)s tiêu chí (TC), tiêu chí thành phần (TCTP) chưa đạt điểm hoặc chưa đạt điểm tối đa so với Bộ tiêu chí chấm điểm.") % {"rows": rows}
    else:
        tail = _("; các tiêu chí (TC), tiêu chí thành phần (TCTP) chấm qua tài liệu kiểm chứng đều đạt điểm tối đa.")
    if fell:
        tail += " " + _("Tổng điểm (cả điểm điều tra xã hội học) của %(count)s lĩnh vực giảm điểm so với năm %(prev_year)s, cụ thể như sau:") % {
            "count": n.count(len(fell)), "prev_year": data.previous_year}
    return lead, tail, note


def fields_fell(data: ReportData) -> tuple[str | None, list[str]]:
    fell = data.par.fields_fell
    if not fell:
        return None, []
    title = _("%(count)s lĩnh vực giảm điểm so với năm %(prev_year)s là:") % {"count": n.count(len(fell)), "prev_year": data.previous_year}
    items = []
    for i, f in enumerate(fell):
        slight = -f.change < SLIGHT_FALL
        items.append((_("%(name)s giảm nhẹ: %(v)s điểm, đạt %(share)s") if slight else _("%(name)s giảm %(v)s điểm, đạt %(share)s")) % {
            "name": f.name, "v": n.points2(-f.change), "share": _field_share(f)} + ("." if i == len(fell) - 1 else ";"))
    return title, items


def chart_title(data: ReportData) -> str:
    if data.previous:
        return _("Biểu đồ kết quả điểm các lĩnh vực CCHC năm %(prev)s và %(year)s của %(area)s") % {
            "prev": data.previous_year, "year": data.year, "area": data.area_name}
    return _("Biểu đồ kết quả điểm các lĩnh vực CCHC năm %(year)s của %(area)s") % {"year": data.year, "area": data.area_name}


def shortfall_title(data: ReportData) -> str:
    return _("BẢNG THỐNG KÊ %(rows)s TC, TCTP KHÔNG ĐẠT ĐIỂM HOẶC KHÔNG ĐẠT ĐIỂM TỐI ĐA CHỈ SỐ CCHC %(area)s NĂM %(year)s") % {
        "rows": n.count(len(data.par.shortfalls)), "area": data.area_name.upper(), "year": data.year}


def build(data: ReportData) -> Narrative:
    criteria, sections = sipas_criteria(data)
    head, tail = par_result(data)
    summary, summary_tail, rose_note = par_summary(data)
    intro_lead, intro_tail, rank_note = shortfall_intro(data)
    fell_title, fell_items = fields_fell(data)
    footnotes: dict[str, Footnote] = {}
    for key, text in (("history", history_note(data) if data.par.has_results else None),
                      ("rose", rose_note), ("rank", rank_note)):
        if text:
            footnotes[key] = Footnote(len(footnotes) + 1, text)
    subject = subject_line(data)
    return Narrative(
        subject=subject, opening=opening(data),
        sipas_criteria=criteria, sipas_sections=sections,
        sipas_result=sipas_result(data), sipas_indicators=sipas_indicators(data),
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
