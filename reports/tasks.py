"""Background tasks of the reports app (django-tasks; the database backend's worker runs
them in production: `manage.py db_worker`)."""
from django_tasks import task


@task()
def run_render_job(job_id: int) -> None:
    """Render a draft of the report or a round's document, or publish a report:
    reports.services.drafts.run."""
    from reports.services.drafts import run

    run(job_id)
