from django.urls import path

from scorecards.views import home

app_name = "scorecards"
urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
]
