from django.contrib import admin
from django.urls import include, path

from config.health import HealthView

urlpatterns = [
    # Monitoring: anonymous, plain text, 200 when healthy, 500 otherwise (config/health.py).
    path("healthz", HealthView.as_view(), name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reports/dot/", include("reports.urls_rounds")),
    path("reports/", include("reports.urls")),
    path("dot-danh-gia/phieu/", include("scorecards.urls_round_scorecard")),
    path("dot-danh-gia/", include("scorecards.urls_rounds")),
    path("", include("scorecards.urls")),
]
