from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scorecards.services.checks import run_all_checks
from scorecards.services.versions import mapping_findings


class Command(BaseCommand):
    help = _("Kiểm tra: điểm tối đa của tiêu chí cha bằng tổng tiêu chí con; tổng điểm tính được so với điểm công bố; "
             "tiêu chí tương ứng với phiên bản năm trước.")

    def handle(self, *args, **options):
        findings = [(f.level, f.message) for f in run_all_checks()]
        mapping = mapping_findings()
        for level, message in findings:
            style = self.style.ERROR if level == "error" else self.style.WARNING
            self.stdout.write(style(("LỖI: " if level == "error" else "CHÊNH LỆCH: ") + message))
        for level, message in mapping:
            style = self.style.ERROR if level == "error" else self.style.WARNING
            self.stdout.write(style(("LỖI: " if level == "error" else "TƯƠNG ỨNG NĂM TRƯỚC: ") + message))
        errors = [m for level, m in findings + mapping if level == "error"]
        if errors:
            raise CommandError(_("%(n)d lỗi trong bộ chỉ số.") % {"n": len(errors)})
        self.stdout.write(self.style.SUCCESS(_("Bộ chỉ số hợp lệ: điểm tối đa của mọi tiêu chí cha bằng tổng tiêu chí con.")))
