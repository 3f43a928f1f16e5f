from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from scorecards.services.demo import load_demo


class Command(BaseCommand):
    help = _("Nạp dữ liệu mẫu Điện Biên 2023–2025 và người dùng mẫu (chạy lại không thay đổi gì).")

    def add_arguments(self, parser):
        parser.add_argument("--password", help=_("Mật khẩu cho người dùng mẫu; bỏ trống thì tạo ngẫu nhiên và in ra một lần."))

    def handle(self, *args, password=None, **options):
        created = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS(_("Đã nạp dữ liệu mẫu Điện Biên.")))
        for username, pw in created.items():
            self.stdout.write(_("  người dùng %(user)s — mật khẩu: %(pw)s") % {"user": username, "pw": pw})
