from django.urls import path

from scorecards.views import evidence, log, review, score, workspace

app_name = "scorecards"
urlpatterns = [
    path("", workspace.home, name="home"),
    path("tieu-chi/", workspace.WorkspaceView.as_view(), name="workspace"),
    path("diem/<int:pk>/", score.ScoreDetailView.as_view(), name="score"),
    path("tai-lieu/<int:pk>/", evidence.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("tai-lieu/<int:pk>/xoa/", evidence.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("duyet/", review.ReviewQueueView.as_view(), name="queue"),
    path("tien-do/", review.BoardIndexView.as_view(), name="board_index"),
    path("tien-do/<int:period_id>/", review.ProgressBoardView.as_view(), name="board"),
    path("tien-do/<int:period_id>/ngoai-le/", review.GrantExceptionView.as_view(), name="grant_exception"),
    path("tien-do/<int:period_id>/giai-doan/", review.PeriodStepView.as_view(), name="period_step"),
    path("nhat-ky/", log.AuditLogView.as_view(), name="log"),
]
