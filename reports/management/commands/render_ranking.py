"""python manage.py render_ranking --year 2025 [--round ID] [--group CODE] --format pdf|docx|xlsx --output FILE"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.services.round_docs import ANNEX_FORMATS, DocumentError, find_group, render_annex
from scorecards.models import Round


def choose_round(year: int, round_id: int | None) -> Round:
    """The round of `year` (the province's; one per year unless --round says which)."""
    rounds = list(Round.objects.filter(year=year).select_related("province").order_by("pk"))
    if round_id is not None:
        chosen = next((r for r in rounds if r.pk == round_id), None)
        if chosen is None:
            listed = ", ".join(f"{r.pk} ({r.name})" for r in rounds) or _("không có đợt nào")
            raise CommandError(_("Không có đợt đánh giá mã %(id)s trong năm %(year)s. Các đợt của năm: %(list)s.") % {
                "id": round_id, "year": year, "list": listed})
        return chosen
    if not rounds:
        raise CommandError(_("Năm %(year)s chưa có đợt đánh giá nào.") % {"year": year})
    if len(rounds) > 1:
        listed = "; ".join(f"{r.pk} ({r.name})" for r in rounds)
        raise CommandError(_("Năm %(year)s có %(n)s đợt đánh giá: %(list)s. Hãy chọn một đợt bằng --round.") % {
            "year": year, "n": len(rounds), "list": listed})
    return rounds[0]


class Command(BaseCommand):
    help = _("In phụ lục kết quả Chỉ số CCHC của một đợt đánh giá (bảng xếp hạng theo nhóm) ra tệp PDF, DOCX hoặc XLSX.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("Năm đánh giá, ví dụ 2025."))
        parser.add_argument("--round", type=int, dest="round_id", help=_("Mã đợt đánh giá, khi năm đó có nhiều đợt."))
        parser.add_argument("--group", help=_("Mã nhóm đối tượng (để trống: mọi nhóm)."))
        parser.add_argument("--format", choices=ANNEX_FORMATS, default="pdf", help=_("Định dạng: pdf, docx hoặc xlsx."))
        parser.add_argument("--output", required=True, help=_("Đường dẫn tệp kết quả."))

    def handle(self, *args, year, output, format, round_id=None, group=None, **options):
        target = Path(output)
        if not output.strip() or target.is_dir():
            raise CommandError(_("--output phải là đường dẫn một tệp (không phải thư mục): %(p)s") % {"p": output or "''"})
        if target.suffix.lower().lstrip(".") != format:
            raise CommandError(_("Tệp %(p)s không có đuôi .%(f)s của định dạng đã chọn.") % {"p": target, "f": format})
        if not target.parent.exists():
            raise CommandError(_("Thư mục %(dir)s không tồn tại.") % {"dir": target.parent})
        round_ = choose_round(year, round_id)
        try:
            chosen_group = find_group(round_, group)
            document = render_annex(round_, format, chosen_group)
        except DocumentError as exc:
            raise CommandError(str(exc)) from None
        # A temporary file first: a failed run never leaves half a file behind.
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(document.content)
        partial.replace(target)
        scope = chosen_group.name if chosen_group else _("mọi nhóm")
        self.stdout.write(self.style.SUCCESS(_("Đã ghi phụ lục kết quả “%(round)s” (%(scope)s, %(format)s) vào %(path)s.") % {
            "round": round_.name, "scope": scope, "format": format.upper(), "path": target}))
