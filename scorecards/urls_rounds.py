"""The round-level pages of a province's own index, mounted at /dot-danh-gia/."""
from django.urls import path

from scorecards.views import rounds, rounds_actions

app_name = "rounds"
urlpatterns = [
    path("", rounds.RoundListView.as_view(), name="list"),
    path("<int:round_id>/", rounds.RoundBoardView.as_view(), name="board"),
    path("<int:round_id>/ban-do-nhiet/", rounds.RoundHeatmapView.as_view(), name="heatmap"),
    path("<int:round_id>/xep-hang/", rounds.RoundRankingView.as_view(), name="ranking"),
    path("<int:round_id>/giai-doan/", rounds_actions.RoundStepView.as_view(), name="step"),
    path("<int:round_id>/nhom/<int:group_id>/tao-phieu/", rounds_actions.PopulateGroupView.as_view(), name="populate"),
    path("<int:round_id>/nhom/<int:group_id>/them/", rounds_actions.AddSubjectView.as_view(), name="add_subject"),
    path("<int:round_id>/doi-tuong/<int:period_id>/bo/", rounds_actions.RemoveSubjectView.as_view(), name="remove_subject"),
    path("don-vi/<int:agency_id>/", rounds.SubjectHistoryView.as_view(), name="subject"),
]
