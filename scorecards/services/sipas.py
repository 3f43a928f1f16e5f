"""SIPAS figures: the overall index is the mean of the 39 indicators (not of the groups)."""
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg

from scorecards.formatting import quantize
from scorecards.models import AuditEvent, EvaluationPeriod, Score, ScoringSource, SipasValue


def sipas_overall(period: EvaluationPeriod) -> Decimal | None:
    avg = SipasValue.objects.filter(period=period).aggregate(a=Avg("pct"))["a"]
    return None if avg is None else quantize(avg, 2)


def sipas_points(pct: Decimal, max_points: Decimal = Decimal("10")) -> Decimal:
    """Index % converted into PAR points (82,96% of 10 points -> 8,30), as the Ministry rounds."""
    return quantize(Decimal(pct) * max_points / 100, 2)


@transaction.atomic
def sync_sipas_points(period: EvaluationPeriod, pct: Decimal, *, actor=None) -> int:
    """Write the converted SIPAS points into the period's SIPAS-scored leaves."""
    updated = 0
    for score in Score.objects.select_for_update(of=("self",)).filter(period=period, criterion__scoring_source=ScoringSource.SIPAS).select_related("criterion"):
        points = sipas_points(pct, score.criterion.max_points)
        if score.appraised_points != points:
            old = score.appraised_points
            score.appraised_points = points
            score.version += 1
            score.updated_by = actor
            score.save()
            AuditEvent.log("score.appraised", actor=actor, score=score, code=score.criterion.code,
                           changes={"appraised_points": [None if old is None else str(old), str(points)]}, source="sipas")
            updated += 1
    return updated
