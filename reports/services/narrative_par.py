"""The PAR Index sentences of the report (section II), written from the assembled data."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from scorecards.choices import Lineage

from . import numbers as n
from .assemble import FieldResult, ReportData

HIGH_SHARE = 95  # a field at or above this share of its maximum is named "đạt tỷ lệ cao"
SLIGHT_FALL = 0.5  # a fall below this many points is "giảm nhẹ"


def _direction(value, up: str, down: str, same: str) -> str:
    return up if value > 0 else down if value < 0 else same


def _rank_text(rank, count) -> str:
    """"35/63": a rank always with its own year's base, never an assumed one."""
    return n.rank(rank, count)


def self_assessed_total(data: ReportData) -> str:
    part = data.par.self_assessed
    if not part.has_data:
        return _("Chưa có số liệu tự đánh giá, chấm điểm của %(area)s năm %(year)s trong hệ thống.") % {
            "area": data.area_name, "year": data.year}
    values = {"area": data.area_name, "year": data.year, "of": n.of(part.points, part.max_points)}
    if not data.par.self_assessment_complete:
        # A sum of what is entered so far is no total: say how far the self-assessment is.
        return _("%(area)s đã tự đánh giá %(done)s/%(all)s tiêu chí thành phần chấm qua tài liệu kiểm chứng năm %(year)s, "
                 "được %(of)s điểm; chưa có tổng điểm tự đánh giá.") % {
            **values, "done": data.par.self_assessed_entered, "all": data.par.self_assessed_leaves}
    if part.pct is None:  # no maximum to compare with
        return _("Tổng số điểm tự đánh giá, chấm điểm xác định Chỉ số CCHC của %(area)s năm %(year)s là %(of)s điểm.") % values
    return _(
        "Tổng số điểm tự đánh giá, chấm điểm xác định Chỉ số CCHC của %(area)s năm %(year)s là %(of)s điểm "
        "(đạt %(pct)s so với điểm tối đa)."
    ) % {**values, "pct": n.pct3(part.pct)}


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


def _points(part, present: str, missing: str, fmt=n.points) -> str:
    """`present` (with %(of)s) filled with the part's points "58,904/66,5", or `missing`
    (with %(missing)s) filled with "chưa có (tối đa 66,5 điểm)" when no score lies behind
    them (Part.has_data): a missing figure is never written as 0."""
    if not part.has_data:
        return missing % {"missing": n.missing_of(part.max_points)}
    return present % {"of": n.of(part.points, part.max_points, fmt)}


def par_channels(data: ReportData) -> str:
    p = data.par
    parts = [_points(
        p.evidence,
        _("Điểm do tự đánh giá, chấm điểm thông qua cung cấp số liệu, tài liệu kiểm chứng là %(of)s điểm"),
        _("Điểm do tự đánh giá, chấm điểm thông qua cung cấp số liệu, tài liệu kiểm chứng: %(missing)s"))]
    if p.survey.max_points:
        parts.append(_points(
            p.survey,
            _("thông qua điều tra xã hội học và đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
              "hành chính nhà nước là %(of)s điểm"),
            _("thông qua điều tra xã hội học và đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
              "hành chính nhà nước: %(missing)s"), n.points2))
    if p.monitoring.max_points:
        parts.append(_points(
            p.monitoring,
            _("điểm do Văn phòng Chính phủ theo dõi, đánh giá (thực hiện nhiệm vụ được Chính phủ, Thủ tướng Chính phủ giao) "
              "đạt %(of)s điểm"),
            _("điểm do Văn phòng Chính phủ theo dõi, đánh giá (thực hiện nhiệm vụ được Chính phủ, Thủ tướng Chính phủ giao): "
              "%(missing)s")))
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
        evidence = _points(f.evidence, _("đạt %(of)s điểm"), "%(missing)s")
        if f is not sipas_field:
            items.append({"text": f"{label}: {evidence};", "sub": []})
            continue
        sub = [_("Điểm qua tài liệu kiểm chứng: %(evidence)s;") % {"evidence": evidence},
               _points(f.sipas,
                       _("Quy đổi điểm từ Chỉ số SIPAS (kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ "
                         "của cơ quan hành chính nhà nước): %(of)s điểm;"),
                       _("Quy đổi điểm từ Chỉ số SIPAS (kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ "
                         "của cơ quan hành chính nhà nước): %(missing)s;"), n.fixed2)]
        if p.leader_survey.max_points:
            sub.append(_points(p.leader_survey, _("Điểm quy đổi từ kết quả Khảo sát lãnh đạo, quản lý: đạt %(of)s điểm."),
                               _("Điểm quy đổi từ kết quả Khảo sát lãnh đạo, quản lý: %(missing)s."), n.fixed2))
        items.append({"text": f"{label}:", "sub": sub})
    return items


