"""Period set-up: one score row per leaf, so every screen edits existing rows."""
from django.db import transaction

from scorecards.models import Assignment, EvaluationPeriod, Score
from scorecards.services.scorecard import load_tree


@transaction.atomic
def ensure_scores(period: EvaluationPeriod) -> int:
    """Create the missing score rows of a period's leaves; return how many were created."""
    criteria, _children = load_tree(period.framework_id)
    existing = set(Score.objects.filter(period=period).values_list("criterion_id", flat=True))
    leads = dict(Assignment.objects.filter(period=period).values_list("criterion_id", "lead_agency_id"))
    created = 0
    for c in criteria:
        if c.is_leaf and c.pk not in existing:
            # save() (not bulk_create) so that django-simple-history records the creation.
            Score(period=period, criterion=c, responsible_agency_id=leads.get(c.pk)).save()
            created += 1
    return created


def resolve_period(year: int | None = None, period_id: int | None = None) -> EvaluationPeriod:
    """The period a command means: --period ID, or the default subject's period of --year."""
    from django.core.management.base import CommandError
    from django.utils.translation import gettext as _

    qs = EvaluationPeriod.objects.select_related("framework", "subject")
    if period_id is not None:
        try:
            period = qs.get(pk=period_id)
        except EvaluationPeriod.DoesNotExist:
            raise CommandError(_("Không có kỳ đánh giá #%(id)s.") % {"id": period_id}) from None
        if year is not None and period.year != year:
            raise CommandError(_("Kỳ đánh giá mã %(id)s thuộc năm %(actual)s, không phải năm %(year)s.") % {
                "id": period_id, "actual": period.year, "year": year})
        return period
    if year is None:
        raise CommandError(_("Cần --year hoặc --period."))
    matches = list(qs.for_year(year)[:2])
    if not matches:
        raise CommandError(_("Không có kỳ đánh giá năm %(year)s.") % {"year": year})
    if len(matches) > 1:
        raise CommandError(_("Năm %(year)s có nhiều kỳ đánh giá; chọn bằng --period ID.") % {"year": year})
    return matches[0]
