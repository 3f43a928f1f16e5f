from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.health import HealthView

urlpatterns = [
    # Monitoring: anonymous, plain text, 200 when healthy, 500 otherwise (config/health.py).
    path("healthz", HealthView.as_view(), name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # One login page: the admin's sends to the site's, keeping ?next= (django-axes throttles
    # that one page; its "Quên mật khẩu?" leads to the password reset).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reports/dot/", include("reports.urls_rounds")),
    path("reports/", include("reports.urls")),
    path("dot-danh-gia/phieu/", include("scorecards.urls_round_scorecard")),
    path("dot-danh-gia/", include("scorecards.urls_rounds")),
    path("", include("scorecards.urls")),
]

# Vietnamese error pages in the site's layout, with the message the code gave (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
