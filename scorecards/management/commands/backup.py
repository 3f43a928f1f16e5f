"""`manage.py backup DIR`: the database and the private media, with a manifest (scorecards.services.backup)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scorecards.services.backup import BackupError, create_backup


class Command(BaseCommand):
    help = _("Sao lưu cơ sở dữ liệu và toàn bộ tệp lưu trữ riêng vào một thư mục mới, kèm bản kê SHA-256 (manifest.json).")

    def add_arguments(self, parser):
        parser.add_argument("directory", help=_("Thư mục sao lưu: chưa có hoặc trống."))

    def handle(self, *args, directory, **options):
        try:
            create_backup(directory, report=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
