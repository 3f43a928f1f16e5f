"""Send the three-day deadline reminders (run daily, e.g. from cron)."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from scorecards.services.notifications import send_deadline_reminders


class Command(BaseCommand):
    help = _("Gửi thư nhắc các đơn vị còn tiêu chí chưa gửi khi còn dưới 3 ngày đến hạn tự đánh giá.")

    def handle(self, *args, **options):
        sent = send_deadline_reminders()
        self.stdout.write(_("Đã gửi %(count)s thư nhắc hạn.") % {"count": sent})
