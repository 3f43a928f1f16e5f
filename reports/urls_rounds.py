"""Documents of a province's own round (mounted at /reports/dot/)."""
from django.urls import path

from . import views_rounds as views

app_name = "round_reports"
urlpatterns = [
    path("<int:round_id>/", views.downloads, name="downloads"),
    path("<int:round_id>/phu-luc/<str:fmt>/", views.annex, name="annex"),
    path("<int:round_id>/phan-tich/", views.analysis, name="analysis"),
    path("<int:round_id>/phan-tich/pdf/", views.analysis_pdf, name="analysis_pdf"),
    path("phieu/<int:period_id>/<str:fmt>/", views.scorecard, name="scorecard"),
]
