"""Helpers of the round scorecard page tests (test_scorecard_page*.py); no tests here."""
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scorecards.choices import PeriodStatus, Right
from scorecards.models import Score
from scorecards.services import rounds as round_service
from scorecards.services.ranking import SURVEY_SOURCES
from scorecards.services.scoring import ScoreChange, apply_score_changes

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def pdf(name="bao-cao-tu-danh-gia.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def page_url(period) -> str:
    return reverse("round_scorecard:detail", args=[period.pk])


def leaves(period) -> list[Score]:
    return list(Score.objects.filter(period=period).select_related("criterion").order_by("criterion__sort_key"))


def self_assessed(period) -> list[Score]:
    return [s for s in leaves(period) if s.criterion.scoring_source not in SURVEY_SOURCES]


def score_of(period, code) -> Score:
    return Score.objects.select_related("criterion").get(period=period, criterion__code=code)


def fill_self(period, user, value=Decimal(1), overrides=None):
    """Self-assess every self-assessed leaf of `period` as `user` (the unit), through the service."""
    overrides = overrides or {}
    changes = [ScoreChange(s.pk, {"self_points": overrides.get(s.criterion.code, value), "explanation": "Đã thực hiện."})
               for s in self_assessed(period)]
    apply_score_changes(period, changes, actor=user, right=Right.SELF_ASSESS)


def step(round_, officer, *statuses):
    """Move the round along its steps (services.rounds), e.g. APPRAISAL then EXPLANATION."""
    for status in statuses:
        round_service.change_round_status(round_.pk, status, actor=officer)
    round_.refresh_from_db()


def grid_post(action, rows: dict, **extra) -> dict:
    """POST data of the grid: {score: {field: value}}; each row carries its current version."""
    data = {"action": action, **extra}
    for score, values in rows.items():
        score.refresh_from_db()
        data[f"s{score.pk}-version"] = str(score.version)
        for name, value in values.items():
            if isinstance(value, bool):
                if value:
                    data[f"s{score.pk}-{name}"] = "on"
            else:
                data[f"s{score.pk}-{name}"] = "" if value is None else str(value)
    return data


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


__all__ = ["PeriodStatus", "fill_self", "grid_post", "leaves", "page_url", "pdf", "private_media", "score_of",
           "self_assessed", "step", "texts"]
