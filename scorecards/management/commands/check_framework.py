from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scorecards.services.checks import run_all_checks


class Command(BaseCommand):
    help = _("Kiểm tra: điểm tối đa của tiêu chí cha bằng tổng tiêu chí con; tổng điểm tính được so với điểm công bố.")

    def handle(self, *args, **options):
        findings = run_all_checks()
        for f in findings:
            style = self.style.ERROR if f.level == "error" else self.style.WARNING
            self.stdout.write(style(("LỖI: " if f.level == "error" else "CHÊNH LỆCH: ") + f.message))
        errors = [f for f in findings if f.level == "error"]
        if errors:
            raise CommandError(_("%(n)d lỗi trong bộ chỉ số.") % {"n": len(errors)})
        self.stdout.write(self.style.SUCCESS(_("Bộ chỉ số hợp lệ: điểm tối đa của mọi tiêu chí cha bằng tổng tiêu chí con.")))
