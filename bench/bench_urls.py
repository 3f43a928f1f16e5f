"""The project's URLs plus /bench-static/<file> (login required): see bench_settings."""
import os

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.static import serve

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench-static/<path:path>", login_required(serve), {"document_root": os.environ["BENCH_FILES"]}),
    *project_urlpatterns,
]
