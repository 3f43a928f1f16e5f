"""Mails of the workflow: a submission arrives, a score is returned or accepted, a deadline is near.

Called after the commit of the step they announce (transaction.on_commit), so a rolled
back step sends nothing. Recipients are active users with an e-mail address: Sở Nội vụ
staff for submissions, the lead agency's staff for returns, acceptances and reminders.
Every link is absolute (settings.SITE_URL): a mail is read outside the site.

A mail is written here, in Vietnamese whatever the language of the user whose step it
announces, and handed to the background worker (scorecards.tasks.deliver_mail): the SMTP
exchange never holds a web worker. The default task backend sends at once (demo, tests).
"""
from __future__ import annotations

import functools
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecards.formatting import fmt_points
from scorecards.models import AuditAction, AuditEvent, EvaluationPeriod, PeriodStatus, Score, ScoreState, ScoringSource, User
from scorecards.permissions import AGENCY_STAFF, HOME_AFFAIRS
from scorecards.tasks import deliver_mail

REMINDER_DAYS = 3


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u.email})


def home_affairs_emails() -> list[str]:
    return _emails(User.objects.filter(is_active=True).filter(Q(groups__name=HOME_AFFAIRS) | Q(is_superuser=True)).distinct())


def agency_emails(agency_id) -> list[str]:
    return _emails(User.objects.filter(is_active=True, agency_id=agency_id, groups__name=AGENCY_STAFF).distinct())


def absolute(path: str) -> str:
    """A link that works from an e-mail: SITE_URL (e.g. https://cchc.example.vn) + path."""
    return settings.SITE_URL.rstrip("/") + path


def _score_url(score) -> str:
    return absolute(reverse("scorecards:score", args=[score.pk]))


def _send(subject: str, body: str, recipients: list[str]) -> int:
    """Queue a mail; returns the number of mails queued (0 without recipients, else 1)."""
    if not recipients:
        return 0
    deliver_mail.enqueue(str(subject), str(body), list(recipients))
    return 1