def _field_share(f: FieldResult) -> str:
    return _("%(of)s = %(pct)s") % {"of": n.of(f.shown, f.total.max_points, n.points2), "pct": n.pct_short(f.share)}


def not_compared_sentence(data: ReportData) -> str | None:
    """Fields that have a result this year but are not compared, and why: said instead of comparing."""
    p = data.par
    missing = p.not_compared_fields
    if not missing or data.previous_year is None:
        return None
    reasons = list(dict.fromkeys(f.previous_note for f in missing))
    if len(missing) == len(p.fields) and len(reasons) == 1:
        return _("Các lĩnh vực không so sánh được với năm %(prev_year)s (%(why)s).") % {
            "prev_year": data.previous_year, "why": reasons[0]}
    items = "; ".join(_("lĩnh vực %(code)s – %(name)s (%(why)s)") % {"code": f.code, "name": f.name, "why": f.previous_note}
                      for f in missing)
    return _("Không so sánh được với năm %(prev_year)s: %(items)s.") % {"prev_year": data.previous_year, "items": items}


def par_summary(data: ReportData) -> tuple[str | None, str, str | None]:
    """(text before the footnote call, text after it, the footnote of fields that rose)."""
    p = data.par
    rose, compared = p.fields_rose, p.compared_fields
    if p.change is None and not compared:
        return None, "", None
    note = None
    phrase = n.count_phrase(len(rose), len(compared), pgettext("counted", "lĩnh vực"), _("tăng điểm")) if compared else ""
    if p.change is None:
        # The fields compare though last year's total does not (no published score to compare with).
        head = _("So với năm %(prev_year)s, %(phrase)s") % {"prev_year": data.previous_year, "phrase": phrase}
    else:
        head = _("Như vậy, điểm xác định Chỉ số CCHC năm %(year)s %(dir)s so với năm %(prev_year)s.") % {
            "year": data.year, "prev_year": data.previous_year,
            "dir": _direction(p.change, _("tăng %(v)s điểm"), _("giảm %(v)s điểm"), _("không đổi")) % {"v": n.points2(abs(p.change))}}
        if compared:
            head += " " + _("Trong đó, %(phrase)s so với năm %(prev_year)s") % {"phrase": phrase, "prev_year": data.previous_year}
    if rose:
        note = "; ".join(_("+ %(name)s (%(change)s điểm, đạt %(share)s)") % {
            "name": f.name, "change": n.signed(f.change),
            "share": (_("tối đa ") if f.shown >= f.total.max_points else "") + _field_share(f)}
            for f in rose) + "."
    high = [f.name for f in p.fields if f.share is not None and f.share >= HIGH_SHARE]
    if high:
        tail = (_(" và ") if compared else " " + _("Trong đó, ")) + _("có lĩnh vực đạt tỷ lệ cao so với điểm tối đa như: %(list)s.") % {
            "list": "; ".join(high)}
    else:
        tail = "." if compared else ""
    missing = not_compared_sentence(data)
    if missing:
        tail += " " + missing
    return head, tail, note


def _rank_line(data: ReportData, rank: int, ranked_count: int, previous_rank: int, previous_count: int) -> str:
    """"xếp thứ 5/34 tỉnh, thành; năm 2024: 46/63": both ranks with their bases, never subtracted."""
    return _("xếp thứ %(rank)s tỉnh, thành; năm %(prev_year)s: %(prev)s") % {
        "rank": _rank_text(rank, ranked_count), "prev_year": data.previous_year, "prev": _rank_text(previous_rank, previous_count)}


