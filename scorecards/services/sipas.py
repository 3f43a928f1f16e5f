"""SIPAS figures: the overall index is the mean of the 39 indicators (not of the groups)."""
from decimal import Decimal

from django.db.models import Avg

from scorecards.formatting import quantize
from scorecards.models import EvaluationPeriod, Score, ScoringSource, SipasValue


def sipas_overall(period: EvaluationPeriod) -> Decimal | None:
    avg = SipasValue.objects.filter(period=period).aggregate(a=Avg("pct"))["a"]
    return None if avg is None else quantize(avg, 2)


def sipas_points(pct: Decimal, max_points: Decimal = Decimal("10")) -> Decimal:
    """Index % converted into PAR points (82,96% of 10 points -> 8,30), as the Ministry rounds."""
    return quantize(Decimal(pct) * max_points / 100, 2)


def sync_sipas_points(period: EvaluationPeriod, pct: Decimal, *, actor) -> int:
    """Write the converted SIPAS points (pct % of each SIPAS leaf's maximum) into the
    period's SIPAS-scored leaves, as `actor` through the one door for score writes.

    Returns how many scores changed. Raises PermissionDenied unless the actor is Sở Nội
    vụ, ValidationError for a published or closed period (services.scoring).
    """
    from scorecards.services.scoring import ScoreChange, apply_score_changes

    scores = Score.objects.filter(period=period, criterion__scoring_source=ScoringSource.SIPAS).select_related("criterion")
    changes = [ScoreChange(s.pk, {"appraised_points": sipas_points(pct, s.criterion.max_points)}) for s in scores]
    return len(apply_score_changes(period, changes, actor=actor, audit_extra={"source": "sipas"}).changed)
