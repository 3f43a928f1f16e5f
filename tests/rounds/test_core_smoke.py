from scorecards.models import Score
from scorecards.services import ranking


def test_small_round_builds_scorecards(small_round):
    assert small_round.periods.count() == 5
    assert Score.objects.filter(period__round=small_round).count() == 5 * 12
    results = ranking.round_results(small_round)
    assert [len(g.results) for g in results] == [3, 2]
