"""/healthz: anonymous, plain text or JSON, 200 when healthy and 500 otherwise; the worker
check reports a queue nobody takes work from; nothing sensitive in the answer."""
import json
from datetime import timedelta

import pytest
from django.core.files.storage import InMemoryStorage
from django.utils import timezone

pytestmark = pytest.mark.django_db

CHECKS = ("Database(alias='default')", "Cache(alias='default')", "Storage(alias='default')", "TaskWorkers(")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
SECRET_PATH = "/srv/secret-volume/private-media"


class BrokenStorage(InMemoryStorage):
    """A storage whose disk is gone: the error names a path the answer must not show."""

    def _save(self, name, content):
        raise OSError(f"[Errno 30] Read-only file system: '{SECRET_PATH}/{name}'")


def queue_a_render(minutes_ago=0):
    from django_tasks_db.models import DBTaskResult

    from reports.tasks import run_render_job

    result = run_render_job.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=minutes_ago))
    return result


def test_an_anonymous_monitor_gets_one_plain_line_per_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert all(line.startswith(check) for line, check in zip(lines, CHECKS, strict=True))
    assert all(line.endswith(": OK") for line in lines)
    # The default backend runs tasks in the request: nothing to wait for, healthy.
    assert "TaskWorkers(ImmediateBackend, tasks run inside the request): OK" in lines


def test_json_on_request(client):
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert len(data) == 4 and set(data.values()) == {"OK"}


def test_a_queue_no_worker_takes_from_is_reported(client, settings):
    settings.TASKS = DB_TASKS
    queue_a_render(minutes_ago=7)
    response = client.get("/healthz?format=text")
    assert response.status_code == 500
    line = next(ln for ln in response.content.decode().splitlines() if ln.startswith("TaskWorkers("))
    assert line.startswith("TaskWorkers(DatabaseBackend, queue waits under 5 min): Unavailable: 1 task(s) waiting longer than 5 min")
    assert "db_worker" in line
    # The other checks still answer on their own.
    assert "Database(alias='default'): OK" in response.content.decode()


def test_an_idle_worker_and_a_fresh_queue_are_healthy(client, settings):
    settings.TASKS = DB_TASKS
    assert client.get("/healthz").status_code == 200  # empty queue
    queue_a_render(minutes_ago=1)  # queued a minute ago: a worker polls every second
    response = client.get("/healthz")
    assert response.status_code == 200, response.content.decode()
    assert "TaskWorkers(DatabaseBackend, queue waits under 5 min): OK" in response.content.decode()


def test_a_failing_check_is_not_mailed_at_each_call(client, settings, mailoutbox):
    # The monitor alerts; a mail per call (every few seconds) would bury the real errors.
    settings.ADMINS = [("Quản trị", "quantri@example.vn")]
    settings.TASKS = DB_TASKS
    queue_a_render(minutes_ago=7)
    assert client.get("/healthz").status_code == 500
    assert mailoutbox == []


def test_the_threshold_is_a_setting(client, settings):
    settings.TASKS = DB_TASKS
    settings.WORKER_MAX_QUEUE_AGE = timedelta(seconds=30)
    queue_a_render(minutes_ago=1)
    response = client.get("/healthz")
    assert response.status_code == 500
    assert "waiting longer than 30 s" in response.content.decode()


def test_a_failing_storage_is_reported_without_its_details(client, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.BrokenStorage"}}
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    data = json.loads(response.content)
    assert data["Storage(alias='default')"] == "Unknown Error: unknown error"
    assert data["Database(alias='default')"] == "OK"
    assert "secret-volume" not in response.content.decode()


def test_allowed_hosts_still_apply(client):
    assert client.get("/healthz", HTTP_HOST="attacker.example").status_code == 400


def test_a_local_monitor_over_http_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # every other page still is
