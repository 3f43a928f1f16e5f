from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.services import FORMATS, ReportError, find_period, render
from reports.services.periods import AmbiguousPeriod


class Command(BaseCommand):
    help = _("In báo cáo phân tích Chỉ số SIPAS và PAR INDEX của một năm ra tệp HTML, PDF hoặc DOCX.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("Năm đánh giá, ví dụ 2024."))
        parser.add_argument("--format", choices=FORMATS, default="pdf", help=_("Định dạng: pdf, html hoặc docx."))
        parser.add_argument("--output", required=True, help=_("Đường dẫn tệp kết quả."))
        parser.add_argument("--period", type=int, help=_("Mã kỳ đánh giá, khi năm đó có nhiều kỳ."))

    def handle(self, *args, year, format, output, period=None, **options):
        target = Path(output)
        if not target.parent.exists():
            raise CommandError(_("Thư mục %(dir)s không tồn tại.") % {"dir": target.parent})
        try:
            chosen = find_period(year, period)
            report = render(chosen, format)
        except AmbiguousPeriod as exc:
            # The service names the candidates; how to choose one is this command's to say.
            raise CommandError(_("Năm %(year)s có nhiều kỳ đánh giá: %(list)s. Hãy chọn một kỳ bằng --period.") % {
                "year": exc.year, "list": exc.listed}) from None
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        # Write to a temporary file first: a failed run never leaves half a report behind.
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(report.content)
        partial.replace(target)
        self.stdout.write(self.style.SUCCESS(_("Đã ghi báo cáo năm %(year)s (%(format)s) vào %(path)s.") % {
            "year": chosen.year, "format": format.upper(), "path": target}))
