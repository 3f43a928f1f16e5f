from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:year>/", views.preview, name="preview"),
    path("<int:year>/pdf/", views.pdf, name="pdf"),
    path("<int:year>/docx/", views.docx, name="docx"),
    path("<int:year>/tong-quan/", views.dashboard, name="dashboard"),
    path("<int:year>/phat-hanh/", views.publish, name="publish"),
]

# The leaders' analysis pages of a year (issue 15), each module owning its URLs.
from . import views_plan, views_whatif, views_winback  # noqa: E402

urlpatterns += views_winback.urlpatterns + views_whatif.urlpatterns + views_plan.urlpatterns
