from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.services import ReportError, find_period
from reports.services.periods import AmbiguousPeriod
from reports.services.publication import publish_report
from scorecards.models import User


class Command(BaseCommand):
    help = _("Phát hành báo cáo phân tích của một năm (kỳ đã công bố kết quả): tạo tệp PDF và DOCX một lần, "
             "lưu kèm mã SHA-256; lần sau là phiên bản mới, cần lý do.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help=_("Năm đánh giá, ví dụ 2024."))
        parser.add_argument("--period", type=int, help=_("Mã kỳ đánh giá, khi năm đó có nhiều kỳ."))
        parser.add_argument("--user", required=True, help=_("Tên đăng nhập của cán bộ Sở Nội vụ phát hành (ghi vào nhật ký)."))
        parser.add_argument("--reason", default="", help=_("Lý do phát hành lại (bắt buộc từ phiên bản 2)."))

    def handle(self, *args, year, user, reason, period=None, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("Không có tài khoản đang hoạt động tên “%(user)s”.") % {"user": user})
        try:
            chosen = find_period(year, period)
            publication = publish_report(chosen.pk, actor=actor, reason=reason)
        except AmbiguousPeriod as exc:
            raise CommandError(_("Năm %(year)s có nhiều kỳ đánh giá: %(list)s. Hãy chọn một kỳ bằng --period.") % {
                "year": exc.year, "list": exc.listed}) from None
        except (ReportError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(_("Đã phát hành báo cáo năm %(year)s, phiên bản %(v)s. PDF SHA-256 %(pdf)s; "
                                               "DOCX SHA-256 %(docx)s.") % {
            "year": chosen.year, "v": publication.version, "pdf": publication.pdf_sha256, "docx": publication.docx_sha256}))