def rank_bases_note(data: ReportData, ranked_count: int, previous_count: int) -> str:
    return _("Năm %(prev_year)s xếp hạng trong %(prev_count)s tỉnh, thành; năm %(year)s xếp hạng trong %(count)s tỉnh, thành: "
             "hai thứ hạng không so sánh bằng số bậc.") % {
        "prev_year": data.previous_year, "prev_count": previous_count, "year": data.year, "count": ranked_count}


def shortfall_intro(data: ReportData) -> tuple[str, str, str | None]:
    """(text before the rank footnote call, text after it, the footnote with last year's rank)."""
    p = data.par
    rows = n.count(len(p.shortfalls))
    fell, compared = p.fields_fell, p.compared_fields
    gain = p.rank_gain
    rank = _("xếp thứ %(rank)s tỉnh, thành") % {"rank": _rank_text(p.rank, p.ranked_count)} if p.rank else ""
    note = None
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
    elif p.rank and p.previous_rank:
        # Ranked among different numbers of provinces (63, then 34): both ranks, each with its base.
        places, rank = "", _rank_line(data, p.rank, p.ranked_count, p.previous_rank, p.previous_ranked_count)
        lead = _("Năm %(year)s, %(rank)s")
        note = rank_bases_note(data, p.ranked_count, p.previous_ranked_count)
    else:
        places = ""
        lead = _("Năm %(year)s, %(rank)s") if rank else _("Năm %(year)s, theo kết quả thẩm định")
    lead = lead % {"year": data.year, "prev_year": data.previous_year, "places": places, "rank": rank}
    if gain is not None:
        note = _("Năm %(prev_year)s xếp thứ %(rank)s tỉnh, thành.") % {
            "prev_year": data.previous_year, "rank": _rank_text(p.previous_rank, p.previous_ranked_count)}
    if not p.has_appraisal:
        tail = _("; chưa có điểm thẩm định các tiêu chí chấm qua tài liệu kiểm chứng.")
    elif p.shortfalls:
        tail = _("; còn có %(rows)s tiêu chí (TC), tiêu chí thành phần (TCTP) chưa đạt điểm hoặc chưa đạt điểm tối đa so với Bộ tiêu chí chấm điểm.") % {"rows": rows}
    else:
        tail = _("; các tiêu chí (TC), tiêu chí thành phần (TCTP) chấm qua tài liệu kiểm chứng đều đạt điểm tối đa.")
    if fell:
        tail += " " + _("Tổng điểm (cả điểm điều tra xã hội học) của %(phrase)s so với năm %(prev_year)s, cụ thể như sau:") % {
            "phrase": n.count_phrase(len(fell), len(compared), pgettext("counted", "lĩnh vực"), _("giảm điểm"), some=False),
            "prev_year": data.previous_year}
    return lead, tail, note


def fields_fell(data: ReportData) -> tuple[str | None, list[str]]:
    fell, compared = data.par.fields_fell, data.par.compared_fields
    if not fell:
        return None, []
    phrase = n.capfirst(n.count_phrase(len(fell), len(compared), pgettext("counted", "lĩnh vực"), _("giảm điểm"), some=False))
    if len(fell) == len(compared) and len(fell) > 1:
        title = _("%(phrase)s so với năm %(prev_year)s:") % {"phrase": phrase, "prev_year": data.previous_year}
    else:
        title = _("%(phrase)s so với năm %(prev_year)s là:") % {"phrase": phrase, "prev_year": data.previous_year}
    items = []
    for i, f in enumerate(fell):
        slight = -f.change < SLIGHT_FALL
        items.append((_("%(name)s giảm nhẹ: %(v)s điểm, đạt %(share)s") if slight else _("%(name)s giảm %(v)s điểm, đạt %(share)s")) % {
            "name": f.name, "v": n.points2(-f.change), "share": _field_share(f)} + ("." if i == len(fell) - 1 else ";"))
    return title, items


def chart_title(data: ReportData) -> str:
    if data.par.compared:
        return _("Biểu đồ kết quả điểm các lĩnh vực CCHC năm %(prev)s và %(year)s của %(area)s") % {
            "prev": data.previous_year, "year": data.year, "area": data.area_name}
    return _("Biểu đồ kết quả điểm các lĩnh vực CCHC năm %(year)s của %(area)s") % {"year": data.year, "area": data.area_name}


