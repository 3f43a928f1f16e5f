"""Who may download which document of a round (the rules; the views only ask).

- Annex and analysis: whoever reads the whole round (policy.sees_round: Sở Nội vụ,
  leaders, the round's council). Once the round is published (or closed), the annex is
  also the units': staff of a subject of the round download it.
- A subject's scorecard: whoever reads the whole round, and the subject's own staff;
  nobody else (another unit's staff get 403).
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from scorecards.choices import FROZEN_STATUSES
from scorecards.models import EvaluationPeriod
from scorecards.permissions import is_agency_staff
from scorecards.policy import sees_round


def is_unit_of_round(user, round_) -> bool:
    """Staff of a unit that is a subject of the round (one query, cached per request)."""
    if not is_agency_staff(user):
        return False
    cache = getattr(user, "_round_units", None)
    if cache is None:
        cache = user._round_units = {}
    if round_.pk not in cache:
        cache[round_.pk] = EvaluationPeriod.objects.filter(round_id=round_.pk, subject_id=user.agency_id).exists()
    return cache[round_.pk]


def annex_refusal(user, round_) -> str | None:
    """None when the user may download the annex, else the sentence shown with the 403."""
    if sees_round(user, round_.pk):
        return None
    if is_unit_of_round(user, round_):
        if round_.status in FROZEN_STATUSES:
            return None
        return _("Phụ lục kết quả chỉ được tải sau khi kết quả được công bố.")
    return _("Tài khoản của bạn không xem được kết quả của đợt đánh giá này.")


def analysis_refusal(user, round_) -> str | None:
    if sees_round(user, round_.pk):
        return None
    return _("Báo cáo phân tích của đợt đánh giá dành cho Sở Nội vụ, lãnh đạo và Hội đồng thẩm định.")


def scorecard_refusal(user, period) -> str | None:
    if sees_round(user, period.round_id):
        return None
    if is_agency_staff(user) and period.subject_id == user.agency_id:
        return None
    return _("Bạn chỉ tải được phiếu chấm điểm của đơn vị mình.")


def downloads_refusal(user, round_) -> str | None:
    """The round's page of documents: for whoever may download at least one of them."""
    if sees_round(user, round_.pk) or is_unit_of_round(user, round_):
        return None
    return _("Tài khoản của bạn không xem được tài liệu của đợt đánh giá này.")