def in_vietnamese(func):
    """Write the mail in the site's language, not in the language of the user whose step
    it announces (the mail goes to others)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)
    return wrapper


@in_vietnamese
def notify_submitted(score) -> int:
    """Tell Sở Nội vụ that an agency has submitted a score for review."""
    agency = score.responsible_agency
    subject = _("[Chỉ số CCHC] %(agency)s gửi tiêu chí %(code)s") % {
        "agency": agency.label if agency else "", "code": score.criterion.code}
    body = _(
        "%(agency)s đã gửi điểm tự đánh giá tiêu chí %(code)s. %(name)s (năm %(year)s).\n"
        "Xem và duyệt tại: %(url)s"
    ) % {"agency": agency.name if agency else "", "code": score.criterion.code, "name": score.criterion.name,
         "year": score.period.year, "url": _score_url(score)}
    return _send(subject, body, home_affairs_emails())


def _returned_list_url() -> str:
    """The agency's list of its returned criteria (the workspace's "Bị trả lại" tab)."""
    return absolute(reverse("scorecards:workspace") + f"?state={ScoreState.RETURNED}")


@in_vietnamese
def notify_returned(score) -> int:
    """Tell the lead agency that Sở Nội vụ returned its score, with the comment."""
    agency = score.responsible_agency
    if agency is None:
        return 0
    subject = _("[Chỉ số CCHC] Tiêu chí %(code)s bị trả lại") % {"code": score.criterion.code}
    body = _(
        "Sở Nội vụ đã trả lại điểm tự đánh giá tiêu chí %(code)s. %(name)s (năm %(year)s).\n"
        "Ý kiến: %(comment)s\nSửa và gửi lại tại: %(url)s\n"
        "Các tiêu chí bị trả lại của đơn vị: %(list_url)s"
    ) % {"code": score.criterion.code, "name": score.criterion.name, "year": score.period.year,
         "comment": score.review_comment, "url": _score_url(score), "list_url": _returned_list_url()}
    return _send(subject, body, agency_emails(agency.pk))


@in_vietnamese
def notify_accepted(score) -> int:
    """Tell the lead agency that Sở Nội vụ accepted its score (with the comment, if any)."""
    agency = score.responsible_agency
    if agency is None:
        return 0
    subject = _("[Chỉ số CCHC] Tiêu chí %(code)s đã được chấp nhận") % {"code": score.criterion.code}
    body = _(
        "Sở Nội vụ đã chấp nhận điểm tự đánh giá tiêu chí %(code)s. %(name)s (năm %(year)s): %(points)s điểm.\n"
    ) % {"code": score.criterion.code, "name": score.criterion.name, "year": score.period.year,
         "points": fmt_points(score.self_points) or "—"}
    if score.review_comment:
        body += _("Ý kiến: %(comment)s\n") % {"comment": score.review_comment}
    body += _("Xem tại: %(url)s") % {"url": _score_url(score)}
    return _send(subject, body, agency_emails(agency.pk))


def _pending_self_assessment(period):
    if period.round_id:
        # A unit of a province's round: nothing once it locked its scorecard; before, the
        # applicable leaves it has not scored yet.
        if period.self_locked_at:
            return Score.objects.none()
        return Score.objects.filter(period=period, not_applicable=False, self_points__isnull=True,
                                    criterion__scoring_source__in=ScoringSource.self_assessed())
    return Score.objects.filter(period=period, state__in=[ScoreState.DRAFT, ScoreState.RETURNED],
                                criterion__scoring_source__in=ScoringSource.self_assessed())


def _pending_explanation(period):
    if period.round_id:  # the leaves the council flagged "yêu cầu giải trình"
        return Score.objects.filter(period=period, explanation_requested=True, appeal_explanation="")
    return Score.objects.filter(period=period, appraised_points__lt=F("criterion__max_points"), appeal_explanation="")


# kind: (period status, deadline field, scores still waiting for the agency, label)
REMINDERS = {
    "self_assessment": (PeriodStatus.SELF_ASSESSMENT, "self_assessment_deadline", _pending_self_assessment, gettext_lazy("tự đánh giá")),
    "explanation": (PeriodStatus.EXPLANATION, "explanation_deadline", _pending_explanation, gettext_lazy("giải trình")),
}


@in_vietnamese
def send_deadline_reminders(now=None) -> int:
    """Remind agencies whose deadline (self-assessment or explanation) is at most three days away.

    Only agencies with criteria still waiting for them are reminded, once per period,
    kind and agency: an AuditEvent "period.deadline_reminded" records it, in the same
    transaction as the mail, so that a second run (or a failed mail) is handled right.
    """
    now = now or timezone.now()
    sent = 0
    for kind, (status, deadline_field, pending, label) in REMINDERS.items():
        periods = EvaluationPeriod.objects.filter(**{
            "status": status, f"{deadline_field}__gt": now, f"{deadline_field}__lte": now + timedelta(days=REMINDER_DAYS)})
        for period in periods:
            sent += _remind_period(period, kind, getattr(period, deadline_field), pending(period), str(label))
    return sent


def _remind_period(period, kind, deadline, pending, label) -> int:
    waiting: dict[int, tuple] = {}
    for score in pending.exclude(responsible_agency=None).select_related("criterion", "responsible_agency"):
        waiting.setdefault(score.responsible_agency_id, (score.responsible_agency, []))[1].append(score.criterion.code)
    reminded = {
        agency_id for agency_id, done_kind in AuditEvent.objects.filter(period=period, action=AuditAction.PERIOD_DEADLINE_REMINDED)
        .values_list("agency_id", "data__kind") if done_kind == kind
    }
    sent = 0
    for agency_id, (agency, codes) in waiting.items():
        if agency_id in reminded:
            continue
        codes = sorted(codes)
        with transaction.atomic():
            AuditEvent.log(AuditAction.PERIOD_DEADLINE_REMINDED, period=period, agency=agency, kind=kind, codes=codes,
                           deadline=deadline.isoformat())
            subject = _("[Chỉ số CCHC] Còn dưới %(days)s ngày đến hạn %(label)s năm %(year)s") % {
                "days": REMINDER_DAYS, "label": label, "year": period.year}
            body = _(
                "Hạn %(label)s năm %(year)s là %(deadline)s. %(agency)s còn %(count)s tiêu chí chưa xong: %(codes)s.\n"
                "Vào: %(url)s"
            ) % {"label": label, "year": period.year, "deadline": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y"),
                 "agency": agency.name, "count": len(codes), "codes": ", ".join(codes), "url": absolute(
                     reverse("round_scorecard:detail", args=[period.pk]) if period.round_id else reverse("scorecards:workspace"))}
            sent += _send(subject, body, agency_emails(agency_id))
    return sent
