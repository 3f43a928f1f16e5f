"""Who answers for a year's work when agencies merge (Điện Biên, 1/3/2025)."""
from datetime import date

import pytest

from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged():
    receiver = AgencyFactory(code="stc-life", name="Sở Tài chính")
    ended = AgencyFactory(code="skhdt-life", name="Sở Kế hoạch và Đầu tư", ended_on=date(2025, 2, 28), successor=receiver)
    return ended, receiver


def test_an_agency_that_ended_during_the_year_hands_that_year_to_its_successor(merged):
    ended, receiver = merged
    assert ended.successor_in(2024) == ended  # 2024's work was assessed under its own name
    assert ended.successor_in(2025) == receiver
    assert not ended.answers_for(2025) and ended.answers_for(2024) and receiver.answers_for(2025)


def test_one_ending_on_the_last_day_keeps_its_year_and_chains_are_followed(merged):
    ended, receiver = merged
    last_day = AgencyFactory(code="end-3112", name="Đơn vị A", ended_on=date(2025, 12, 31), successor=ended)
    assert last_day.successor_in(2025) == last_day
    assert last_day.successor_in(2026) == receiver  # A → Sở KH&ĐT → Sở Tài chính


def test_a_cycle_in_the_successors_stops(merged):
    ended, receiver = merged
    receiver.ended_on, receiver.successor = date(2025, 6, 30), ended
    receiver.save()
    assert ended.successor_in(2026) in (ended, receiver)