def _implied(c, by_id: dict) -> bool:
    """A node that changed only because its parent did (renamed with it, moved with it, new
    with it): the parent's entry in the footnote says it."""
    parent = by_id.get(c.criterion.parent_id)
    if parent is None or parent.lineage != c.lineage:
        return False
    if c.lineage == Lineage.NEW:
        return True
    if not (c.comparable and parent.comparable and len(c.previous_codes) == 1 and len(parent.previous_codes) == 1):
        return False
    p_new, p_old = parent.criterion.code, parent.previous_codes[0]
    mine, old = c.criterion.code, c.previous_codes[0]
    return mine.startswith(p_new + ".") and old.startswith(p_old + ".") and mine[len(p_new):] == old[len(p_old):]


def _change_entry(c) -> tuple[str, str]:
    """(the kind of change, the node's entry) for the framework footnote."""
    code = c.criterion.code
    if c.lineage == Lineage.NEW:
        return "new", code
    if c.lineage == Lineage.SPLIT:
        return "split", _("%(code)s (từ %(old)s)") % {"code": code, "old": ", ".join(c.previous_codes) or "?"}
    if not c.lineage:
        return "undeclared", code
    if not c.comparable:
        return "changed", _("%(code)s (%(why)s)") % {"code": code, "why": c.note}
    if c.lineage == Lineage.MERGED:
        return "merged", _("%(code)s (từ %(old)s)") % {"code": code, "old": ", ".join(c.previous_codes)}
    if c.lineage == Lineage.MOVED:
        return "moved", _("%(code)s (năm trước là %(old)s)") % {"code": code, "old": c.previous_codes[0]}
    if c.code_changed:
        return "renamed", _("%(code)s (năm trước là %(old)s)") % {"code": code, "old": c.previous_codes[0]}
    return "renamed", _("%(code)s (đổi tên)") % {"code": code}


def framework_note(data: ReportData) -> str | None:
    """How this year's framework differs from the one compared with (renamed, moved, merged,
    split, new and dropped nodes), from the mapping; None when both years use the same one."""
    m = data.par.mapping
    if m is None or m.previous is None or m.identity:
        return None
    values = {"year": data.year, "prev_year": data.previous_year, "current": m.framework, "previous": m.previous}
    if not m.linked:
        return _("Năm %(year)s áp dụng “%(current)s”, năm %(prev_year)s áp dụng “%(previous)s”; hai bộ chỉ số chưa khai báo "
                 "nội dung tương ứng nên các lĩnh vực không so sánh với năm %(prev_year)s.") % values
    changes = m.changes()
    by_id = {c.criterion.pk: c for c in changes}
    kinds: dict[str, list[str]] = {}
    for c in changes:
        if not _implied(c, by_id):
            kind, entry = _change_entry(c)
            kinds.setdefault(kind, []).append(entry)
    dropped_ids = {d.pk for d in m.dropped}
    kinds["dropped"] = [c.code for c in m.dropped if c.parent_id not in dropped_ids]
    labels = [("renamed", Lineage.RENAMED.label), ("moved", Lineage.MOVED.label), ("merged", Lineage.MERGED.label),
              ("split", Lineage.SPLIT.label), ("new", Lineage.NEW.label), ("dropped", _("Bỏ")),
              ("changed", _("Không so sánh")), ("undeclared", _("Chưa khai báo tương ứng"))]
    listed = "; ".join(f"{str(label).lower()}: {', '.join(kinds[kind])}" for kind, label in labels if kinds.get(kind))
    if not listed:
        return _("Năm %(year)s áp dụng “%(current)s”, năm %(prev_year)s áp dụng “%(previous)s”; các nội dung tương ứng "
                 "giữ nguyên.") % values
    return _("Năm %(year)s áp dụng “%(current)s”, năm %(prev_year)s áp dụng “%(previous)s”; thay đổi: %(list)s.") % {
        **values, "list": listed}


def shortfall_title(data: ReportData) -> str:
    return _("BẢNG THỐNG KÊ %(rows)s TC, TCTP KHÔNG ĐẠT ĐIỂM HOẶC KHÔNG ĐẠT ĐIỂM TỐI ĐA CHỈ SỐ CCHC %(area)s NĂM %(year)s") % {
        "rows": n.count(len(data.par.shortfalls)), "area": data.area_name.upper(), "year": data.year}
