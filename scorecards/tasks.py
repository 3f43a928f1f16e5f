"""Background tasks of the scorecards app (django-tasks; the database backend's worker runs
them in production: `manage.py db_worker`)."""
from django_tasks import task


@task()
def run_import_job(job_id: int) -> None:
    """Read and check an uploaded file (the preview), or import it (the confirm), as its
    uploader: scorecards.transfer.jobs.run."""
    from scorecards.transfer.jobs import run

    run(job_id)


@task()
def deliver_mail(subject: str, body: str, recipients: list[str]) -> int:
    """Send one mail written by scorecards.services.notifications: returns the number sent
    (0 or 1); SMTP errors raise, and the task result keeps them."""
    from django.conf import settings
    from django.core.mail import send_mail

    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
