"""Mails of the workflow: a submission arrives, a score is returned, a deadline is near.

Called after the commit of the step they announce (transaction.on_commit), so a rolled
back step sends nothing. Recipients are active users with an e-mail address: Sở Nội vụ
staff for submissions, the lead agency's staff for returns and reminders.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.models import Assignment, AuditEvent, EvaluationPeriod, PeriodStatus, Score, ScoreState, User
from scorecards.permissions import AGENCY_STAFF, HOME_AFFAIRS

REMINDER_DAYS = 3


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u.email})


def home_affairs_emails() -> list[str]:
    return _emails(User.objects.filter(is_active=True).filter(Q(groups__name=HOME_AFFAIRS) | Q(is_superuser=True)).distinct())


def agency_emails(agency_id) -> list[str]:
    return _emails(User.objects.filter(is_active=True, agency_id=agency_id, groups__name=AGENCY_STAFF).distinct())


def _score_url(score) -> str:
    return reverse("scorecards:score", args=[score.pk])


def _send(subject: str, body: str, recipients: list[str]) -> int:
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def notify_submitted(score) -> int:
    """Tell Sở Nội vụ that an agency has submitted a score for review."""
    agency = getattr(score, "lead_agency", None)
    subject = _("[Chỉ số CCHC] %(agency)s gửi tiêu chí %(code)s") % {
        "agency": agency.label if agency else "", "code": score.criterion.code}
    body = _(
        "%(agency)s đã gửi điểm tự đánh giá tiêu chí %(code)s. %(name)s (năm %(year)s).\n"
        "Xem và duyệt tại: %(url)s"
    ) % {"agency": agency.name if agency else "", "code": score.criterion.code, "name": score.criterion.name,
         "year": score.period.year, "url": _score_url(score)}
    return _send(subject, body, home_affairs_emails())


def notify_returned(score) -> int:
    """Tell the lead agency that Sở Nội vụ returned its score, with the comment."""
    agency = getattr(score, "lead_agency", None)
    if agency is None:
        return 0
    subject = _("[Chỉ số CCHC] Tiêu chí %(code)s bị trả lại") % {"code": score.criterion.code}
    body = _(
        "Sở Nội vụ đã trả lại điểm tự đánh giá tiêu chí %(code)s. %(name)s (năm %(year)s).\n"
        "Ý kiến: %(comment)s\nSửa và gửi lại tại: %(url)s"
    ) % {"code": score.criterion.code, "name": score.criterion.name, "year": score.period.year,
         "comment": score.review_comment, "url": _score_url(score)}
    return _send(subject, body, agency_emails(agency.pk))


def send_deadline_reminders(now=None) -> int:
    """Remind agencies whose self-assessment deadline is at most three days away.

    Only agencies with criteria still to send are reminded, once per period and agency
    (an AuditEvent "period.deadline_reminded" records it, in the same transaction as the
    check, so that two runs do not both send).
    """
    now = now or timezone.now()
    sent = 0
    periods = EvaluationPeriod.objects.filter(
        status=PeriodStatus.SELF_ASSESSMENT, self_assessment_deadline__gt=now,
        self_assessment_deadline__lte=now + timedelta(days=REMINDER_DAYS),
    )
    for period in periods:
        pending = Score.objects.filter(period=period, state__in=[ScoreState.DRAFT, ScoreState.RETURNED])
        counts: dict[int, list[str]] = {}
        for a in Assignment.objects.filter(period=period, criterion__scores__in=pending).select_related("criterion", "lead_agency"):
            counts.setdefault(a.lead_agency_id, [a.lead_agency, []])[1].append(a.criterion.code)
        reminded = set(AuditEvent.objects.filter(period=period, action="period.deadline_reminded")
                       .values_list("agency_id", flat=True))
        for agency_id, (agency, codes) in counts.items():
            if agency_id in reminded:
                continue
            with transaction.atomic():
                AuditEvent.log("period.deadline_reminded", period=period, agency=agency, codes=sorted(codes),
                               deadline=period.self_assessment_deadline.isoformat())
                subject = _("[Chỉ số CCHC] Còn dưới %(days)s ngày đến hạn tự đánh giá năm %(year)s") % {
                    "days": REMINDER_DAYS, "year": period.year}
                body = _(
                    "Hạn tự đánh giá năm %(year)s là %(deadline)s. %(agency)s còn %(count)s tiêu chí chưa gửi: %(codes)s.\n"
                    "Vào: %(url)s"
                ) % {"year": period.year, "deadline": timezone.localtime(period.self_assessment_deadline).strftime("%H:%M %d/%m/%Y"),
                     "agency": agency.name, "count": len(codes), "codes": ", ".join(sorted(codes)),
                     "url": reverse("scorecards:workspace")}
                sent += _send(subject, body, agency_emails(agency_id))
    return sent
