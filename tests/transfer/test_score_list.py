"""The score list where the Excel buttons live (scorecards/admin/scores.py): the period written
short so the points stay in view, the criterion wrapping, and a score's read-only page and
history in Vietnamese words."""
import re

from django.urls import reverse

from scorecards.models import Score

from .test_admin import login


def test_the_list_writes_the_period_short_and_keeps_the_points_in_the_row(client, officer, period_2024):
    login(client, officer)
    html = client.get(reverse("admin:scorecards_score_changelist") + f"?period__id__exact={period_2024.pk}").content.decode()
    assert re.search(r'<th class="field-period_short"><a [^>]*>2024 – UBND tỉnh Điện Biên</a>', html)
    assert "white-space:normal" in html and "0,750" in html  # 2.3.2's appraised points, decimal comma


def test_a_leader_reads_a_score_without_the_version_field(client, leader, period_2024):
    score = Score.objects.filter(period=period_2024).order_by("pk").first()
    login(client, leader)
    html = client.get(reverse("admin:scorecards_score_change", args=[score.pk])).content.decode()
    assert "Seen version" not in html and "seen_version" not in html and score.criterion.code in html


def test_the_officer_form_still_carries_the_version_it_was_opened_at(client, officer, open_period):
    score = Score.objects.filter(period=open_period, criterion__code="2.3.2").get()
    login(client, officer)
    html = client.get(reverse("admin:scorecards_score_change", args=[score.pk])).content.decode()
    assert f'name="seen_version" value="{score.version}"' in html


def test_a_scores_history_is_written_in_words(client, officer, open_period):
    from decimal import Decimal

    from scorecards.services.scoring import ScoreChange, apply_score_changes

    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    apply_score_changes(open_period, [ScoreChange(score.pk, {"self_points": Decimal("0.5")}, score.version)], actor=officer)
    login(client, officer)
    html = client.get(reverse("admin:scorecards_score_history", args=[score.pk])).content.decode()
    main = html[html.index('id="content-main"'):]
    assert "<strong>Điểm tự đánh giá:</strong> (trống)&nbsp;&rarr;&nbsp;0,5" in main
