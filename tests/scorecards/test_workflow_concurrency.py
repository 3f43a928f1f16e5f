"""Two people save the same score at the same moment (PostgreSQL, real threads): the rows
are locked, so one save wins and the other is refused naming the winner; nothing is
half-written and nothing is silently overwritten."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from scorecards.models import AuditEvent, EvaluationPeriod, Score, User
from scorecards.services import workflow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_saves_one_wins_the_other_is_refused(demo):
    period = EvaluationPeriod.objects.for_year(2026).get()
    score = Score.objects.get(period=period, criterion__code="2.3.2")
    user = User.objects.get(username="sotuphap")
    loaded = score.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(points, text):
        try:
            barrier.wait()
            workflow.save_self_assessment(score.pk, actor=user, self_points=Decimal(points), explanation=text, version=loaded)
            outcomes[text] = "saved"
        except ValidationError as exc:
            outcomes[text] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=("0.5", "A")), threading.Thread(target=save, args=("1", "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o == "saved" for o in outcomes.values()) == [False, True]
    refused = next(o for o in outcomes.values() if o != "saved")
    assert "Cán bộ Sở Tư pháp" in refused and "2.3.2" in refused
    winner = next(k for k, o in outcomes.items() if o == "saved")
    final = Score.objects.get(pk=score.pk)
    assert final.explanation == winner and final.version == loaded + 1
    assert AuditEvent.objects.filter(score=score, action="score.self_assessed").count() == 1
