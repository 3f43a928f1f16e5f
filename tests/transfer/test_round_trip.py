"""An exported file re-imports to the same state; importing the same file twice changes
nothing the second time (no rows, no history, no audit). Run on SQLite and PostgreSQL."""
import pytest

from scorecards.models import AuditEvent, Score
from scorecards.resources import services

from .conftest import SCORE_HEADER, csv_bytes, xlsx

KINDS = ["scores", "assignments", "sipas", "agencies", "provinces", "national-results", "criteria", "questionnaire"]


def scope_for(slug, period):
    if slug == "criteria":
        return period.framework
    if slug == "questionnaire":
        return period.sipas_questionnaire
    return period if slug in ("scores", "assignments", "sipas") else None


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("slug", KINDS)
def test_an_exported_file_reimports_unchanged(slug, fmt, appraisal_2024, officer, db_state):
    scope = scope_for(slug, appraisal_2024)
    data = services.export(slug, fmt, scope=scope)
    before = db_state()
    preview = services.run_import(slug, data, f"export.{fmt}", scope=scope, actor=officer, dry_run=False)
    assert preview.ok, [str(e) for e in preview.errors]
    assert not preview.new and not preview.changed and preview.unchanged
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_round_trip_restores_the_exported_state(fmt, open_period, officer, db_state):
    """Export, change the database, import the export: the database is back as it was."""
    data = services.export("scores", fmt, scope=open_period)
    scores_before = sorted(Score.objects.filter(period=open_period).values_list("criterion__code", "self_points", "explanation"))
    services.run_import("scores", csv_bytes([SCORE_HEADER, ["2.3.2", "0,25", "=1+1 sửa tay", "", ""]]), "edit.csv",
                        scope=open_period, actor=officer, dry_run=False)
    assert Score.objects.get(period=open_period, criterion__code="2.3.2").explanation == "=1+1 sửa tay"
    preview = services.run_import("scores", data, f"export.{fmt}", scope=open_period, actor=officer, dry_run=False)
    assert preview.applied and len(preview.changed) == 1
    after = sorted(Score.objects.filter(period=open_period).values_list("criterion__code", "self_points", "explanation"))
    assert after == scores_before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(open_period, officer, db_state):
    data = xlsx([SCORE_HEADER, ["2.3.2", "0,75", "Đã ban hành 3 văn bản", "", ""], ["1.3", " 0.5 ", "", "", ""]])
    first = services.run_import("scores", data, "a.xlsx", scope=open_period, actor=officer, dry_run=False)
    assert first.applied and len(first.changed) == 2
    history = Score.history.count()
    audits = AuditEvent.objects.count()
    before = db_state()
    second = services.run_import("scores", data, "a.xlsx", scope=open_period, actor=officer, dry_run=False)
    assert second.ok and not second.changed and len(second.unchanged) == 2
    assert (Score.history.count(), AuditEvent.objects.count()) == (history, audits)
    assert db_state() == before


@pytest.mark.postgres
def test_round_trip_runs_on_postgresql(appraisal_2024, officer):
    from django.db import connection

    assert connection.vendor == "postgresql"
    data = services.export("scores", "xlsx", scope=appraisal_2024)
    preview = services.run_import("scores", data, "export.xlsx", scope=appraisal_2024, actor=officer, dry_run=False)
    assert preview.ok and not preview.changed
