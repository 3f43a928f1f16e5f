"""python manage.py whatif --year 2024 [--period ID] --set CODE=POINTS [--set …] [--agency CODE_OR_ID]
[--sipas PCT] [--target-rank N]: the projected total and rank (reports.services.whatif), or the
points needed for a target rank with the criteria chosen. Reads only; writes nothing."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.services import numbers as fmt
from reports.services.periods import AmbiguousPeriod, ReportError, find_period
from reports.services.whatif import WhatIfError, parse_number, points_needed, project


def _parse_set(text: str) -> tuple[str, object]:
    code, sep, points = text.partition("=")
    if not sep or not code.strip() or not points.strip():
        raise CommandError(_("--set cần dạng MÃ=ĐIỂM (ví dụ --set 2.3.2=1 hoặc --set 8.2=1,5), không phải “%(value)s”.") % {
            "value": text[:40]})
    return code.strip(), points.strip()


class Command(BaseCommand):
    help = _("Giả định: điểm và thứ hạng dự kiến khi giành lại điểm ở các tiêu chí, hoặc số điểm cần để đạt một thứ hạng.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("Năm đánh giá, ví dụ 2024."))
        parser.add_argument("--period", type=int, help=_("Mã kỳ đánh giá, khi năm đó có nhiều kỳ."))
        parser.add_argument("--set", action="append", default=[], metavar="MÃ=ĐIỂM",
                            help=_("Điểm mục tiêu của một tiêu chí (dấu phẩy thập phân được), lặp lại được."))
        parser.add_argument("--agency", help=_("Mã hoặc số hiệu cơ quan: mọi tiêu chí tài liệu kiểm chứng cơ quan đó chủ trì "
                                               "đạt điểm tối đa."))
        parser.add_argument("--sipas", help=_("Chỉ số SIPAS giả định (%), ví dụ 85 hoặc 85,5."))
        parser.add_argument("--target-rank", dest="target_rank", help=_("Thứ hạng mục tiêu: số điểm cần và các tiêu chí chọn."))

    def handle(self, *args, year, period=None, target_rank=None, agency=None, sipas=None, **options):
        sets = [_parse_set(text) for text in options["set"]]
        if target_rank is not None and (sets or agency or sipas):
            raise CommandError(_("--target-rank không dùng cùng --set, --agency hay --sipas: chọn một trong hai cách."))
        if target_rank is None and not (sets or agency or sipas):
            raise CommandError(_("Chọn ít nhất một giả định (--set, --agency, --sipas) hoặc --target-rank."))
        try:
            chosen = find_period(year, period, include_rounds=True)
            if target_rank is not None:
                self._need(points_needed(chosen, target_rank))
            else:
                self._projection(project(chosen, dict(sets), agency=agency,
                                         sipas_pct=parse_number(sipas, _("Chỉ số SIPAS")) if sipas else None))
        except AmbiguousPeriod as exc:
            raise CommandError(_("Năm %(year)s có nhiều kỳ đánh giá: %(list)s. Hãy chọn một kỳ bằng --period.") % {
                "year": exc.year, "list": exc.listed}) from None
        except (ReportError, WhatIfError) as exc:
            raise CommandError(str(exc)) from None

    def _out(self, text=""):
        self.stdout.write(text)

    def _head(self, period, illustrative):
        self._out(_("Giả định năm %(year)s: %(subject)s") % {"year": period.year, "subject": period.subject})
        if illustrative:
            self._out(_("SỐ LIỆU MINH HỌA: bảng kết quả các tỉnh có số liệu không phải do Bộ Nội vụ công bố."))

    def _projection(self, p):
        self._head(p.period, p.is_illustrative)
        self._out(_("Điểm gốc: %(base)s (%(label)s), hạng %(rank)s") % {
            "base": fmt.points(p.base), "label": p.base_label, "rank": p.current_label})
        self._out(_("Thay đổi:"))
        for c in p.changes:
            self._out(_("  %(code)s %(name)s [%(channel)s]: %(old)s → %(new)s / %(max)s, %(gain)s điểm") % {
                "code": c.code, "name": c.name, "channel": c.channel_label, "old": fmt.points(c.appraised),
                "new": fmt.points(c.target), "max": fmt.points(c.max_points), "gain": fmt.signed(c.gain, fmt.points)})
        self._out(_("Tổng điểm tăng: %(gain)s") % {"gain": fmt.signed(p.total_change, fmt.points)})
        self._out(_("Tổng điểm dự kiến: %(total)s") % {"total": fmt.points(p.projected)})
        self._out(_("Thứ hạng dự kiến: %(rank)s (%(move)s)") % {"rank": p.projected_label, "move": fmt.rank_move(p.places_gained)})
        if p.passed:
            self._out(_("Vượt qua: %(names)s") % {"names": ", ".join(c.name for c in p.passed)})
        if p.passed_by:
            self._out(_("Bị vượt qua bởi: %(names)s") % {"names": ", ".join(c.name for c in p.passed_by)})
        if p.ties:
            self._out(_("Đồng hạng với: %(names)s") % {"names": ", ".join(c.name for c in p.ties)})
        for w in p.warnings:
            self._out(_("Lưu ý: %(text)s") % {"text": w})
        for n in p.notes:
            self._out(n)

    def _need(self, n):
        self._head(n.period, n.is_illustrative)
        self._out(_("Điểm gốc: %(base)s (%(label)s), hạng %(rank)s") % {
            "base": fmt.points(n.base), "label": n.projection.base_label, "rank": f"{n.current_rank}/{n.ranked_count}"})
        self._out(_("Thứ hạng mục tiêu: %(rank)s") % {"rank": n.target_label})
        self._out(_("Điểm cần thêm: %(points)s") % {"points": fmt.points(n.points)})
        if n.points_alone is not None and not n.already:
            self._out(_("Để đứng riêng hạng: %(points)s") % {"points": fmt.points(n.points_alone)})
        if n.plan:
            self._out(_("Các tiêu chí chọn (mất điểm do tỉnh tự quyết định được, lặp lại trước, mất nhiều trước):"))
            for step in n.plan:
                r = step.loss
                self._out(_("  %(code)s %(name)s [%(channel)s%(rec)s] %(agency)s: %(old)s → %(target)s, +%(gain)s điểm") % {
                    "code": r.code, "name": r.name, "channel": r.channel_label,
                    "rec": _(", lặp lại") if r.recurring else "", "agency": r.agency_name or "—",
                    "old": fmt.points(r.appraised), "target": fmt.points(step.target), "gain": fmt.points(step.gain)})
            self._out(_("Cộng: +%(gain)s điểm → %(total)s, hạng %(rank)s") % {
                "gain": fmt.points(n.projection.total_change), "total": fmt.points(n.projection.projected),
                "rank": n.projection.projected_label})
        for note in n.notes:
            self._out(note)
