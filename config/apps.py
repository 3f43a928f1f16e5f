"""The project package as an app, so that its system checks are registered at start-up."""
from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "config"
    verbose_name = "Chỉ số CCHC (cấu hình)"

    def ready(self):
        from config import checks  # noqa: F401  (registers the deploy checks)
