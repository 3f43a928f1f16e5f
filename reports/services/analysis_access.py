"""Who reads the leaders' analysis of a period (points to win back, what-if, over-claiming,
improvement plan), and how much of it.

- Sở Nội vụ and leaders read everything of every period (scorecards.permissions.sees_everything);
  in a province's own round, the round's council too (scorecards.policy.sees_round).
- A unit's staff read their own scorecard of a round whole (scorecards.policy.is_unit_staff).
- An agency's staff read, of the national index, only the criteria their agency leads
  (Score.responsible_agency): their own over-claiming and improvement items.
- Anyone else reads nothing (the views answer 403).

Shape: `audience(user, period) -> Audience | None`.
"""
from __future__ import annotations

from dataclasses import dataclass

from scorecards.permissions import is_agency_staff, sees_everything
from scorecards.policy import is_unit_staff, sees_round


@dataclass(frozen=True)
class Audience:
    """What of a period's analysis a user reads: everything, or the criteria `agency_id` leads."""

    everything: bool
    agency_id: int | None = None
    # Whether the user reads the other subjects' results (other units of the round): the
    # what-if ranks need them. A unit's staff read their own scorecard whole, not the others'.
    sees_others: bool = False

    def admits(self, agency_id: int | None) -> bool:
        """Whether a row answered for by `agency_id` is shown to this audience."""
        return self.everything or (agency_id is not None and agency_id == self.agency_id)


def audience(user, period) -> Audience | None:
    """The user's share of `period`'s analysis, or None when they read none of it."""
    if not user.is_authenticated:
        return None
    if sees_everything(user) or (period.round_id and sees_round(user, period.round_id)):
        return Audience(everything=True, sees_others=True)
    if period.round_id:
        return Audience(everything=True) if is_unit_staff(user, period) else None
    if is_agency_staff(user):
        # The provinces' published national table is public: an agency may read it.
        return Audience(everything=False, agency_id=user.agency_id, sees_others=True)
    return None
