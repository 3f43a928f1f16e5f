"""python manage.py export_data KIND --output FILE [--year Y | --period ID | --framework CODE | --questionnaire CODE]
[--format xlsx|csv]"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scorecards.resources import services
from scorecards.resources import RESOURCES, get_resource

from .import_data import add_scope_arguments, resolve_scope


class Command(BaseCommand):
    help = _("Xuất dữ liệu ra tệp XLSX hoặc CSV (theo đuôi tệp).")
    kind_slug = None

    def add_arguments(self, parser):
        if self.kind_slug is None:
            parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("--output", "-o", required=True)
        add_scope_arguments(parser)
        parser.add_argument("--format", choices=("xlsx", "csv"), help=_("Mặc định theo đuôi tệp."))

    def handle(self, *args, **options):
        kind = get_resource(self.kind_slug or options["kind"])
        path = Path(options["output"])
        fmt = options["format"] or path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(_("Tệp xuất phải có đuôi .xlsx hoặc .csv (hoặc dùng --format)."))
        if not path.parent.exists():
            raise CommandError(_("Thư mục %(dir)s không tồn tại.") % {"dir": path.parent})
        scope = resolve_scope(kind, options)
        data = services.export(kind.slug, fmt, scope=scope)
        path.write_bytes(data)
        self.stdout.write(_("Đã ghi %(path)s.") % {"path": path})
