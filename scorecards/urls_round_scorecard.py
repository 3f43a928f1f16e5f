"""A subject's scorecard in a province's own round (mounted at /dot-danh-gia/phieu/)."""
from django.urls import path

from scorecards.views import round_scorecard, round_scorecard_files

app_name = "round_scorecard"
urlpatterns = [
    path("<int:period_id>/", round_scorecard.RoundScorecardView.as_view(), name="detail"),
    path("<int:period_id>/bao-cao-tu-danh-gia/", round_scorecard_files.SelfReportDownloadView.as_view(), name="self_report"),
    path("<int:period_id>/thuong-tru/<int:pk>/tai-lieu/", round_scorecard_files.AdjustmentEvidenceDownloadView.as_view(),
         name="adjustment_evidence"),
]
