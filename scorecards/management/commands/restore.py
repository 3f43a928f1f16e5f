"""`manage.py restore DIR`: a backup made by `manage.py backup` into an empty database and media storage."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scorecards.services.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = _("Khôi phục một bản sao lưu (manage.py backup) vào cơ sở dữ liệu và kho tệp trống, sau khi kiểm tra bản kê SHA-256.")
    # The target database is empty: the system checks (which may query it) must not run first.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("directory", help=_("Thư mục của bản sao lưu (có manifest.json)."))

    def handle(self, *args, directory, **options):
        try:
            restore_backup(directory, report=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except PermissionError as exc:  # a backup copied by root, restored as the app's user
            raise CommandError(_(
                "Không đọc được “%(file)s”: không có quyền. Người dùng chạy lệnh phải đọc được cả thư mục sao lưu, "
                "ví dụ: chown -R cchc: %(dir)s") % {"file": exc.filename, "dir": directory}) from None
