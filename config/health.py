"""/healthz for monitoring (django-health-check 4.8): database, cache, private-media
storage and the background workers.

Anonymous, never cached, one line per check, HTTP 200 when every check passes and 500
otherwise (the library's contract):

    Database(alias='default'): OK
    Cache(alias='default'): OK
    Storage(alias='default'): OK
    TaskWorkers(DatabaseBackend, queue waits under 5 min): OK

Plain text unless JSON is asked for (`Accept: application/json` or `?format=json`). The
messages name no host, path, user or task: a failing check says what failed, the logs say
why (django-health-check logs the exception on logger `health_check`).
"""
from __future__ import annotations

import dataclasses

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from health_check import Cache, Database, Storage
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


def database_task_backends() -> list[str]:
    """The aliases of settings.TASKS whose backend queues in the database (django-tasks-db)."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return [alias for alias in settings.TASKS if isinstance(task_backends[alias], DatabaseBackend)]


def _backend_label() -> str:
    from django_tasks import task_backends

    return ", ".join(sorted({type(task_backends[alias]).__name__ for alias in settings.TASKS}))


def _max_wait() -> str:
    seconds = int(settings.WORKER_MAX_QUEUE_AGE.total_seconds())
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


@dataclasses.dataclass
class TaskWorkers(HealthCheck):
    """The background workers keep up with the queue.

    django-tasks-db records no heartbeat (a worker writes only when it claims a task), so
    the check looks at what the workers leave behind: a task READY for longer than
    settings.WORKER_MAX_QUEUE_AGE (a timedelta) means no worker is taking work (stopped,
    stuck, or too few). An idle worker with an empty queue is healthy; so is a backend that
    runs the task inside the request (ImmediateBackend: the demo, the tests).
    Raises ServiceUnavailable naming how many tasks wait and since when.
    """

    def __repr__(self) -> str:
        label = _backend_label()
        if database_task_backends():
            return f"TaskWorkers({label}, queue waits under {_max_wait()})"
        if label == "ImmediateBackend":
            return f"TaskWorkers({label}, tasks run inside the request)"
        return f"TaskWorkers({label}, no queue to watch)"

    async def run(self) -> None:
        # On the request's own thread (and database connection), like the rest of the view's ORM work.
        await sync_to_async(self.check_queue, thread_sensitive=True)()

    def check_queue(self) -> None:
        from django_tasks_db.models import DBTaskResult, get_date_max

        aliases = database_task_backends()
        if not aliases:
            return
        cutoff = timezone.now() - settings.WORKER_MAX_QUEUE_AGE
        # Waiting since it was queued, or since its run_after came (a task scheduled for later).
        late = (
            DBTaskResult.objects.ready()
            .filter(backend_name__in=aliases, enqueued_at__lte=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lte=cutoff))
            .order_by()
            .aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
        )
        if late["count"]:
            oldest = timezone.localtime(late["oldest"]).strftime("%d/%m/%Y %H:%M")
            raise ServiceUnavailable(
                f"{late['count']} task(s) waiting longer than {_max_wait()} "
                f"(oldest queued {oldest}): is `manage.py db_worker` running?"
            )


CHECKS = (Database, Cache, Storage, TaskWorkers)


class HealthView(HealthCheckView):
    """The library's view with our checks; plain text where it would render its HTML page."""

    checks = CHECKS

    def render_to_response(self, context, **response_kwargs):
        return self.render_to_response_text(response_kwargs.get("status", 200))
