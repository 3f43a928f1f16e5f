from django.http import Http404
from django.urls import path

app_name = "reports"


def preview(request, year):  # replaced by the report views (issue 3)
    raise Http404


urlpatterns = [path("<int:year>/", preview, name="preview")]
